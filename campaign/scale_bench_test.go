package campaign

import (
	"fmt"
	"sync"
	"testing"

	"yugongkai/internal/cputime"
)

// corpus1M is 1,000,000 comments labelled by campaign: 70 % unrelated
// (each its own), 30 % from the five campaigns (60,000 each: half copies
// identical after Normalize, half variants), shuffled by construction (the
// kinds interleave). Labels give the pairwise recall and precision of a
// grouping at that scale (issue 10, goal 4).
var corpus1M = sync.OnceValues(func() ([]Doc, []int32) {
	const n = 1_000_000
	g := newGen(1_000_000)
	docs := make([]Doc, 0, n)
	label := make([]int32, 0, n)
	for i := range n {
		var text string
		l := int32(-1 - i) // unrelated: a class of its own
		switch {
		case i%10 < 7:
			text = g.unrelated(letters[i%len(letters)])
		case i%2 == 0:
			text, l = g.copyOf(letters[i%len(letters)]), int32(i%len(letters))
		default:
			text, l = g.variant(letters[i%len(letters)]), int32(i%len(letters))
		}
		docs = append(docs, Doc{ID: fmt.Sprint(i), Text: text})
		label = append(label, l)
	}
	return docs, label
})

// pairQuality is the pairwise recall and precision of groups against the
// labels (docs' IDs are their indexes), computed from the contingency of
// group × label, so a million comments cost no pair enumeration.
func pairQuality(groups []Group, label []int32) (recall, precision float64) {
	pairs := func(n int) float64 { return float64(n) * float64(n-1) / 2 }
	count := map[int32]int{}
	for _, l := range label {
		count[l]++
	}
	var truePairs, proposed, correct float64
	for _, n := range count {
		truePairs += pairs(n)
	}
	for _, gr := range groups {
		proposed += pairs(len(gr.Members))
		in := map[int32]int{}
		for _, id := range gr.Members {
			var i int
			fmt.Sscan(id, &i)
			in[label[i]]++
		}
		for _, n := range in {
			correct += pairs(n)
		}
	}
	precision = 1
	if proposed > 0 {
		precision = correct / proposed
	}
	return correct / truePairs, precision
}

// BenchmarkNormalize1M is the baseline of the 1M grouping benchmarks.
func BenchmarkNormalize1M(b *testing.B) {
	docs, _ := corpus1M()
	cpu := cputime.Process()
	for b.Loop() {
		for _, d := range docs {
			Normalize(d.Text)
		}
	}
	reportCPU(b, cpu)
}

// reportCPU reports the process CPU time per op since start: the figure
// least at the mercy of what else the machine runs (ProposeNear is
// parallel, so its CPU time exceeds its wall time on a quiet machine).
func reportCPU(b *testing.B, start int64) {
	if end := cputime.Process(); end > start {
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkGroupExact1M: goal ≤ 10 s.
func BenchmarkGroupExact1M(b *testing.B) {
	docs, _ := corpus1M()
	var groups []Group
	cpu := cputime.Process()
	for b.Loop() {
		groups = GroupExact(docs)
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(len(groups)), "groups")
}

// BenchmarkProposeNear1M: goal ≤ 5 min, with the signature (the sketch a
// comment keeps) at most 512 bytes, recall ≥ 0.9 and precision ≥ 0.95 on
// the labelled corpus; the benchmark fails when the quality does not hold.
func BenchmarkProposeNear1M(b *testing.B) {
	docs, label := corpus1M()
	var groups []Group
	cpu := cputime.Process()
	for b.Loop() {
		groups = ProposeNear(docs, 0.8)
	}
	reportCPU(b, cpu)
	recall, precision := pairQuality(groups, label)
	b.ReportMetric(float64(len(groups)), "groups")
	b.ReportMetric(recall, "recall")
	b.ReportMetric(precision, "precision")
	b.ReportMetric(float64(len(Signature{})*4), "sketch-bytes")
	if recall < 0.9 || precision < 0.95 {
		b.Errorf("recall %.4f, precision %.4f: want ≥ 0.9 and ≥ 0.95", recall, precision)
	}
}
