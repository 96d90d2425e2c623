package web_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"yugongkai/web"

	"yugongkai/consultation"
	"yugongkai/notify"
	"yugongkai/workcal"
)

// Contacts no output may ever show (TestContactsAppearNowhere).
const (
	canaryEmail    = "canary.q7x3@leakcheck.example.cn"
	canaryPhone    = "13987650123"
	canaryEmail2   = "second.k9z@leakcheck.example.cn"
	canaryFollower = "follower.m4w@leakcheck.example.cn"
)

// receipts of the comments procedureWithContacts submits, in order.
var lastReceipts []string

// procedureWithContacts drives a whole consultation with commenters who
// gave distinctive contacts: open, two comments (one on 第二条), close,
// revise 第二条, answer (the first adopted, changing 第二条; the second
// not adopted), review, finalize. It returns the consultation id and the
// first comment's id.
func (e *env) procedureWithContacts(w *world) (string, string) {
	e.t.Helper()
	id, _ := e.openConsultation(*w, map[string]any{"moderation": false})
	base := "/api/v1/consultations/" + id
	art2 := e.articleIDs(id)[1]
	r1 := e.want(e.do("POST", base+"/comments", "", comment("建议第二条扩大到开发区。", "article_id", art2,
		"contact_email", canaryEmail, "contact_phone", canaryPhone)), 201, "comment with contacts")
	r2 := e.want(e.do("POST", base+"/comments", "", comment("建议取消登记。", "contact_email", canaryEmail2)), 201, "second comment")
	c1, c2 := r1.str("comment_id"), r2.str("comment_id")
	// A follower, confirmed: the decision's fan-out reaches it.
	e.want(e.do("POST", base+"/followers", "", map[string]string{"email": canaryFollower}), 202, "follow")
	list, err := e.outbox.ConsultationNotifications(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, n := range list {
		if n.Kind == notify.FollowConfirm {
			u, _ := url.Parse(testLinks.FollowURL(n.ID))
			e.want(e.do("POST", "/api/v1/followers/confirm?"+u.RawQuery, "", nil), 200, "confirm follow")
		}
	}
	lastReceipts = []string{r1.str("code"), r2.str("code")}
	e.clock.Set(workcal.EndOfDay(workcal.MustParseDate("2026-12-31")))
	e.relogin(w)
	e.want(e.do("POST", base+"/versions", w.staffA, map[string]string{"text": revisedText, "note": "根据意见修改第二条"}), 201, "revise")
	e.want(e.do("POST", "/api/v1/comments/"+c1+"/disposition", w.staffA, map[string]any{"status": "adopted", "changed_articles": []string{art2}}), 200, "adopt")
	e.want(e.do("POST", "/api/v1/comments/"+c2+"/disposition", w.staffA, map[string]any{"status": "not_adopted", "reason": "登记为上位法要求。"}), 200, "not adopted")
	e.finalizeConsultation(*w, id)
	return id, c1
}

// TestDecisionNotification: the decision's publication tells every
// opted-in commenter the decision and which article the answer changed.
func TestDecisionNotification(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, c1 := e.procedureWithContacts(&w)
		list, err := e.outbox.ConsultationNotifications(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		decided := map[string]*consultation.Notification{}
		answered := 0
		for _, n := range list {
			switch n.Kind {
			case consultation.NotifyDecided:
				decided[n.Comment+"/"+n.Channel] = n
			case consultation.NotifyAnswered:
				answered++
			}
		}
		if answered != 3 || len(decided) != 3 {
			t.Fatalf("%d answer and %d decision notifications, want 3 each (two contacts, one contact)", answered, len(decided))
		}
		n := decided[c1+"/"+consultation.ChannelEmail]
		if n == nil {
			t.Fatalf("no decision e-mail for comment %s: %v", c1, decided)
		}
		if n.Params["changed_articles"] != "第二条" || n.Params["document_number"] != "某政规〔2027〕1号" || n.Params["decision_title"] == "" {
			t.Errorf("decision params %v, want 第二条 and 某政规〔2027〕1号", n.Params)
		}
		for k, n := range decided {
			if k != c1+"/"+consultation.ChannelEmail && k != c1+"/"+consultation.ChannelSMS && n.Params["changed_articles"] != "" {
				t.Errorf("the not-adopted comment names changed articles: %v", n.Params)
			}
		}
	})
}

