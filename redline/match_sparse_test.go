package redline

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// Match finds its candidate pairs through shared bigrams (scorePairs); matchDense
// compares every pair. These tests hold the two to the same result wherever
// scorePairs loses no relevant pair, and check the bound of the pairs it may lose.

// agree runs Match and matchDense on the same input and fails on any difference.
func agree(t *testing.T, name string, prev, next []Article) Matching {
	t.Helper()
	got := Match(prev, slices.Clone(next), counter("n"))
	want := matchDense(prev, slices.Clone(next), counter("n"))
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: Match and matchDense differ:\n%s", name, matchingDiff(got, want))
	}
	checkMatching(t, prev, got)
	return got
}

func matchingDiff(got, want Matching) string {
	var sb strings.Builder
	for j := range got.Articles {
		if g, w := got.Articles[j].ID, want.Articles[j].ID; g != w {
			fmt.Fprintf(&sb, "  new article %d: id %s, dense %s\n", j, g, w)
		}
	}
	for _, f := range []struct {
		name      string
		got, want any
	}{{"Deleted", got.Deleted, want.Deleted}, {"SplitFrom", got.SplitFrom, want.SplitFrom}, {"MergedInto", got.MergedInto, want.MergedInto}, {"Similarity", got.Similarity, want.Similarity}} {
		if !reflect.DeepEqual(f.got, f.want) {
			fmt.Fprintf(&sb, "  %s: %v, dense %v\n", f.name, f.got, f.want)
		}
	}
	return sb.String()
}

// lostPair is a relevant pair that scorePairs did not return, and why it may not.
type lostPair struct {
	k, j   int
	reason string // "stop" or "same-body window"; "" if the bound does not excuse it
}

// checkPairs compares scorePairs with the all-pairs comparison: every pair it returns
// must be relevant and scored exactly, and every relevant pair it does not return must
// be one that the bound of scorePairs excuses. It returns the excused pairs.
func checkPairs(t testing.TB, prev, next []Article) []lostPair {
	t.Helper()
	oldBody, newBody := make([]string, len(prev)), make([]string, len(next))
	oldGrams, newGrams := make([][]uint64, len(prev)), make([][]uint64, len(next))
	for k, a := range prev {
		oldBody[k] = body(a)
		oldGrams[k] = bigrams(decodeRunes(oldBody[k]))
	}
	for j, a := range next {
		newBody[j] = body(a)
		newGrams[j] = bigrams(decodeRunes(newBody[j]))
	}
	ps := scorePairs(oldBody, newBody, oldGrams, newGrams)
	found := make(map[[2]int]pair, len(ps.pairs))
	for j := range next {
		for _, p := range ps.ofNew(j) {
			if int(p.j) != j {
				t.Fatalf("pair %+v listed under new article %d", p, j)
			}
			found[[2]int{int(p.k), j}] = p
		}
	}
	for k := range prev {
		last := -1
		for _, x := range ps.ofOld(k) {
			if p := ps.pairs[x]; int(p.k) != k || int(p.j) <= last {
				t.Fatalf("byOld of old article %d: %+v out of order", k, p)
			} else {
				last = int(p.j)
			}
		}
	}
	df := make(map[uint64]int)
	for _, g := range oldGrams {
		for i, x := range g {
			if i == 0 || g[i-1] != x {
				df[x]++
			}
		}
	}
	copies := make(map[string]int)
	for _, b := range oldBody {
		copies[b]++
	}
	for j, g := range newGrams {
		stops := 0
		for _, x := range g {
			if df[x] > stopBigramDF {
				stops++
			}
		}
		if 2*stops > len(g) && !ps.banded[j] {
			t.Fatalf("new article %d: %d of its %d bigrams are stop bigrams, but it is not banded", j, stops, len(g))
		}
		if !ps.banded[j] && len(ps.ofNew(j)) == 0 {
			t.Fatalf("new article %d has no candidate, but it is not banded", j)
		}
	}
	var lost []lostPair
	for k := range prev {
		for j := range next {
			c, a, b := intersect(oldGrams[k], newGrams[j]), len(oldGrams[k]), len(newGrams[j])
			p, ok := found[[2]int{k, j}]
			if ok {
				same := oldBody[k] == newBody[j]
				if int(p.common) != c || int(p.score) != 2000*c/(a+b) || p.same != same || !relevant(c, a, b) {
					t.Fatalf("pair (%d, %d) = %+v, want common %d, score %d, same %v, relevant", k, j, p, c, 2000*c/(a+b), same)
				}
				continue
			}
			if !relevant(c, a, b) {
				continue
			}
			l := lostPair{k: k, j: j}
			switch {
			case oldBody[k] == newBody[j]:
				if copies[oldBody[k]] > sameBodyWindow {
					l.reason = "same-body window"
				}
			case !sharesNonStop(oldGrams[k], newGrams[j], df) && !(ps.banded[j] && abs(k-j*len(prev)/len(next)) <= stopBand):
				l.reason = "stop"
			}
			if l.reason == "" {
				t.Fatalf("relevant pair (%d, %d) (common %d of %d and %d) not found, and not excused by the bound", k, j, c, a, b)
			}
			lost = append(lost, l)
		}
	}
	return lost
}

