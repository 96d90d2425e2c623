package campaign

import (
	"cmp"
	"context"
	"slices"
)

// Pair names two items of LinkNear's signatures by index.
type Pair struct{ A, B int32 }

// Links are the components LinkNear found: items are linked when a chain
// of verified pairs joins them.
type Links struct {
	uf  *unionFind
	sim []float64 // by root: the lowest verified similarity that joined the component
}

// Root returns the component of item i, the smallest index in it.
func (l *Links) Root(i int32) int32 { return l.uf.find(i) }

// Similarity returns the lowest similarity of the verified pairs that
// joined the component of root (0 for an item linked to nothing).
func (l *Links) Similarity(root int32) float64 { return l.sim[root] }

// VerifyBatch is how many candidate pairs LinkNear hands to verify at a
// time: the texts of at most twice as many items are needed at once.
const VerifyBatch = 1024

// LinkNear is ProposeNear over signatures alone, for a caller that cannot
// hold every text (a consultation of a million comments): it keeps only
// the signatures (512 bytes an item) and asks verify for the exact
// similarity of the candidate pairs, at most VerifyBatch at a time, so the
// caller reads only those pairs' texts. verify returns one similarity per
// pair (the exact shingle Jaccard, as Jaccard computes it).
//
// Candidates come from the LSH bands as in ProposeNear, one band at a time:
// in a bucket each item is compared (EstimatedJaccard, discarding pairs
// below threshold − estimateMargin) with at most maxTries of the bucket's
// first maxAnchors items (linkBucketMember), so a bucket of thousands of
// copies of a form letter costs O(n) estimates, not O(n²). Pairs whose
// estimate passes are linked tentatively for the rest of the band, so an
// item is not compared again with a component it already met, and verified
// at the end of the band; only the verified ones join components, and a
// pair is not verified when its items were already joined. A tentative
// link that fails verification is only retried in a later band.
//
// The result depends only on sigs, threshold and verify's answers.
func LinkNear(ctx context.Context, sigs []Signature, threshold float64, verify func(ctx context.Context, pairs []Pair) ([]float64, error)) (*Links, error) {
	n := len(sigs)
	links := &Links{uf: newUnionFind(n), sim: make([]float64, n)}
	tent := newUnionFind(n)
	var pairs []Pair
	estimate := func(x, y int32) bool {
		if EstimatedJaccard(sigs[x], sigs[y]) < threshold-estimateMargin {
			return false
		}
		pairs = append(pairs, Pair{x, y})
		return true
	}
	type entry struct {
		h uint64
		u int32
	}
	entries := make([]entry, n)
	var anchors []int32
	for b := range Bands {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for u := range n {
			entries[u] = entry{bandHash(&sigs[u], b), int32(u)}
		}
		slices.SortFunc(entries, func(p, q entry) int {
			if c := cmp.Compare(p.h, q.h); c != 0 {
				return c
			}
			return cmp.Compare(p.u, q.u)
		})
		copy(tent.parent, links.uf.parent)
		pairs = pairs[:0]
		for i := 0; i < n; {
			j := i + 1
			for j < n && entries[j].h == entries[i].h {
				j++
			}
			if j-i >= 2 {
				anchors = anchors[:0]
				for _, e := range entries[i:j] {
					anchors = linkBucketMember(tent, estimate, anchors, e.u)
				}
			}
			i = j
		}
		for len(pairs) > 0 {
			var batch []Pair
			for len(pairs) > 0 && len(batch) < VerifyBatch {
				p := pairs[0]
				pairs = pairs[1:]
				if links.uf.find(p.A) != links.uf.find(p.B) {
					batch = append(batch, p)
				}
			}
			if len(batch) == 0 {
				break
			}
			sims, err := verify(ctx, batch)
			if err != nil {
				return nil, err
			}
			for k, p := range batch {
				if sims[k] >= threshold {
					links.join(p.A, p.B, sims[k])
				}
			}
		}
		pairs = pairs[:0:0] // let a large band's pairs go
	}
	return links, nil
}

// join links a and b, verified similar at sim.
func (l *Links) join(a, b int32, sim float64) {
	ra, rb := l.uf.find(a), l.uf.find(b)
	m := sim
	for _, r := range []int32{ra, rb} {
		if v := l.sim[r]; v > 0 && v < m {
			m = v
		}
	}
	l.uf.union(a, b)
	l.sim[l.uf.find(a)] = m
}

// Shingles returns the sorted distinct shingles of Normalize(text), what
// Jaccard compares; JaccardShingles(Shingles(a), Shingles(b)) is
// Jaccard(a, b).
func Shingles(text string) []uint64 { return shingleSet(Normalize(text)) }

// JaccardShingles is the Jaccard similarity of two results of Shingles.
func JaccardShingles(a, b []uint64) float64 { return jaccardSets(a, b) }
