package translog

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// InclusionProof shows that Leaf is record LeafIndex of the tree of
// TreeSize leaves whose root is RootHash (RFC 9162 §2.1.3). Hashes are
// lowercase hex; InclusionPath runs from the leaf's sibling up to the child
// of the root, as in RFC 9162.
type InclusionProof struct {
	LeafIndex     int64    `json:"leaf_index"`
	TreeSize      int64    `json:"tree_size"`
	Leaf          string   `json:"leaf"` // the exact leaf bytes, UTF-8
	RootHash      string   `json:"root_hash"`
	InclusionPath []string `json:"inclusion_path"`
}

// ProveInclusion returns the proof that leaf is record index of the tree of
// size records. It returns an error wrapping [ErrInvalid] unless
// 0 <= index < size, and wrapping [ErrProof] if the leaf's hash is not the
// one stored for record index (the store and the leaf disagree).
func ProveInclusion(index, size int64, leaf []byte, r tlog.HashReader) (*InclusionProof, error) {
	if index < 0 || index >= size {
		return nil, fmt.Errorf("%w: leaf %d is not in a tree of %d", ErrInvalid, index, size)
	}
	stored, err := r.ReadHashes([]int64{tlog.StoredHashIndex(0, index)})
	if err != nil {
		return nil, err
	}
	if len(stored) != 1 || stored[0] != LeafHash(leaf) {
		return nil, fmt.Errorf("%w: leaf %d does not match the hash stored for it", ErrProof, index)
	}
	path, err := tlog.ProveRecord(size, index, r)
	if err != nil {
		return nil, err
	}
	root, err := tlog.TreeHash(size, r)
	if err != nil {
		return nil, err
	}
	// tlog.RecordProof lists the siblings from the leaf upwards, which is
	// RFC 9162's inclusion_path order (TestProofOrderIsRFC9162's).
	return &InclusionProof{
		LeafIndex:     index,
		TreeSize:      size,
		Leaf:          string(leaf),
		RootHash:      hexHash(root),
		InclusionPath: hexHashes(path),
	}, nil
}

// Verify recomputes the root from Leaf and InclusionPath by the algorithm of
// RFC 9162 §2.1.3.2 and compares it with RootHash. It returns an error
// wrapping [ErrInvalid] for a malformed proof and [ErrProof] for one that
// does not verify.
func (p *InclusionProof) Verify() error {
	root, err := parseHex(p.RootHash)
	if err != nil {
		return err
	}
	path, err := parseHexes(p.InclusionPath)
	if err != nil {
		return err
	}
	return verifyInclusion(p.LeafIndex, p.TreeSize, LeafHash([]byte(p.Leaf)), path, root)
}

