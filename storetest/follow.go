package storetest

import (
	"strings"
	"testing"

	"yugongkai/consultation"
	"yugongkai/notify"
)

// The followers contract (notify.FollowerStore): Enqueue is idempotent by
// id, a follower is stored once per id (a link used twice) and once per
// address and consultation, and the contact expiry erases followers.

func testFollowers(t *testing.T, open AtomicOpener) {
	w := newWorld(t, open)
	fs, ok := w.s.Outbox.(notify.FollowerStore)
	if !ok {
		t.Fatal("the outbox store is not a notify.FollowerStore")
	}
	fx := w.stage("open")
	n := consultation.Notification{ID: "confirm1", Consultation: fx.c.ID, Kind: notify.FollowConfirm, Channel: consultation.ChannelEmail,
		To: "f@example.cn", Lang: "zh-CN", CreatedAt: T0, Params: map[string]string{"consultation_id": fx.c.ID}}
	w.ok(fs.Enqueue(ctx, []consultation.Notification{n}))
	n.To = "changed@example.cn"
	w.ok(fs.Enqueue(ctx, []consultation.Notification{n, {ID: "confirm2", Consultation: fx.c.ID, Kind: notify.FollowConfirm,
		Channel: consultation.ChannelEmail, To: "g@example.cn", Lang: "en", CreatedAt: T0}}))
	got, err := w.s.Outbox.Notification(ctx, "confirm1")
	w.ok(err)
	if got.To != "f@example.cn" || got.State != consultation.NotifyPending {
		t.Errorf("enqueued twice: %q %s, want the first, pending", got.To, got.State)
	}
	f := notify.Follower{ID: "confirm1", Consultation: fx.c.ID, Email: "f@example.cn", Lang: "zh-CN", Key: "k1", CreatedAt: T0}
	if added, err := fs.AddFollower(ctx, f); err != nil || !added {
		t.Fatalf("AddFollower = %v, %v", added, err)
	}
	if added, err := fs.AddFollower(ctx, f); err != nil || added {
		t.Errorf("the same link again: %v, %v; want false", added, err)
	}
	same := f
	same.ID = "confirm3"
	if added, err := fs.AddFollower(ctx, same); err != nil || !added {
		t.Errorf("the same address by another link: %v, %v; want true (following already)", added, err)
	}
	w.ok2(fs.AddFollower(ctx, notify.Follower{ID: "confirm2", Consultation: fx.c.ID, Email: "g@example.cn", Lang: "en", Key: "k2", CreatedAt: T0.Add(1)}))
	list, err := fs.Followers(ctx, fx.c.ID)
	w.ok(err)
	if len(list) != 2 || list[0].Email != "f@example.cn" || list[1].Lang != "en" {
		t.Fatalf("followers %+v, want f then g", list)
	}
	// Withdrawn and past the retention: the followers go with the contacts.
	_, err = w.cs.Withdraw(ctx, atomicStaff, fx.c.ID, consultation.ReasonForm{Reason: "政策调整"})
	w.ok(err)
	if n, err := w.ms.ExpireContacts(ctx, 0); err != nil || n != 1 {
		t.Fatalf("ExpireContacts = %d, %v", n, err)
	}
	if list, err := fs.Followers(ctx, fx.c.ID); err != nil || len(list) != 0 {
		t.Errorf("followers after expiry: %+v, %v", list, err)
	}
	if got, err := w.s.Outbox.Notification(ctx, "confirm2"); err != nil || got.To != "" || got.State != consultation.NotifyCancelled {
		t.Errorf("confirmation mail after expiry: %+v, %v", got, err)
	}
	events, err := w.s.Consultations.Events(ctx, fx.c.ID)
	w.ok(err)
	if last := events[len(events)-1]; last.Type != "contacts.expired" || !strings.Contains(string(last.Payload), `"followers":2`) {
		t.Errorf("last event %s %s, want contacts.expired counting 2 followers", last.Type, last.Payload)
	}
}

func (w *world) ok2(_ bool, err error) { w.t.Helper(); w.ok(err) }
