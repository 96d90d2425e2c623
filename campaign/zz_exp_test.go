package campaign

import (
	"slices"
	"testing"
)

func setK(norm string, k int) []uint64 {
	rs := []rune(norm)
	var out []uint64
	for i := 0; i+k <= len(rs); i++ {
		var x uint64
		for _, r := range rs[i : i+k] {
			x = x<<21 | uint64(r)
		}
		out = append(out, x)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestExpDist(t *testing.T) {
	for k := 2; k <= 3; k++ {
		g := newGen(5)
		base := setK(Normalize(letters[0]), k)
		var js []float64
		for range 600 {
			js = append(js, jaccardSets(base, setK(Normalize(g.variant(letters[0])), k)))
		}
		slices.Sort(js)
		t.Logf("k=%d q10 %.2f q25 %.2f q50 %.2f q75 %.2f q90 %.2f", k, js[60], js[150], js[300], js[450], js[540])
		// unrelated max
		var mx float64
		for range 600 {
			mx = max(mx, jaccardSets(base, setK(Normalize(g.unrelated(letters[0])), k)))
		}
		t.Logf("k=%d unrelated max %.2f", k, mx)
	}
}