// verifyInclusion is RFC 9162 §2.1.3.2, step by step.
func verifyInclusion(index, size int64, leafHash tlog.Hash, path []tlog.Hash, root tlog.Hash) error {
	if index < 0 || index >= size {
		return fmt.Errorf("%w: leaf index %d is not below tree size %d", ErrInvalid, index, size)
	}
	fn, sn := index, size-1
	r := leafHash
	for _, p := range path {
		if sn == 0 {
			return fmt.Errorf("%w: inclusion path is longer than the tree is deep", ErrProof)
		}
		if fn&1 == 1 || fn == sn {
			r = nodeHash(p, r)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = nodeHash(r, p)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 {
		return fmt.Errorf("%w: inclusion path is shorter than the tree is deep", ErrProof)
	}
	if r != root {
		return fmt.Errorf("%w: path gives root %s, not %s", ErrProof, hexHash(r), hexHash(root))
	}
	return nil
}

// ConsistencyProof shows that the tree of From leaves with root FromRoot is
// a prefix of the tree of To leaves with root ToRoot (RFC 9162 §2.1.4).
type ConsistencyProof struct {
	From     int64    `json:"from"`
	To       int64    `json:"to"`
	FromRoot string   `json:"from_root"`
	ToRoot   string   `json:"to_root"`
	Path     []string `json:"path"`
}

// ProveConsistency returns the proof that the tree of from records is a
// prefix of the tree of to records. The proof from 0, and from a size to
// itself, has an empty path. It returns an error wrapping [ErrInvalid]
// unless 0 <= from <= to.
func ProveConsistency(from, to int64, r tlog.HashReader) (*ConsistencyProof, error) {
	if from < 0 || from > to {
		return nil, fmt.Errorf("%w: no consistency proof from %d to %d", ErrInvalid, from, to)
	}
	fromRoot, err := tlog.TreeHash(from, r)
	if err != nil {
		return nil, err
	}
	toRoot, err := tlog.TreeHash(to, r)
	if err != nil {
		return nil, err
	}
	var path tlog.TreeProof
	if from > 0 {
		// tlog.TreeProof is RFC 9162's SUBPROOF(from, D[to], true), in order.
		if path, err = tlog.ProveTree(to, from, r); err != nil {
			return nil, err
		}
	}
	return &ConsistencyProof{
		From:     from,
		To:       to,
		FromRoot: hexHash(fromRoot),
		ToRoot:   hexHash(toRoot),
		Path:     hexHashes(path),
	}, nil
}

// Verify checks the proof by the algorithm of RFC 9162 §2.1.4.2. Two cases
// the RFC leaves to the caller are settled here: from == to holds with an
// empty path when the roots are equal, and from == 0 holds with an empty path
// when FromRoot is the empty tree's root (whatever ToRoot is: the empty tree
// is a prefix of every tree). It returns an error wrapping
// [ErrInvalid] for a malformed proof and [ErrProof] for one that does not
// verify.
func (p *ConsistencyProof) Verify() error {
	first, err := parseHex(p.FromRoot)
	if err != nil {
		return err
	}
	second, err := parseHex(p.ToRoot)
	if err != nil {
		return err
	}
	path, err := parseHexes(p.Path)
	if err != nil {
		return err
	}
	return verifyConsistency(p.From, p.To, first, second, path)
}

// verifyConsistency is RFC 9162 §2.1.4.2, step by step.
func verifyConsistency(first, second int64, firstHash, secondHash tlog.Hash, path []tlog.Hash) error {
	switch {
	case first < 0 || first > second:
		return fmt.Errorf("%w: consistency from %d to %d", ErrInvalid, first, second)
	case first == 0 || first == second:
		if len(path) != 0 {
			return fmt.Errorf("%w: consistency proof from %d to %d must be empty", ErrProof, first, second)
		}
		if first == 0 && firstHash != emptyRoot {
			return fmt.Errorf("%w: the empty tree's root is %s, not %s", ErrProof, hexHash(emptyRoot), hexHash(firstHash))
		}
		if first == second && firstHash != secondHash {
			return fmt.Errorf("%w: two roots for tree size %d", ErrProof, first)
		}
		return nil
	}
	// 1. An empty path proves nothing.
	if len(path) == 0 {
		return fmt.Errorf("%w: empty consistency path from %d to %d", ErrProof, first, second)
	}
	// 2. A first tree that is a complete subtree is not sent: prepend it.
	if first&(first-1) == 0 {
		path = append([]tlog.Hash{firstHash}, path...)
	}
	// 3, 4.
	fn, sn := first-1, second-1
	for fn&1 == 1 {
		fn >>= 1
		sn >>= 1
	}
	// 5.
	fr, sr := path[0], path[0]
	// 6.
	for _, c := range path[1:] {
		if sn == 0 {
			return fmt.Errorf("%w: consistency path is too long", ErrProof)
		}
		if fn&1 == 1 || fn == sn {
			fr = nodeHash(c, fr)
			sr = nodeHash(c, sr)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			sr = nodeHash(sr, c)
		}
		fn >>= 1
		sn >>= 1
	}
	// 7.
	if sn != 0 {
		return fmt.Errorf("%w: consistency path is too short", ErrProof)
	}
	if fr != firstHash {
		return fmt.Errorf("%w: path gives root %s for size %d, not %s", ErrProof, hexHash(fr), first, hexHash(firstHash))
	}
	if sr != secondHash {
		return fmt.Errorf("%w: path gives root %s for size %d, not %s", ErrProof, hexHash(sr), second, hexHash(secondHash))
	}
	return nil
}

// emptyRoot is the root of the empty tree, SHA-256 of no bytes.
var emptyRoot = tlog.Hash(sha256.Sum256(nil))

// nodeHash is RFC 6962's interior node hash SHA-256(0x01 || left || right),
// written out here so that the verifiers share no code with tlog.
func nodeHash(left, right tlog.Hash) tlog.Hash {
	var buf [1 + 2*tlog.HashSize]byte
	buf[0] = 0x01
	copy(buf[1:], left[:])
	copy(buf[1+tlog.HashSize:], right[:])
	return sha256.Sum256(buf[:])
}

func hexHash(h tlog.Hash) string { return hex.EncodeToString(h[:]) }

func hexHashes(hs []tlog.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = hexHash(h)
	}
	return out
}

// parseHex accepts exactly 64 lowercase hex digits.
func parseHex(s string) (tlog.Hash, error) {
	var h tlog.Hash
	if len(s) != 2*tlog.HashSize {
		return h, fmt.Errorf("%w: hash %q is not %d hex digits", ErrInvalid, s, 2*tlog.HashSize)
	}
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return h, fmt.Errorf("%w: hash %q is not lowercase hex", ErrInvalid, s)
		}
	}
	hex.Decode(h[:], []byte(s))
	return h, nil
}

func parseHexes(ss []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(ss))
	for i, s := range ss {
		h, err := parseHex(s)
		if err != nil {
			return nil, err
		}
		out[i] = h
	}
	return out, nil
}
