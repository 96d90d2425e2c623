// Package lawtext parses the pasted plain text of a Chinese legal text
// (法律、法规、规章、规范性文件) into its structure — 编/章/节 headings,
// 条 articles, 款 paragraphs, 项 items and 目 sub-items — and renders it back in
// one canonical form.
//
// The canonical form is what Render writes and what Normalize returns: LF line
// ends, no BOM, no leading or trailing spaces on a line, the 目录 (table of
// contents) removed, the title, the preamble and every heading separated by
// exactly one blank line, no blank line between articles, labels written with
// canonical Chinese numerals ("第十二条", "（三）") and followed by one
// ideographic space U+3000 ("第十二条　…", "第一章　总则").
//
// For every input x, Render(Parse(x)) == Normalize(x), and Parse(Render(d))
// returns d again; the package tests check both on the corpus and by fuzzing.
package lawtext

import (
	"errors"
	"sort"
	"strings"
)

// ErrNoArticles is returned by Parse when the text holds no article (第X条).
// The Document is still filled with whatever was recognised (title,
// preamble, headings), so a caller can show "未识别到条文" next to it.
var ErrNoArticles = errors.New("lawtext: no article found")

// HeadingLevel is the rank of a heading: 编 above 章 above 节.
type HeadingLevel int

// Heading levels, from the largest division to the smallest.
const (
	Part    HeadingLevel = iota + 1 // 编
	Chapter                         // 章
	Section                         // 节
)

// String returns the character that names the level: 编, 章 or 节.
func (l HeadingLevel) String() string {
	switch l {
	case Part:
		return "编"
	case Chapter:
		return "章"
	case Section:
		return "节"
	}
	return "?"
}

// Heading is a 编, 章 or 节 heading line.
type Heading struct {
	Level  HeadingLevel
	Number int
	Label  string // canonical, e.g. "第一章"
	Title  string // e.g. "总则"; full-width spaces inside the title ("总　　则") are removed
	// Notes holds lines found between the heading and the next article, which
	// legal texts do not normally have; they are kept so no pasted text is lost.
	Notes []string
}

// Line returns the heading as it is rendered, e.g. "第一章　总则".
func (h Heading) Line() string {
	if h.Title == "" {
		return h.Label
	}
	return h.Label + labelSep + h.Title
}

// SubItem is a 目, e.g. "1." under an item.
type SubItem struct {
	Label string // as written: "1.", "1．" or "1、"
	Text  string
}

// Item is a 项, e.g. "（一）…", belonging to the paragraph above it.
type Item struct {
	Label    string // canonical full-width form, e.g. "（一）", also for input written "(一)"
	Text     string
	SubItems []SubItem
}

// Paragraph is a 款: one line of an article, with the items that follow it.
// The first paragraph of an article is the text on the article's label line.
type Paragraph struct {
	Text  string
	Items []Item
}

// Article is a 条.
type Article struct {
	// ID is left empty by Parse; the caller assigns ids that stay stable
	// across versions of the same text.
	ID     string
	Number int    // 第十二条 -> 12
	Label  string // canonical, e.g. "第十二条"
	// Chapter locates the article: the enclosing headings from the largest to
	// the smallest, each as label, one ASCII space, title, joined by " / ",
	// e.g. "第三章 违反治安管理的行为和处罚 / 第一节 扰乱公共秩序的行为和处罚".
	// It is empty for an article that precedes every heading.
	Chapter    string
	Paragraphs []Paragraph
}

// labelSep separates a label from the text after it in the canonical form.
const labelSep = "\u3000"

// Text returns the article exactly as Render writes it, label line included
// and without a final newline. It is the text to diff and hash.
func (a Article) Text() string {
	var b strings.Builder
	a.write(&b)
	return b.String()
}

// Body returns the article's text without its label: the first paragraph,
// then every further line.
func (a Article) Body() string {
	var b strings.Builder
	a.writeBody(&b)
	return strings.TrimPrefix(b.String(), "\n")
}

func (a Article) write(b *strings.Builder) {
	b.WriteString(a.Label)
	if len(a.Paragraphs) > 0 && a.Paragraphs[0].Text != "" {
		b.WriteString(labelSep)
	}
	a.writeBody(b)
}

// writeBody writes the first paragraph's text and every further line, each
// line after the first preceded by "\n".
func (a Article) writeBody(b *strings.Builder) {
	for i, p := range a.Paragraphs {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Text)
		for _, it := range p.Items {
			b.WriteByte('\n')
			b.WriteString(it.Label)
			b.WriteString(it.Text)
			for _, s := range it.SubItems {
				b.WriteByte('\n')
				b.WriteString(s.Label)
				b.WriteString(s.Text)
			}
		}
	}
}

// Block is one element of the body: exactly one of Heading and Article is set.
type Block struct {
	Heading *Heading
	Article *Article
}

// Document is a parsed legal text.
type Document struct {
	Title string
	// Preamble holds the lines between the title and the body, e.g. the
	// parenthesised adoption and amendment history.
	Preamble []string
	Blocks   []Block
}

// Articles returns the document's articles in text order.
func (d Document) Articles() []Article {
	var as []Article
	for _, b := range d.Blocks {
		if b.Article != nil {
			as = append(as, *b.Article)
		}
	}
	return as
}

// Headings returns the document's headings in text order.
func (d Document) Headings() []Heading {
	var hs []Heading
	for _, b := range d.Blocks {
		if b.Heading != nil {
			hs = append(hs, *b.Heading)
		}
	}
	return hs
}

// Gaps returns, in increasing order, the article numbers between 1 and the
// highest number present that no article carries. A complete text has none.
func (d Document) Gaps() []int {
	seen := map[int]bool{}
	max := 0
	for _, b := range d.Blocks {
		if b.Article != nil {
			seen[b.Article.Number] = true
			if b.Article.Number > max {
				max = b.Article.Number
			}
		}
	}
	var gaps []int
	for n := 1; n <= max; n++ {
		if !seen[n] {
			gaps = append(gaps, n)
		}
	}
	return gaps
}

// Duplicates returns, in increasing order, the article numbers carried by
// more than one article.
func (d Document) Duplicates() []int {
	count := map[int]int{}
	for _, b := range d.Blocks {
		if b.Article != nil {
			count[b.Article.Number]++
		}
	}
	var dups []int
	for n, c := range count {
		if c > 1 {
			dups = append(dups, n)
		}
	}
	sort.Ints(dups)
	return dups
}
