package web_test

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"yugongkai/consultation"
	"yugongkai/workcal"
)

// An accepted suggestion appears in the next revision's redline with its
// link: the commenter suggests a wording, staff accept an edited form of
// it, the next revision starts from it, and the redline links the change to
// the comment; the commenter is told through the outbox.
func TestSuggestedWordingInNextRevision(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, art := e.openConsultation(w, map[string]any{"moderation": false})
		base := "/api/v1/consultations/" + id + "/comments"
		r := e.want(e.do("POST", base, w.resident, comment("第一条的目的应当写全。", "suggested_text", "为了规范养犬行为，保障公共安全，制定本办法。")), 422, "suggestion on the whole draft")
		if r.field("suggested_text") == "" {
			t.Errorf("whole-draft suggestion: no suggested_text error: %s", r.Body)
		}
		c1 := e.want(e.do("POST", base, w.resident, comment("第一条的目的应当写全。", "article_id", art,
			"suggested_text", "为了规范养犬行为，保障公共安全，制定本办法。", "contact_email", "zhang@example.cn")), 201, "suggestion").str("comment_id")
		// The same text with another suggestion is not the same comment.
		c2 := e.want(e.do("POST", base, w.resident, comment("第一条的目的应当写全。", "article_id", art,
			"suggested_text", "为了规范养犬行为，制定本办法。电话13812345678")), 201, "other suggestion").str("comment_id")
		pub := e.want(e.do("GET", base, "", nil), 200, "public list")
		items := pub.JSON["items"].([]any)
		if len(items) != 2 {
			t.Fatalf("public list: %d groups, want 2 (different suggestions): %s", len(items), pub.Body)
		}
		for _, it := range items {
			if s := it.(map[string]any)["suggested_text"].(string); strings.Contains(s, "13812345678") || s == "" {
				t.Errorf("public suggested_text %q: missing or not masked", s)
			}
		}
		e.clock.Set(workcal.EndOfDay(workcal.MustParseDate("2026-12-31")))
		e.relogin(&w)
		accepted := "为了规范养犬行为，维护公共安全，制定本办法。"
		r = e.want(e.do("POST", "/api/v1/comments/"+c1+"/disposition", w.staffA, map[string]any{"status": "not_adopted", "reason": "否", "accepted_text": accepted}), 422, "wording without adoption")
		if r.field("accepted_text") == "" {
			t.Errorf("no accepted_text error: %s", r.Body)
		}
		d := e.want(e.do("POST", "/api/v1/comments/"+c1+"/disposition", w.staffA, map[string]any{"status": "partially_adopted", "reason": "文字调整。", "accepted_text": accepted}), 200, "accept")
		disp := d.JSON["disposition"].(map[string]any)
		if disp["accepted_text"] != accepted || !slices.Contains(disp["changed_articles"].([]any), any(art)) {
			t.Errorf("disposition %v: want the accepted wording and its article", disp)
		}
		e.want(e.do("POST", "/api/v1/comments/"+c2+"/disposition", w.staffA, map[string]any{"status": "not_adopted", "reason": "已有规定。"}), 200, "decline")
		e.want(e.do("GET", "/api/v1/consultations/"+id+"/revision-draft", w.staffB, nil), 403, "another department's draft")
		rd := e.want(e.do("GET", "/api/v1/consultations/"+id+"/revision-draft", w.staffA, nil), 200, "revision draft")
		text := rd.str("text")
		if !strings.Contains(text, "第一条　"+accepted) || !strings.Contains(text, "第二条　本办法适用于本县城区。") {
			t.Fatalf("revision draft does not start from the accepted wording:\n%s", text)
		}
		applied := rd.JSON["applied"].([]any)
		if len(applied) != 1 || applied[0].(map[string]any)["article_id"] != art ||
			!slices.Contains(applied[0].(map[string]any)["comment_ids"].([]any), any(c1)) {
			t.Errorf("applied = %v, want article %s from comment %s", applied, art, c1)
		}
		// The revise page is pre-filled with it.
		b := e.browser()
		b.login("staffa", "password-staffa")
		b.get("/staff/consultations/"+id+"/revise").want(t, 200, "revise page").has(t, "revise page", accepted, "第一条")
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/versions", w.staffA, map[string]string{"text": text, "note": "采纳修改建议"}), 201, "revise")
		diff := e.want(e.do("GET", "/api/v1/consultations/"+id+"/diff?from=1&to=2", w.staffA, nil), 200, "diff")
		var kind string
		for _, ch := range diff.JSON["changes"].([]any) {
			if ch := ch.(map[string]any); ch["id"] == art {
				kind, _ = ch["kind"].(string)
			}
		}
		if kind != "modified" {
			t.Errorf("article %s in the redline: kind %q, want modified", art, kind)
		}
		linked, _ := diff.JSON["linked_comments"].(map[string]any)[art].([]any)
		found := false
		for _, l := range linked {
			l := l.(map[string]any)
			if l["id"] == c1 && l["disposition"].(map[string]any)["accepted_text"] == accepted {
				found = true
			}
		}
		if !found {
			t.Errorf("redline of %s does not link comment %s with its accepted wording: %v", art, c1, linked)
		}
		b.get("/consultations/"+id+"/diff?from=1&to=2").want(t, 200, "diff page").has(t, "diff page", "已采纳修改建议", accepted)
		// Only wordings accepted since the newest version are applied.
		rd = e.want(e.do("GET", "/api/v1/consultations/"+id+"/revision-draft", w.staffA, nil), 200, "revision draft after v2")
		if n := len(rd.JSON["applied"].([]any)); n != 0 {
			t.Errorf("after the revision %d wordings still applied", n)
		}
		// The commenter was told (the outbox), in the disposition's commit.
		list, err := e.outbox.ConsultationNotifications(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]string{}
		for _, n := range list {
			if n.Kind == consultation.NotifySuggestionAccepted || n.Kind == consultation.NotifySuggestionDeclined {
				kinds[n.Comment] = n.Kind
				if n.Kind == consultation.NotifySuggestionAccepted && n.Params["accepted_text"] != accepted {
					t.Errorf("accepted notification params %v", n.Params)
				}
			}
		}
		if kinds[c1] != consultation.NotifySuggestionAccepted {
			t.Errorf("suggestion notifications %v: want %s accepted (c2 gave no contact)", kinds, c1)
		}
	})
}

