package web_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// signupCode asks for a sign-up code for contact and returns the code sent.
func (e *env) signupCode(contact string) string {
	e.t.Helper()
	e.want(e.do("POST", "/api/v1/auth/register/code", "", map[string]string{"contact": contact}), 202, "sign-up code")
	m := e.codes.Last(e.t.(*testing.T))
	if m.Code == "" {
		e.t.Fatalf("no code sent to %s: %+v", contact, m)
	}
	return m.Code
}

// TestSignupByCode: sign-up needs the code sent to the contact; the
// answer to a code request does not tell whether the contact has an
// account; a code is used once and has a few tries.
func TestSignupByCode(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		code := e.signupCode("Wang@Example.cn")
		form := map[string]string{"username": "wangwu", "password": "long-enough-pw", "contact": "wang@example.cn", "code": code}
		r := e.want(e.do("POST", "/api/v1/auth/register", "", form), 201, "sign up")
		if r.str("email") != "wang@example.cn" {
			t.Errorf("email stored %q, want the normalized address", r.str("email"))
		}
		form["username"] = "wangwu2"
		e.want(e.do("POST", "/api/v1/auth/register", "", form), 422, "code used twice")

		// Same answer, byte for byte, for a contact with an account and one without.
		sent := len(e.codes.Sent)
		taken := e.want(e.do("POST", "/api/v1/auth/register/code", "", map[string]string{"contact": "wang@example.cn"}), 202, "code for a taken contact")
		free := e.want(e.do("POST", "/api/v1/auth/register/code", "", map[string]string{"contact": "zhao@example.cn"}), 202, "code for a free contact")
		if !bytes.Equal(taken.Body, free.Body) {
			t.Errorf("the answers differ:\n%s\n%s", taken.Body, free.Body)
		}
		if len(e.codes.Sent) != sent+2 || e.codes.Sent[sent].Code != "" || e.codes.Sent[sent].Notice == "" || e.codes.Sent[sent+1].Code == "" {
			t.Errorf("the taken contact should get a notice and the free one a code: %+v", e.codes.Sent[sent:])
		}
		// Wrong codes use up the tries: then the right one fails too.
		right := e.codes.Last(t).Code
		wrong := map[string]string{"username": "zhaoliu", "password": "long-enough-pw", "contact": "zhao@example.cn", "code": "99999"}
		for range 5 {
			r = e.want(e.do("POST", "/api/v1/auth/register", "", wrong), 422, "wrong code")
		}
		if r.errMessage() == "" {
			t.Errorf("no message for a wrong code: %s", r.Body)
		}
		wrong["code"] = right
		e.want(e.do("POST", "/api/v1/auth/register", "", wrong), 422, "right code after five wrong ones")
		e.want(e.do("POST", "/api/v1/auth/register/code", "", map[string]string{"contact": "not a contact"}), 422, "bad contact")
	})
}

// TestCodeRateLimits: codes per contact (all purposes together) and per
// client IP.
func TestCodeRateLimits(t *testing.T) {
	e := newEnv(t, "sqlite")
	for i := range 5 {
		e.want(e.do("POST", "/api/v1/auth/register/code", "", map[string]string{"contact": "13800000001"}), 202, fmt.Sprint("code ", i+1))
	}
	r := e.want(e.do("POST", "/api/v1/auth/password-reset/code", "", map[string]string{"contact": "138 0000 0001"}), 429, "sixth message to one contact")
	if r.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	e.want(e.do("POST", "/api/v1/auth/register/code", "", map[string]string{"contact": "z@example.cn"}), 429, "sixth sign-up from one IP")
	for i := range 9 {
		e.want(e.do("POST", "/api/v1/auth/password-reset/code", "", map[string]string{"contact": fmt.Sprintf("x%d@example.cn", i)}), 202, "other contacts")
	}
	e.want(e.do("POST", "/api/v1/auth/password-reset/code", "", map[string]string{"contact": "y@example.cn"}), 429, "eleventh reset code from one IP")
	e.clock.Add(time.Hour)
	e.want(e.do("POST", "/api/v1/auth/password-reset/code", "", map[string]string{"contact": "y@example.cn"}), 202, "an hour later")
}

// TestPasswordResetByCode on both stores: the code resets the password and
// ends every session.
func TestPasswordResetByCode(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		code := e.signupCode("13900001111")
		e.want(e.do("POST", "/api/v1/auth/register", "", map[string]string{"username": "sunqi", "password": "long-enough-pw", "contact": "+86 139 0000 1111", "code": code}), 201, "sign up by phone")
		tok := e.login("sunqi", "long-enough-pw")
		e.want(e.do("POST", "/api/v1/auth/password-reset/code", "", map[string]string{"contact": "13900001111"}), 202, "reset code")
		code = e.codes.Last(t).Code
		e.want(e.do("POST", "/api/v1/auth/password-reset", "", map[string]string{"contact": "13900001111", "code": code, "new_password": "short"}), 422, "short password")
		e.want(e.do("POST", "/api/v1/auth/password-reset", "", map[string]string{"contact": "13900001111", "code": code, "new_password": "another-long-pw"}), 204, "reset")
		e.want(e.do("GET", "/api/v1/me", tok, nil), 401, "old token after reset")
		e.login("sunqi", "another-long-pw")
		e.want(e.do("POST", "/api/v1/auth/password-reset", "", map[string]string{"contact": "13900001111", "code": code, "new_password": "third-long-pw!"}), 422, "code used twice")
	})
}

// TestSessions: a user sees their sessions and ends one or all others.
func TestSessions(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		admin := e.adminToken()
		e.want(e.do("POST", "/api/v1/users", admin, map[string]string{"username": "zhou", "password": "password-zhou", "role": "resident"}), 201, "user")
		a := e.login("zhou", "password-zhou")
		b := e.login("zhou", "password-zhou")
		c := e.login("zhou", "password-zhou")
		r := e.want(e.do("GET", "/api/v1/me/sessions", a, nil), 200, "sessions")
		items, _ := r.JSON["items"].([]any)
		if len(items) != 3 {
			t.Fatalf("%d sessions, want 3: %s", len(items), r.Body)
		}
		var current, otherID string
		for _, it := range items {
			m := it.(map[string]any)
			if m["current"] == true {
				current = m["id"].(string)
			} else if otherID == "" {
				otherID = m["id"].(string)
			}
		}
		if current == "" || otherID == "" {
			t.Fatalf("no current session marked: %s", r.Body)
		}
		e.want(e.do("DELETE", "/api/v1/me/sessions/"+otherID, admin, nil), 404, "another user's session")
		e.want(e.do("DELETE", "/api/v1/me/sessions/"+otherID, a, nil), 204, "end one")
		ended := 0
		for _, tok := range []string{b, c} {
			if e.do("GET", "/api/v1/me", tok, nil).Status == 401 {
				ended++
			}
		}
		if ended != 1 {
			t.Errorf("%d tokens stopped working, want 1", ended)
		}
		r = e.want(e.do("POST", "/api/v1/me/sessions/end-others", a, nil), 200, "end others")
		if n, _ := r.JSON["ended"].(float64); n != 1 {
			t.Errorf("ended %v, want 1", r.JSON["ended"])
		}
		e.want(e.do("GET", "/api/v1/me", b, nil), 401, "b after end-others")
		e.want(e.do("GET", "/api/v1/me", c, nil), 401, "c after end-others")
		e.want(e.do("GET", "/api/v1/me", a, nil), 200, "the current session lives on")
		e.want(e.do("GET", "/api/v1/me/sessions", "", nil), 401, "anonymous")
	})
}
