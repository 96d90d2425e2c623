package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/i18n"
)

// Browser sessions. The JWT travels in an HttpOnly, SameSite=Lax cookie
// (sessionCookie); the authenticate middleware reads it like a bearer token.
//
// CSRF: double-submit cookie. Every browser gets a random 256-bit token in
// an HttpOnly, SameSite=Lax cookie (with the __Host- prefix over TLS, so a
// sibling subdomain cannot plant one); every form carries the same value in
// the hidden field _csrf, and pageSession refuses an unsafe request whose
// field does not match the cookie (constant-time compare), or whose Origin
// header names another site. A cross-site page can neither read the cookie
// nor set it, so it cannot forge the field. The token is replaced at login.
const (
	csrfCookieName = "ygk_csrf"
	csrfField      = "_csrf"
	localCSRF      = "csrf"
)

func csrfCookie(c *fiber.Ctx) string {
	if secure(c) {
		return "__Host-" + csrfCookieName
	}
	return csrfCookieName
}

func secure(c *fiber.Ctx) bool { return c.Protocol() == "https" }

// csrfToken is the token the current request's forms must carry.
func csrfToken(c *fiber.Ctx) string {
	s, _ := c.Locals(localCSRF).(string)
	return s
}

func newCSRFToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func setCSRFCookie(c *fiber.Ctx, tok string) {
	c.Locals(localCSRF, tok)
	c.Cookie(&fiber.Cookie{Name: csrfCookie(c), Value: tok, Path: "/", HTTPOnly: true, Secure: secure(c),
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Now().Add(365 * 24 * time.Hour)})
}

// pageSession runs before every page: it keeps the language chosen with
// ?lang= in a cookie, issues the CSRF token and checks it on unsafe methods.
func (s *Server) pageSession(c *fiber.Ctx) error {
	if strings.HasPrefix(c.Path(), "/api/") {
		return c.Next() // API clients use bearer tokens, not forms
	}
	if q := c.Query("lang"); q != "" {
		c.Cookie(&fiber.Cookie{Name: langCookie, Value: string(i18n.Parse(q)), Path: "/", Secure: secure(c),
			SameSite: fiber.CookieSameSiteLaxMode, Expires: s.cfg.Now().Add(365 * 24 * time.Hour)})
	}
	cookie := c.Cookies(csrfCookie(c))
	if len(cookie) == 43 {
		c.Locals(localCSRF, cookie)
	} else {
		cookie = ""
		setCSRFCookie(c, newCSRFToken())
	}
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	sent := bodyField(c, csrfField)
	if cookie == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(cookie)) != 1 || !sameOrigin(c) {
		return apperr.New(apperr.Forbidden, "page.csrf_failed")
	}
	return c.Next()
}

// bodyField is a form field from the request body only. c.FormValue also
// reads the query string, which would let a token travel in URLs (logs,
// Referer, history).
func bodyField(c *fiber.Ctx, name string) string {
	if strings.HasPrefix(string(c.Request().Header.ContentType()), fiber.MIMEMultipartForm) {
		f, err := c.MultipartForm()
		if err != nil || len(f.Value[name]) == 0 {
			return ""
		}
		return f.Value[name][0]
	}
	return string(c.Request().PostArgs().Peek(name))
}

// sameOrigin checks the Origin header when the browser sends one.
func sameOrigin(c *fiber.Ctx) bool {
	o := c.Get(fiber.HeaderOrigin)
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == c.Hostname()
}

func setSessionCookie(c *fiber.Ctx, tok string, exp time.Time) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: tok, Path: "/", HTTPOnly: true, Secure: secure(c),
		SameSite: fiber.CookieSameSiteLaxMode, Expires: exp})
}

func clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/", HTTPOnly: true, Secure: secure(c),
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Unix(0, 0), MaxAge: -1})
}

// loginPageData is the login form.
type loginPageData struct {
	pageBase
	Notice   string
	Username string
	Next     string
	Error    string
}

type loginPageForm struct {
	Username string
	Password string
	Next     string
}

func (s *Server) loginPage(c *fiber.Ctx) error {
	b := s.base(c, i18n.T(langOf(c), "page.login.title"))
	d := loginPageData{pageBase: b, Next: localPath(c.Query("next"))}
	if c.Query("changed") == "1" {
		d.Notice = i18n.T(langOf(c), "page.login.changed")
	}
	return s.render(c, fiber.StatusOK, "login", d)
}

// loginSubmit checks the password under the same rate limits as the API's
// login, then sets the session cookie and a fresh CSRF token.
func (s *Server) loginSubmit(c *fiber.Ctx) error {
	f := loginPageForm{Username: c.FormValue("username"), Password: c.FormValue("password"), Next: localPath(c.FormValue("next"))}
	u, err := s.loginAttempt(c, f.Username, f.Password)
	if apperr.Is(err, apperr.Unauthorized) || apperr.Is(err, apperr.Forbidden) {
		lang := langOf(c)
		b := s.base(c, i18n.T(lang, "page.login.title"))
		msg, status := i18n.T(lang, "auth.bad_credentials"), fiber.StatusUnauthorized
		if apperr.Is(err, apperr.Forbidden) {
			msg, status = i18n.T(lang, "page.login.disabled"), fiber.StatusForbidden
		}
		return s.render(c, status, "login", loginPageData{pageBase: b, Username: f.Username, Next: f.Next, Error: msg})
	}
	if err != nil {
		return err
	}
	tok, exp, err := s.issueSession(c, u) // sessions.go
	if err != nil {
		return err
	}
	setSessionCookie(c, tok, exp)
	setCSRFCookie(c, newCSRFToken())
	next := f.Next
	if next == "" {
		next = homeOf(auth.PrincipalOf(u))
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

// logoutSubmit revokes the account's tokens and drops the cookie.
func (s *Server) logoutSubmit(c *fiber.Ctx) error {
	if p := principal(c); !p.Anonymous() {
		if err := s.cfg.Auth.Logout(c.UserContext(), p); err != nil {
			return err
		}
	}
	clearSessionCookie(c)
	return c.Redirect("/", fiber.StatusSeeOther)
}

// homeOf is where a role starts after logging in.
func homeOf(p auth.Principal) string {
	switch p.Role {
	case auth.Staff:
		return "/staff/"
	case auth.Legal:
		return "/legal/"
	case auth.Admin:
		return "/admin/"
	}
	return "/"
}

// localPath returns p when it is a path on this site, else "". It is the
// only check on redirect targets (the login form's next=). Browsers drop
// tabs and newlines from URLs and read a backslash as a slash, so "/\t/x"
// and "/\\x" mean "//x", another host; anything with a control character,
// a backslash, a scheme or a host is refused, and what remains must be a
// path starting with exactly one slash.
func localPath(p string) string {
	if p == "" || len(p) > MaxURILength || p[0] != '/' {
		return ""
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f || r == '\\' || unicode.IsSpace(r) {
			return ""
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	if !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || strings.HasPrefix(p, "//") {
		return ""
	}
	return p
}

// requirePage returns the viewer when they have one of the roles; anonymous
// viewers get 401 (the error page offers the login form), others 403.
func requirePage(c *fiber.Ctx, roles ...auth.Role) (auth.Principal, error) {
	p := principal(c)
	if p.Anonymous() {
		return p, apperr.New(apperr.Unauthorized, "error.unauthorized")
	}
	for _, r := range roles {
		if p.Is(r) {
			return p, nil
		}
	}
	return p, apperr.New(apperr.Forbidden, "error.forbidden")
}
