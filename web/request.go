package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/i18n"
)

const (
	localPrincipal = "principal"
	langCookie     = "lang"
)

// principal returns who is acting (anonymous when no valid token was sent).
func principal(c *fiber.Ctx) auth.Principal {
	if p, ok := c.Locals(localPrincipal).(auth.Principal); ok {
		return p
	}
	return auth.Principal{}
}

// langOf picks the response language: ?lang=, the lang cookie, then
// Accept-Language; zh-CN by default.
func langOf(c *fiber.Ctx) i18n.Lang {
	if q := c.Query("lang"); q != "" {
		return i18n.Parse(q)
	}
	if v := c.Cookies(langCookie); v != "" {
		return i18n.Parse(v)
	}
	if h := c.Get(fiber.HeaderAcceptLanguage); h != "" {
		return i18n.Parse(h)
	}
	return i18n.ZH
}

// decodeJSON reads the request body into v strictly: JSON content type,
// valid UTF-8, one JSON value, no unknown fields.
func decodeJSON(c *fiber.Ctx, v any) error {
	ct := strings.ToLower(strings.TrimSpace(strings.SplitN(c.Get(fiber.HeaderContentType), ";", 2)[0]))
	if ct != fiber.MIMEApplicationJSON {
		return apperr.New(apperr.BadRequest, "error.bad_content_type")
	}
	body := c.Body()
	if !utf8.Valid(body) {
		return apperr.New(apperr.BadRequest, "error.bad_utf8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field ") {
			return apperr.New(apperr.BadRequest, "error.unknown_field", strings.TrimPrefix(msg, "json: unknown field "))
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			var f apperr.Fields
			f.Add(te.Field, "field.invalid")
			return f.Err()
		}
		return apperr.New(apperr.BadRequest, "error.bad_json")
	}
	if _, err := dec.Token(); err != io.EOF {
		return apperr.New(apperr.BadRequest, "error.bad_json")
	}
	return nil
}

// limitBody refuses bodies over n bytes with 413.
func limitBody(n int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if bodyOver(c, n) {
			size := "64 KiB"
			if n >= 1<<20 {
				size = "2 MiB"
			}
			return apperr.New(apperr.TooLarge, "error.too_large", size)
		}
		return c.Next()
	}
}

// bodyOver reports whether the request's body is longer than n bytes. A
// body of known length is judged by its Content-Length without touching
// it: fasthttp parses a multipart body of known length as it arrives, its
// files into temporary files, and c.Body() would then build the whole body
// again in memory (for a 25 MiB import, about 260 MB of garbage; the
// server's peak RSS during an import did not move with it). A chunked body
// has no length and is in memory already.
func bodyOver(c *fiber.Ctx, n int) bool {
	if l := c.Request().Header.ContentLength(); l >= 0 {
		return l > n
	}
	return len(c.Body()) > n
}

// requireLogin returns Unauthorized for anonymous requests.
func requireLogin(c *fiber.Ctx) (auth.Principal, error) {
	p := principal(c)
	if p.Anonymous() {
		return p, apperr.New(apperr.Unauthorized, "error.unauthorized")
	}
	return p, nil
}
