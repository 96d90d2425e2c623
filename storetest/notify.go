package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/notify"
)

// The outbox contract: a command's notifications are stored by its commit
// and by nothing else (consistentOutbox, run after every failing write of
// every command), and the delivery worker's leases and outcomes
// (testOutboxDelivery).

// consistentOutbox checks the outbox of a consultation against its
// comments: each opted-in comment has one receipt notification per
// contact, and one moderation notification per contact each time it was
// moderated (the current status among them); a comment without the opt-in
// has none; once the decision is published, each answered one has one
// answer notification per contact; no notification names a comment that
// is not stored.
func consistentOutbox(t *testing.T, what string, s snapshot) {
	t.Helper()
	type key struct{ comment, kind string }
	got := map[key]int{}
	expired := s.Consultation != nil && s.Consultation.ContactsExpiredAt != nil // expire.go
	if expired {
		for _, n := range s.Outbox {
			if n.To != "" || n.State == consultation.NotifyPending {
				t.Errorf("%s: contacts expired, and notification %s to %q is %s", what, n.ID, n.To, n.State)
			}
		}
		for _, cm := range s.Comments {
			if cm.ContactEmail != "" || cm.ContactPhone != "" {
				t.Errorf("%s: contacts expired, and comment %s keeps them", what, cm.ID)
			}
		}
		return
	}
	erased := erasedContacts(s) // erase_contact.go
	checkErased(t, what, s)
	for _, n := range s.Outbox {
		if n.Channel == notify.ChannelFollowers { // a fan-out row (notify/follow.go): no recipient, no comment
			if n.Comment != "" || n.To != "" || !strings.HasPrefix(n.Kind, "follow.") {
				t.Errorf("%s: fan-out row %+v", what, n)
			}
			continue
		}
		got[key{n.Comment, n.Kind}]++
		if erased[n.Comment] {
			continue
		}
		if n.State == "" || n.ID == "" || n.To == "" {
			t.Errorf("%s: notification %+v incomplete", what, n.ID)
		}
	}
	stored := map[string]bool{}
	for _, cm := range s.Comments {
		stored[cm.ID] = true
		if erased[cm.ID] {
			continue
		}
		contacts := 0
		for _, c := range []string{cm.ContactEmail, cm.ContactPhone} {
			if c != "" {
				contacts++
			}
		}
		if !cm.Notify {
			contacts = 0
		}
		if n := got[key{cm.ID, consultation.NotifyReceipt}]; n != contacts {
			t.Errorf("%s: %d receipt notifications of comment %s, want %d", what, n, cm.ID, contacts)
		}
		// A comment may be moderated more than once (published, then
		// declined as a duplicate): one notification per contact each time.
		for _, kind := range []string{consultation.NotifyPublished, consultation.NotifyDeclined} {
			n := got[key{cm.ID, kind}]
			if contacts == 0 && n != 0 || contacts > 0 && n%contacts != 0 {
				t.Errorf("%s: %d %s notifications of comment %s with %d contacts", what, n, kind, cm.ID, contacts)
			}
		}
		// The answers go out with the decision (and its final report).
		answers := 0
		if s.Consultation != nil && s.Consultation.State == consultation.Published && cm.Disposition != nil {
			answers = contacts
		}
		if n := got[key{cm.ID, consultation.NotifyAnswered}]; n != answers {
			t.Errorf("%s: %d answer notifications of comment %s, want %d", what, n, cm.ID, answers)
		}
		// The decision goes to every opted-in commenter (notices.go).
		decided := 0
		if s.Consultation != nil && s.Consultation.State == consultation.Published {
			decided = contacts
		}
		if n := got[key{cm.ID, consultation.NotifyDecided}]; n != decided {
			t.Errorf("%s: %d decision notifications of comment %s, want %d", what, n, cm.ID, decided)
		}
		if cm.Moderation != nil && contacts > 0 {
			kind := consultation.NotifyPublished
			if cm.Status == comments.Declined {
				kind = consultation.NotifyDeclined
			}
			if got[key{cm.ID, kind}] == 0 {
				t.Errorf("%s: comment %s is %s, and no %s notification", what, cm.ID, cm.Status, kind)
			}
		}
	}
	for k := range got {
		if !stored[k.comment] {
			t.Errorf("%s: %s notification of comment %s, which is not stored", what, k.kind, k.comment)
		}
	}
}

