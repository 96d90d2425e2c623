package campaign

import (
	"math"
	"testing"
)

func TestTmpHashQuality(t *testing.T) {
	g := newGen(12)
	var sum, sq, theo float64
	n := 3000
	for i := range n {
		a := g.variant(letters[i%5])
		b := g.variant(letters[i%5])
		if i%3 == 0 {
			b = g.unrelated("")
		}
		ex := Jaccard(a, b)
		d := EstimatedJaccard(MinHash(a), MinHash(b)) - ex
		sum += d
		sq += d * d
		theo += ex * (1 - ex) / NumHashes
	}
	t.Logf("bias %.4f rms %.4f theoretical rms %.4f", sum/float64(n), math.Sqrt(sq/float64(n)), math.Sqrt(theo/float64(n)))
}
