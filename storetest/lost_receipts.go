package storetest

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"yugongkai/comments"
	"yugongkai/vcode"
)

// The comments' contact keys (comments.Store.CommentsByContact): lost
// receipts are found by the keyed hash of the contact a comment was
// submitted with. The key is written with the comment, goes with its
// contact (erasure, expiry), and comments stored before the keys existed
// get theirs when the store opens.

// ContactKeyStores is what the contact key contract needs of a store.
type ContactKeyStores struct {
	AtomicStores
	// ForgetKeys drops the contact keys of every comment and marks their
	// backfill as not done: the comments as a store of before the keys
	// holds them.
	ForgetKeys func(t *testing.T)
	// Reopen closes the stores and opens them again on the same data.
	Reopen func(t *testing.T) AtomicStores
}

// ContactKeyOpener returns fresh, empty stores; cleanup is registered on t.
type ContactKeyOpener func(t *testing.T) ContactKeyStores

// RunContactKeys runs the contact key contract.
func RunContactKeys(t *testing.T, open ContactKeyOpener) {
	t.Run("LookupAndErasure", func(t *testing.T) { testContactLookup(t, open(t)) })
	t.Run("Backfill", func(t *testing.T) { testContactBackfill(t, open(t)) })
}

// byContact lists the receipts CommentsByContact finds for contact (as typed).
func byContact(t *testing.T, s comments.Store, contact string, limit int) []string {
	t.Helper()
	c, err := vcode.Parse(contact)
	must(t, err)
	list, err := s.CommentsByContact(ctx, c, limit)
	must(t, err)
	out := []string{}
	for _, cm := range list {
		out = append(out, cm.Receipt)
	}
	return out
}

// receiptsWith lists, newest first (received_at, then id, descending),
// the receipts of the comments among list that keep contact (compared
// normalized).
func receiptsWith(list []*comments.Comment, contact string) []string {
	c := vcode.MustParse(contact)
	var with []*comments.Comment
	for _, cm := range list {
		if comments.HasContact(cm, c) {
			with = append(with, cm)
		}
	}
	sort.Slice(with, func(i, j int) bool {
		if !with[i].ReceivedAt.Equal(with[j].ReceivedAt) {
			return with[i].ReceivedAt.After(with[j].ReceivedAt)
		}
		return with[i].ID > with[j].ID
	})
	out := []string{}
	for _, cm := range with {
		out = append(out, cm.Receipt)
	}
	return out
}