// RunOutbox runs the outbox contract of a store set: what commands write,
// and how the delivery worker leases and records attempts.
func RunOutbox(t *testing.T, open AtomicOpener) {
	t.Run("CommandsWriteNotifications", func(t *testing.T) { testOutboxWrites(t, open) })
	t.Run("Delivery", func(t *testing.T) { testOutboxDelivery(t, open) })
	t.Run("ContactsExpire", func(t *testing.T) { testContactsExpire(t, open) }) // expire.go
	t.Run("Followers", func(t *testing.T) { testFollowers(t, open) })           // follow.go
}

func testOutboxWrites(t *testing.T, open AtomicOpener) {
	w := newWorld(t, open)
	if w.s.Outbox == nil {
		t.Fatal("AtomicStores.Outbox not set")
	}
	fx := w.stage("open")
	submit := func(sub comments.Submission) *comments.Receipt {
		t.Helper()
		sub.ArticleID, sub.Body, sub.Display = fx.articles[0], "建议明确犬只登记的期限。", comments.Anonymous
		r, err := w.ms.Submit(ctx, atomicResident, fx.c.ID, sub, "")
		w.ok(err)
		return r
	}
	both := submit(comments.Submission{ContactEmail: "a@example.cn", ContactPhone: "13900003333", Lang: "en"})
	submit(comments.Submission{})                                                   // no contact
	submit(comments.Submission{ContactEmail: "b@example.cn", Notify: ptrTo(false)}) // opted out
	list, err := w.s.Outbox.ConsultationNotifications(ctx, fx.c.ID)
	w.ok(err)
	list = personal(list)
	if len(list) != 2 {
		t.Fatalf("%d notifications after three submissions, want 2 (email and SMS of the one that opted in)", len(list))
	}
	channels := map[string]string{}
	for _, n := range list {
		channels[n.Channel] = n.To
		if n.Comment != both.CommentID || n.Kind != consultation.NotifyReceipt || n.Lang != "en" || n.State != consultation.NotifyPending || n.Attempts != 0 {
			t.Errorf("notification %+v, want a pending English receipt of comment %s", n, both.CommentID)
		}
		if n.Params["receipt"] != both.Code || n.Params["body_sha256"] != both.BodySHA256 || n.Params["received_at"] == "" {
			t.Errorf("receipt params %v, want code %s and hash %s", n.Params, both.Code, both.BodySHA256)
		}
		if !n.NextTry.Equal(T0) {
			t.Errorf("next try %v, want %v (due at once)", n.NextTry, T0)
		}
	}
	if channels[consultation.ChannelEmail] != "a@example.cn" || channels[consultation.ChannelSMS] != "13900003333" {
		t.Errorf("recipients %v", channels)
	}
	due, err := w.s.Outbox.DueNotifications(ctx, T0, 10)
	w.ok(err)
	if due = personal(due); len(due) != 2 {
		t.Errorf("%d due at T0, want 2", len(due))
	}
	// Moderation of a consultation without 先审后发 is not needed for a
	// notification: the receipt is the only one until a decline.
	_, err = w.ms.Moderate(ctx, atomicStaff, both.CommentID, comments.ModerationForm{Action: comments.Decline, Reason: comments.OffTopic})
	w.ok(err)
	list, err = w.s.Outbox.ConsultationNotifications(ctx, fx.c.ID)
	w.ok(err)
	declined := 0
	for _, n := range list {
		if n.Kind == consultation.NotifyDeclined {
			declined++
			if n.Params["reason"] != string(comments.OffTopic) {
				t.Errorf("decline params %v, want reason off_topic", n.Params)
			}
		}
	}
	if declined != 2 {
		t.Errorf("%d decline notifications, want 2", declined)
	}
}

