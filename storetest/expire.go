package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"yugongkai/consultation"
)

// The expiry of contact details (comments.ExpireContacts): one commit per
// consultation erases the comments' contacts and the outbox recipients,
// records contacts.expired with counts only, keeps the comments, their
// public copies and answers, and a second sweep changes nothing.

// contactHolders is what both stores' outbox offers the sweeper.
type contactHolders interface {
	ContactHolders(ctx context.Context, cid string) (int, int, error)
}

func testContactsExpire(t *testing.T, open AtomicOpener) {
	w := newWorld(t, open)
	fx := w.stage("published+comments")
	open2 := w.stage("open+comments") // not ended: kept
	before := w.snapshot(fx.c.ID)
	if n, err := w.ms.ExpireContacts(ctx, time.Hour); err != nil || n != 0 {
		t.Fatalf("ExpireContacts within the retention = %d, %v; want 0", n, err)
	}
	n, err := w.ms.ExpireContacts(ctx, 0)
	w.ok(err)
	if n != 1 {
		t.Fatalf("ExpireContacts = %d, want 1 (the published consultation)", n)
	}
	after := w.snapshot(fx.c.ID)
	w.consistent("after expiry", after)
	if after.Consultation.ContactsExpiredAt == nil {
		t.Error("ContactsExpiredAt not set")
	}
	withContacts := 0
	for i, cm := range after.Comments {
		b := before.Comments[i]
		if b.ContactEmail != "" || b.ContactPhone != "" {
			withContacts++
		}
		if cm.ContactEmail != "" || cm.ContactPhone != "" {
			t.Errorf("comment %s keeps contacts %q %q", cm.ID, cm.ContactEmail, cm.ContactPhone)
		}
		if cm.Body != b.Body || cm.PublicBody != b.PublicBody || cm.Status != b.Status || (b.Disposition != nil) != (cm.Disposition != nil) || cm.Receipt != b.Receipt {
			t.Errorf("comment %s changed beyond its contacts", cm.ID)
		}
	}
	recipients := 0
	for _, n := range before.Outbox {
		if n.To != "" {
			recipients++
		}
	}
	for _, n := range after.Outbox {
		if n.To != "" || n.State == consultation.NotifyPending {
			t.Errorf("notification %s after expiry: to %q, state %s", n.ID, n.To, n.State)
		}
	}
	last := after.Events[len(after.Events)-1]
	var payload map[string]int
	if err := json.Unmarshal(last.Payload, &payload); err != nil {
		t.Fatal(err)
	}
	if last.Type != "contacts.expired" || !last.Public || payload["comments"] != withContacts || payload["notifications"] != recipients {
		t.Errorf("last event %s public=%v %s, want contacts.expired with comments %d, notifications %d", last.Type, last.Public, last.Payload, withContacts, recipients)
	}
	if n, err := w.ms.ExpireContacts(ctx, 0); err != nil || n != 0 {
		t.Errorf("second sweep = %d, %v; want 0", n, err)
	}
	if again := w.snapshot(fx.c.ID); len(again.Events) != len(after.Events) || again.Consultation.Rev != after.Consultation.Rev {
		t.Errorf("second sweep changed the record")
	}
	kept := w.snapshot(open2.c.ID)
	for _, cm := range kept.Comments {
		if cm.ContactEmail != "" {
			return // the open consultation's contacts stay
		}
	}
	t.Error("the open consultation's contacts were erased")
}
