package campaign

import (
	"context"
)

// Pair names two items of LinkSketches' items by index.
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

// tentativeMargin: a pair estimated at threshold + tentativeMargin or more
// is taken as linked for the rest of its band (3 standard errors of the
// estimate at 0.8: an exact similarity below threshold gets there with
// probability about 0.1 %).
const tentativeMargin = 0.1

// maxComponentFailures: two components whose pairs failed verification
// this many times are taken as distinct (see LinkNear).
const maxComponentFailures = 32

// VerifyBatch is how many candidate pairs LinkNear hands to verify at a
// time: the texts of at most twice as many items are needed at once.
const VerifyBatch = 1024

// restItems is how many of a band's sorted items LinkSketches goes
// through between two calls of its rest: an item of a large bucket costs
// up to maxTries estimates (two sketch reads each), so 4,096 items were
// stretches of tens of milliseconds.
const restItems = 64

// restSorted is how many items a pass of the band sort moves between two
// calls of rest.
const restSorted = 1 << 16

// bandEntry is an item's key in one band.
type bandEntry struct {
	h uint32
	u int32
}

// sortBand sorts entries, which arrive in item order, by key and then
// item: a least-significant-digit radix sort on the key, one byte a pass
// (stable, so items stay in order within a key), through tmp (as long as
// entries), calling rest between passes and every restSorted items. It
// orders as slices.SortFunc by (h, u) would, in O(n) and in steps that
// can pause: a comparison sort of a million keys was 150 ms at a stretch.
func sortBand(ctx context.Context, entries, tmp []bandEntry, rest func(context.Context) error) error {
	src, dst := entries, tmp[:len(entries)]
	for shift := 0; shift < 32; shift += 8 {
		var at [256]int
		for _, e := range src {
			at[byte(e.h>>shift)]++
		}
		sum := 0
		for d, c := range at {
			at[d], sum = sum, sum+c
		}
		for k, e := range src {
			if k%restSorted == restSorted-1 {
				if err := rest(ctx); err != nil {
					return err
				}
			}
			d := byte(e.h >> shift)
			dst[at[d]] = e
			at[d]++
		}
		src, dst = dst, src
		if err := rest(ctx); err != nil {
			return err
		}
	}
	return nil // four passes: the result is back in entries
}

// LinkNear is LinkSketches over the sketches of sigs, held in memory.
func LinkNear(ctx context.Context, sigs []Signature, threshold float64, verify func(ctx context.Context, pairs []Pair) ([]float64, error)) (*Links, error) {
	items := NewSketchSlice(len(sigs))
	for i := range sigs {
		items.Add(&sigs[i])
	}
	return LinkSketches(ctx, items, threshold, verify, nil)
}

