package comments_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"yugongkai/comments"
	"yugongkai/storetest"
	"yugongkai/vcode"
)

// TestSendLostReceiptsCap: one message lists the MaxLostReceipts most
// recent comments of the contact, newest first, and says there are more.
func TestSendLostReceiptsCap(t *testing.T) {
	e := newEnv(t)
	out := &storetest.CodeOutbox{}
	e.svc.Codes = vcode.New(e.db.Auth(), []byte("test-code-key-test-code-key-0123"), out, func() time.Time { return e.now })
	c := e.open(t, false)
	var receipts []string
	for i := 0; i < comments.MaxLostReceipts+2; i++ {
		e.now = e.now.Add(time.Minute)
		r := e.submit(t, c, public, sub(fmt.Sprintf("第%d条建议：明确登记期限。", i+1)))
		receipts = append(receipts, r.Code)
	}
	if err := e.svc.SendLostReceipts(ctx, "Zhang@Example.com", "en"); err != nil {
		t.Fatal(err)
	}
	e.svc.WaitSends()
	if len(out.Sent) != 1 {
		t.Fatalf("%d messages, want 1", len(out.Sent))
	}
	m := out.Sent[0]
	if m.Purpose != vcode.LostReceipts || m.Code != "" || m.Contact != (vcode.Contact{Channel: vcode.Email, Address: "zhang@example.com"}) {
		t.Errorf("message = %+v", m)
	}
	// 50 receipt lines, then "older not listed", then how to look them up.
	if len(m.Lines) != comments.MaxLostReceipts+2 {
		t.Fatalf("%d lines, want %d", len(m.Lines), comments.MaxLostReceipts+2)
	}
	for i := 0; i < comments.MaxLostReceipts; i++ {
		want := receipts[len(receipts)-1-i]
		if !strings.HasPrefix(m.Lines[i], want+":") {
			t.Errorf("line %d = %q, want the receipt %s (newest first)", i, m.Lines[i], want)
		}
	}
	all := strings.Join(m.Lines, "\n")
	for _, old := range receipts[:2] {
		if strings.Contains(all, old) {
			t.Errorf("the message lists %s, older than the %d most recent", old, comments.MaxLostReceipts)
		}
	}
	if !strings.Contains(m.Lines[comments.MaxLostReceipts], "at most the 50 most recent") {
		t.Errorf("no word of the cap: %q", m.Lines[comments.MaxLostReceipts])
	}
	// By SMS: the same comments, in zh-CN whatever was asked.
	if err := e.svc.SendLostReceipts(ctx, "+86 139 1234 5678", "en"); err != nil {
		t.Fatal(err)
	}
	e.svc.WaitSends()
	if m := out.Last(t); m.Contact.Channel != vcode.SMS || m.Lang != "zh-CN" || !strings.Contains(m.Lines[0], receipts[len(receipts)-1]) {
		t.Errorf("SMS message = %+v", m)
	}
}

// TestSendLostReceiptsNone: a contact without comments is sent nothing,
// and answered as one with comments is; a bad contact is the contact
// field's error.
func TestSendLostReceiptsNone(t *testing.T) {
	e := newEnv(t)
	out := &storetest.CodeOutbox{}
	e.svc.Codes = vcode.New(e.db.Auth(), []byte("test-code-key-test-code-key-0123"), out, func() time.Time { return e.now })
	if err := e.svc.SendLostReceipts(ctx, "nobody@example.com", "zh-CN"); err != nil {
		t.Fatal(err)
	}
	e.svc.WaitSends()
	if len(out.Sent) != 0 {
		t.Errorf("sent %+v to a contact without comments", out.Sent)
	}
	if err := e.svc.SendLostReceipts(ctx, "abc", "zh-CN"); err == nil || !strings.Contains(fmt.Sprint(err), "contact") {
		t.Errorf("bad contact: %v, want the contact field's error", err)
	}
	e.svc.Codes = nil
	if err := e.svc.SendLostReceipts(ctx, "nobody@example.com", "zh-CN"); err == nil {
		t.Error("no sender configured, and no error")
	}
}

// BenchmarkSendLostReceipts compares the request for a contact with 20
// comments and for one with none, on SQLite: what the asker waits for is
// the same work (parse, limit); the lookup, and the message for the known
// contact, come after the answer and are not timed here (WaitSends runs
// with the timer stopped after each request).
func BenchmarkSendLostReceipts(b *testing.B) {
	e := newEnv(b)
	out := &storetest.CodeOutbox{}
	e.svc.Codes = vcode.New(e.db.Auth(), []byte("test-code-key-test-code-key-0123"), out, func() time.Time { return e.now })
	e.svc.Codes.PerContact = nil // the limit is not what is measured
	c := e.open(b, false)
	for i := 0; i < 20; i++ {
		e.submit(b, c, public, sub(fmt.Sprintf("第%d条建议：明确登记期限。", i+1)))
	}
	for _, contact := range []string{"zhang@example.com", "nobody@example.com"} {
		name := map[string]string{"zhang@example.com": "Known", "nobody@example.com": "Unknown"}[contact]
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := e.svc.SendLostReceipts(ctx, contact, "zh-CN"); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				e.svc.WaitSends() // the work after the answer, untimed
				b.StartTimer()
			}
			b.StopTimer()
			e.svc.WaitSends()
		})
	}
}
