package redline

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// articlesFrom builds an article list from a fuzz string: one article per line, the
// article id taken from a leading "[id]" when present (so that both sides can share
// ids), else from the line number.
func articlesFrom(s, prefix string) []Article {
	var arts []Article
	seen := make(map[string]bool)
	for i, line := range strings.Split(s, "\n") {
		if line == "" {
			continue
		}
		id := prefix + strconv.Itoa(i)
		if rest, ok := strings.CutPrefix(line, "["); ok {
			if tag, body, ok := strings.Cut(rest, "]"); ok {
				id, line = "t"+tag, body
			}
		}
		if seen[id] {
			id += "-" + strconv.Itoa(i)
		}
		seen[id] = true
		n := len(arts) + 1
		label := "第" + strconv.Itoa(n) + "条"
		arts = append(arts, Article{ID: id, Number: n, Label: label, Text: label + "\u3000" + line})
	}
	return arts
}

func FuzzRedline(f *testing.F) {
	f.Add("禁止或者限制特定动物", "禁止特定动物")
	f.Add("[a]甲乙丙\n[b]丁戊\n[c]己", "[b]丁戊己\n[a]甲乙丙丁\n[d]庚")
	f.Add("a\xffb\nc", "a\xfeb\n\nc")
	f.Add("", "[x]新增")
	f.Fuzz(func(t *testing.T, a, b string) {
		checkDiff(t, a, b, Diff(a, b))
		from, to := articlesFrom(a, "f"), articlesFrom(b, "g")
		r := Compare(from, to)
		got, err := Apply(r, from)
		if err != nil {
			t.Fatalf("Apply(Compare(from, to), from): %v", err)
		}
		if !reflect.DeepEqual(got, to) && !(len(got) == 0 && len(to) == 0) {
			t.Fatalf("Apply(Compare(from, to), from) = %+v, want %+v", got, to)
		}
		_ = r.HTML()
		_ = r.Unified()
	})
}

func FuzzArticleMatch(f *testing.F) {
	f.Add("为了加强管理。\n本法适用于全国。\n禁止或者限制特定动物。", "为了加强管理。\n新增。\n本法适用于全国。\n禁止特定动物。")
	f.Add("甲乙丙丁戊己庚辛壬癸\n子丑寅卯", "甲乙丙丁戊\n己庚辛壬癸\n子丑寅卯")
	f.Add("a\nb\na", "a\na")
	f.Fuzz(func(t *testing.T, a, b string) {
		prev := articlesFrom(a, "p")
		next := articlesFrom(b, "q")
		for i := range next {
			next[i].ID = "" // Match assigns them
		}
		m := Match(prev, next, counter("new-"))
		if len(m.Articles) != len(next) {
			t.Fatalf("Match returned %d articles, want %d", len(m.Articles), len(next))
		}
		for i, a := range m.Articles {
			if a.Text != next[i].Text || a.Number != next[i].Number || a.Label != next[i].Label {
				t.Fatalf("Match changed article %d beyond its id", i)
			}
		}
		checkMatching(t, prev, m)
		if again := Match(prev, next, counter("new-")); !reflect.DeepEqual(again, m) {
			t.Fatal("Match is not deterministic")
		}
	})
}
