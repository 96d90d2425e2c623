package storetest

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"yugongkai/comments"
)

// rfc6962Root is the Merkle tree hash of RFC 6962 §2.1 computed from the
// leaves directly, as an outside verifier would.
func rfc6962Root(leaves [][]byte) [32]byte {
	switch len(leaves) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return sha256.Sum256(append([]byte{0}, leaves[0]...))
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	l, r := rfc6962Root(leaves[:k]), rfc6962Root(leaves[k:])
	return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

// testCommentLog: every inserted comment gets the next leaf index of its
// consultation's log, the leaf is the comment as received, and the stored
// hashes give the RFC 6962 root and valid inclusion proofs.
func testCommentLog(t *testing.T, s comments.Store) {
	var all []*comments.Comment
	for i := 0; i < 7; i++ {
		c := NewComment("c1", "", fmt.Sprintf("意见%d", i), T0)
		must(t, InsertComment(s, c))
		all = append(all, c)
		if i == 3 { // a commit of two comments, and another consultation between
			a, b := NewComment("c1", "", "批量一", T0), NewComment("c1", "", "批量二", T0)
			must(t, s.Commit(ctx, &comments.Change{Insert: []*comments.Comment{a, b}}))
			all = append(all, a, b)
			must(t, InsertComment(s, NewComment("c2", "", "别处", T0)))
		}
	}
	n, err := s.LogSize(ctx, "c1")
	must(t, err)
	if n != int64(len(all)) {
		t.Fatalf("LogSize = %d, want %d", n, len(all))
	}
	leaves, err := s.LogLeaves(ctx, "c1", 0, n)
	must(t, err)
	var raw [][]byte
	for i, c := range all {
		stored, err := s.Comment(ctx, c.ID)
		must(t, err)
		if stored.LeafIndex != int64(i) || c.LeafIndex != int64(i) {
			t.Errorf("comment %d: stored leaf index %d, reported %d", i, stored.LeafIndex, c.LeafIndex)
		}
		if len(leaves) <= i || leaves[i].Index != int64(i) || leaves[i].CommentID != c.ID || !bytes.Equal(leaves[i].Leaf, comments.LeafOf(stored)) {
			t.Fatalf("leaf %d = %+v, want the leaf of comment %s", i, leaves[i], c.ID)
		}
		raw = append(raw, leaves[i].Leaf)
	}
	r := comments.HashReader(ctx, s, "c1")
	for size := int64(1); size <= n; size++ {
		root, err := tlog.TreeHash(size, r)
		must(t, err)
		if want := rfc6962Root(raw[:size]); root != tlog.Hash(want) {
			t.Fatalf("TreeHash(%d) = %x, want the RFC 6962 root %x", size, root, want)
		}
		for i := int64(0); i < size; i++ {
			p, err := tlog.ProveRecord(size, i, r)
			must(t, err)
			if err := tlog.CheckRecord(p, size, root, i, tlog.RecordHash(raw[i])); err != nil {
				t.Fatalf("inclusion of %d in %d: %v", i, size, err)
			}
		}
	}
	if m, _ := s.LogSize(ctx, "c2"); m != 1 {
		t.Errorf("LogSize(c2) = %d, want 1 (logs are per consultation)", m)
	}
	// A refused insert appends nothing.
	dup := NewComment("c1", "", "重复回执", T0)
	dup.Receipt = all[0].Receipt
	if err := InsertComment(s, dup); err == nil {
		t.Fatal("duplicate receipt stored")
	}
	if m, _ := s.LogSize(ctx, "c1"); m != n {
		t.Errorf("LogSize after a refused insert = %d, want %d", m, n)
	}
}