// LinkSketches is ProposeNear over sketches alone, for a caller that cannot
// hold every text (a consultation of a million comments): it keeps only
// each item's Sketch and band keys (256 bytes an item, in memory or in a
// SketchFile) and asks verify for the exact
// similarity of the candidate pairs, at most VerifyBatch at a time, so the
// caller reads only those pairs' texts. verify returns one similarity per
// pair (the exact shingle Jaccard, as Jaccard computes it).
//
// Candidates come from the LSH bands as in ProposeNear (SketchKeys, of the
// full signatures), one band at a time, compared first by
// EstimatedJaccardSketch (pairs below threshold −
// estimateMargin are discarded). In a bucket of more than maxAnchors items
// each item is compared with at most maxTries of the bucket's first
// maxAnchors items (linkBucketMember), so a bucket of thousands of copies
// of a form letter costs O(n) estimates, not O(n²); in a smaller bucket
// every pair not linked yet is compared, as the in-request algorithm did.
// Pairs whose estimate passes are verified at the end of the band; only the
// verified ones join components, and a pair is not verified when its items
// were already joined. A pair estimated well above threshold (by
// tentativeMargin) is also linked tentatively for the rest of the band, so
// its item is not compared again with a component it already met; a pair
// estimated nearer the threshold (which the exact similarity may fail) is
// not, so one borderline pair cannot hide the component's other members.
//
// The result depends only on the items, threshold and verify's answers.
// Besides what items hold, it needs about 40 bytes an item. rest (nil:
// none) is called between steps of the band work, every restItems
// items, so that a caller sharing the machine can pause there; an error
// from it ends the linking with that error.
func LinkSketches(ctx context.Context, items Sketches, threshold float64, verify func(ctx context.Context, pairs []Pair) ([]float64, error), rest func(context.Context) error) (*Links, error) {
	if rest == nil {
		rest = func(ctx context.Context) error { return ctx.Err() }
	}
	n := items.Len()
	links := &Links{uf: newUnionFind(n), sim: make([]float64, n)}
	tent := newUnionFind(n)
	inBatch := newUnionFind(n) // the pairs of one verification batch
	var pairs []Pair
	// failed holds the pairs verified below threshold, so that a later band
	// does not verify them again (a variant too far from its letter meets
	// the same anchors in band after band).
	failed := map[Pair]struct{}{}
	// apart counts the failed verifications between two components (by
	// their roots when the pair failed): two components found dissimilar
	// maxComponentFailures times are not compared again. Form letters that
	// share most of their sentences (Jaccard 0.7–0.8, below the threshold
	// but within the estimate's margin) otherwise cost every item
	// maxTries verifications in every band.
	apart := map[Pair]int32{}
	roots := func(x, y int32) Pair {
		rx, ry := links.uf.find(x), links.uf.find(y)
		if rx > ry {
			rx, ry = ry, rx
		}
		return Pair{rx, ry}
	}
	var sx, sy Sketch
	var loadErr error
	estimate := func(x, y int32) bool {
		if loadErr != nil {
			return false
		}
		if loadErr = items.Load(x, &sx); loadErr == nil {
			loadErr = items.Load(y, &sy)
		}
		if loadErr != nil {
			return false
		}
		est := EstimatedJaccardSketch(&sx, &sy)
		if est < threshold-estimateMargin {
			return false
		}
		if x > y {
			x, y = y, x
		}
		if apart[roots(x, y)] >= maxComponentFailures {
			return false
		}
		if _, ok := failed[Pair{x, y}]; !ok {
			pairs = append(pairs, Pair{x, y})
		}
		return est >= threshold+tentativeMargin
	}
	entries, sorted := make([]bandEntry, n), make([]bandEntry, n)
	keys := make([]uint32, n)
	var anchors []int32
	for b := range Bands {
		if err := rest(ctx); err != nil {
			return nil, err
		}
		if err := items.Keys(b, keys); err != nil {
			return nil, err
		}
		for u, h := range keys {
			entries[u] = bandEntry{h, int32(u)}
		}
		if err := rest(ctx); err != nil {
			return nil, err
		}
		if err := sortBand(ctx, entries, sorted, rest); err != nil {
			return nil, err
		}
		copy(tent.parent, links.uf.parent)
		pairs = pairs[:0]
		for i, rested := 0, 0; i < n; {
			if i-rested >= restItems {
				if err := rest(ctx); err != nil {
					return nil, err
				}
				rested = i
			}
			j := i + 1
			for j < n && entries[j].h == entries[i].h {
				j++
			}
			switch {
			case j-i > maxAnchors:
				anchors = anchors[:0]
				for k, e := range entries[i:j] {
					if k%restItems == restItems-1 { // a form letter's bucket holds thousands
						if err := rest(ctx); err != nil {
							return nil, err
						}
						rested = i + k
					}
					anchors = linkBucketMember(tent, estimate, anchors, e.u)
				}
			case j-i >= 2: // a small bucket: every pair not linked yet
				for x := i + 1; x < j; x++ {
					for y := i; y < x; y++ {
						a, b := entries[y].u, entries[x].u
						if tent.find(a) != tent.find(b) && estimate(b, a) {
							tent.union(a, b)
						}
					}
				}
			}
			i = j
		}
		if loadErr != nil {
			return nil, loadErr
		}
		for len(pairs) > 0 {
			// A batch holds no pair whose items its other pairs already
			// connect: that pair waits for the next batch, by which time
			// it is usually joined and needs no verification.
			var batch, later []Pair
			k := 0
			for ; k < len(pairs) && len(batch) < VerifyBatch; k++ {
				p := pairs[k]
				switch ra, rb := inBatch.find(p.A), inBatch.find(p.B); {
				case links.uf.find(p.A) == links.uf.find(p.B):
				case ra == rb:
					later = append(later, p)
				default:
					inBatch.union(ra, rb)
					batch = append(batch, p)
				}
			}
			for _, p := range batch { // reset what the batch touched
				inBatch.parent[p.A], inBatch.parent[p.B] = p.A, p.B
			}
			// In place: a band's pairs can be millions, and a new slice
			// a batch would copy them all VerifyBatch at a time.
			m := copy(pairs, later) // later came from pairs[:k]
			m += copy(pairs[m:], pairs[k:])
			pairs = pairs[:m]
			if len(batch) == 0 {
				continue
			}
			sims, err := verify(ctx, batch)
			if err != nil {
				return nil, err
			}
			for k, p := range batch {
				if sims[k] >= threshold {
					links.join(p.A, p.B, sims[k])
				} else {
					failed[p] = struct{}{}
					apart[roots(p.A, p.B)]++
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
