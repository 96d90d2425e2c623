package web

import (
	"strconv"

	"yugongkai/lawtext"
)

// The consultation page's table of contents: the draft's 编/章/节 headings,
// each with a jump link, the articles under it and the number of published
// comments on them, so a resident on a phone reaches any article of a long
// law in two taps instead of forty screens.

// tocArticle is one article in the table of contents.
type tocArticle struct {
	ID, Label string
	Number    int
	Comments  int
}

// tocEntry is one heading with the articles directly under it, or the
// articles before the first heading (Heading nil).
type tocEntry struct {
	Heading  *lawtext.Heading
	Anchor   string
	Depth    int // 0 for the largest heading level present
	Articles []tocArticle
	// Comments counts the published comments on the articles under this
	// heading, its subheadings' included.
	Comments int
}

// First and Last are the labels of the first and last article directly
// under the heading.
func (e tocEntry) First() string { return e.Articles[0].Label }
func (e tocEntry) Last() string  { return e.Articles[len(e.Articles)-1].Label }

// headingAnchor is the id of the i-th block when it is a heading.
func headingAnchor(i int) string { return "sec-" + strconv.Itoa(i) }

// tableOfContents lays out blocks (see blocksOf) as a table of contents;
// counts maps article ids to published comments (nil shows none).
func tableOfContents(blocks []block, counts map[string]int) []tocEntry {
	var out []tocEntry
	minLevel := 0
	for _, b := range blocks {
		if b.Heading != nil && (minLevel == 0 || b.Level < minLevel) {
			minLevel = b.Level
		}
	}
	// open holds the index in out of the innermost entry at each depth, so
	// an article's comments count for every enclosing heading.
	var open []int
	for _, b := range blocks {
		switch {
		case b.Heading != nil:
			depth := b.Level - minLevel
			for len(open) > depth {
				open = open[:len(open)-1]
			}
			out = append(out, tocEntry{Heading: b.Heading, Anchor: b.Anchor, Depth: depth})
			open = append(open, len(out)-1)
		case b.Article != nil && b.Article.ID != "":
			if len(out) == 0 {
				out = append(out, tocEntry{})
			}
			n := counts[b.Article.ID]
			last := &out[len(out)-1]
			last.Articles = append(last.Articles, tocArticle{ID: b.Article.ID, Label: b.Article.Label, Number: b.Article.Number, Comments: n})
			if len(open) == 0 {
				last.Comments += n
			}
			for _, i := range open {
				out[i].Comments += n
			}
		}
	}
	return out
}
