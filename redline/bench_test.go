package redline

import (
	"math/rand/v2"
	"testing"

	"yugongkai/internal/cputime"
)

// Benchmarks. Each group has a baseline in the same run so that figures can be read as
// ratios: BenchmarkDiffIdentical100k (the fast path: decode + prefix scan) and
// BenchmarkStringCompare100k (a plain == on two equal, distinct 100k strings).

var sink any

func benchPair(n, edits int) (string, string) {
	a := genText(rand.New(rand.NewPCG(21, 22)), n)
	b := scatterEdits(rand.New(rand.NewPCG(23, 24)), a, edits)
	return a, b
}

func benchDiff(b *testing.B, x, y string) {
	b.SetBytes(int64(len(x) + len(y)))
	start := cputime.Process()
	for b.Loop() {
		sink = Diff(x, y)
	}
	reportCPU(b, start)
}

// reportCPU adds the process CPU time per operation (all threads, GC included) as
// "cpu-ns/op": on a shared machine it is steadier than ns/op.
func reportCPU(b *testing.B, start int64) {
	if end := cputime.Process(); end > start {
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkStringCompare100k(b *testing.B) {
	x := genText(rand.New(rand.NewPCG(21, 22)), 100_000)
	y := string([]byte(x))
	start := cputime.Process()
	for b.Loop() {
		sink = x == y
	}
	reportCPU(b, start)
}

func BenchmarkDiffIdentical100k(b *testing.B) {
	x := genText(rand.New(rand.NewPCG(21, 22)), 100_000)
	benchDiff(b, x, string([]byte(x)))
}

func BenchmarkDiffScattered100k(b *testing.B) {
	x, y := benchPair(100_000, 500)
	benchDiff(b, x, y)
}

func BenchmarkDiffScattered200k(b *testing.B) {
	x, y := benchPair(200_000, 500)
	benchDiff(b, x, y)
}

func BenchmarkDiffRewritten100k(b *testing.B) {
	x := genText(rand.New(rand.NewPCG(21, 22)), 100_000)
	y := genText(rand.New(rand.NewPCG(31, 32)), 100_000)
	benchDiff(b, x, y)
}

func benchRedline(b *testing.B, law, from, to string) {
	prev := withIDs(readVersion(b, law, from), "o")
	next := readVersion(b, law, to)
	start := cputime.Process()
	for b.Loop() {
		m := Match(prev, next, counter("n"))
		sink = Compare(prev, m.Articles)
	}
	reportCPU(b, start)
}

func BenchmarkRedlineAnimal1to2(b *testing.B) {
	benchRedline(b, "animal-epidemic-prevention-law", "draft.txt", "draft2.txt")
}

func BenchmarkRedlineAnimal2toFinal(b *testing.B) {
	benchRedline(b, "animal-epidemic-prevention-law", "draft2.txt", "final.txt")
}

func BenchmarkRedlinePenalties(b *testing.B) {
	benchRedline(b, "public-security-admin-penalties-law", "draft.txt", "final.txt")
}

// BenchmarkCompareIdenticalPenalties is the baseline of the redline group: Compare of a
// version with itself (no matching, no diffs).
func BenchmarkCompareIdenticalPenalties(b *testing.B) {
	v := withIDs(readVersion(b, "public-security-admin-penalties-law", "final.txt"), "o")
	start := cputime.Process()
	for b.Loop() {
		sink = Compare(v, v)
	}
	reportCPU(b, start)
}
