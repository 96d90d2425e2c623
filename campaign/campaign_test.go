package campaign

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"建议删除第十二条。", "建议删除第十二条"},
		{"ＡＢＣ１２３ａｂｃ", "abc123abc"},
		{"Hello, World!", "helloworld"},
		{"《动物防疫法》第12条：“应当……”", "动物防疫法第12条应当"},
		{"一、二；三：四？五！", "一二三四五"},
		{"（括号）【方括号】〔2026〕12号", "括号方括号202612号"},
		{"破折号——间隔号·省略号…", "破折号间隔号省略号"},
		{"全角空格\u3000半角空格 制表\t换行\n结束", "全角空格半角空格制表换行结束"},
		{"零宽\u200b空格\ufeff", "零宽空格"},
		{"符号+-*/=<>￥$%&@#^~|", "符号"},
		{"ＦＵＬＬ－ＷＩＤＴＨ，", "fullwidth"},
		{"Ⅻ ①", "Ⅻ①"}, // number forms are neither punctuation nor symbols
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestExactKey(t *testing.T) {
	a := ExactKey("我反对第十二条。")
	if len(a) != 32 {
		t.Errorf("len(ExactKey) = %d, want 32", len(a))
	}
	if b := ExactKey("  我反对第十二条！！ "); b != a {
		t.Errorf("ExactKey differs for texts equal after Normalize: %s, %s", a, b)
	}
	if c := ExactKey("我支持第十二条。"); c == a {
		t.Errorf("ExactKey equal for different texts: %s", c)
	}
	// Stored in a database: must not change between releases.
	if got, want := ExactKey(""), "e3b0c44298fc1c149afbf4c8996fb924"; got != want {
		t.Errorf(`ExactKey("") = %s, want %s`, got, want)
	}
}

