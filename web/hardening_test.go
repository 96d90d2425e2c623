package web_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"yugongkai/consultation"
)

// The login form's next= never sends a browser to another site, however
// the target is disguised.
func TestLoginNextStaysOnSite(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.world()
	for _, next := range []string{"/\t/evil.example/", "/\n/evil.example/", "/\\evil.example/", "//evil.example/", "https:evil.example", "/%2F%2Fevil.example"} {
		b := e.browser()
		if p := b.get("/login?next="+url.QueryEscape(next)).want(t, 200, "login form"); !strings.Contains(p.Body, `name="next" value=""`) {
			t.Errorf("login form for next=%q keeps the target", next)
		}
		p := b.post("/login", url.Values{"username": {"staffa"}, "password": {"password-staffa"}, "next": {next}}).want(t, 303, "login")
		if p.Location != "/staff/" {
			t.Errorf("login with next=%q: Location %q, want /staff/", next, p.Location)
		}
	}
}

// The JSON API checks no CSRF token, so the session cookie does not
// authenticate API writes: only a bearer token does. Reads still work with
// the cookie (the pages link to JSON downloads).
func TestAPIWritesNeedBearerToken(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.adminToken()
	b := e.browser()
	b.login("admin", "admin-password-1")
	session := b.cookies["ygk_session"]
	r := e.do("POST", "/api/v1/departments", "", map[string]string{"name": "跨站伪造的部门"}, "Cookie", "ygk_session="+session, "Origin", "https://evil.example")
	if r.Status != 401 && r.Status != 403 {
		t.Errorf("API write with the session cookie only: %d, want 401 or 403; body %s", r.Status, r.Body)
	}
	r = e.do("GET", "/api/v1/me", "", nil, "Cookie", "ygk_session="+session)
	if r.Status != 200 || r.str("username") != "admin" {
		t.Errorf("API read with the session cookie: %d %s, want 200 admin", r.Status, r.Body)
	}
	e.want(e.do("POST", "/api/v1/departments", session, map[string]string{"name": "县水利局"}), 201, "API write with the bearer token")
}

// The CSRF token counts only in the form body, never in the query string.
func TestCSRFTokenNotFromQuery(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.world()
	b := e.browser()
	b.login("staffa", "password-staffa")
	tok := b.csrf()
	b.postRaw("/logout?_csrf="+url.QueryEscape(tok), url.Values{}).want(t, 403, "logout with the token in the query")
	b.postFile("/logout", "f", "f.txt", []byte("x"), url.Values{"_csrf": {tok}}).want(t, 303, "multipart form with the token")
}

// A period cannot be set to end decades ahead, by publishing or extending.
func TestClosesAtFarFutureRefused(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id := e.want(e.do("POST", "/api/v1/consultations", w.staffA, draftBody(shortText)), 201, "create").str("id")
	r := e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, map[string]string{"closes_at": "9999-12-31"}), 422, "publish until 9999")
	if !strings.Contains(r.field("closes_at"), "5 年") {
		t.Errorf("closes_at message = %q, want the 5-year limit", r.field("closes_at"))
	}
	r = e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, map[string]string{"closes_at": "9999-12-31"}, "Accept-Language", "en"), 422, "publish until 9999, English")
	if !strings.Contains(r.field("closes_at"), "5 years") {
		t.Errorf("English closes_at message = %q", r.field("closes_at"))
	}
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, map[string]string{"closes_at": "2026-12-31"}), 200, "publish")
	r = e.want(e.do("POST", "/api/v1/consultations/"+id+"/extend", w.staffA, map[string]string{"closes_at": "2040-01-01", "reason": "延长"}), 422, "extend by 13 years")
	if r.field("closes_at") == "" {
		t.Errorf("extend too far: %s", r.Body)
	}
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/extend", w.staffA, map[string]string{"closes_at": "2031-11-30", "reason": "延长"}), 200, "extend within 5 years")
}

// A calendar read that fails (here: the request was cancelled) is not
// cached: the next request sees the stored holidays.
func TestCalendarReadErrorNotCached(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.adminToken()
	cal := `{"year":2027,"name":"2027年部分节假日安排（测试）","holidays":["2027-01-01","2027-01-02","2027-01-03"],"workdays":[]}`
	e.want(e.do("PUT", "/api/v1/calendar", admin, cal), 200, "load 2027")
	// A fresh service on the same store, as after a restart.
	fresh := consultation.NewService(e.cons.Store, e.auth.Store)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	fresh.Calendar(cancelled)
	if years := fresh.Calendar(context.Background()).Years(); !slices.Contains(years, 2027) {
		t.Errorf("after a cancelled read the calendar has years %v, want 2027 among them", years)
	}
}

// An attacker guessing one account's password from one place is slowed
// down more and more, while the owner logging in from their usual address
// is not locked out; only a far higher number of failures from everywhere
// closes the account for a while.
func TestLoginThrottledPerAccountAndSource(t *testing.T) {
	e := newEnv(t, "sqlite", behindProxy)
	e.adminToken()
	login := func(from, password string) response {
		return e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": password}, "X-Forwarded-For", from)
	}
	attacker, owner := "198.51.100.66", "203.0.113.5"
	for i := 0; i < 5; i++ {
		e.want(login(attacker, "wrong-password"), 401, "guess")
	}
	var waits []int
	for i := 0; i < 5; i++ {
		r := e.want(login(attacker, "wrong-password"), 429, "guess while delayed")
		secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
		if err != nil {
			t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
		}
		waits = append(waits, secs)
		e.clock.Add(time.Duration(secs) * time.Second)
		e.want(login(attacker, "wrong-password"), 401, "guess after the delay")
	}
	for i := 1; i < len(waits); i++ {
		if waits[i] <= waits[i-1] {
			t.Errorf("delays %v do not grow", waits)
		}
	}
	// Even the right password waits at the attacker's address...
	e.want(login(attacker, "admin-password-1"), 429, "right password from the attacker's address")
	// ...but the owner, elsewhere, logs in at once.
	e.want(login(owner, "admin-password-1"), 200, "owner from their usual address")

	// The ceiling for one account from everywhere is much higher.
	for i := 0; i < 100; i++ {
		login(fmt.Sprintf("198.18.%d.%d", i/250, i%250), "wrong-password")
	}
	e.want(login(owner, "admin-password-1"), 429, "owner once the account's ceiling is reached")
}

func TestRateLimitMessageSingular(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.adminToken()
	var r response
	for i := 0; i < 6; i++ {
		r = e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "wrong-password"}, "Accept-Language", "en")
	}
	if r.Status != 429 || !strings.HasSuffix(r.errMessage(), "Try again in 1 second.") {
		t.Errorf("6th failed login: %d %q, want 429 and “Try again in 1 second.”", r.Status, r.errMessage())
	}
}