// TestCommentFormPrivacyNotice: the comment form names who handles the
// data, the purpose, how long contacts are kept (the configured
// retention) and the commenter's rights, in both languages.
func TestCommentFormPrivacyNotice(t *testing.T) {
	e := newEnv(t, "sqlite", func(c *web.Config) { c.ContactRetention = 90 * 24 * time.Hour })
	w := e.world()
	id, _ := e.openConsultation(w, nil)
	b := e.browser()
	b.get("/consultations/"+id+"/comment").want(t, 200, "form").has(t, "zh-CN notice", "个人信息处理说明",
		"个人信息处理者：县公安局法制大队（联系方式：0571-88888888，fz@example.gov.cn）", "决定公布或征求意见撤回后 90 天删除", "查阅、复制、更正", "不写入日志")
	b.get("/?lang=en")
	b.get("/consultations/"+id+"/comment").want(t, 200, "form en").has(t, "English notice", "How your personal data is handled",
		"Your data is handled by: 县公安局法制大队", "erased 90 days after the decision is published", "withdraw consent")
}

// TestDeliveryPage: staff see per kind of notification what is pending,
// sent and failed with the last error, and the retries, in both
// languages; no recipient is on the page; other departments are refused.
func TestDeliveryPage(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, art := e.openConsultation(w, nil)
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("建议明确登记期限。", "article_id", art,
			"contact_email", canaryEmail, "contact_phone", canaryPhone)), 201, "comment")
		ctx := context.Background()
		list, err := e.outbox.ConsultationNotifications(ctx, id)
		if list = personalNotifications(list); err != nil || len(list) != 2 {
			t.Fatalf("outbox: %d, %v", len(list), err)
		}
		// The e-mail failed for good after two attempts; the SMS is pending.
		var email *consultation.Notification
		for _, n := range list {
			if n.Channel == consultation.ChannelEmail {
				email = n
			}
		}
		now := e.clock.Now()
		for a := 0; a < 2; a++ {
			if ok, err := e.outbox.LeaseNotification(ctx, email.ID, a, now.Add(time.Minute)); err != nil || !ok {
				t.Fatalf("lease %d: %v %v", a, ok, err)
			}
		}
		if err := e.outbox.RecordDelivery(ctx, email.ID, consultation.Delivery{State: consultation.NotifyFailed, Attempts: 2, NextTry: now, LastError: "550 5.1.1 mailbox unavailable"}); err != nil {
			t.Fatal(err)
		}
		staff := e.browser()
		staff.login("staffa", "password-staffa")
		page := "/staff/consultations/" + id + "/notifications"
		p := staff.get(page).want(t, 200, "delivery page")
		p.checkPage(t, "delivery page", "zh-CN")
		p.has(t, "zh-CN", "通知送达情况", "<th scope=\"row\">意见回执</th>\n      <td>1</td><td>0</td><td>1</td><td>0</td><td>1</td>", "550 5.1.1 mailbox unavailable", "短信", "待发送")
		p.lacks(t, "zh-CN", canaryEmail, canaryPhone)
		staff.get(page + "?lang=en")
		p = staff.get(page).want(t, 200, "delivery page en")
		p.has(t, "en", "Delivery of notifications", "Retries", "Receipt", "Failed")
		p.lacks(t, "en", canaryEmail, canaryPhone)
		staff.get("/staff/consultations/"+id+"/period").has(t, "tab", `href="/staff/consultations/`+id+`/notifications"`)
		other := e.browser()
		other.login("staffb", "password-staffb")
		other.get(page).want(t, 403, "other department")
		e.browser().get(page).want(t, 401, "anonymous")
		r := e.want(e.do("GET", "/api/v1/consultations/"+id+"/notifications", w.staffA, nil), 200, "API")
		kinds, _ := r.JSON["by_kind"].([]any)
		if len(kinds) == 0 || kinds[0].(map[string]any)["failed"] != 1.0 || kinds[0].(map[string]any)["retries"] != 1.0 {
			t.Errorf("by_kind %v, want the receipt first with 1 failed and 1 retry", kinds)
		}
	})
}

// personalNotifications leaves out the fan-out rows to followers.
func personalNotifications(list []*consultation.Notification) []*consultation.Notification {
	var out []*consultation.Notification
	for _, n := range list {
		if n.Channel != notify.ChannelFollowers {
			out = append(out, n)
		}
	}
	return out
}
