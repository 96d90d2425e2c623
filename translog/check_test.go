package translog

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// commentLog returns n leaves of one consultation and the heads sealed
// every `every` leaves (and at n).
func commentLog(t *testing.T, n, every int) ([][]byte, []Head) {
	t.Helper()
	start := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	var leaves [][]byte
	for i := range n {
		leaves = append(leaves, Leaf{
			Consultation: "c-1",
			Receipt:      fmt.Sprintf("R%04d", i),
			BodySHA256:   BodyHash(fmt.Appendf(nil, "意见 %d", i)),
			Channel:      "online",
			ReceivedAt:   start.Add(time.Duration(i) * time.Minute),
		}.Bytes())
	}
	hs, err := BuildHashes(leaves)
	if err != nil {
		t.Fatal(err)
	}
	var heads []Head
	for size := every; size <= n; size += every {
		root, err := TreeHash(int64(size), hs)
		if err != nil {
			t.Fatal(err)
		}
		heads = append(heads, Head{Consultation: "c-1", Size: int64(size), Root: root, At: start.Add(time.Duration(size) * time.Minute)})
	}
	return leaves, heads
}

type found struct {
	Index int64
	Kind  string
}

func summarize(t *testing.T, ps []Problem) []found {
	t.Helper()
	var out []found
	for _, p := range ps {
		if p.Detail == "" {
			t.Errorf("problem %+v has no detail", p)
		}
		out = append(out, found{p.Index, p.Kind})
	}
	return out
}

// Tampering applied to a genuine log of 16 leaves with heads at 4, 8, 12, 16.
var tamperings = map[string]func(leaves [][]byte, heads []Head) ([][]byte, []Head){
	"untouched": func(l [][]byte, h []Head) ([][]byte, []Head) { return l, h },
	"leaf 5 altered": func(l [][]byte, h []Head) ([][]byte, []Head) {
		l[5] = append(slices.Clone(l[5][:len(l[5])-2]), `X"}`...)
		return l, h
	},
	"leaf 5 emptied":    func(l [][]byte, h []Head) ([][]byte, []Head) { l[5] = nil; return l, h },
	"leaf 5 removed":    func(l [][]byte, h []Head) ([][]byte, []Head) { return slices.Delete(l, 5, 6), h },
	"last leaf removed": func(l [][]byte, h []Head) ([][]byte, []Head) { return l[:len(l)-1], h },
	"leaf inserted at 5": func(l [][]byte, h []Head) ([][]byte, []Head) {
		return slices.Insert(l, 5, []byte(`{"forged":"1"}`)), h
	},
	"leaves 5 and 6 swapped":   func(l [][]byte, h []Head) ([][]byte, []Head) { l[5], l[6] = l[6], l[5]; return l, h },
	"leaves 5 and 9 swapped":   func(l [][]byte, h []Head) ([][]byte, []Head) { l[5], l[9] = l[9], l[5]; return l, h },
	"head 8's root altered":    func(l [][]byte, h []Head) ([][]byte, []Head) { h[1].Root[0] ^= 1; return l, h },
	"last head's root altered": func(l [][]byte, h []Head) ([][]byte, []Head) { h[3].Root[0] ^= 1; return l, h },
}

