package docx_test

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"

	"yugongkai/docx"
	"yugongkai/internal/corpus"
	"yugongkai/lawtext"
)

// articleLabel matches a typed article label at the start of a line.
var articleLabel = regexp.MustCompile(`^第[零〇一二三四五六七八九十百千]+条[　 ]*`)

// TestCorpusThroughWordNumbering writes each corpus text into a .docx whose
// article labels come from Word's automatic list numbering (removed from the
// text, as a drafting office's template draws them), and checks that the
// text read back parses to the same articles, chapter by chapter, as the
// original.
func TestCorpusThroughWordNumbering(t *testing.T) {
	for _, name := range []string{"animal-epidemic-prevention-law/final.txt", "public-security-admin-penalties-law/draft.txt"} {
		t.Run(name, func(t *testing.T) {
			src := corpus.Read(t, name)
			want, err := lawtext.Parse(src)
			if err != nil {
				t.Fatal(err)
			}
			var body strings.Builder
			for _, line := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
				if loc := articleLabel.FindStringIndex(line); loc != nil {
					body.WriteString(numbered("3", "0", html.EscapeString(line[loc[1]:])))
					continue
				}
				body.WriteString(p(html.EscapeString(line)))
			}
			data := build(t, map[string]string{"word/document.xml": document(body.String()), "word/numbering.xml": articleNumbering})
			text, err := docx.Text(data)
			if err != nil {
				t.Fatal(err)
			}
			got, err := lawtext.Parse(text)
			if err != nil {
				t.Fatal(err)
			}
			ga, wa := got.Articles(), want.Articles()
			if len(ga) != len(wa) {
				t.Fatalf("%d articles through Word, want %d", len(ga), len(wa))
			}
			for i := range wa {
				if ga[i].Label != wa[i].Label || ga[i].Chapter != wa[i].Chapter || fmt.Sprint(ga[i].Paragraphs) != fmt.Sprint(wa[i].Paragraphs) {
					t.Fatalf("article %d: got %s %q %v, want %s %q %v", i, ga[i].Label, ga[i].Chapter, ga[i].Paragraphs, wa[i].Label, wa[i].Chapter, wa[i].Paragraphs)
				}
			}
		})
	}
}