// sharesNonStop reports whether two sorted bigram multisets share a bigram found in
// at most stopBigramDF old articles.
func sharesNonStop(a, b []uint64, df map[uint64]int) bool {
	for _, x := range a {
		if df[x] <= stopBigramDF {
			if _, ok := slices.BinarySearch(b, x); ok {
				return true
			}
		}
	}
	return false
}

// TestMatchAgreesWithDenseOnCorpus: every pair of versions of the corpus laws, both
// ways, gives the same matching as the all-pairs comparison, and loses no pair.
func TestMatchAgreesWithDenseOnCorpus(t *testing.T) {
	for law, files := range map[string][]string{
		animal:    {"draft.txt", "draft2.txt", "final.txt"},
		penalties: {"draft.txt", "final.txt"},
	} {
		for _, from := range files {
			for _, to := range files {
				prev := withIDs(readVersion(t, law, from), "o")
				next := readVersion(t, law, to)
				name := law + " " + from + " → " + to
				if lost := checkPairs(t, prev, next); len(lost) > 0 {
					t.Errorf("%s: %d relevant pairs lost: %v", name, len(lost), lost)
				}
				agree(t, name, prev, next)
			}
		}
	}
}

// TestMatchAgreesWithDenseOnGeneratedDrafts: generated drafts of 20 to 4 000 articles,
// revised with edits, rewrites, inserts, deletes, splits, merges and moves, give the
// same matching as the all-pairs comparison.
func TestMatchAgreesWithDenseOnGeneratedDrafts(t *testing.T) {
	sizes := []int{20, 60, 250, 500, 1000, 2000, 4000}
	if testing.Short() {
		sizes = sizes[:4]
	}
	for _, n := range sizes {
		for seed := range uint64(3) {
			rng := rand.New(rand.NewPCG(seed, uint64(n)))
			prev := giant(rng, n, "p")
			f := max(1, n/20)
			r := revision{edited: 3 * f, rewritten: f, inserted: f, deleted: f, split: f, merged: f, nearMoves: f, farMove: seed != 1}
			next := reviseDraft(rng, prev, r)
			name := fmt.Sprintf("n=%d seed=%d", n, seed)
			if n <= 1000 {
				if lost := checkPairs(t, prev, next); len(lost) > 0 {
					t.Errorf("%s: %d relevant pairs lost: %v", name, len(lost), lost)
				}
			}
			agree(t, name, prev, next)
		}
	}
}

// TestMatchFarMove: an article moved from the start to the end of a long text, as is
// or edited, keeps its id, and the redline shows it moved.
func TestMatchFarMove(t *testing.T) {
	for _, n := range []int{50, 500, 2000} {
		for _, edited := range []bool{false, true} {
			rng := rand.New(rand.NewPCG(7, uint64(n)))
			prev := giant(rng, n, "p")
			next := reviseDraft(rng, prev, revision{farMove: true})
			if edited {
				next[n-1].Text = scatterEdits(rng, next[n-1].Text, 2)
			}
			name := fmt.Sprintf("n=%d edited=%v", n, edited)
			m := agree(t, name, prev, next)
			if got := m.Articles[n-1].ID; got != "p0" {
				t.Fatalf("%s: the moved article has id %s, want p0", name, got)
			}
			r := Compare(prev, m.Articles)
			moved := slices.IndexFunc(r.Changes, func(c Change) bool { return c.ID == "p0" })
			if c := r.Changes[moved]; !c.Moved || c.FromNumber != 1 || c.ToNumber != n {
				t.Errorf("%s: change of the moved article = %s moved=%v %d→%d, want moved 1→%d", name, c.Kind, c.Moved, c.FromNumber, c.ToNumber, n)
			}
		}
	}
}

// TestMatchDuplicateArticles: texts with repeated identical articles (ties in the
// alignment) give the dense table's choice among equal alignments.
func TestMatchDuplicateArticles(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	bodies := []string{"删除。", genText(rng, 80), genText(rng, 80), "本条规定的期限，以工作日计算。"}
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 9))
		mk := func(n int, prefix string) []Article {
			arts := make([]Article, n)
			for i := range arts {
				arts[i] = Article{Number: i + 1, Label: fmt.Sprintf("第%d条", i+1), Text: bodies[rng.IntN(len(bodies))]}
				if prefix != "" {
					arts[i].ID = fmt.Sprintf("%s%d", prefix, i)
				}
			}
			return arts
		}
		prev, next := mk(5+rng.IntN(30), "p"), mk(5+rng.IntN(30), "")
		agree(t, fmt.Sprintf("seed %d", seed), prev, next)
	}
}

