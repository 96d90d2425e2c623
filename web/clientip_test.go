package web_test

import (
	"context"
	"fmt"
	"net/netip"
	"net/url"
	"testing"
	"time"

	"yugongkai/auth"
	"yugongkai/ratelimit"
	"yugongkai/web"
)

func TestClientIP(t *testing.T) {
	proxies, err := web.ParseTrustedProxies("10.0.0.0/8, 192.0.2.7 ,2001:db8::/32")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		peer string
		xff  []string
		want string
	}{
		{"NoProxy", "198.51.100.1", []string{"1.2.3.4"}, "198.51.100.1"},
		{"OneProxy", "10.0.0.1", []string{"203.0.113.9"}, "203.0.113.9"},
		{"FakeFirstEntry", "10.0.0.1", []string{"6.6.6.6, 203.0.113.9"}, "203.0.113.9"},
		{"TwoProxies", "192.0.2.7", []string{"6.6.6.6, 203.0.113.9, 10.1.2.3"}, "203.0.113.9"},
		{"SeveralHeaders", "10.0.0.1", []string{"6.6.6.6", "203.0.113.9, 10.9.9.9"}, "203.0.113.9"},
		{"AllTrusted", "10.0.0.1", []string{"10.0.0.2, 10.0.0.3"}, "10.0.0.2"},
		{"NoHeader", "10.0.0.1", nil, "10.0.0.1"},
		{"GarbageEndsWalk", "10.0.0.1", []string{"203.0.113.9, junk, 10.0.0.5"}, "10.0.0.5"},
		{"IPv6", "2001:db8::1", []string{"2001:db9::5"}, "2001:db9::5"},
		{"MappedIPv4Peer", "::ffff:10.0.0.1", []string{"203.0.113.9"}, "203.0.113.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := web.ClientIP(proxies, netip.MustParseAddr(tt.peer), tt.xff).String()
			if got != tt.want {
				t.Errorf("ClientIP(%s, %q) = %s, want %s", tt.peer, tt.xff, got, tt.want)
			}
		})
	}
	if _, err := web.ParseTrustedProxies("10.0.0.0/33"); err == nil {
		t.Error("ParseTrustedProxies accepted a bad CIDR")
	}
	if _, err := web.ParseTrustedProxies("proxy.example"); err == nil {
		t.Error("ParseTrustedProxies accepted a host name")
	}
}

// behindProxy trusts the test connection's peer (0.0.0.0) as the proxy.
func behindProxy(cfg *web.Config) {
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/32")}
}

// The per-IP login limit holds when an attacker rotates the first
// X-Forwarded-For entry; only the address the proxy appended counts.
func TestRotatingForwardedForKeepsPerIPLimit(t *testing.T) {
	e := newEnv(t, "sqlite", behindProxy)
	var last response
	for i := 0; i < 21; i++ {
		last = e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": fmt.Sprintf("guess%d", i), "password": "wrong-password"},
			"X-Forwarded-For", fmt.Sprintf("6.6.%d.%d, 203.0.113.9", i/250, i%250))
	}
	if last.Status != 429 {
		t.Fatalf("21st login from 203.0.113.9 with rotating fake entries: %d, want 429", last.Status)
	}
	// Another client behind the same proxy is not affected.
	r := e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "guess0", "password": "wrong-password"},
		"X-Forwarded-For", "203.0.113.10")
	if r.Status != 401 {
		t.Errorf("login from another client: %d, want 401", r.Status)
	}
	// Without a trusted proxy the header is ignored altogether.
	e = newEnv(t, "sqlite")
	for i := 0; i < 21; i++ {
		last = e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": fmt.Sprintf("guess%d", i), "password": "wrong-password"},
			"X-Forwarded-For", fmt.Sprintf("203.0.%d.%d", i/250, i%250))
	}
	if last.Status != 429 {
		t.Errorf("21st login with a forged X-Forwarded-For and no trusted proxy: %d, want 429", last.Status)
	}
}

// A limiter key taken from a request must stay what it was: with Fiber's
// zero-copy strings the key of a locked account pointed into a reused
// buffer and turned into the next request's username, unlocking it.
func TestLimiterKeysOutliveTheRequest(t *testing.T) {
	var perAccount *ratelimit.Limiter
	e := newEnv(t, "sqlite", behindProxy, func(cfg *web.Config) {
		perAccount = ratelimit.New(3, time.Hour)
		perAccount.Now = cfg.Now
		cfg.Limits.LoginPerAccount = perAccount
		cfg.Limits.LoginPerIP = ratelimit.New(1000, time.Hour)
	})
	b := e.browser()
	for round := 0; round < 20; round++ {
		locked := fmt.Sprintf("aaaa%02d", round)
		other := fmt.Sprintf("bbbb%02d", round)
		// Existing accounts with light hashes: an unknown name costs a
		// full argon2 hash, whose garbage empties fasthttp's context pool
		// and hides the reuse of buffers this test is about.
		for _, name := range []string{locked, other} {
			if _, err := e.auth.Register(context.Background(), auth.Registration{Username: name, Password: "password-" + name}); err != nil {
				t.Fatal(err)
			}
		}
		try := func(name string) int {
			return b.postRaw("/login", url.Values{"_csrf": {b.csrf()}, "username": {name}, "password": {"wrong-password"}}).Status
		}
		for i := 1; i <= 3; i++ {
			if got := try(locked); got != 401 {
				t.Fatalf("round %d: login %d for %s: %d, want 401", round, i, locked, got)
			}
		}
		if got := try(locked); got != 429 {
			t.Fatalf("round %d: 4th login for %s: %d, want 429", round, locked, got)
		}
		if got := try(other); got != 401 {
			t.Fatalf("round %d: first login for %s: %d, want 401", round, other, got)
		}
		if p := b.postRaw("/login", url.Values{"_csrf": {b.csrf()}, "username": {locked}, "password": {"wrong-password"}}); p.Status != 429 {
			t.Fatalf("round %d: %s unlocked by a login for %s: %d, want 429", round, locked, other, p.Status)
		}
	}
}
