package redline

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"yugongkai/internal/cputime"
)

// giant returns n articles of generated legal-sounding text.
func giant(rng *rand.Rand, n int, prefix string) []Article {
	arts := make([]Article, n)
	for i := range arts {
		arts[i] = Article{ID: fmt.Sprintf("%s%d", prefix, i), Number: i + 1, Label: fmt.Sprintf("第%d条", i+1), Text: genText(rng, 60+rng.IntN(120))}
	}
	return arts
}

func BenchmarkMatchGiant(b *testing.B) {
	for _, n := range []int{1000, 2000, 3000} {
		rng := rand.New(rand.NewPCG(1, uint64(n)))
		prev := giant(rng, n, "p")
		same := make([]Article, n)
		copy(same, prev)
		rewritten := giant(rng, n, "x")
		for _, tc := range []struct {
			name string
			next []Article
		}{{"unchanged", same}, {"rewritten", rewritten}} {
			b.Run(fmt.Sprintf("%d/%s", n, tc.name), func(b *testing.B) {
				for range b.N {
					next := make([]Article, len(tc.next))
					copy(next, tc.next)
					Match(prev, next, counter("n"))
				}
			})
		}
	}
}

// TestMatchNearIdenticalArticles: a text of many near-identical articles (the
// case that made the all-pairs bigram join quadratic) still keeps every article's
// id through an insertion at the top: the bigrams they all share are stop bigrams,
// the few that tell them apart (their numbers) make the candidates.
func TestMatchNearIdenticalArticles(t *testing.T) {
	const n = 2000
	mk := func(i, number int) Article {
		return Article{Number: number, Label: fmt.Sprintf("第%d条", number),
			Text: fmt.Sprintf("本条规定第%d项管理事项，主管部门应当在法定期限内依法办理并公开结果，当事人对处理决定不服的，可以依法申请行政复议或者提起行政诉讼。", i)}
	}
	prev := make([]Article, n)
	for i := range prev {
		prev[i] = mk(i, i+1)
		prev[i].ID = fmt.Sprintf("p%d", i)
	}
	next := []Article{{Number: 1, Label: "第1条", Text: "新增的第一条规定，与其他条文都不同。"}}
	for i := range n {
		next = append(next, mk(i, i+2))
	}
	m := Match(prev, next, counter("n"))
	for i := range n {
		if got, want := m.Articles[i+1].ID, fmt.Sprintf("p%d", i); got != want {
			t.Fatalf("article %d: id %s, want %s", i+2, got, want)
		}
	}
	if m.Articles[0].ID != "n1" || len(m.Deleted) != 0 {
		t.Errorf("new first article %s, deleted %v", m.Articles[0].ID, m.Deleted)
	}
}

// TestMatchNearIdenticalEveryArticleChanged: the edit of BenchmarkSaveLargestDraft
// (web) — 2 000 articles of one template varied by numbers, every one changed, one
// inserted at the top — keeps every id, as the all-pairs comparison does (their
// bigrams are nearly all stop bigrams: the articles are banded).
func TestMatchNearIdenticalEveryArticleChanged(t *testing.T) {
	prev, next := templateRevision(2000)
	for _, f := range []struct {
		name  string
		match func([]Article, []Article, func() string) Matching
	}{{"Match", Match}, {"matchDense", matchDense}} {
		m := f.match(prev, next, counter("n"))
		for j, a := range m.Articles[1:] {
			if want := fmt.Sprintf("p%d", j); a.ID != want {
				t.Fatalf("%s: article %d has id %s, want %s", f.name, j+2, a.ID, want)
			}
		}
	}
}

// templateDraft is n articles of one sentence varied by numbers (the text of
// BenchmarkSaveLargestDraft in web), each varied by seed.
func templateDraft(n, seed int) []Article {
	var arts []Article
	for i := 1; i <= n; i++ {
		arts = append(arts, Article{Number: i, Label: fmt.Sprintf("第%d条", i), Text: fmt.Sprintf("本条规定第%d项管理事项，主管部门应当在%d个工作日内依法办理并公开结果，当事人对处理决定不服的，可以依法申请行政复议或者提起行政诉讼（%d）。", i, (i*7+seed)%30+1, seed)})
	}
	return arts
}

// templateRevision returns a template draft of n articles with ids p0, p1, … and
// its revision: every article changed, one inserted at the top.
func templateRevision(n int) (prev, next []Article) {
	prev = templateDraft(n, 0)
	for i := range prev {
		prev[i].ID = fmt.Sprintf("p%d", i)
	}
	return prev, append([]Article{{Text: "新增的第一条规定。"}}, templateDraft(n-1, 1)...)
}

// BenchmarkMatchScaling matches a revised draft of n generated articles (5 % of them
// each edited ×3, rewritten, inserted, deleted, split, merged and moved by two places,
// and the first moved to the end) with Match and with the all-pairs matchDense, in the
// same run, so the growth of each and their ratio can be read off ("generated"); and
// the same for the template text of templateRevision, nearly all stop bigrams
// ("template"; the dense matcher bands its join there past 1 000 articles or so):
//
//	go test ./redline -run '^$' -bench MatchScaling -benchmem -benchtime 3x
func BenchmarkMatchScaling(b *testing.B) {
	for _, n := range []int{250, 500, 1000, 2000, 4000, 8000} {
		rng := rand.New(rand.NewPCG(11, uint64(n)))
		prev := giant(rng, n, "p")
		f := n / 20
		next := reviseDraft(rng, prev, revision{edited: 3 * f, rewritten: f, inserted: f, deleted: f, split: f, merged: f, nearMoves: f, farMove: true})
		tprev, tnext := templateRevision(n)
		for _, input := range []struct {
			name       string
			prev, next []Article
		}{{"generated", prev, next}, {"template", tprev, tnext}} {
			for _, impl := range []struct {
				name  string
				match func([]Article, []Article, func() string) Matching
			}{{"dense", matchDense}, {"sparse", Match}} {
				b.Run(fmt.Sprintf("%s/%s/n=%d", input.name, impl.name, n), func(b *testing.B) {
					b.ReportAllocs()
					start := cputime.Process()
					for b.Loop() {
						sink = impl.match(input.prev, input.next, counter("n"))
					}
					reportCPU(b, start)
				})
			}
		}
	}
}
