package web_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestRegisterPages: sign-up through the pages, without JavaScript: the
// contact, then the code with the account's fields; then logged in. The
// same for a password reset; then the sessions page ends a session.
func TestRegisterPages(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		b := e.browser()
		p := b.get("/register").want(t, 200, "sign-up page")
		p.checkPage(t, "sign-up page", "zh-CN")
		p.has(t, "sign-up page", `action="/register/code"`, `name="contact"`)

		p = b.post("/register/code", url.Values{"contact": {"not a contact"}}).want(t, 422, "bad contact")
		p.has(t, "bad contact", `aria-invalid="true"`, "电话号码格式无效")
		p = b.post("/register/code", url.Values{"contact": {"chen@example.cn"}}).want(t, 200, "code sent")
		p.checkPage(t, "second step", "zh-CN")
		p.has(t, "second step", `action="/register"`, `name="code"`, `autocomplete="one-time-code"`, `value="chen@example.cn"`)
		code := e.codes.Last(t).Code

		form := url.Values{"contact": {"chen@example.cn"}, "code": {"000000"}, "username": {"chenba"}, "password": {"long-enough-pw"}, "confirm_password": {"long-enough-pw"}}
		if code == "000000" {
			form.Set("code", "111111")
		}
		p = b.post("/register", form).want(t, 422, "wrong code")
		p.has(t, "wrong code", "验证码错误或已失效")
		form.Set("code", code)
		form.Set("confirm_password", "something else")
		b.post("/register", form).want(t, 422, "passwords differ").has(t, "passwords differ", "两次输入的新密码不一致")
		form.Set("confirm_password", "long-enough-pw")
		p = b.post("/register", form).want(t, 303, "sign up")
		if !strings.HasPrefix(p.Location, "/me/comments") {
			t.Errorf("after sign-up: Location %q", p.Location)
		}
		b.get("/me/comments").want(t, 200, "logged in after sign-up").has(t, "my comments", "chenba")

		// A second browser logs in: the first ends it from the sessions page.
		other := e.browser()
		other.login("chenba", "long-enough-pw")
		p = b.get("/me/sessions").want(t, 200, "sessions page")
		p.checkPage(t, "sessions page", "zh-CN")
		if n := strings.Count(p.Body, `/end"`); n != 1 {
			t.Fatalf("%d end buttons, want 1 (not for the current session)", n)
		}
		p = b.post("/me/sessions/end-others", nil).want(t, 303, "end others")
		other.get("/me/comments").want(t, 401, "the other browser after end-others")
		b.get("/me/sessions?ended=1").want(t, 200, "still logged in").has(t, "notice", "已结束 1 个登录")

		// Password reset by the pages, in English.
		r := e.browser()
		r.lang = "en"
		p = r.get("/password-reset").want(t, 200, "reset page")
		p.checkPage(t, "reset page", "en")
		p = r.post("/password-reset/code", url.Values{"contact": {"CHEN@example.cn"}}).want(t, 200, "reset code")
		p.has(t, "reset code", "If this contact can be used")
		code = e.codes.Last(t).Code
		p = r.post("/password-reset", url.Values{"contact": {"CHEN@example.cn"}, "code": {code}, "new_password": {"brand-new-password"}, "confirm_password": {"brand-new-password"}}).want(t, 303, "reset")
		if p.Location != "/login?changed=1" {
			t.Errorf("after reset: Location %q", p.Location)
		}
		b.get("/me/comments").want(t, 401, "old session after the reset")
		r.login("chenba", "brand-new-password")
	})
}
