package campaign

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestBandKeysAreTheBandHashes checks every key against the band's hash
// written as 16 lower-case hex digits: the keys are stored in an indexed
// column, so building them differently must not change one of them.
func TestBandKeysAreTheBandHashes(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 6))
	sigs := []Signature{MinHash(""), MinHash(letters[0]), MinHash(letters[2])}
	for range 200 {
		var s Signature
		for i := range s {
			s[i] = r.Uint32()
		}
		sigs = append(sigs, s)
	}
	for _, sig := range sigs {
		keys := BandKeys(sig)
		if len(keys) != Bands {
			t.Fatalf("len(BandKeys) = %d, want %d", len(keys), Bands)
		}
		for b, got := range keys {
			if want := fmt.Sprintf("%016x", bandHash(&sig, b)); got != want {
				t.Fatalf("BandKeys(%v)[%d] = %q, want %q", sig[:8], b, got, want)
			}
		}
	}
}

// BenchmarkBandKeys: go test ./campaign -run '^$' -bench BandKeys -benchmem
func BenchmarkBandKeys(b *testing.B) {
	sig := MinHash(letters[0])
	b.ReportAllocs()
	for range b.N {
		_ = BandKeys(sig)
	}
}
