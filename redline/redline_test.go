package redline

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func art(id string, n int, label, body string) Article {
	return Article{ID: id, Number: n, Label: label, Text: label + "\u3000" + body}
}

func TestCompare(t *testing.T) {
	from := []Article{
		art("a", 1, "第一条", "为了加强管理，制定本法。"),
		art("b", 2, "第二条", "本法适用于全国。"),
		art("c", 3, "第三条", "禁止或者限制特定动物。"),
		art("d", 4, "第四条", "国家鼓励研究。"),
		art("e", 5, "第五条", "本法自公布之日起施行。"),
	}
	to := []Article{
		art("a", 1, "第一条", "为了加强管理，制定本法。"),
		art("x", 2, "第二条", "新增的条文。"),
		art("d", 3, "第三条", "国家鼓励研究。"),
		art("c", 4, "第四条", "禁止特定动物。"),
		art("e", 5, "第五条", "本法自公布之日起施行。"),
	}
	r := Compare(from, to)
	type row struct {
		ID    string
		Kind  Kind
		Moved bool
		From  int
		To    int
	}
	var got []row
	for _, c := range r.Changes {
		got = append(got, row{c.ID, c.Kind, c.Moved, c.FromNumber, c.ToNumber})
	}
	want := []row{
		{"a", Unchanged, false, 1, 1},
		{"b", Deleted, false, 2, 0}, // after its predecessor a
		{"x", Added, false, 0, 2},
		{"d", Moved, true, 4, 3},
		{"c", Modified, false, 3, 4},
		{"e", Unchanged, false, 5, 5},
	}
	// d and c swapped: one of them must be reported as moved. Both a-d-e and a-c-e are
	// longest increasing runs; the patience algorithm keeps the later one (c) in place.
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Compare rows = %v, want %v", got, want)
	}
	wantStats := Stats{Added: 1, Deleted: 1, Modified: 1, Moved: 1, Unchanged: 2,
		InsertedRunes: len([]rune("第二条\u3000新增的条文。")) + 1 + 1, // 第四→三, 第三→四
		DeletedRunes:  len([]rune("第二条\u3000本法适用于全国。")) + 1 + 1 + len([]rune("或者限制"))}
	if r.Stats != wantStats {
		t.Errorf("Stats = %+v, want %+v", r.Stats, wantStats)
	}
	gotTo, err := Apply(r, from)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if !reflect.DeepEqual(gotTo, to) {
		t.Errorf("Apply = %v, want %v", gotTo, to)
	}
}

func TestCompareRenumbered(t *testing.T) {
	from := []Article{art("a", 12, "第十二条", "内容。")}
	to := []Article{art("a", 13, "第十三条", "内容。")}
	r := Compare(from, to)
	c := r.Changes[0]
	if c.Kind != Renumbered {
		t.Errorf("Kind = %v, want %v", c.Kind, Renumbered)
	}
	want := []Span{{Equal, "第十"}, {Delete, "二"}, {Insert, "三"}, {Equal, "条\u3000内容。"}}
	if !reflect.DeepEqual(c.Spans, want) {
		t.Errorf("Spans = %q, want %q", c.Spans, want)
	}
}

func TestApplyErrors(t *testing.T) {
	from := []Article{art("a", 1, "第一条", "甲。"), art("b", 2, "第二条", "乙。")}
	to := []Article{art("a", 1, "第一条", "甲乙。")}
	r := Compare(from, to)
	tests := []struct {
		name string
		r    Redline
		from []Article
	}{
		{"WrongBase", r, []Article{art("a", 1, "第一条", "丙。"), art("b", 2, "第二条", "乙。")}},
		{"MissingArticle", r, from[:1]},
		{"ExtraArticle", r, append(from[:2:2], art("c", 3, "第三条", "丙。"))},
		{"CorruptSpans", Redline{Changes: []Change{{ID: "a", Kind: Modified, FromNumber: 1, ToNumber: 1, FromLabel: "第一条", ToLabel: "第一条",
			FromText: from[0].Text, ToText: to[0].Text, Spans: []Span{{Equal, "第一条"}}}, r.Changes[1]}}, from},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Apply(tt.r, tt.from); !errors.Is(err, ErrMismatch) {
				t.Errorf("Apply = %v, want ErrMismatch", err)
			}
		})
	}
}