// TestScorePairsStopBound: the pairs scorePairs may lose are exactly the documented
// ones. 100 old articles share a sentence of common words; a new article made of that
// sentence alone shares only stop bigrams with each of them, so it is a candidate only
// of those within stopBand of its place (it is banded), while the all-pairs comparison
// finds it contained in all of them.
func TestScorePairsStopBound(t *testing.T) {
	const common = "主管部门应当依法办理。"
	rng := rand.New(rand.NewPCG(5, 6))
	var prev []Article
	for i := range 100 {
		prev = append(prev, Article{ID: fmt.Sprintf("p%d", i), Number: i + 1, Label: fmt.Sprintf("第%d条", i+1), Text: genText(rng, 60) + common})
	}
	next := make([]Article, 0, 101)
	for i, a := range prev {
		next = append(next, Article{Number: i + 1, Label: a.Label, Text: a.Text})
	}
	next = slices.Insert(next, 50, Article{Text: common})
	lost := checkPairs(t, prev, next)
	if len(lost) == 0 {
		t.Fatal("no pair lost: the test does not reach the stop-bigram bound")
	}
	for _, l := range lost {
		if l.j != 50 || l.reason != "stop" || abs(l.k-50*100/101) <= stopBand {
			t.Errorf("lost pair %+v, want only pairs of new article 50 with old articles beyond the band, for stop bigrams", l)
		}
	}
	// Here the loss changes nothing: article 50 is new either way.
	agree(t, "stop bound", prev, next)
}

// TestScorePairsSameBodyWindow: a body repeated more than sameBodyWindow times is
// paired as identical only within the window, and each copy keeps an id in order.
func TestScorePairsSameBodyWindow(t *testing.T) {
	n := sameBodyWindow * 3
	var prev, next []Article
	for i := range n {
		prev = append(prev, Article{ID: fmt.Sprintf("p%d", i), Number: i + 1, Label: fmt.Sprintf("第%d条", i+1), Text: "删除。"})
		next = append(next, Article{Number: i + 1, Label: fmt.Sprintf("第%d条", i+1), Text: "删除。"})
	}
	lost := checkPairs(t, prev, next)
	if len(lost) == 0 {
		t.Fatal("no pair lost: the test does not reach the same-body window")
	}
	for _, l := range lost {
		if l.reason != "same-body window" || abs(l.k-l.j) <= sameBodyWindow/2-1 {
			t.Fatalf("lost pair %+v: want only far copies of the repeated body", l)
		}
	}
	m := agree(t, "same-body window", prev, next)
	for j, a := range m.Articles {
		if want := fmt.Sprintf("p%d", j); a.ID != want {
			t.Fatalf("copy %d: id %s, want %s", j, a.ID, want)
		}
	}
}

func FuzzMatchAgreesWithDense(f *testing.F) {
	f.Add("为了加强管理。\n本法适用于全国。\n禁止或者限制特定动物。", "为了加强管理。\n新增。\n本法适用于全国。\n禁止特定动物。")
	f.Add("甲乙丙丁戊己庚辛壬癸\n子丑寅卯", "甲乙丙丁戊\n己庚辛壬癸\n子丑寅卯")
	f.Add("a\nb\na", "a\na")
	f.Add("子丑寅卯\n甲乙丙丁\n戊己庚辛", "甲乙丙丁\n戊己庚辛\n子丑寅卯")
	f.Fuzz(func(t *testing.T, a, b string) {
		prev := articlesFrom(a, "p")
		next := articlesFrom(b, "q")
		for i := range next {
			next[i].ID = ""
		}
		if len(checkPairs(t, prev, next)) > 0 {
			return // a documented loss: the two may differ
		}
		agree(t, "fuzz", prev, next)
	})
}

// TestBigramTable: ids are 0, 1, 2, … in order of first insertion, kept through the
// table's growth, key 0 included; absent keys are not found.
func TestBigramTable(t *testing.T) {
	tab := newBigramTable(1)
	rng := rand.New(rand.NewPCG(1, 1))
	keys := []uint64{0}
	for range 50_000 {
		keys = append(keys, rng.Uint64()>>uint(rng.IntN(64)))
	}
	want := make(map[uint64]int32)
	for _, k := range keys {
		id, seen := want[k]
		if !seen {
			id = int32(len(want))
			want[k] = id
		}
		if got := tab.insert(k); got != id {
			t.Fatalf("insert(%d) = %d, want %d", k, got, id)
		}
	}
	for k, id := range want {
		if got, ok := tab.lookup(k); !ok || got != id {
			t.Fatalf("lookup(%d) = %d, %v, want %d", k, got, ok, id)
		}
	}
	for range 1000 {
		if k := rng.Uint64(); want[k] == 0 && k != 0 {
			if _, ok := tab.lookup(k); ok {
				t.Fatalf("lookup(%d) found an absent key", k)
			}
		}
	}
}
