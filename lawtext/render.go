package lawtext

import "strings"

// group is a run of lines that the canonical form keeps together; one blank
// line separates two groups. Every heading is a group of its own.
type group int

const (
	titleGroup group = iota + 1
	preambleGroup
	headingGroup
	bodyGroup // articles and heading notes
)

// writer writes canonical lines, inserting the blank lines between groups.
type writer struct {
	b    strings.Builder
	last group
}

func (w *writer) line(g group, s string) {
	w.start(g)
	w.b.WriteString(s)
	w.b.WriteByte('\n')
}

// article writes a's lines without building a's text first.
func (w *writer) article(a *Article) {
	w.start(bodyGroup)
	a.write(&w.b)
	w.b.WriteByte('\n')
}

// start writes the blank line that separates g from the previous group.
func (w *writer) start(g group) {
	if w.last != 0 && (g != w.last || g == headingGroup) {
		w.b.WriteByte('\n')
	}
	w.last = g
}

// Render writes d in the canonical form described in the package comment.
// It ends with a newline unless d is empty, in which case it returns "".
func Render(d Document) string {
	var w writer
	if d.Title != "" {
		w.line(titleGroup, d.Title)
	}
	for _, p := range d.Preamble {
		w.line(preambleGroup, p)
	}
	for _, b := range d.Blocks {
		switch {
		case b.Heading != nil:
			w.line(headingGroup, b.Heading.Line())
			for _, n := range b.Heading.Notes {
				w.line(bodyGroup, n)
			}
		case b.Article != nil:
			w.article(b.Article)
		}
	}
	return w.b.String()
}

// Normalize returns text in the canonical form that Render writes — LF line
// ends, no BOM, lines trimmed, blank lines only around the title, the
// preamble and headings, the 目录 removed, labels and separators canonical —
// without building a Document. Render(Parse(text)) == Normalize(text) for
// every text.
func Normalize(text string) string {
	var (
		w       writer
		f       frontMatter
		lastNum int
		// State of the current article; inArticle is false after a heading.
		inArticle bool
		hasPara   bool   // the article has a first paragraph (possibly empty, before an item)
		inItem    bool   // the last line written was an item or a sub-item
		pending   string // an article label whose first 款 has not been seen yet
	)
	w.b.Grow(len(text))
	for _, l := range splitLines(text) {
		c := classify(l, lastNum+1)
		switch f.front(l, c) {
		case "title":
			w.line(titleGroup, l)
			continue
		case "preamble":
			w.line(preambleGroup, l)
			continue
		case "skip":
			continue
		}
		if l == "" {
			continue
		}
		if pending != "" && (c.kind == headingLine || c.kind == articleLine || c.kind == itemLine) {
			w.line(bodyGroup, pending)
			pending = ""
		}
		switch {
		case c.kind == headingLine:
			h := Heading{Label: c.label, Title: c.text}
			w.line(headingGroup, h.Line())
			inArticle = false
		case c.kind == articleLine:
			if c.text != "" {
				w.line(bodyGroup, c.label+labelSep+c.text)
			} else {
				pending = c.label // its first 款 may follow on the next line
			}
			inArticle, hasPara, inItem = true, c.text != "", false
			lastNum = c.number
		case !inArticle:
			w.line(bodyGroup, l)
		case c.kind == itemLine:
			w.line(bodyGroup, c.label+c.text)
			hasPara, inItem = true, true
		case c.kind == subItemLine && inItem:
			w.line(bodyGroup, c.label+c.text)
		case !hasPara:
			// The label stood alone on its line: this line is the first 款.
			w.line(bodyGroup, pending+labelSep+l)
			pending = ""
			hasPara = true
		default:
			w.line(bodyGroup, l)
			inItem = false
		}
	}
	if pending != "" {
		w.line(bodyGroup, pending)
	}
	return w.b.String()
}