func TestJaccard(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"", "", 1},
		{"", "一二三", 0},
		{"一二三四", "一二三四", 1},
		{"一二三四。", "一，二，三，四", 1},
		{"一二三四", "二三四五", 2.0 / 4}, // {一二,二三,三四} vs {二三,三四,四五}
		{"一二一二", "一二一二一二", 1},     // sets, not multisets
		{"一", "一", 1},             // shorter than a shingle
		{"一", "二", 0},
	}
	for _, tt := range tests {
		if got := Jaccard(tt.a, tt.b); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("Jaccard(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestMinHashEstimate(t *testing.T) {
	g := newGen(7)
	var worst float64
	for range 200 {
		a := g.variant(letters[0])
		b := g.variant(letters[0])
		if g.r.IntN(2) == 0 {
			b = g.unrelated(letters[0])
		}
		exact := Jaccard(a, b)
		est := EstimatedJaccard(MinHash(a), MinHash(b))
		worst = max(worst, math.Abs(exact-est))
	}
	// Standard error is at most 0.045 (s = 0.5); 4.5 sigma over 200 pairs.
	if worst > 0.2 {
		t.Errorf("worst |EstimatedJaccard - Jaccard| = %.3f, want <= 0.2", worst)
	}
	t.Logf("worst |EstimatedJaccard - Jaccard| over 200 pairs: %.3f", worst)

	if MinHash(letters[1]) != MinHash(g.restyle(letters[1])) {
		t.Error("MinHash differs for texts equal after Normalize")
	}
	var empty Signature
	for i := range empty {
		empty[i] = math.MaxUint32
	}
	if MinHash("。。。") != empty {
		t.Error(`MinHash("。。。") is not the empty signature`)
	}
}

func TestBandKeys(t *testing.T) {
	a := BandKeys(MinHash(letters[0]))
	if len(a) != Bands {
		t.Fatalf("len(BandKeys) = %d, want %d", len(a), Bands)
	}
	if !slices.Equal(a, BandKeys(MinHash(letters[0]))) {
		t.Error("BandKeys not deterministic")
	}
	seen := map[string]bool{}
	for _, k := range a {
		if len(k) != 16 || seen[k] {
			t.Errorf("band key %q: wrong length or repeated", k)
		}
		seen[k] = true
	}
	// A light variant shares some bands; an unrelated comment shares none.
	shared := func(x, y []string) int {
		n := 0
		for i := range x {
			if x[i] == y[i] {
				n++
			}
		}
		return n
	}
	light := "我是西湖区居民。" + letters[0]
	if n := shared(a, BandKeys(MinHash(light))); n == 0 {
		t.Errorf("light variant (Jaccard %.2f) shares no band", Jaccard(letters[0], light))
	}
	if n := shared(a, BandKeys(MinHash(letters[2]))); n != 0 {
		t.Errorf("unrelated letter shares %d bands", n)
	}
}

func TestGroupExact(t *testing.T) {
	docs := []Doc{
		{"1", "我反对第十二条。"},
		{"2", "完全不同的意见"},
		{"3", "我反对第十二条！"},
		{"4", "支持"},
		{"5", " 我 反对 第十二条 "},
		{"6", "支持。"},
		{"7", "我反对第十二条，理由如下"},
	}
	got := GroupExact(docs)
	want := []Group{
		{Key: ExactKey("我反对第十二条"), Members: []string{"1", "3", "5"}, Exact: true},
		{Key: ExactKey("支持"), Members: []string{"4", "6"}, Exact: true},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("GroupExact = %v, want %v", got, want)
	}
	if got := GroupExact(nil); len(got) != 0 {
		t.Errorf("GroupExact(nil) = %v, want none", got)
	}
}

func TestProposeNear(t *testing.T) {
	base := letters[0]
	docs := []Doc{
		{"a", base},
		{"b", "我是西湖区的一名养殖户。" + base},
		{"u", letters[2]},
		{"c", g0().restyle(base)},
		{"d", base + "以上意见供参考，谢谢！"},
		{"v", letters[3]},
		{"w", letters[3]},
	}
	got := ProposeNear(docs, 0.8)
	want := []Group{
		{Key: ExactKey(base), Members: []string{"a", "b", "c", "d"}},
		{Key: ExactKey(letters[3]), Members: []string{"v", "w"}, Exact: true},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ProposeNear = %v, want %v", got, want)
	}
	// Order of the input does not change which comments are grouped.
	rev := slices.Clone(docs)
	slices.Reverse(rev)
	if a, b := membersSorted(ProposeNear(rev, 0.8)), membersSorted(got); !slices.Equal(a, b) {
		t.Errorf("ProposeNear(reversed) groups %v, want %v", a, b)
	}
}

func g0() *gen { return newGen(1) }

func membersSorted(groups []Group) []string {
	var out []string
	for _, g := range groups {
		m := slices.Clone(g.Members)
		slices.Sort(m)
		out = append(out, fmt.Sprint(m))
	}
	sort.Strings(out)
	return out
}

// TestProposeNearQuality measures pairwise recall and precision of
// ProposeNear at threshold 0.8 on a generated consultation: 600 variants of
// letter 0, 200 variants of letter 1 (same subject, different campaign), and
// 600 unrelated comments, of which about half share the subject's vocabulary
// and one in ten quotes a clause of letter 0. All variants of one letter are
// one campaign; every unrelated comment is its own.
func TestProposeNearQuality(t *testing.T) {
	g := newGen(2026)
	var docs []Doc
	var label []string
	add := func(l, text string) {
		docs = append(docs, Doc{ID: fmt.Sprint(len(docs)), Text: text})
		label = append(label, l)
	}
	var below int
	for range 600 {
		v := g.variant(letters[0])
		if Jaccard(v, letters[0]) < 0.8 {
			below++
		}
		add("A", v)
	}
	for range 200 {
		add("B", g.variant(letters[1]))
	}
	for i := range 600 {
		add(fmt.Sprint("u", i), g.unrelated(letters[0]))
	}
	g.r.Shuffle(len(docs), func(i, j int) {
		docs[i], docs[j] = docs[j], docs[i]
		label[i], label[j] = label[j], label[i]
	})
	t.Logf("variants of letter A below Jaccard 0.8 to the letter: %d of 600", below)

	groups := ProposeNear(docs, 0.8)

	byID := make(map[string]string, len(docs))
	for i, d := range docs {
		byID[d.ID] = label[i]
	}
	pairs := func(n int) int { return n * (n - 1) / 2 }
	truePairs := 0
	count := map[string]int{}
	for _, l := range label {
		count[l]++
	}
	for _, n := range count {
		truePairs += pairs(n)
	}
	proposed, correct := 0, 0
	for _, gr := range groups {
		proposed += pairs(len(gr.Members))
		in := map[string]int{}
		for _, id := range gr.Members {
			in[byID[id]]++
		}
		for _, n := range in {
			correct += pairs(n)
		}
	}
	recall := float64(correct) / float64(truePairs)
	precision := 1.0
	if proposed > 0 {
		precision = float64(correct) / float64(proposed)
	}
	sizes := []int{}
	for _, gr := range groups {
		sizes = append(sizes, len(gr.Members))
	}
	t.Logf("groups: %d, sizes %v", len(groups), sizes[:min(len(sizes), 10)])
	t.Logf("pairwise recall %.4f (%d of %d), precision %.4f (%d of %d)",
		recall, correct, truePairs, precision, correct, proposed)
	if recall < 0.9 {
		t.Errorf("recall = %.4f, want >= 0.9", recall)
	}
	if precision < 0.95 {
		t.Errorf("precision = %.4f, want >= 0.95", precision)
	}
}

// corpus100k is 100,000 comments: 70% unrelated, 30% from the five
// campaigns (6,000 each, half copies that are identical after Normalize,
// half variants).
var corpus100k = sync.OnceValue(func() []Doc {
	g := newGen(100000)
	docs := make([]Doc, 0, 100000)
	for i := range 100000 {
		var text string
		switch {
		case i%10 < 7:
			text = g.unrelated(letters[i%len(letters)])
		case i%2 == 0:
			text = g.copyOf(letters[i%len(letters)])
		default:
			text = g.variant(letters[i%len(letters)])
		}
		docs = append(docs, Doc{ID: fmt.Sprint(i), Text: text})
	}
	return docs
})

// BenchmarkNormalize100k is the baseline: one pass of Normalize over the
// corpus that the grouping benchmarks use.
func BenchmarkNormalize100k(b *testing.B) {
	docs := corpus100k()
	for b.Loop() {
		for _, d := range docs {
			Normalize(d.Text)
		}
	}
}

func BenchmarkGroupExact100k(b *testing.B) {
	docs := corpus100k()
	var groups []Group
	for b.Loop() {
		groups = GroupExact(docs)
	}
	b.ReportMetric(float64(len(groups)), "groups")
}

func BenchmarkProposeNear100k(b *testing.B) {
	docs := corpus100k()
	var groups []Group
	for b.Loop() {
		groups = ProposeNear(docs, 0.8)
	}
	largest := 0
	for _, g := range groups[:min(5, len(groups))] {
		largest += len(g.Members)
	}
	b.ReportMetric(float64(len(groups)), "groups")
	b.ReportMetric(float64(largest), "in-top5")
}
