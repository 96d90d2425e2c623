package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"yugongkai/notify"
)

var testLinks = notify.Links{BaseURL: "http://localhost", Key: []byte("web test notify key")}

func TestNotificationsAPI(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, art := e.openConsultation(w, nil)
		base := "/api/v1/consultations/" + id + "/comments"
		status := "/api/v1/consultations/" + id + "/notifications"
		counts := func(what string) map[string]any {
			t.Helper()
			r := e.want(e.do("GET", status, w.staffA, nil), 200, what)
			if strings.Contains(string(r.Body), "@example.cn") || strings.Contains(string(r.Body), "13912345678") {
				t.Errorf("%s: delivery state discloses a contact: %s", what, r.Body)
			}
			c, _ := r.JSON["counts"].(map[string]any)
			return c
		}
		if c := counts("before any comment"); c["pending"] != 0.0 || c["sent"] != 0.0 || c["failed"] != 0.0 {
			t.Errorf("counts %v, want zeros", c)
		}
		quiet := comment("建议第一条增加“保障动物福利”的表述。", "article_id", art, "contact_email", "quiet@example.cn")
		quietBody := map[string]any{}
		for k, v := range quiet {
			quietBody[k] = v
		}
		quietBody["notify"] = false
		e.want(e.do("POST", base, "", quietBody), 201, "opted out")
		if c := counts("opted out"); c["pending"] != 0.0 {
			t.Errorf("an opted-out comment queued %v", c)
		}
		e.want(e.do("POST", base, "", comment("建议明确登记期限。", "contact_email", "a@example.cn", "contact_phone", "13912345678")), 201, "opted in by default")
		if c := counts("opted in"); c["pending"] != 2.0 {
			t.Errorf("counts %v, want 2 pending (email and SMS)", c)
		}
		bad := map[string]any{"body": "建议。", "display": "anonymous", "contact_email": "b@example.cn", "notify": "yes"}
		if r := e.do("POST", base, "", bad); r.Status != 400 && r.Status != 422 {
			t.Errorf("notify as a string: %d %s, want a client error", r.Status, r.Body)
		}
		e.want(e.do("GET", status, "", nil), 401, "anonymous")
		e.want(e.do("GET", status, w.resident, nil), 403, "resident")
		e.want(e.do("GET", status, w.staffB, nil), 403, "other department")
		e.want(e.do("GET", status, w.admin, nil), 200, "admin")

		// Unsubscribing by the link of one notification cancels the rest.
		list, err := e.outbox.ConsultationNotifications(context.Background(), id)
		if list = personalNotifications(list); err != nil || len(list) != 2 {
			t.Fatalf("outbox: %d, %v", len(list), err)
		}
		n := list[0]
		e.want(e.do("POST", "/api/v1/notifications/unsubscribe?n="+n.ID+"&t=00", "", nil), 404, "bad token")
		u, _ := url.Parse(testLinks.OneClickURL(n.ID))
		e.want(e.do("POST", u.RequestURI(), "", "List-Unsubscribe=One-Click", "Content-Type", "application/x-www-form-urlencoded"), 200, "one-click")
		key := testLinks.RecipientKey(n.Channel, n.To)
		if out, err := e.outbox.OptedOut(context.Background(), key); err != nil || !out {
			t.Errorf("after one-click: opted out %v, %v", out, err)
		}

		// The page asks first, then unsubscribes on POST.
		b := e.browser()
		p, _ := url.Parse(testLinks.UnsubscribeURL(list[1].ID))
		b.get(p.RequestURI()).want(t, 200, "unsubscribe page").has(t, "confirm", "退订后")
		b.get("/notifications/unsubscribe?n="+list[1].ID+"&t=bad").want(t, 404, "bad link page")
		b.post("/notifications/unsubscribe", url.Values{"n": {list[1].ID}, "t": {p.Query().Get("t")}}).want(t, 200, "unsubscribe").has(t, "done", "已退订")
	})
}

func TestCommentFormNotifyOptIn(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id, _ := e.openConsultation(w, nil)
	b := e.browser()
	b.get("/consultations/"+id+"/comment").want(t, 200, "form").has(t, "opt-in", `name="notify" value="1" checked`, "告知我回执")
	form := url.Values{"body": {"建议明确登记期限。"}, "display": {"anonymous"}, "contact_email": {"a@example.cn"}, "notify_shown": {"1"}}
	b.post("/consultations/"+id+"/comment", form).want(t, 303, "unticked")
	form.Set("notify", "1")
	form.Set("body", "另一条建议。")
	b.post("/consultations/"+id+"/comment", form).want(t, 303, "ticked")
	list, err := e.outbox.ConsultationNotifications(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if list = personalNotifications(list); len(list) != 1 {
		t.Fatalf("%d notifications, want 1 (only the ticked box)", len(list))
	}
}