func testOutboxDelivery(t *testing.T, open AtomicOpener) {
	w := newWorld(t, open)
	fx := w.stage("open")
	r, err := w.ms.Submit(ctx, atomicResident, fx.c.ID, comments.Submission{Body: "建议。", Display: comments.Anonymous, ContactEmail: "a@example.cn"}, "")
	w.ok(err)
	_ = r
	ob := w.s.Outbox
	due, err := ob.DueNotifications(ctx, T0, 10)
	w.ok(err)
	if due = personal(due); len(due) != 1 {
		t.Fatalf("%d due, want 1", len(due))
	}
	n := due[0]
	if early, err := ob.DueNotifications(ctx, T0.Add(-time.Second), 10); err != nil || len(early) != 0 {
		t.Errorf("due before creation: %d, %v; want none", len(early), err)
	}
	lease := T0.Add(time.Minute)
	ok, err := ob.LeaseNotification(ctx, n.ID, 0, lease)
	w.ok(err)
	if !ok {
		t.Fatal("first lease refused")
	}
	if ok, err := ob.LeaseNotification(ctx, n.ID, 0, lease); err != nil || ok {
		t.Errorf("second lease on the same attempt = %v, %v; want refused", ok, err)
	}
	if d, _ := ob.DueNotifications(ctx, T0.Add(30*time.Second), 10); len(personal(d)) != 0 {
		t.Errorf("leased notification due within its lease")
	}
	// A worker that died after the lease: due again once it ends.
	d, err := ob.DueNotifications(ctx, lease, 10)
	w.ok(err)
	if d = personal(d); len(d) != 1 || d[0].Attempts != 1 {
		t.Fatalf("after the lease: %d due (attempts %v), want 1 with 1 attempt", len(d), d)
	}
	retry := T0.Add(2 * time.Minute)
	w.ok(ob.RecordDelivery(ctx, n.ID, consultation.Delivery{State: consultation.NotifyPending, Attempts: 1, NextTry: retry, LastError: "421 try later"}))
	if ok, err := ob.LeaseNotification(ctx, n.ID, 1, retry.Add(time.Minute)); err != nil || !ok {
		t.Fatalf("lease of attempt 2 = %v, %v", ok, err)
	}
	// A stale outcome (attempt 1) does not overwrite attempt 2.
	w.ok(ob.RecordDelivery(ctx, n.ID, consultation.Delivery{State: consultation.NotifyFailed, Attempts: 1, NextTry: retry}))
	sent := retry.Add(time.Second)
	w.ok(ob.RecordDelivery(ctx, n.ID, consultation.Delivery{State: consultation.NotifySent, Attempts: 2, NextTry: sent, SentAt: sent}))
	list, err := ob.ConsultationNotifications(ctx, fx.c.ID)
	w.ok(err)
	if list = personal(list); len(list) != 1 {
		t.Fatalf("%d notifications", len(list))
	}
	got := list[0]
	if got.State != consultation.NotifySent || got.Attempts != 2 || !got.SentAt.Equal(sent) || got.LastError != "" {
		t.Errorf("after delivery: %s", fmt.Sprintf("%+v", got.Delivery))
	}
	if d, _ := ob.DueNotifications(ctx, sent.Add(time.Hour), 10); len(personal(d)) != 0 {
		t.Errorf("sent notification still due")
	}
}

// personal leaves out the fan-out rows to followers (notify/follow.go).
func personal(list []*consultation.Notification) []*consultation.Notification {
	var out []*consultation.Notification
	for _, n := range list {
		if n.Channel != notify.ChannelFollowers {
			out = append(out, n)
		}
	}
	return out
}
