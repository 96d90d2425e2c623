package lawtext

import (
	"reflect"
	"strings"
	"testing"

	"yugongkai/internal/corpus"
)

// readCorpus returns the text of a file of the shared corpus of real draft
// and final texts (internal/corpus).
func readCorpus(tb testing.TB, name string) string {
	tb.Helper()
	return corpus.Read(tb, name)
}

var corpusFiles = []struct {
	name     string
	articles int
	chapters int
	sections int
	title    string
}{
	{"animal-epidemic-prevention-law/draft.txt", 113, 12, 0, ""},
	{"animal-epidemic-prevention-law/draft2.txt", 112, 12, 0, ""},
	{"animal-epidemic-prevention-law/final.txt", 113, 12, 0, "中华人民共和国动物防疫法"},
	{"public-security-admin-penalties-law/draft.txt", 143, 6, 7, ""},
	{"public-security-admin-penalties-law/final.txt", 144, 6, 7, "中华人民共和国治安管理处罚法"},
}

func TestParseCorpus(t *testing.T) {
	for _, tc := range corpusFiles {
		t.Run(tc.name, func(t *testing.T) {
			text := readCorpus(t, tc.name)
			d, err := Parse(text)
			if err != nil {
				t.Fatalf("Parse(%s) error = %v", tc.name, err)
			}
			if got := len(d.Articles()); got != tc.articles {
				t.Errorf("Parse(%s) articles = %d, want %d", tc.name, got, tc.articles)
			}
			var chapters, sections int
			for _, h := range d.Headings() {
				switch h.Level {
				case Chapter:
					chapters++
				case Section:
					sections++
				}
			}
			if chapters != tc.chapters || sections != tc.sections {
				t.Errorf("Parse(%s) chapters, sections = %d, %d, want %d, %d", tc.name, chapters, sections, tc.chapters, tc.sections)
			}
			if d.Title != tc.title {
				t.Errorf("Parse(%s) title = %q, want %q", tc.name, d.Title, tc.title)
			}
			if gaps := d.Gaps(); len(gaps) != 0 {
				t.Errorf("Parse(%s) gaps = %v, want none", tc.name, gaps)
			}
			if dups := d.Duplicates(); len(dups) != 0 {
				t.Errorf("Parse(%s) duplicates = %v, want none", tc.name, dups)
			}
			for i, a := range d.Articles() {
				if a.Number != i+1 {
					t.Fatalf("Parse(%s) article %d number = %d, want %d", tc.name, i, a.Number, i+1)
				}
			}

			rendered := Render(d)
			if want := Normalize(text); rendered != want {
				t.Errorf("Render(Parse(%s)) != Normalize(%s):\n%s", tc.name, tc.name, firstDiff(rendered, want))
			}
			d2, err := Parse(rendered)
			if err != nil {
				t.Fatalf("Parse(Render(Parse(%s))) error = %v", tc.name, err)
			}
			if !reflect.DeepEqual(d2, d) {
				t.Errorf("Parse(Render(d)) differs from d for %s", tc.name)
			}
		})
	}
}

func TestCorpusSpotChecks(t *testing.T) {
	animal, err := Parse(readCorpus(t, "animal-epidemic-prevention-law/final.txt"))
	if err != nil {
		t.Fatal(err)
	}
	a4 := animal.Articles()[3]
	if a4.Label != "第四条" {
		t.Errorf("动物防疫法 article 4 label = %q, want 第四条", a4.Label)
	}
	if got := len(a4.Paragraphs); got != 3 {
		t.Errorf("动物防疫法 第四条 paragraphs = %d, want 3", got)
	}
	if got := len(a4.Paragraphs[0].Items); got != 3 {
		t.Errorf("动物防疫法 第四条 items = %d, want 3", got)
	}
	if got, want := a4.Paragraphs[0].Items[2].Label, "（三）"; got != want {
		t.Errorf("动物防疫法 第四条 third item label = %q, want %q", got, want)
	}
	if got, want := a4.Chapter, "第一章 总则"; got != want {
		t.Errorf("动物防疫法 第四条 chapter = %q, want %q", got, want)
	}
	if got, want := animal.Preamble, []string{"（1997年7月3日第八届全国人民代表大会常务委员会第二十六次会议通过"}; len(got) != 1 || !strings.HasPrefix(got[0], want[0]) {
		t.Errorf("动物防疫法 preamble = %q, want one line starting %q", got, want[0])
	}
	last := animal.Articles()[112]
	if got, want := last.Text(), "第一百一十三条　本法自2021年5月1日起施行。"; got != want {
		t.Errorf("动物防疫法 last article = %q, want %q", got, want)
	}
	if got, want := last.Chapter, "第十二章 附则"; got != want {
		t.Errorf("动物防疫法 last article chapter = %q, want %q", got, want)
	}

	penalties, err := Parse(readCorpus(t, "public-security-admin-penalties-law/final.txt"))
	if err != nil {
		t.Fatal(err)
	}
	a26 := penalties.Articles()[25]
	if got, want := a26.Chapter, "第三章 违反治安管理的行为和处罚 / 第一节 扰乱公共秩序的行为和处罚"; got != want {
		t.Errorf("治安管理处罚法 %s chapter = %q, want %q", a26.Label, got, want)
	}
	a90 := penalties.Articles()[89]
	if got, want := a90.Chapter, "第四章 处罚程序 / 第一节 调查"; got != want {
		t.Errorf("治安管理处罚法 %s chapter = %q, want %q", a90.Label, got, want)
	}
	hs := penalties.Headings()
	if got, want := hs[len(hs)-1], (Heading{Level: Chapter, Number: 6, Label: "第六章", Title: "附则"}); !reflect.DeepEqual(got, want) {
		t.Errorf("治安管理处罚法 last heading = %+v, want %+v", got, want)
	}
	if got := len(hs); got != 13 {
		t.Errorf("治安管理处罚法 headings = %d, want 13 (the 目录 must not count)", got)
	}
}

func BenchmarkParse(b *testing.B) {
	text := readCorpus(b, "public-security-admin-penalties-law/final.txt")
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := Parse(text); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNormalize(b *testing.B) {
	text := readCorpus(b, "public-security-admin-penalties-law/final.txt")
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Normalize(text)
	}
}

func BenchmarkRender(b *testing.B) {
	d, err := Parse(readCorpus(b, "public-security-admin-penalties-law/final.txt"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		Render(d)
	}
}
