package web

import (
	"fmt"
	"math"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/ratelimit"
)

// recoverPanics turns a panic into a logged 500.
func (s *Server) recoverPanics(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.cfg.Log.ErrorContext(c.UserContext(), "panic", "route", s.routeTemplate(c), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = apperr.Wrap(fmt.Errorf("panic: %v", r), "handler")
		}
	}()
	return c.Next()
}

// securityHeaders sets the headers every response carries.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	h := func(k, v string) { c.Set(k, v) }
	h("X-Content-Type-Options", "nosniff")
	h("X-Frame-Options", "DENY")
	h("Referrer-Policy", "strict-origin-when-cross-origin")
	h("Cross-Origin-Opener-Policy", "same-origin")
	h("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	h("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
	if c.Protocol() == "https" {
		h("Strict-Transport-Security", "max-age=31536000")
	}
	return c.Next()
}

// checkRequestEdge refuses over-long URLs (414) and headers (431) before
// anything reads them.
func checkRequestEdge(c *fiber.Ctx) error {
	if len(c.Request().RequestURI()) > MaxURILength {
		return apperr.New(apperr.URITooLong, "error.uri_too_long")
	}
	tooBig := false
	c.Request().Header.VisitAll(func(k, v []byte) {
		if len(k)+len(v) > MaxHeaderLength {
			tooBig = true
		}
	})
	if tooBig {
		return apperr.New(apperr.HeaderTooBig, "error.header_too_big")
	}
	return c.Next()
}

// apiOnly marks API responses as not cacheable by shared caches.
func (s *Server) apiOnly(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}

// authenticate verifies a bearer token, when one is sent, and the account's
// token version (so logout and password changes revoke tokens). A bad token
// is refused rather than silently treated as anonymous.
func (s *Server) authenticate(c *fiber.Ctx) error {
	raw, fromCookie := "", false
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		if !strings.HasPrefix(h, "Bearer ") {
			return apperr.New(apperr.Unauthorized, "auth.token_invalid")
		}
		raw = strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	} else if v := c.Cookies(sessionCookie); v != "" && cookieAuthenticates(c) {
		raw, fromCookie = v, true
	}
	if raw == "" {
		return c.Next()
	}
	claims, err := s.cfg.Tokens.Verify(raw)
	var u *auth.User
	if err == nil {
		u, err = s.cfg.Auth.AuthenticateSession(c.UserContext(), claims.UserID, claims.TokenVersion, claims.ID)
		if err != nil && !apperr.Is(err, apperr.Unauthorized) {
			return err
		}
	}
	if err != nil {
		// A browser whose session expired or was revoked is simply logged
		// out: the stale cookie is cleared and the page served anonymously.
		if fromCookie {
			c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HTTPOnly: true, SameSite: "Lax", Secure: c.Protocol() == "https"})
			return c.Next()
		}
		// Logging in again must work with a stale token still attached.
		if p := c.Path(); p == "/api/v1/auth/login" || p == "/api/v1/auth/register" || publicAccountPaths[p] {
			return c.Next()
		}
		return apperr.New(apperr.Unauthorized, "auth.token_invalid")
	}
	if u.MustChangePassword && !mustChangePasswordAllows[c.Path()] && !strings.HasPrefix(c.Path(), "/static/") {
		// An administrator reset the password: nothing else until it is changed.
		if fromCookie {
			return c.Redirect("/me/password", fiber.StatusSeeOther)
		}
		return apperr.New(apperr.Forbidden, "auth.must_change_password")
	}
	c.Locals(localPrincipal, auth.PrincipalOf(u))
	c.Locals(localSession, claims.ID) // sessions.go
	return c.Next()
}

// cookieAuthenticates reports whether the session cookie may stand for the
// user on this request. Pages check a CSRF token on every unsafe request;
// the JSON API does not, so there the cookie counts only for GET and HEAD
// (the pages' download links) and every API write needs a bearer token:
// a cross-site form posting to /api is anonymous.
func cookieAuthenticates(c *fiber.Ctx) bool {
	if !strings.HasPrefix(c.Path(), "/api/") {
		return true
	}
	m := c.Method()
	return m == fiber.MethodGet || m == fiber.MethodHead
}

// sessionCookie carries the token for browser sessions.
const sessionCookie = "ygk_session"

// limit applies l to key, returning a RateLimited error with the wait.
func limit(l *ratelimit.Limiter, key string) error {
	if ok, wait := l.Allow(key); !ok {
		return rateLimited(wait)
	}
	return nil
}

func rateLimited(wait time.Duration) error {
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	return apperr.New(apperr.RateLimited, "error.rate_limited", secs)
}

// loginAttempt checks a password under the login limits, for the API and
// the login page alike: per client IP; per (account, client IP) with a delay
// that grows with each failure and ends with a success; and a ceiling per
// account from all sources, high enough that an attacker elsewhere does not
// lock the owner out of their usual place.
func (s *Server) loginAttempt(c *fiber.Ctx, username, password string) (*auth.User, error) {
	ip := s.clientIP(c)
	if err := limit(s.cfg.Limits.LoginPerIP, ip); err != nil {
		return nil, err
	}
	account := strings.ToLower(strings.TrimSpace(username))
	source := account + "\x00" + ip
	if wait := s.cfg.Limits.LoginPerSource.Wait(source); wait > 0 {
		return nil, rateLimited(wait)
	}
	if err := limit(s.cfg.Limits.LoginPerAccount, account); err != nil {
		return nil, err
	}
	u, err := s.cfg.Auth.Login(c.UserContext(), username, password)
	if apperr.Is(err, apperr.Unauthorized) {
		s.cfg.Limits.LoginPerSource.Fail(source)
	}
	if err != nil {
		return nil, err
	}
	s.cfg.Limits.LoginPerSource.Reset(source)
	return u, nil
}

// limitWrite applies the public-write limits per IP and per account.
func (s *Server) limitWrite(c *fiber.Ctx) error {
	if err := limit(s.cfg.Limits.WritePerIP, s.clientIP(c)); err != nil {
		return err
	}
	if p := principal(c); !p.Anonymous() {
		return limit(s.cfg.Limits.WritePerAccount, p.UserID)
	}
	return nil
}