func TestHTMLInjection(t *testing.T) {
	from := []Article{art(`"><script>`, 1, "第一条", "<b>旧</b>&")}
	to := []Article{art(`"><script>`, 1, "第一条", "<b>新</b>&\n第二款")}
	h := Compare(from, to).HTML()
	for _, bad := range []string{"<script>", "<b>", `id="art-"`} {
		if strings.Contains(h, bad) {
			t.Errorf("HTML contains unescaped %q:\n%s", bad, h)
		}
	}
	for _, want := range []string{`id="art-&#34;&gt;&lt;script&gt;"`, `class="art art-modified"`, `data-kind="modified"`, "【修改】", "<del>旧</del>", "<ins>新</ins>", "<br>"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q:\n%s", want, h)
		}
	}
}

func TestUnified(t *testing.T) {
	from := []Article{
		art("a", 1, "第一条", "禁止或者限制特定动物。\n第二款不变。"),
		art("b", 2, "第二条", "删除的条文。"),
	}
	to := []Article{
		art("a", 1, "第一条", "禁止特定动物。\n第二款不变。"),
		art("c", 2, "第二条", "新增的条文。"),
	}
	got := Compare(from, to).Unified()
	want := "@@ 第一条 修改 modified @@\n" +
		"- 第一条\u3000禁止[-或者限制-]特定动物。\n" +
		"+ 第一条\u3000禁止特定动物。\n" +
		"  第二款不变。\n" +
		"@@ 第二条 删除 deleted @@\n" +
		"- 第二条\u3000删除的条文。\n" +
		"@@ 第二条 新增 added @@\n" +
		"+ 第二条\u3000新增的条文。\n"
	if got != want {
		t.Errorf("Unified() =\n%s\nwant\n%s", got, want)
	}
}

func TestMatch(t *testing.T) {
	prev := []Article{
		art("a", 1, "第一条", "为了加强对动物防疫活动的管理，预防、控制、净化、消灭动物疫病，制定本法。"),
		art("b", 2, "第二条", "本法适用于在中华人民共和国领域内的动物防疫及其监督管理活动。"),
		art("c", 3, "第三条", "县级以上人民政府应当储备动物疫情应急处置所需的防疫物资。"),
		art("d", 4, "第四条", "依法进行检疫需要收取费用的，其项目和标准由国务院财政部门规定。"),
	}
	next := []Article{
		{Number: 1, Label: "第一条", Text: "第一条\u3000为了加强对动物防疫活动的管理，预防、控制、净化、消灭动物疫病，保障公共卫生安全，制定本法。"},
		{Number: 2, Label: "第二条", Text: "第二条\u3000鼓励社会力量参与动物疫病防治工作。"},
		{Number: 3, Label: "第三条", Text: "第三条\u3000本法适用于在中华人民共和国领域内的动物防疫及其监督管理活动。"},
		{Number: 4, Label: "第四条", Text: "第四条\u3000县级以上人民政府应当储备动物疫情应急处置所需的防疫物资。"},
	}
	m := Match(prev, next, counter("n"))
	var got []string
	for _, a := range m.Articles {
		got = append(got, a.ID)
	}
	if want := []string{"a", "n1", "b", "c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Match ids = %v, want %v", got, want)
	}
	if want := []string{"d"}; !reflect.DeepEqual(m.Deleted, want) {
		t.Errorf("Deleted = %v, want %v", m.Deleted, want)
	}
	if m.Similarity["b"] != 1 || m.Similarity["c"] != 1 {
		t.Errorf("Similarity of renumbered identical articles = %v, %v, want 1", m.Similarity["b"], m.Similarity["c"])
	}
	if s := m.Similarity["a"]; s <= 0.8 || s >= 1 {
		t.Errorf("Similarity[a] = %v, want in (0.8, 1)", s)
	}
	checkMatching(t, prev, m)
	again := Match(prev, next, counter("n"))
	if !reflect.DeepEqual(again, m) {
		t.Error("Match is not deterministic")
	}
}
