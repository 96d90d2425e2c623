package web

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"yugongkai/ident"
)

// HeaderRequestID carries a request's id in both directions.
const HeaderRequestID = "X-Request-Id"

// MaxRequestIDLength bounds a request id taken from the client (or the
// proxy in front); a longer one is replaced by a generated id.
const MaxRequestIDLength = 64

// validRequestID reports whether a request id sent with the request may be
// kept: 1..MaxRequestIDLength characters of letters, digits, '-', '_', '.'
// and ':', so it cannot break a log line or a header.
func validRequestID(s string) bool {
	if len(s) == 0 || len(s) > MaxRequestIDLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == ':':
		default:
			return false
		}
	}
	return true
}

type requestIDKey struct{}

// WithRequestID returns ctx carrying a request id; every line logged with
// that ctx through a handler wrapped by LogHandler names it.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id carried by ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// LogHandler wraps h so that every record logged with a request's context
// (slog's …Context methods, given c.UserContext() or a context derived from
// it) carries the request's id as "request_id". The domain services log
// through the same logger, so their lines are tied to the request too.
func LogHandler(h slog.Handler) slog.Handler {
	if _, ok := h.(requestIDHandler); ok {
		return h
	}
	return requestIDHandler{h}
}

type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if ctx != nil {
		if id := RequestID(ctx); id != "" {
			r = r.Clone()
			r.AddAttrs(slog.String("request_id", id))
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(as)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// observe is the outermost middleware: it gives the request its id (kept
// from X-Request-Id when well-formed, generated otherwise, and returned in
// the response), puts the id in the request's context, turns a handler's
// error into its response right here (so the status is known), and then
// writes one log line and the request metrics.
//
// The line holds the method, the route template (never the URL: no query
// strings, receipt codes or other values from the path), status, duration,
// response bytes, request id and client IP; never a body or a header value.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	s.lastRequest.Store(start.UnixNano())
	id := c.Get(HeaderRequestID)
	if !validRequestID(id) {
		id = ident.New(20)
	}
	c.Set(HeaderRequestID, id)
	ctx := WithRequestID(c.UserContext(), id)
	c.SetUserContext(ctx)

	if err := c.Next(); err != nil {
		if herr := s.handleError(c, err); herr != nil {
			s.cfg.Log.ErrorContext(ctx, "error handler failed", "err", herr)
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	route := s.routeTemplate(c)
	status := c.Response().StatusCode()
	elapsed := time.Since(start)
	s.cfg.Metrics.observeRequest(route, c.Method(), status, elapsed)
	s.cfg.Log.LogAttrs(ctx, slog.LevelInfo, "request",
		slog.String("method", c.Method()),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
		slog.Int("bytes", responseBytes(c)),
		slog.String("client_ip", s.clientIP(c)),
	)
	return nil
}

// responseBytes is the size of the response body. A streamed body (a
// static file) is not read for it: its Content-Length counts (-1 when
// chunked).
func responseBytes(c *fiber.Ctx) int {
	if c.Response().IsBodyStream() {
		return c.Response().Header.ContentLength()
	}
	return len(c.Response().Body())
}

// routeUnmatched is the route of requests no route matched.
const routeUnmatched = "unmatched"

// routeTemplate is the matched route's path template
// ("/api/v1/consultations/:id"), or routeUnmatched when only middleware ran
// (an unknown URL). Templates are a fixed set, so metrics labelled with
// them stay bounded whatever URLs are requested.
func (s *Server) routeTemplate(c *fiber.Ctx) string {
	s.routesOnce.Do(func() {
		s.routeSet = map[*fiber.Handler]bool{}
		for _, r := range s.App.GetRoutes(true) {
			if len(r.Handlers) > 0 {
				s.routeSet[&r.Handlers[0]] = true
			}
		}
	})
	// A route is known by its handlers (GetRoutes copies the routes but
	// not their handler slices): a middleware's route has the same method
	// and may have the same path as a real one ("/").
	r := c.Route()
	if r == nil || len(r.Handlers) == 0 || !s.routeSet[&r.Handlers[0]] {
		return routeUnmatched
	}
	return r.Path
}

// quietTimeout handles the read timeout of a connection that never sent a
// request (a browser's pre-connected socket left idle): fasthttp reports it
// through the error handler as 408, which is no failure of the server and
// is logged at debug level only.
func (s *Server) quietTimeout(c *fiber.Ctx, err error) (bool, error) {
	var fe *fiber.Error
	if !errors.As(err, &fe) || fe.Code != fiber.StatusRequestTimeout {
		return false, nil
	}
	s.cfg.Log.DebugContext(c.UserContext(), "connection closed after the read timeout", "client_ip", s.clientIP(c))
	return true, c.SendStatus(fiber.StatusRequestTimeout)
}
