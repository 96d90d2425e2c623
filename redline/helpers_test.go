package redline

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"yugongkai/internal/corpus"
)

// readVersion splits one corpus file into articles. A line starting with 第<numeral>条
// and U+3000 starts an article; the lines after it belong to it until the next
// article, a heading (第X章/节/编) or a blank line. The 目录 and the title block never
// match an article line and are skipped.
func readVersion(tb testing.TB, law, file string) []Article {
	tb.Helper()
	return splitArticles(corpus.Read(tb, law+"/"+file))
}

func splitArticles(text string) []Article {
	var arts []Article
	open := false
	for line := range strings.SplitSeq(text, "\n") {
		if label, n, ok := articleLabel(line); ok {
			arts = append(arts, Article{Number: n, Label: label, Text: line})
			open = true
			continue
		}
		if strings.TrimSpace(line) == "" || isHeading(line) {
			open = false
			continue
		}
		if open {
			arts[len(arts)-1].Text += "\n" + line
		}
	}
	return arts
}

// articleLabel recognizes "第十二条　…" and returns "第十二条", 12.
func articleLabel(line string) (string, int, bool) {
	rest, ok := strings.CutPrefix(line, "第")
	if !ok {
		return "", 0, false
	}
	num, after, ok := strings.Cut(rest, "条\u3000")
	if !ok || num == "" {
		return "", 0, false
	}
	n, ok := chineseNumber(num)
	if !ok {
		return "", 0, false
	}
	_ = after
	return "第" + num + "条", n, true
}

func isHeading(line string) bool {
	rest, ok := strings.CutPrefix(strings.TrimLeft(line, "\u3000 "), "第")
	if !ok {
		return false
	}
	for i, r := range rest {
		if r == '章' || r == '节' || r == '编' {
			_, ok := chineseNumber(rest[:i])
			return ok
		}
	}
	return false
}

// chineseNumber parses numerals such as 十二, 一百零九, 一百四十四.
func chineseNumber(s string) (int, bool) {
	digits := map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	units := map[rune]int{'十': 10, '百': 100, '千': 1000}
	if s == "" || !utf8.ValidString(s) {
		return 0, false
	}
	total, digit := 0, -1
	for _, r := range s {
		if d, ok := digits[r]; ok {
			digit = d
			continue
		}
		u, ok := units[r]
		if !ok {
			return 0, false
		}
		if digit < 0 {
			digit = 1 // 十二 = 一十二
		}
		total += digit * u
		digit = -1
	}
	if digit > 0 {
		total += digit
	}
	return total, total > 0
}

// withIDs gives every article the id prefix+number, as a first version would get.
func withIDs(arts []Article, prefix string) []Article {
	out := make([]Article, len(arts))
	for i, a := range arts {
		a.ID = fmt.Sprintf("%s%d", prefix, a.Number)
		out[i] = a
	}
	return out
}

// counter returns a newID function producing prefix1, prefix2, …
func counter(prefix string) func() string {
	n := 0
	return func() string {
		n++
		return fmt.Sprintf("%s%d", prefix, n)
	}
}

// joinSpans rebuilds one side of a diff: Delete gives the old text, Insert the new one.
func joinSpans(spans []Span, op SpanOp) string { return join(spans, op) }

// checkDiff reports a violation of the invariants of Diff.
func checkDiff(t testing.TB, a, b string, spans []Span) {
	t.Helper()
	if got := joinSpans(spans, Delete); got != a {
		t.Fatalf("Diff(%q, %q): Equal+Delete = %q, want %q", a, b, got, a)
	}
	if got := joinSpans(spans, Insert); got != b {
		t.Fatalf("Diff(%q, %q): Equal+Insert = %q, want %q", a, b, got, b)
	}
	for i, s := range spans {
		if s.Text == "" {
			t.Fatalf("Diff(%q, %q): span %d is empty", a, b, i)
		}
		if i > 0 && spans[i-1].Op == s.Op {
			t.Fatalf("Diff(%q, %q): spans %d and %d both %v", a, b, i-1, i, s.Op)
		}
		if i > 0 && spans[i-1].Op == Insert && s.Op == Delete {
			t.Fatalf("Diff(%q, %q): Insert before Delete at %d", a, b, i)
		}
	}
}
