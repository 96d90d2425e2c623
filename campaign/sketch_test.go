package campaign

import (
	"cmp"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// EstimatedJaccardSketch corrects the chance agreement of bytes: over
// variant pairs and unrelated pairs its mean error against the exact
// Jaccard is the full signature's (within 0.001; the uncorrected fraction
// would be 0.002 higher), and its spread is within the standard error's
// bound.
func TestEstimatedJaccardSketch(t *testing.T) {
	g := newGen(7)
	var sumErr, sumSq, fullErr float64
	const n = 2000
	for i := range n {
		a := g.variant(letters[i%len(letters)])
		b := g.variant(letters[i%len(letters)])
		if i%2 == 1 {
			b = g.unrelated(letters[i%len(letters)])
		}
		sa, sb := MinHash(a), MinHash(b)
		ka, kb := SketchOf(&sa), SketchOf(&sb)
		j := Jaccard(a, b)
		d := EstimatedJaccardSketch(&ka, &kb) - j
		sumErr += d
		sumSq += d * d
		fullErr += EstimatedJaccard(sa, sb) - j
	}
	bias, rmse := sumErr/n, math.Sqrt(sumSq/n)
	t.Logf("sketch: bias %+.4f, rms error %.4f; full signature: bias %+.4f", bias, rmse, fullErr/n)
	if d := bias - fullErr/n; math.Abs(d) > 0.001 {
		t.Errorf("EstimatedJaccardSketch bias %+.4f, the full signature's %+.4f: want within ±0.001", bias, fullErr/n)
	}
	if rmse > 0.045 { // sqrt(0.25/128) = 0.044 bounds the standard error at any s
		t.Errorf("EstimatedJaccardSketch rms error %.4f, want ≤ 0.045", rmse)
	}
	// Identical signatures estimate 1; the empty text's, 1 with itself.
	var empty Signature
	for i := range empty {
		empty[i] = math.MaxUint32
	}
	e := SketchOf(&empty)
	if got := EstimatedJaccardSketch(&e, &e); got != 1 {
		t.Errorf("EstimatedJaccardSketch(x, x) = %v, want 1", got)
	}
}

// The file form of Sketches holds what the slice form holds, across
// segments and with chunks evicted from its cache, so LinkSketches gives
// the same links over both.
func TestLinkNearSketchFile(t *testing.T) {
	g := newGen(2028)
	const n = sketchSegmentItems + 517 // a whole segment and a partial one
	sets := make([][]uint64, n)
	mem := NewSketchSlice(n)
	file, err := NewSketchFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	file.cacheChunks = 3
	for i := range sets {
		text := g.unrelated(letters[i%len(letters)])
		if i%3 == 1 {
			text = g.variant(letters[i%2])
		}
		sets[i] = Shingles(text)
		sig := MinHash(text)
		must(t, mem.Add(&sig))
		must(t, file.Add(&sig))
	}
	if file.Len() != n {
		t.Fatalf("SketchFile.Len() = %d, want %d", file.Len(), n)
	}
	want, got := make([]uint32, n), make([]uint32, n)
	for _, b := range []int{0, 17, Bands - 1} {
		must(t, mem.Keys(b, want))
		must(t, file.Keys(b, got))
		for u := range want {
			if got[u] != want[u] {
				t.Fatalf("band %d item %d: SketchFile key %x, SketchSlice %x", b, u, got[u], want[u])
			}
		}
	}
	for _, i := range []int32{0, n - 1, sketchSegmentItems, 63, 64, 4100, 1, n - 1, 0} {
		var a, b Sketch
		must(t, mem.Load(i, &a))
		must(t, file.Load(i, &b))
		if a != b {
			t.Fatalf("item %d: SketchFile and SketchSlice sketches differ", i)
		}
	}
	if err := file.Add(&Signature{}); err == nil {
		t.Error("SketchFile.Add after reading: no error")
	}
	verify := func(_ context.Context, pairs []Pair) ([]float64, error) {
		sims := make([]float64, len(pairs))
		for k, p := range pairs {
			sims[k] = JaccardShingles(sets[p.A], sets[p.B])
		}
		return sims, nil
	}
	lm, err := LinkSketches(context.Background(), mem, 0.8, verify, nil)
	must(t, err)
	// The file form with rests: the same links, and rests through every
	// band (two per band and one per restItems of its items).
	rests := 0
	lf, err := LinkSketches(context.Background(), file, 0.8, verify, func(context.Context) error { rests++; return nil })
	must(t, err)
	if want := Bands * (2 + (n-1)/restItems); rests < want {
		t.Errorf("%d rests, want at least %d", rests, want)
	}
	stop := errors.New("stop")
	if _, err := LinkSketches(context.Background(), file, 0.8, verify, func(context.Context) error {
		if rests--; rests < 3 {
			return stop
		}
		return nil
	}); !errors.Is(err, stop) {
		t.Errorf("a rest's error: LinkSketches returned %v, want it", err)
	}
	linked := 0
	for i := range int32(n) {
		rm, rf := lm.Root(i), lf.Root(i)
		if rm != rf || lm.Similarity(rm) != lf.Similarity(rf) {
			t.Fatalf("item %d: file form root %d (similarity %v), slice form %d (%v)", i, rf, lf.Similarity(rf), rm, lm.Similarity(rm))
		}
		if rm != i {
			linked++
		}
	}
	if linked < n/4 { // a third are variants of two letters
		t.Errorf("%d of %d items linked, want the variants", linked, n)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// sortBand orders as a comparison sort by (key, item) does, on keys with
// many repeats and on keys spread over all 32 bits, and an error from rest
// ends it.
func TestSortBand(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct {
		n    int
		keys func() uint32
	}{
		{0, nil},
		{1, func() uint32 { return 7 }},
		{1000, func() uint32 { return uint32(rng.IntN(20)) }},                         // buckets
		{200_000, func() uint32 { return rng.Uint32() }},                              // spread
		{70_000, func() uint32 { return uint32(rng.IntN(300)) << (8 * rng.IntN(4)) }}, // one byte at a time
	} {
		entries := make([]bandEntry, c.n)
		for u := range entries {
			entries[u] = bandEntry{c.keys(), int32(u)}
		}
		want := slices.Clone(entries)
		slices.SortFunc(want, func(p, q bandEntry) int {
			if c := cmp.Compare(p.h, q.h); c != 0 {
				return c
			}
			return cmp.Compare(p.u, q.u)
		})
		rests := 0
		if err := sortBand(context.Background(), entries, make([]bandEntry, c.n), func(context.Context) error { rests++; return nil }); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(entries, want) {
			t.Fatalf("n=%d: sortBand's order differs from the comparison sort's", c.n)
		}
		if min := 4 + 4*(c.n/restSorted); rests < min {
			t.Errorf("n=%d: %d rests, want at least %d", c.n, rests, min)
		}
	}
	stop := errors.New("stop")
	if err := sortBand(context.Background(), make([]bandEntry, 10), make([]bandEntry, 10), func(context.Context) error { return stop }); err != stop {
		t.Errorf("a rest's error: %v", err)
	}
}
