package redline

import (
	"html"
	"strings"
)

// heading returns "第十二条", or "第十二条 → 第十三条" when the label changed.
func (c Change) heading() string {
	switch {
	case c.FromLabel == "":
		return c.ToLabel
	case c.ToLabel == "" || c.ToLabel == c.FromLabel:
		return c.FromLabel
	}
	return c.FromLabel + " → " + c.ToLabel
}

// HTML renders the redline as an HTML fragment: one
// <section class="art art-{kind}" id="art-{ID}" data-kind="{kind}"> per change, with a
// heading that names the kind in words (【修改】…) and the label(s), and the text with
// <del> and <ins> elements. Browsers strike through <del> and underline <ins>, so the
// change is not shown by colour alone. All text is escaped with html.EscapeString.
// Newlines become <br>.
func (r Redline) HTML() string {
	var sb strings.Builder
	sb.WriteString("<div class=\"redline\">\n")
	for _, c := range r.Changes {
		kind := html.EscapeString(string(c.Kind))
		sb.WriteString(`<section class="art art-` + kind + `" id="art-` + html.EscapeString(c.ID) +
			`" data-kind="` + kind + `">` + "\n")
		sb.WriteString(`<h3 class="art-head"><span class="art-kind">【` + html.EscapeString(c.Kind.Label()) + `】</span>`)
		if c.Moved && c.Kind != Moved {
			sb.WriteString(`<span class="art-kind art-moved">【` + Moved.Label() + `】</span>`)
		}
		sb.WriteString(` <span class="art-label">` + html.EscapeString(c.heading()) + "</span></h3>\n")
		sb.WriteString(`<p class="art-text">`)
		for _, s := range c.Spans {
			text := strings.ReplaceAll(html.EscapeString(s.Text), "\n", "<br>\n")
			switch s.Op {
			case Insert:
				sb.WriteString("<ins>" + text + "</ins>")
			case Delete:
				sb.WriteString("<del>" + text + "</del>")
			default:
				sb.WriteString(text)
			}
		}
		sb.WriteString("</p>\n</section>\n")
	}
	sb.WriteString("</div>\n")
	return sb.String()
}

// Unified renders the changed articles as text for a terminal, in the manner of a
// unified diff: a header per article "@@ 第十二条 → 第十三条 修改 modified @@", then its
// lines prefixed with "  " (unchanged), "- " (old) or "+ " (new). Within a replaced
// block, deleted text is marked [-like this-] and inserted text {+like this+}.
// Unchanged articles are left out; renumbered and moved ones only get their header.
func (r Redline) Unified() string {
	var sb strings.Builder
	for _, c := range r.Changes {
		if c.Kind == Unchanged {
			continue
		}
		sb.WriteString("@@ " + c.heading() + " " + c.Kind.Label() + " " + string(c.Kind))
		if c.Moved && c.Kind != Moved {
			sb.WriteString(" (" + Moved.Label() + " moved)")
		}
		sb.WriteString(" @@\n")
		switch c.Kind {
		case Added:
			writeLines(&sb, "+ ", c.ToText)
		case Deleted:
			writeLines(&sb, "- ", c.FromText)
		case Modified:
			unifiedLines(&sb, c.FromText, c.ToText)
		}
	}
	return sb.String()
}

func writeLines(sb *strings.Builder, prefix, text string) {
	for line := range strings.SplitSeq(text, "\n") {
		sb.WriteString(prefix + line + "\n")
	}
}

// unifiedLines diffs two texts line by line and writes the result, marking the changes
// inside replaced blocks at rune level.
func unifiedLines(sb *strings.Builder, from, to string) {
	la, lb := strings.Split(from, "\n"), strings.Split(to, "\n")
	ids := make(map[string]int32)
	toIDs := func(lines []string) []int32 {
		out := make([]int32, len(lines))
		for i, l := range lines {
			id, ok := ids[l]
			if !ok {
				id = int32(len(ids))
				ids[l] = id
			}
			out[i] = id
		}
		return out
	}
	var d differ
	d.myers(toIDs(la), toIDs(lb))
	i := 0
	for _, s := range toSegments(d.edits) {
		if s.eq {
			for ; i < s.a1; i++ {
				sb.WriteString("  " + la[i] + "\n")
			}
			continue
		}
		oldBlock, newBlock := la[s.a0:s.a1], lb[s.b0:s.b1]
		i = s.a1
		if len(oldBlock) == 0 || len(newBlock) == 0 {
			for _, l := range oldBlock {
				sb.WriteString("- " + l + "\n")
			}
			for _, l := range newBlock {
				sb.WriteString("+ " + l + "\n")
			}
			continue
		}
		spans := Diff(strings.Join(oldBlock, "\n"), strings.Join(newBlock, "\n"))
		writeLines(sb, "- ", marked(spans, Delete, "[-", "-]"))
		writeLines(sb, "+ ", marked(spans, Insert, "{+", "+}"))
	}
}

// marked returns one side of a diff (op Delete: old, Insert: new) with that side's
// changes between open and close markers.
func marked(spans []Span, op SpanOp, open, close string) string {
	var sb strings.Builder
	for _, s := range spans {
		switch s.Op {
		case Equal:
			sb.WriteString(s.Text)
		case op:
			sb.WriteString(open + s.Text + close)
		}
	}
	return sb.String()
}