func TestCheckLog(t *testing.T) {
	for _, tt := range []struct {
		tampering string
		want      []found
	}{
		{"untouched", nil},
		{"leaf 5 emptied", []found{{5, "missing"}}},
		{"last leaf removed", []found{{15, "missing"}}},
		{"leaf inserted at 5", []found{{5, "inserted"}}},
		{"leaves 5 and 6 swapped", []found{{5, "reordered"}}},
		{"leaves 5 and 9 swapped", []found{{5, "reordered"}}},
		{"head 8's root altered", []found{{8, "head"}}},
		// Roots alone place an altered or removed leaf between two heads
		// only; CheckLogHashes names it.
		{"leaf 5 altered", []found{{4, "altered"}}},
		{"leaf 5 removed", []found{{4, "altered"}}},
		// Nothing later contradicts the last head: the leaves covered by it
		// alone are reported.
		{"last head's root altered", []found{{12, "altered"}}},
	} {
		t.Run(tt.tampering, func(t *testing.T) {
			leaves, heads := commentLog(t, 16, 4)
			leaves, heads = tamperings[tt.tampering](leaves, heads)
			if got := summarize(t, CheckLog(leaves, heads)); !slices.Equal(got, tt.want) {
				t.Errorf("CheckLog() = %v, want %v", CheckLog(leaves, heads), tt.want)
			}
		})
	}
}

func TestCheckLogNamesTheLeafWhenEveryCommentIsSealed(t *testing.T) {
	leaves, heads := commentLog(t, 16, 1)
	leaves[5] = Leaf{Consultation: "c-1", Receipt: "R0005"}.Bytes()
	want := []found{{5, "altered"}}
	if got := summarize(t, CheckLog(leaves, heads)); !slices.Equal(got, want) {
		t.Errorf("CheckLog() = %v, want %v", CheckLog(leaves, heads), want)
	}
}

func TestCheckLogHashes(t *testing.T) {
	for _, tt := range []struct {
		tampering string
		want      []found
	}{
		{"untouched", nil},
		{"leaf 5 altered", []found{{5, "altered"}}},
		{"leaf 5 emptied", []found{{5, "missing"}}},
		{"leaf 5 removed", []found{{5, "missing"}}},
		{"last leaf removed", []found{{15, "missing"}}},
		{"leaf inserted at 5", []found{{5, "inserted"}}},
		{"leaves 5 and 6 swapped", []found{{5, "reordered"}}},
		{"leaves 5 and 9 swapped", []found{{5, "reordered"}, {9, "reordered"}}},
		// The recorded hashes no longer give a head: CheckLog's analysis.
		{"head 8's root altered", []found{{8, "head"}}},
	} {
		t.Run(tt.tampering, func(t *testing.T) {
			leaves, heads := commentLog(t, 16, 4)
			recorded := leafHashes(leaves)
			leaves, heads = tamperings[tt.tampering](leaves, heads)
			if got := summarize(t, CheckLogHashes(leaves, recorded, heads)); !slices.Equal(got, tt.want) {
				t.Errorf("CheckLogHashes() = %v, want %v", CheckLogHashes(leaves, recorded, heads), tt.want)
			}
		})
	}

	t.Run("recorded hashes rewritten to match", func(t *testing.T) {
		leaves, heads := commentLog(t, 16, 4)
		leaves[5] = Leaf{Consultation: "c-1", Receipt: "R0005"}.Bytes()
		want := []found{{4, "altered"}}
		if got := summarize(t, CheckLogHashes(leaves, leafHashes(leaves), heads)); !slices.Equal(got, want) {
			t.Errorf("CheckLogHashes() = %v, want %v", CheckLogHashes(leaves, leafHashes(leaves), heads), want)
		}
	})
}

func leafHashes(leaves [][]byte) []tlog.Hash {
	var hs []tlog.Hash
	for _, l := range leaves {
		hs = append(hs, LeafHash(l))
	}
	return hs
}

// TestPrefixRoots checks the one-pass frontier against the RFC definition
// for every size.
func TestPrefixRoots(t *testing.T) {
	leaves, _ := commentLog(t, 70, 70)
	hs := leafHashes(leaves)
	var heads []Head
	for n := range 71 {
		heads = append(heads, Head{Size: int64(n)})
	}
	roots := prefixRoots(hs, heads)
	for n := range 71 {
		if want := rootOf(hs[:n]); roots[n] != want {
			t.Errorf("prefixRoots at %d = %s, rootOf = %s", n, hexHash(roots[n]), hexHash(want))
		}
	}
}