func sameList(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func testContactLookup(t *testing.T, s ContactKeyStores) {
	w := newWorld(t, func(*testing.T, *Faults) AtomicStores { return s.AtomicStores })
	a := w.stage("open+comments")
	b := w.stage("published+comments")
	all := append(w.snapshot(a.c.ID).Comments, w.snapshot(b.c.ID).Comments...)
	// The stage gives first@ and third@ (with a phone) one comment per consultation.
	for _, contact := range []string{"first@example.cn", "third@example.cn", "13900001111", "quiet@example.cn"} {
		want := receiptsWith(all, contact)
		if len(want) != 2 {
			t.Fatalf("the stages give %s %d comments, want 2", contact, len(want))
		}
		if got := byContact(t, s.Comments, contact, 50); !sameList(got, want) {
			t.Errorf("CommentsByContact(%s) = %v, want %v (newest first)", contact, got, want)
		}
	}
	// Normalized: case and spaces of an address, +86 and spaces of a number.
	if got, want := byContact(t, s.Comments, " First@Example.CN ", 50), receiptsWith(all, "first@example.cn"); !sameList(got, want) {
		t.Errorf("CommentsByContact(First@Example.CN) = %v, want %v", got, want)
	}
	if got, want := byContact(t, s.Comments, "+86 139 0000 1111", 50), receiptsWith(all, "13900001111"); !sameList(got, want) {
		t.Errorf("CommentsByContact(+86 139 0000 1111) = %v, want %v", got, want)
	}
	if got, want := byContact(t, s.Comments, "first@example.cn", 1), receiptsWith(all, "first@example.cn")[:1]; !sameList(got, want) {
		t.Errorf("CommentsByContact(first@, limit 1) = %v, want the newest %v", got, want)
	}
	for _, contact := range []string{"nobody@example.cn", "13900002222", "first@example.com"} {
		if got := byContact(t, s.Comments, contact, 50); len(got) != 0 {
			t.Errorf("CommentsByContact(%s) = %v, want none", contact, got)
		}
	}
	// A phone is not found as an email's key and the other way round.
	if list, err := s.Comments.CommentsByContact(ctx, vcode.Contact{Channel: vcode.Email, Address: "13900001111"}, 50); err != nil || len(list) != 0 {
		t.Errorf("the phone as an email address finds %d comments (%v)", len(list), err)
	}

	// The commenter's erasure takes the keys along with the contact.
	var third *comments.Comment
	for _, cm := range all {
		if cm.ConsultationID == a.c.ID && cm.ContactPhone != "" {
			third = cm
		}
	}
	n, err := w.ms.EraseContactNow(ctx, third.ID)
	w.ok(err)
	if n != 2 {
		t.Fatalf("EraseContactNow erased %d contacts, want 2", n)
	}
	for _, contact := range []string{"third@example.cn", "13900001111"} {
		if got := byContact(t, s.Comments, contact, 50); slicesContains(got, third.Receipt) || len(got) != 1 {
			t.Errorf("after the erasure CommentsByContact(%s) = %v, want only the other consultation's", contact, got)
		}
	}
	// The expiry of contacts takes the keys of the published consultation.
	if _, err := w.ms.ExpireContacts(ctx, 0); err != nil {
		t.Fatal(err)
	}
	for _, contact := range []string{"third@example.cn", "13900001111"} {
		if got := byContact(t, s.Comments, contact, 50); len(got) != 0 {
			t.Errorf("after the expiry CommentsByContact(%s) = %v, want none", contact, got)
		}
	}
	kept := receiptsWith(w.snapshot(a.c.ID).Comments, "first@example.cn")
	if got := byContact(t, s.Comments, "first@example.cn", 50); len(kept) != 1 || !sameList(got, kept) {
		t.Errorf("after the expiry CommentsByContact(first@) = %v, want the open consultation's %v", got, kept)
	}
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func testContactBackfill(t *testing.T, s ContactKeyStores) {
	w := newWorld(t, func(*testing.T, *Faults) AtomicStores { return s.AtomicStores })
	a := w.stage("open+comments")
	all := w.snapshot(a.c.ID).Comments
	var third *comments.Comment
	for _, cm := range all {
		if cm.ContactPhone != "" {
			third = cm
		}
	}
	// One comment of first@ had its contact erased before the keys existed.
	first := receiptsWith(all, "first@example.cn")
	if len(first) != 1 {
		t.Fatalf("first@ has %v", first)
	}
	b := w.stage("open+comments")
	w.ok(func() error { _, err := w.ms.EraseContactNow(ctx, third.ID); return err }())
	allB := w.snapshot(b.c.ID).Comments
	s.ForgetKeys(t)
	if got := byContact(t, s.Comments, "first@example.cn", 50); len(got) != 0 {
		t.Fatalf("after ForgetKeys CommentsByContact(first@) = %v: the keys were not forgotten", got)
	}
	want := map[string][]string{}
	for _, contact := range []string{"first@example.cn", "third@example.cn", "13900001111", "quiet@example.cn"} {
		want[contact] = receiptsWith(append(append([]*comments.Comment(nil), all...), allB...), contact)
		for i, r := range want[contact] {
			if r == third.Receipt {
				want[contact] = append(want[contact][:i:i], want[contact][i+1:]...)
			}
		}
	}
	// The erased contact is no comment's any more: only b's third@.
	if len(want["13900001111"]) != 1 {
		t.Fatalf("want %v", want)
	}
	for round := 1; round <= 2; round++ { // the second open changes nothing
		st := s.Reopen(t)
		for contact, receipts := range want {
			if got := byContact(t, st.Comments, contact, 50); !sameList(got, receipts) {
				t.Errorf("open %d: CommentsByContact(%s) = %v, want %v", round, contact, got, receipts)
			}
		}
	}
}

// CommentsByContactBulk checks that n comments inserted by one change (a
// bulk load: from 1000 the SQLite store takes its bulk path) are found by
// contact too.
func CommentsByContactBulk(t *testing.T, s comments.Store, n int) {
	var list []*comments.Comment
	for i := 0; i < n; i++ {
		c := NewComment("cb", "", fmt.Sprintf("导入的第%d条意见", i), T0.Add(time.Duration(i)*time.Second))
		c.ContactEmail, c.ContactPhone = "", ""
		switch i % 3 {
		case 0:
			c.ContactEmail = "Bulk@Example.cn"
		case 1:
			c.ContactPhone = "+86 138-0000-1111"
		}
		list = append(list, c)
	}
	must(t, s.Commit(ctx, &comments.Change{Insert: list}))
	for _, tc := range []struct {
		contact string
		keep    int // i % 3 of the comments with it
	}{{"bulk@example.cn", 0}, {"13800001111", 1}} {
		var want []string
		for i := len(list) - 1; i >= 0 && len(want) < 50; i-- {
			if i%3 == tc.keep {
				want = append(want, list[i].Receipt)
			}
		}
		if got := byContact(t, s, tc.contact, 50); !sameList(got, want) {
			t.Errorf("CommentsByContact(%s) = %d receipts, want the 50 newest of its comments (%v…)", tc.contact, len(got), want[:3])
		}
	}
}