// Withdrawn comments are absent from public lists and counts but present
// in the archive; they need no answer; identical-comment groups keep the
// right count.
func TestWithdrawal(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, art := e.openConsultation(w, map[string]any{"moderation": false})
		base := "/api/v1/consultations/" + id + "/comments"
		var codes, ids []string
		for i := 0; i < 3; i++ {
			r := e.want(e.do("POST", base, "", comment("建议删除第一条。", "article_id", art)), 201, "same comment")
			codes, ids = append(codes, r.str("code")), append(ids, r.str("comment_id"))
		}
		lone := e.want(e.do("POST", base, w.resident, comment("建议增加宣传条款。")), 201, "lone comment")
		group := func() (int, int) {
			pub := e.want(e.do("GET", base, "", nil), 200, "public list")
			items := pub.JSON["items"].([]any)
			count := 0
			for _, it := range items {
				if it.(map[string]any)["article_id"] == art {
					count = int(it.(map[string]any)["count"].(float64))
				}
			}
			return len(items), count
		}
		if n, c := group(); n != 2 || c != 3 {
			t.Fatalf("before: %d groups, group count %d; want 2, 3", n, c)
		}
		r := e.want(e.do("POST", "/api/v1/receipts/"+codes[0]+"/withdraw", "", map[string]string{"reason": "考虑不周"}), 200, "withdraw")
		if r.str("status") != "withdrawn" || r.JSON["can_withdraw"] != false || r.str("withdrawn_at") == "" {
			t.Errorf("withdrawn receipt: %s", r.Body)
		}
		e.want(e.do("POST", "/api/v1/receipts/"+codes[0]+"/withdraw", "", map[string]string{}), 409, "withdraw twice")
		e.want(e.do("POST", "/api/v1/receipts/YGK-0000-0000-0000/withdraw", "", map[string]string{}), 404, "unknown receipt")
		e.want(e.do("POST", "/api/v1/receipts/"+codes[1]+"/withdraw", "", map[string]string{"reason": strings.Repeat("长", 501)}), 422, "long reason")
		if n, c := group(); n != 2 || c != 2 {
			t.Errorf("after one withdrawal: %d groups, group count %d; want 2, 2", n, c)
		}
		e.want(e.do("POST", "/api/v1/comments/"+ids[0]+"/disposition", w.staffA, map[string]string{"status": "adopted"}), 409, "answer a withdrawn comment")
		e.want(e.do("POST", "/api/v1/comments/"+ids[0]+"/moderation", w.staffA, map[string]string{"action": "decline", "reason": "spam"}), 409, "moderate a withdrawn comment")
		// From the receipt page and from 我的意见, with the CSRF token.
		b := e.browser()
		b.get("/receipts/"+codes[1]).want(t, 200, "receipt page").has(t, "receipt page", `action="/receipts/`+codes[1]+`/withdraw"`)
		b.postRaw("/receipts/"+codes[1]+"/withdraw", url.Values{"reason": {"x"}}).want(t, 403, "withdraw without CSRF")
		p := b.post("/receipts/"+codes[1]+"/withdraw", url.Values{"reason": {"重复提交"}}).want(t, 303, "withdraw page action")
		b.get(p.Location).want(t, 200, "receipt after withdrawal").has(t, "receipt after withdrawal", "意见已撤回", "已撤回")
		rb := e.browser()
		rb.login("resident", "password-resident")
		mine := e.want(e.do("GET", "/api/v1/me/comments", w.resident, nil), 200, "mine")
		loneCode := mine.JSON["items"].([]any)[0].(map[string]any)["code"].(string)
		rb.get("/me/comments").want(t, 200, "mine page").has(t, "mine page", `action="/receipts/`+loneCode+`/withdraw"`)
		p = rb.post("/receipts/"+loneCode+"/withdraw", url.Values{"next": {"/me/comments"}}).want(t, 303, "withdraw from mine")
		if p.Location != "/me/comments" {
			t.Errorf("back to %q, want /me/comments", p.Location)
		}
		if n, c := group(); n != 1 || c != 1 {
			t.Errorf("after three withdrawals: %d groups, group count %d; want 1, 1", n, c)
		}
		// The period over: no more withdrawals; the report counts without them.
		e.clock.Set(workcal.EndOfDay(workcal.MustParseDate("2026-12-31")))
		e.relogin(&w)
		if r := e.do("POST", "/api/v1/receipts/"+codes[2]+"/withdraw", "", map[string]string{}); r.Status < 400 || r.Status >= 500 {
			t.Errorf("withdraw after the period: %d", r.Status)
		}
		rep := e.want(e.do("GET", "/api/v1/consultations/"+id+"/report", "", nil), 200, "report")
		if rep.JSON["received"].(float64) != 1 || rep.JSON["published"].(float64) != 1 || rep.JSON["undisposed"].(float64) != 1 {
			t.Errorf("report counts withdrawn comments: %s", rep.Body)
		}
		if n := len(rep.JSON["rows"].([]any)); n != 1 {
			t.Errorf("report table has %d rows, want 1", n)
		}
		// Every comment answered: the withdrawn ones need no answer.
		e.want(e.do("POST", "/api/v1/comments/"+ids[2]+"/disposition", w.staffA, map[string]string{"status": "not_adopted", "reason": "上位法另有规定。"}), 200, "answer the last one")
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/versions", w.staffA, map[string]string{"text": shortText + "第三条　本办法自公布之日起施行。\n"}), 201, "revise")
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/review", w.staffA, map[string]any{}), 200, "review with withdrawn comments unanswered")
		// The archive keeps them, as withdrawn.
		arch := e.want(e.do("GET", "/api/v1/consultations/"+id+"/archive", "", nil), 200, "archive")
		statuses := map[string]string{}
		for _, c := range arch.JSON["comments"].([]any) {
			c := c.(map[string]any)
			statuses[c["id"].(string)] = c["status"].(string)
		}
		for _, cid := range []string{ids[0], ids[1], lone.str("comment_id")} {
			if statuses[cid] != "withdrawn" {
				t.Errorf("archive: comment %s has status %q, want withdrawn (%v)", cid, statuses[cid], statuses)
			}
		}
		if statuses[ids[2]] != "published" {
			t.Errorf("archive: comment %s has status %q, want published", ids[2], statuses[ids[2]])
		}
	})
}

// suggestionForAxe submits, as the resident (user "\x00" password), a
// comment with a suggested wording on the open consultation id and returns
// its receipt code: its receipt page offers the withdrawal form, the
// dispositions page shows the suggestion's redline and the accepted
// wording field, and 我的意见 the withdrawal of it.
func suggestionForAxe(t *testing.T, e *env, id, resident string) string {
	t.Helper()
	up := strings.Split(resident, "\x00")
	if len(up) != 2 {
		t.Fatal("no demo resident")
	}
	tok := e.login(up[0], up[1])
	x := e.want(e.do("GET", "/api/v1/consultations/"+id, tok, nil), 200, "open consultation")
	n := int(x.JSON["public_version"].(float64))
	v := e.want(e.do("GET", "/api/v1/consultations/"+id+"/versions/"+strconv.Itoa(n), tok, nil), 200, "version")
	a := v.JSON["articles"].([]any)[0].(map[string]any)
	text, _ := a["text"].(string)
	r := e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", tok, comment("建议改写本条。", "article_id", a["id"].(string),
		"suggested_text", strings.TrimSpace(text)+"并予以公告。")), 201, "suggestion for the axe pages")
	return r.str("code")
}
