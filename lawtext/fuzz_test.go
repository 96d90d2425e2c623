package lawtext

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"yugongkai/internal/corpus"
)

// FuzzParse checks, for arbitrary input, that Parse does not panic, that
// Render(Parse(x)) is Normalize(x), that parsing the rendered text gives the
// same Document and error back, and that Normalize is idempotent.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"",
		"第一条",
		"第一条　甲。\n第二条乙。\n第二十条规定的。",
		"标题\n说明\n目　录\n第一章　总　则\n第一章　总则\n第一条　甲。\n（一）乙；\n1.丙；\n1.5倍\n(二)丁",
		"\uFEFF第1条 a\r\n第一编 x y\r第一节\n注\n第二条\n\n（一）",
		"第一章　总则\n第二款规定的情形除外。",
		"目录\n第一条　甲",
		"第一千条　甲。\n第一〇〇一条　乙。",
		"\xff\xfe第一条\xff",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	// Whole corpus files are round-tripped by TestParseCorpus; the fuzzer gets
	// their first lines (title, 目录, first chapter) because minimizing a 64 KB
	// input stalls the fuzzing for minutes.
	for _, tc := range corpusFiles {
		if text, ok := corpus.Lookup(f, tc.name); ok {
			f.Add(headLines(text, 30))
		}
	}
	f.Fuzz(func(t *testing.T, x string) {
		d, err := Parse(x)
		if err != nil && !errors.Is(err, ErrNoArticles) {
			t.Fatalf("Parse(%q) error = %v, want nil or ErrNoArticles", x, err)
		}
		r := Render(d)
		if n := Normalize(x); r != n {
			t.Fatalf("Render(Parse(%q)) != Normalize:\n%s", x, firstDiff(r, n))
		}
		d2, err2 := Parse(r)
		if err2 != err {
			t.Fatalf("Parse(Render(Parse(%q))) error = %v, want %v", x, err2, err)
		}
		if !reflect.DeepEqual(d2, d) {
			t.Fatalf("Parse(Render(Parse(%q))) = %s\nwant %s", x, dump(d2), dump(d))
		}
		if n2 := Normalize(r); n2 != r {
			t.Fatalf("Normalize(Normalize(%q)) != Normalize:\n%s", x, firstDiff(n2, r))
		}
	})
}

// headLines returns the first n lines of s.
func headLines(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "")
}
