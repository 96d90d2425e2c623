package redline

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	E := func(s string) Span { return Span{Equal, s} }
	I := func(s string) Span { return Span{Insert, s} }
	D := func(s string) Span { return Span{Delete, s} }
	tests := []struct {
		name string
		a, b string
		want []Span
	}{
		{"Empty", "", "", nil},
		{"Identical", "第一条　为了加强管理。", "第一条　为了加强管理。", []Span{E("第一条　为了加强管理。")}},
		{"AllInserted", "", "新增", []Span{I("新增")}},
		{"AllDeleted", "删除", "", []Span{D("删除")}},
		{"PhraseDeleted", "禁止或者限制特定动物", "禁止特定动物",
			[]Span{E("禁止"), D("或者限制"), E("特定动物")}},
		{"Renumbered", "第十二条　内容", "第十三条　内容",
			[]Span{E("第十"), D("二"), I("三"), E("条　内容")}},
		{"PhraseInserted", "是指动物传染病、寄生虫病。", "是指动物传染病，包括寄生虫病。",
			[]Span{E("是指动物传染病"), D("、"), I("，包括"), E("寄生虫病。")}},
		// The shared "丙丁" (2 runes) between two edits is folded into one replacement.
		{"SmallEqualityFolded", "甲乙丙丁戊", "甲子丙丁午",
			[]Span{E("甲"), D("乙丙丁戊"), I("子丙丁午")}},
		// "与"/"、" and "动物" shared by chance inside a rewrite are not left as islands.
		{"ShortEqualityBetweenLongEdits", "对人与动物危害严重，需要", "对人、动物构成特别严重危害，可能造成重大经济损失和社会影响，需要",
			[]Span{E("对人"), D("与动物危害严重"), I("、动物构成特别严重危害，可能造成重大经济损失和社会影响"), E("，需要")}},
		// A longer equality between short edits stays.
		{"LongEqualityKept", "处五日以上十日以下拘留", "处十日以上十五日以下拘留",
			[]Span{E("处"), D("五"), I("十"), E("日以上十"), I("五"), E("日以下拘留")}},
		{"InvalidUTF8Distinct", "a\xffb", "a\xfeb", []Span{E("a"), D("\xff"), I("\xfe"), E("b")}},
		{"InvalidUTF8Kept", "x\xff\xfey", "x\xff\xfez", []Span{E("x\xff\xfe"), D("y"), I("z")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Diff(tt.a, tt.b)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Diff(%q, %q) = %q, want %q", tt.a, tt.b, got, tt.want)
			}
			checkDiff(t, tt.a, tt.b, got)
		})
	}
}

// editDistance is the textbook O(NM) insert/delete distance, to check that the Myers
// implementation is minimal.
func editDistance(a, b []int32) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			if a[i-1] == b[j-1] {
				cur[j] = prev[j-1]
			} else {
				cur[j] = 1 + min(prev[j], cur[j-1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func TestMyersMinimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		alpha := 2 + rng.IntN(4)
		a := make([]int32, rng.IntN(40))
		b := make([]int32, rng.IntN(40))
		for k := range a {
			a[k] = int32(rng.IntN(alpha))
		}
		for k := range b {
			b[k] = int32(rng.IntN(alpha))
		}
		var d differ
		d.myers(a, b)
		got, x, y := 0, 0, 0
		for _, e := range d.edits {
			switch e.op {
			case Equal:
				for k := range e.n {
					if a[x+k] != b[y+k] {
						t.Fatalf("case %d: myers(%v, %v) equates %v and %v", i, a, b, a[x+k], b[y+k])
					}
				}
				x += e.n
				y += e.n
			case Delete:
				got += e.n
				x += e.n
			case Insert:
				got += e.n
				y += e.n
			}
		}
		if x != len(a) || y != len(b) {
			t.Fatalf("case %d: myers(%v, %v) covers %d, %d", i, a, b, x, y)
		}
		if want := editDistance(a, b); got != want {
			t.Fatalf("case %d: myers(%v, %v) has %d edits, want %d", i, a, b, got, want)
		}
	}
}

// TestDiffLayers forces the sentence, clause and wholesale paths with texts larger than
// charLimit and checks the invariant and that local edits stay local.
func TestDiffLayers(t *testing.T) {
	a := genText(rand.New(rand.NewPCG(3, 4)), 20000)
	b := scatterEdits(rand.New(rand.NewPCG(5, 6)), a, 40)
	spans := Diff(a, b)
	checkDiff(t, a, b, spans)
	changed := 0
	for _, s := range spans {
		if s.Op != Equal {
			changed += len([]rune(s.Text))
		}
	}
	if changed > 2000 {
		t.Errorf("Diff of 40 scattered edits marks %d runes as changed, want far fewer", changed)
	}

	// Unrelated long texts: one deletion and one insertion.
	c := genText(rand.New(rand.NewPCG(7, 8)), 20000)
	spans = Diff(a, c)
	checkDiff(t, a, c, spans)
	if len(spans) > 8 {
		t.Errorf("Diff of unrelated texts has %d spans, want a wholesale replacement", len(spans))
	}

	// Texts without any punctuation go straight to the rune level.
	p := strings.Repeat("甲乙丙丁戊己庚辛", 400)
	q := strings.Replace(p, "丙丁", "子", 3)
	checkDiff(t, p, q, Diff(p, q))
}

func TestDiffDeterministic(t *testing.T) {
	a := genText(rand.New(rand.NewPCG(9, 10)), 5000)
	b := scatterEdits(rand.New(rand.NewPCG(11, 12)), a, 50)
	first := Diff(a, b)
	for range 5 {
		if got := Diff(a, b); !reflect.DeepEqual(got, first) {
			t.Fatal("Diff gave two different results for the same input")
		}
	}
}
