package lawtext

// phase is where a reader of the text stands; Parse and Normalize walk the
// same phases.
type phase int

const (
	beforeTitle phase = iota // nothing seen yet
	inPreamble               // after the title, before the body
	inTOC                    // inside the 目录
	inBody                   // from the first heading or article on
)

// frontMatter tracks the part of the text before the body: the title, the
// preamble and the 目录. Parse and Normalize share it so that they agree on
// where the body starts.
type frontMatter struct {
	phase    phase
	tocFirst *line // first heading listed in the 目录
}

// front consumes l if it belongs before the body and says what it is:
// "title", "preamble", "skip" (目录 or blank), or "" when l is body.
func (f *frontMatter) front(l string, c line) string {
	if f.phase == inBody {
		return ""
	}
	if l == "" {
		return "skip"
	}
	switch f.phase {
	case beforeTitle, inPreamble:
		if isTOCLine(l) {
			f.phase = inTOC
			return "skip"
		}
		if c.kind == headingLine || c.kind == articleLine {
			f.phase = inBody
			return ""
		}
		if f.phase == beforeTitle {
			f.phase = inPreamble
			return "title"
		}
		return "preamble"
	case inTOC:
		switch c.kind {
		case articleLine:
			f.phase = inBody
			return ""
		case headingLine:
			if f.tocFirst == nil {
				f.tocFirst = &c
				return "skip"
			}
			if c.level == f.tocFirst.level && c.number == f.tocFirst.number {
				f.phase = inBody
				return ""
			}
		}
		return "skip"
	}
	return ""
}

// Parse reads a legal text pasted as plain text. Lines are recognised as:
//   - the title: the first non-empty line, unless it is a heading, an article
//     or the 目录 line;
//   - the preamble: lines after the title until the 目录 or the body;
//   - the 目录: the line "目录" (spaced or not) and every line after it until
//     the first article or until the first listed heading appears again;
//   - headings: "第X编", "第X章", "第X节" followed by a space (U+3000 or ASCII)
//     and the title, or alone on the line;
//   - articles: "第X条" followed by a space and the first paragraph, or alone
//     on the line (the next line is then the first paragraph); "第X条"
//     directly followed by text starts an article only if X follows the
//     previous article's number;
//   - items: lines starting "（一）" or "(一)" inside an article;
//   - sub-items: lines starting "1." / "1．" / "1、" right after an item;
//   - paragraphs: any other line inside an article.
//
// Blank lines carry no meaning. Numbers are kept as written, never
// renumbered: see Document.Gaps and Document.Duplicates.
//
// Parse never panics and never rejects input: when no article is found it
// returns the partial Document with ErrNoArticles.
func Parse(text string) (Document, error) {
	var (
		d         Document
		f         frontMatter
		path      [3]*Heading // enclosing 编, 章, 节
		heading   *Heading    // current heading, until an article follows it
		article   *Article    // current article
		lastNum   int
		nArticles int
	)
	for _, l := range splitLines(text) {
		c := classify(l, lastNum+1)
		switch f.front(l, c) {
		case "title":
			d.Title = l
			continue
		case "preamble":
			d.Preamble = append(d.Preamble, l)
			continue
		case "skip":
			continue
		}
		if l == "" {
			continue
		}
		switch c.kind {
		case headingLine:
			h := &Heading{Level: c.level, Number: c.number, Label: c.label, Title: c.text}
			path[c.level-1] = h
			for i := int(c.level); i < len(path); i++ {
				path[i] = nil
			}
			d.Blocks = append(d.Blocks, Block{Heading: h})
			heading, article = h, nil
			continue
		case articleLine:
			article = &Article{Number: c.number, Label: c.label, Chapter: chapterPath(path)}
			if c.text != "" {
				article.Paragraphs = []Paragraph{{Text: c.text}}
			}
			d.Blocks = append(d.Blocks, Block{Article: article})
			heading = nil
			lastNum = c.number
			nArticles++
			continue
		}
		if article == nil {
			heading.Notes = append(heading.Notes, l)
			continue
		}
		ps := article.Paragraphs
		switch {
		case c.kind == itemLine:
			if len(ps) == 0 {
				ps = append(ps, Paragraph{})
			}
			p := &ps[len(ps)-1]
			p.Items = append(p.Items, Item{Label: c.label, Text: c.text})
		case c.kind == subItemLine && len(ps) > 0 && len(ps[len(ps)-1].Items) > 0:
			items := ps[len(ps)-1].Items
			it := &items[len(items)-1]
			it.SubItems = append(it.SubItems, SubItem{Label: c.label, Text: c.text})
		default: // a further 款, or the first when the label line had no text
			ps = append(ps, Paragraph{Text: l})
		}
		article.Paragraphs = ps
	}
	if nArticles == 0 {
		return d, ErrNoArticles
	}
	return d, nil
}

// chapterPath formats the enclosing headings for Article.Chapter.
func chapterPath(path [3]*Heading) string {
	s := ""
	for _, h := range path {
		if h == nil {
			continue
		}
		if s != "" {
			s += " / "
		}
		s += h.Label
		if h.Title != "" {
			s += " " + h.Title
		}
	}
	return s
}
