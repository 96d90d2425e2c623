package translog

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// The RFC 6962 test vectors of the Certificate Transparency implementations
// (transparency-dev/merkle testonly): eight leaves, the root of every prefix,
// and some of their proofs.
var (
	ctLeaves = []string{"", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"}
	ctRoots  = []string{ // ctRoots[n] is the root of the first n leaves
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
		"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
		"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
		"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
		"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
		"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
	}
)

func ctLog(t *testing.T) ([][]byte, MemoryHashes) {
	t.Helper()
	leaves := make([][]byte, len(ctLeaves))
	for i, s := range ctLeaves {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		leaves[i] = b
	}
	hs, err := BuildHashes(leaves)
	if err != nil {
		t.Fatal(err)
	}
	return leaves, hs
}

func TestRFC6962Vectors(t *testing.T) {
	leaves, hs := ctLog(t)
	if got := hexHash(LeafHash(nil)); got != ctRoots[1] {
		t.Errorf("LeafHash(\"\") = %s, want %s", got, ctRoots[1])
	}
	if sum := sha256.Sum256(nil); hexHash(sum) != ctRoots[0] {
		t.Fatalf("the empty root in the table is not SHA-256(\"\")")
	}
	for n := range ctRoots {
		root, err := TreeHash(int64(n), hs)
		if err != nil {
			t.Fatal(err)
		}
		if got := hexHash(root); got != ctRoots[n] {
			t.Errorf("TreeHash(%d) = %s, want %s", n, got, ctRoots[n])
		}
		var lh []tlog.Hash
		for _, l := range leaves[:n] {
			lh = append(lh, LeafHash(l))
		}
		if got := hexHash(rootOf(lh)); got != ctRoots[n] {
			t.Errorf("rootOf(%d leaves) = %s, want %s", n, got, ctRoots[n])
		}
	}

	inclusion := []struct {
		index, size int64
		path        []string
	}{
		{0, 1, nil},
		{0, 8, []string{
			"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
			"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
			"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
		{5, 8, []string{
			"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
			"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
			"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
		{2, 3, []string{"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
		{1, 5, []string{
			"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
			"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
			"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
	}
	for _, tt := range inclusion {
		p, err := ProveInclusion(tt.index, tt.size, leaves[tt.index], hs)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.InclusionPath, hexHashes(mustHashes(t, tt.path))) || p.RootHash != ctRoots[tt.size] {
			t.Errorf("ProveInclusion(%d, %d) = %v root %s, want %v root %s", tt.index, tt.size, p.InclusionPath, p.RootHash, tt.path, ctRoots[tt.size])
		}
		if err := p.Verify(); err != nil {
			t.Errorf("ProveInclusion(%d, %d).Verify() = %v", tt.index, tt.size, err)
		}
	}

	consistency := []struct {
		from, to int64
		path     []string
	}{
		{1, 1, nil},
		{1, 8, []string{
			"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
			"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
			"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
		{6, 8, []string{
			"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
			"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
			"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
		{2, 5, []string{
			"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
			"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
	}
	for _, tt := range consistency {
		p, err := ProveConsistency(tt.from, tt.to, hs)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.Path, hexHashes(mustHashes(t, tt.path))) || p.FromRoot != ctRoots[tt.from] || p.ToRoot != ctRoots[tt.to] {
			t.Errorf("ProveConsistency(%d, %d) = %+v, want path %v", tt.from, tt.to, p, tt.path)
		}
		if err := p.Verify(); err != nil {
			t.Errorf("ProveConsistency(%d, %d).Verify() = %v", tt.from, tt.to, err)
		}
	}
}

func mustHashes(t *testing.T, ss []string) []tlog.Hash {
	t.Helper()
	hs, err := parseHexes(ss)
	if err != nil {
		t.Fatal(err)
	}
	return hs
}

// TestCertificateTransparencyLog checks this package's RFC 9162 verifiers
// against proofs served by a real CT log (Google Argon 2020; the testdata of
// golang.org/x/mod/sumdb/tlog, BSD licence): a record and a consistency
// proof from a tree of 961,984,013 entries.
func TestCertificateTransparencyLog(t *testing.T) {
	var sth struct {
		Size int64  `json:"tree_size"`
		Root []byte `json:"sha256_root_hash"`
	}
	var entries struct {
		Entries []struct {
			Data []byte `json:"leaf_input"`
		} `json:"entries"`
	}
	var rp struct {
		Index int64    `json:"leaf_index"`
		Path  [][]byte `json:"audit_path"`
	}
	var tp struct {
		Path [][]byte `json:"consistency"`
	}
	for name, v := range map[string]any{"sth": &sth, "entries": &entries, "proof": &rp, "consistency": &tp} {
		b, err := os.ReadFile("testdata/argon2020/" + name + ".json")
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	p := InclusionProof{
		LeafIndex:     rp.Index,
		TreeSize:      sth.Size,
		Leaf:          string(entries.Entries[0].Data),
		RootHash:      hex.EncodeToString(sth.Root),
		InclusionPath: hexBytes(rp.Path),
	}
	if err := p.Verify(); err != nil {
		t.Errorf("CT inclusion proof: Verify() = %v", err)
	}
	p.LeafIndex++
	if err := p.Verify(); err == nil {
		t.Errorf("CT inclusion proof for the wrong index: Verify() = nil")
	}
	old, _ := base64.StdEncoding.DecodeString("AuIZ5V6sDUj1vn3Y1K85oOaQ7y+FJJKtyRTl1edIKBQ=")
	c := ConsistencyProof{From: 3654490, To: sth.Size, FromRoot: hex.EncodeToString(old), ToRoot: hex.EncodeToString(sth.Root), Path: hexBytes(tp.Path)}
	if err := c.Verify(); err != nil {
		t.Errorf("CT consistency proof: Verify() = %v", err)
	}
	c.From--
	if err := c.Verify(); err == nil {
		t.Errorf("CT consistency proof from the wrong size: Verify() = nil")
	}
}

func hexBytes(bs [][]byte) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = hex.EncodeToString(b)
	}
	return out
}

// rfcPath is PATH(m, D[n]) of RFC 9162 §2.1.3.1, from the definition.
func rfcPath(m int, d []tlog.Hash) []tlog.Hash {
	n := len(d)
	if n == 1 {
		return nil
	}
	k := 1
	for k*2 < n {
		k *= 2
	}
	if m < k {
		return append(rfcPath(m, d[:k]), rootOf(d[k:]))
	}
	return append(rfcPath(m-k, d[k:]), rootOf(d[:k]))
}

// rfcSubproof is SUBPROOF(m, D[n], b) of RFC 9162 §2.1.4.1.
func rfcSubproof(m int, d []tlog.Hash, b bool) []tlog.Hash {
	n := len(d)
	if m == n {
		if b {
			return nil
		}
		return []tlog.Hash{rootOf(d)}
	}
	k := 1
	for k*2 < n {
		k *= 2
	}
	if m <= k {
		return append(rfcSubproof(m, d[:k], b), rootOf(d[k:]))
	}
	return append(rfcSubproof(m-k, d[k:], false), rootOf(d[:k]))
}

// TestProofOrderIsRFC9162 checks that the paths built from tlog's proofs
// are RFC 9162's, hash for hash and in its order, so any RFC 9162 verifier
// accepts them.
func TestProofOrderIsRFC9162(t *testing.T) {
	leaves := randomLeaves(rand.New(rand.NewPCG(1, 2)), 70)
	hs, err := BuildHashes(leaves)
	if err != nil {
		t.Fatal(err)
	}
	var d []tlog.Hash
	for _, l := range leaves {
		d = append(d, LeafHash(l))
	}
	for n := 1; n <= len(leaves); n++ {
		for m := 0; m < n; m++ {
			p, err := ProveInclusion(int64(m), int64(n), leaves[m], hs)
			if err != nil {
				t.Fatal(err)
			}
			if want := hexHashes(rfcPath(m, d[:n])); !slices.Equal(p.InclusionPath, want) {
				t.Fatalf("ProveInclusion(%d, %d) path = %v, RFC 9162 PATH = %v", m, n, p.InclusionPath, want)
			}
		}
		for m := 1; m <= n; m++ {
			p, err := ProveConsistency(int64(m), int64(n), hs)
			if err != nil {
				t.Fatal(err)
			}
			if want := hexHashes(rfcSubproof(m, d[:n], true)); !slices.Equal(p.Path, want) {
				t.Fatalf("ProveConsistency(%d, %d) path = %v, RFC 9162 PROOF = %v", m, n, p.Path, want)
			}
		}
	}
}

func randomLeaves(r *rand.Rand, n int) [][]byte {
	leaves := make([][]byte, n)
	for i := range leaves {
		b := make([]byte, r.IntN(40))
		for j := range b {
			b[j] = byte(r.Uint32())
		}
		leaves[i] = b
	}
	return leaves
}

func flipBit(s string, bit int) string {
	b, _ := hex.DecodeString(s)
	b[bit/8%len(b)] ^= 1 << (bit % 8)
	return hex.EncodeToString(b)
}

// TestInclusionProperty: for random logs, every leaf's proof verifies
// against every tree size that holds it, and fails once anything is changed.
func TestInclusionProperty(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(9, 9))
	leaves := randomLeaves(r, 300)
	hs, err := BuildHashes(leaves)
	if err != nil {
		t.Fatal(err)
	}
	for size := int64(1); size <= int64(len(leaves)); size++ {
		for i := int64(0); i < size; i++ {
			p, err := ProveInclusion(i, size, leaves[i], hs)
			if err != nil {
				t.Fatalf("ProveInclusion(%d, %d) = %v", i, size, err)
			}
			if err := p.Verify(); err != nil {
				t.Fatalf("ProveInclusion(%d, %d).Verify() = %v", i, size, err)
			}
			if r.IntN(8) != 0 && size != int64(len(leaves)) { // tamper with a sample, and all of the largest tree
				continue
			}
			for _, tamper := range inclusionTampers(r, p, leaves) {
				q := *p
				q.InclusionPath = slices.Clone(p.InclusionPath)
				tamper.change(&q)
				if err := q.Verify(); !errors.Is(err, ErrProof) && !errors.Is(err, ErrInvalid) {
					t.Fatalf("proof of leaf %d in %d with %s: Verify() = %v, want an error", i, size, tamper.name, err)
				}
			}
		}
	}
}

type inclusionTamper struct {
	name   string
	change func(*InclusionProof)
}

func inclusionTampers(r *rand.Rand, p *InclusionProof, leaves [][]byte) []inclusionTamper {
	ts := []inclusionTamper{
		{"a bit of the root flipped", func(q *InclusionProof) { q.RootHash = flipBit(q.RootHash, r.IntN(256)) }},
		{"another leaf", func(q *InclusionProof) { q.Leaf = string(leaves[(q.LeafIndex+1)%int64(len(leaves))]) + "x" }},
		{"a byte added to the leaf", func(q *InclusionProof) { q.Leaf += " " }},
		{"an index beyond the tree", func(q *InclusionProof) { q.LeafIndex = q.TreeSize }},
		{"a hash appended to the path", func(q *InclusionProof) { q.InclusionPath = append(q.InclusionPath, q.RootHash) }},
	}
	if len(p.InclusionPath) > 0 {
		ts = append(ts,
			inclusionTamper{"a bit of the path flipped", func(q *InclusionProof) {
				k := r.IntN(len(q.InclusionPath))
				q.InclusionPath[k] = flipBit(q.InclusionPath[k], r.IntN(256))
			}},
			inclusionTamper{"the last hash dropped", func(q *InclusionProof) { q.InclusionPath = q.InclusionPath[:len(q.InclusionPath)-1] }},
		)
	}
	if p.TreeSize > 1 {
		ts = append(ts, inclusionTamper{"the wrong index", func(q *InclusionProof) {
			q.LeafIndex = (q.LeafIndex + 1 + r.Int64N(q.TreeSize-1)) % q.TreeSize
		}})
	}
	if len(p.InclusionPath) > 1 && p.InclusionPath[0] != p.InclusionPath[1] {
		ts = append(ts, inclusionTamper{"two path hashes swapped", func(q *InclusionProof) {
			q.InclusionPath[0], q.InclusionPath[1] = q.InclusionPath[1], q.InclusionPath[0]
		}})
	}
	return ts
}

// TestConsistencyProperty: consistency proofs hold between any two sizes
// and fail once anything is changed.
func TestConsistencyProperty(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(4, 2))
	leaves := randomLeaves(r, 300)
	hs, err := BuildHashes(leaves)
	if err != nil {
		t.Fatal(err)
	}
	for to := int64(0); to <= int64(len(leaves)); to++ {
		for from := int64(0); from <= to; from++ {
			p, err := ProveConsistency(from, to, hs)
			if err != nil {
				t.Fatalf("ProveConsistency(%d, %d) = %v", from, to, err)
			}
			if err := p.Verify(); err != nil {
				t.Fatalf("ProveConsistency(%d, %d).Verify() = %v", from, to, err)
			}
			if r.IntN(8) != 0 {
				continue
			}
			for name, change := range map[string]func(*ConsistencyProof){
				"a bit of the old root flipped": func(q *ConsistencyProof) { q.FromRoot = flipBit(q.FromRoot, r.IntN(256)) },
				"a bit of the new root flipped": func(q *ConsistencyProof) { q.ToRoot = flipBit(q.ToRoot, r.IntN(256)) },
				"a hash appended":               func(q *ConsistencyProof) { q.Path = append(q.Path, q.ToRoot) },
				"a bit of the path flipped": func(q *ConsistencyProof) {
					if len(q.Path) == 0 {
						q.Path = []string{q.FromRoot}
						return
					}
					k := r.IntN(len(q.Path))
					q.Path[k] = flipBit(q.Path[k], r.IntN(256))
				},
				"the old size moved": func(q *ConsistencyProof) {
					if q.From == q.To {
						q.From--
					} else {
						q.From++
					}
				},
			} {
				q := *p
				q.Path = slices.Clone(p.Path)
				change(&q)
				if q.From == q.To && q.FromRoot == q.ToRoot && len(q.Path) == 0 {
					continue // moving the old size onto the new one leaves a true statement
				}
				if q.From == 0 && q.FromRoot == p.FromRoot && len(q.Path) == 0 {
					continue // the empty tree is a prefix of every tree, whatever its root
				}
				if err := q.Verify(); err == nil {
					t.Fatalf("consistency %d→%d with %s: Verify() = nil, want an error", from, to, name)
				}
			}
		}
	}
}

func TestProveInclusionRejects(t *testing.T) {
	leaves, hs := ctLog(t)
	for _, tt := range []struct {
		name        string
		index, size int64
		leaf        []byte
		want        error
	}{
		{"index at size", 8, 8, leaves[7], ErrInvalid},
		{"negative index", -1, 8, leaves[0], ErrInvalid},
		{"leaf of another index", 3, 8, leaves[4], ErrProof},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ProveInclusion(tt.index, tt.size, tt.leaf, hs); !errors.Is(err, tt.want) {
				t.Errorf("ProveInclusion(%d, %d) = %v, want %v", tt.index, tt.size, err, tt.want)
			}
		})
	}
	if _, err := ProveConsistency(5, 4, hs); !errors.Is(err, ErrInvalid) {
		t.Errorf("ProveConsistency(5, 4) = %v, want %v", err, ErrInvalid)
	}
	p := &InclusionProof{LeafIndex: 0, TreeSize: 1, Leaf: "", RootHash: fmt.Sprintf("%X", LeafHash(nil))}
	if err := p.Verify(); !errors.Is(err, ErrInvalid) {
		t.Errorf("Verify() with an upper-case root = %v, want %v", err, ErrInvalid)
	}
}
