package web_test

import (
	"net/url"
	"strings"
	"testing"
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
