package web_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestAttachReceipt: a comment submitted without logging in is attached to
// an account by its receipt and a code sent to its contact, through the
// API and through /me/comments.
func TestAttachReceipt(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, art := e.openConsultation(w, nil)
		submit := func(body, contact string) string {
			return e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment(body, "article_id", art, "contact_email", contact)), 201, "submit").str("code")
		}
		code := submit("匿名提交的意见一。", "wu@example.cn")
		e.want(e.do("POST", "/api/v1/users", w.admin, map[string]string{"username": "wujiu", "password": "password-wujiu", "role": "resident"}), 201, "user")
		tok := e.login("wujiu", "password-wujiu")
		e.want(e.do("POST", "/api/v1/me/comments/attach/code", "", map[string]string{"receipt": code, "contact": "wu@example.cn"}), 401, "anonymous")
		sent := len(e.codes.Sent)
		e.want(e.do("POST", "/api/v1/me/comments/attach/code", tok, map[string]string{"receipt": code, "contact": "not-wu@example.cn"}), 202, "other contact")
		if len(e.codes.Sent) != sent {
			t.Error("a code went to a contact that is not the comment's")
		}
		e.want(e.do("POST", "/api/v1/me/comments/attach/code", tok, map[string]string{"receipt": code, "contact": "WU@example.cn"}), 202, "code")
		vc := e.codes.Last(t).Code
		e.want(e.do("POST", "/api/v1/me/comments/attach", w.staffA, map[string]string{"receipt": code, "contact": "wu@example.cn", "code": vc}), 422, "another account's code")
		e.want(e.do("POST", "/api/v1/me/comments/attach", tok, map[string]string{"receipt": code, "contact": "wu@example.cn", "code": vc}), 204, "attach")
		mine := e.want(e.do("GET", "/api/v1/me/comments", tok, nil), 200, "mine")
		if !strings.Contains(string(mine.Body), "匿名提交的意见一。") {
			t.Errorf("the attached comment is not listed: %s", mine.Body)
		}

		// The pages.
		code2 := submit("匿名提交的意见二。", "wu@example.cn")
		b := e.browser()
		b.login("wujiu", "password-wujiu")
		p := b.get("/me/comments").want(t, 200, "mine page")
		p.has(t, "mine page", `action="/me/comments/attach/code"`)
		b.post("/me/comments/attach/code", url.Values{"receipt": {"YGK-0000-0000-0000"}, "contact": {"wu@example.cn"}}).want(t, 422, "unknown receipt").has(t, "unknown receipt", "未找到该回执编号")
		p = b.post("/me/comments/attach/code", url.Values{"receipt": {code2}, "contact": {"wu@example.cn"}}).want(t, 200, "code sent")
		p.checkPage(t, "attach step 2", "zh-CN")
		p = b.post("/me/comments/attach", url.Values{"receipt": {code2}, "contact": {"wu@example.cn"}, "code": {e.codes.Last(t).Code}}).want(t, 303, "attached")
		b.get(p.Location).want(t, 200, "mine after").has(t, "mine after", "匿名提交的意见二。", "意见已关联到您的账户")
	})
}
