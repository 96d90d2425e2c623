package web_test

import (
	"context"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"yugongkai/consultation"
	"yugongkai/notify"
)

// capture is a Sender that keeps each message as built for SMTP.
type capture struct {
	mu   sync.Mutex
	msgs []notify.Message
	raw  []string
}

func (c *capture) Send(_ context.Context, m notify.Message) error {
	raw, err := notify.Build(m, &mail.Address{Address: "notify@example.cn"}, &mail.Address{Address: m.To}, time.Now())
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.msgs, c.raw = append(c.msgs, m), append(c.raw, string(raw))
	return nil
}

func (c *capture) take() []notify.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.msgs
	c.msgs = nil
	return out
}

// confirmLink finds the confirmation link in a mail and returns its n and t.
func confirmLink(t *testing.T, m notify.Message) (string, string) {
	t.Helper()
	i := strings.Index(m.Text, "/follow/confirm?")
	if i < 0 {
		t.Fatalf("no confirmation link in:\n%s", m.Text)
	}
	u, err := url.Parse("http://x" + strings.Fields(m.Text[i:])[0])
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("n"), u.Query().Get("t")
}

// TestFollowers: anyone follows a consultation by e-mail with a double
// opt-in (API and page, single-use link that expires); the extension of
// the period is one fan-out row in its commit, which the worker expands
// into one mail per confirmed follower, each with an unsubscribe link and
// List-Unsubscribe, once.
func TestFollowers(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id, _ := e.openConsultation(w, nil)
	ctx := context.Background()
	mails := &capture{}
	worker := &notify.Worker{Store: e.outbox, Links: testLinks, Domain: "example.cn", Now: e.clock.Now,
		Senders: map[string]notify.Sender{consultation.ChannelEmail: mails}}
	run := func() {
		t.Helper()
		for range 3 { // a fan-out row, then the mails it became
			if _, err := worker.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	base := "/api/v1/consultations/" + id + "/followers"
	e.want(e.do("POST", base, "", map[string]string{"email": "not an address"}), 422, "bad address")
	e.want(e.do("POST", base, "", map[string]string{"email": "a@example.cn", "extra": "x"}), 400, "unknown field")
	r := e.want(e.do("POST", base, "", map[string]string{"email": "f1@example.cn", "lang": "en"}), 202, "follow")
	if r.JSON["pending"] != true || r.JSON["expires_in_hours"] != 48.0 {
		t.Errorf("follow answer %s", r.Body)
	}
	run() // the "opened" fan-out row (no follower then) and the confirmation mail
	got := mails.take()
	if len(got) != 1 || got[0].To != "f1@example.cn" || got[0].Lang != "en" || !strings.Contains(got[0].Subject, "Confirm") {
		t.Fatalf("mails after following: %+v", got)
	}
	n1, t1 := confirmLink(t, got[0])

	// The page asks first; the POST confirms; the link works once.
	b := e.browser()
	b.get("/follow/confirm?n="+n1+"&t=bad").want(t, 404, "bad link")
	b.get("/follow/confirm?n="+n1+"&t="+t1).want(t, 200, "confirm page").has(t, "ask", "确认关注这项征求意见的进展")
	b.post("/follow/confirm", url.Values{"n": {n1}, "t": {t1}}).want(t, 200, "confirmed").has(t, "confirmed", "已确认")
	b.post("/follow/confirm", url.Values{"n": {n1}, "t": {t1}}).want(t, 409, "used twice").has(t, "used", "已使用过")

	// The form on the consultation page; confirmed through the API.
	b.get("/consultations/"+id).want(t, 200, "consultation page").has(t, "follow form", `action="/consultations/`+id+`/follow"`, "关注进展")
	b.post("/consultations/"+id+"/follow", url.Values{"email": {"f2@example.cn"}}).want(t, 200, "page follow").has(t, "sent", "确认邮件已发送")
	b.post("/consultations/"+id+"/follow", url.Values{"email": {"nope"}}).want(t, 422, "page bad address")
	run()
	got = mails.take()
	if len(got) != 1 || got[0].To != "f2@example.cn" {
		t.Fatalf("second confirmation: %+v", got)
	}
	n2, t2 := confirmLink(t, got[0])
	e.want(e.do("POST", "/api/v1/followers/confirm?n="+n2+"&t="+t2, "", nil), 200, "API confirm")
	e.want(e.do("POST", "/api/v1/followers/confirm?n="+n2+"&t=00", "", nil), 404, "API bad token")

	// An unconfirmed request expires.
	e.want(e.do("POST", base, "", map[string]string{"email": "late@example.cn"}), 202, "late follow")
	run()
	got = mails.take()
	n3, t3 := confirmLink(t, got[0])
	e.clock.Add(49 * time.Hour)
	e.relogin(&w)
	e.want(e.do("POST", "/api/v1/followers/confirm?n="+n3+"&t="+t3, "", nil), 409, "expired link")

	// The extension: one fan-out row in its commit, then a mail to each.
	before, _ := e.outbox.ConsultationNotifications(ctx, id)
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/extend", w.staffA, map[string]string{"closes_at": "2027-01-20", "reason": "意见较多"}), 200, "extend")
	after, _ := e.outbox.ConsultationNotifications(ctx, id)
	if len(after) != len(before)+1 || after[len(after)-1].Channel != notify.ChannelFollowers || after[len(after)-1].Kind != notify.FollowExtended {
		t.Fatalf("the extension wrote %d outbox rows, want one fan-out row", len(after)-len(before))
	}
	run()
	got = mails.take()
	to := map[string]notify.Message{}
	for _, m := range got {
		to[m.To] = m
	}
	if len(got) != 2 || to["f1@example.cn"].Subject == "" || to["f2@example.cn"].Subject == "" {
		t.Fatalf("extension mails: %+v", got)
	}
	if m := to["f1@example.cn"]; !strings.Contains(m.Text, "意见较多") || !strings.Contains(m.Text, "extended") || m.Unsubscribe == "" || !strings.Contains(m.Text, m.Unsubscribe) {
		t.Errorf("English extension mail:\n%s", m.Text)
	}
	for _, raw := range mails.raw[len(mails.raw)-2:] {
		if !strings.Contains(raw, "List-Unsubscribe: <") {
			t.Errorf("no List-Unsubscribe header in a follower's mail")
		}
	}
	run()
	if again := mails.take(); len(again) != 0 {
		t.Errorf("%d mails sent again", len(again))
	}
	// Unsubscribing from one mail stops the next.
	u, _ := url.Parse(testLinks.OneClickURL(to["f2@example.cn"].ID))
	e.want(e.do("POST", u.RequestURI(), "", "List-Unsubscribe=One-Click", "Content-Type", "application/x-www-form-urlencoded"), 200, "one-click")
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/close", w.staffA, map[string]string{"reason": "提前完成", "shortening_reason": "紧急"}), 200, "close early")
	run()
	got = mails.take()
	if len(got) != 1 || got[0].To != "f1@example.cn" || !strings.Contains(got[0].Subject, "closed early") {
		t.Errorf("close-early mails: %+v", got)
	}
}
