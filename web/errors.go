package web

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/i18n"
)

var errNotFound = apperr.ErrNotFound

// statusOf maps a domain error kind to its HTTP status.
func statusOf(k apperr.Kind) int {
	switch k {
	case apperr.NotFound:
		return fiber.StatusNotFound
	case apperr.Invalid:
		return fiber.StatusUnprocessableEntity
	case apperr.BadRequest:
		return fiber.StatusBadRequest
	case apperr.Unauthorized:
		return fiber.StatusUnauthorized
	case apperr.Forbidden:
		return fiber.StatusForbidden
	case apperr.Conflict, apperr.PeriodClosed:
		return fiber.StatusConflict
	case apperr.TooLarge:
		return fiber.StatusRequestEntityTooLarge
	case apperr.URITooLong:
		return fiber.StatusRequestURITooLong
	case apperr.HeaderTooBig:
		return fiber.StatusRequestHeaderFieldsTooLarge
	case apperr.RateLimited:
		return fiber.StatusTooManyRequests
	}
	return fiber.StatusInternalServerError
}

// ErrorBody is the JSON shape of every API error.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail names the error; Fields maps each invalid field to a message.
type ErrorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// fromFiber converts Fiber's own errors (body too large, 404 route, 405).
func fromFiber(err error) *apperr.Error {
	var fe *fiber.Error
	if !errors.As(err, &fe) {
		return nil
	}
	switch fe.Code {
	case fiber.StatusRequestEntityTooLarge:
		return apperr.New(apperr.TooLarge, "error.too_large", "2 MiB")
	case fiber.StatusNotFound, fiber.StatusMethodNotAllowed:
		return apperr.New(apperr.NotFound, "error.not_found")
	case fiber.StatusRequestHeaderFieldsTooLarge:
		return apperr.New(apperr.HeaderTooBig, "error.header_too_big")
	case fiber.StatusBadRequest:
		return apperr.New(apperr.BadRequest, "error.bad_request")
	}
	return nil
}

// handleError is the one place errors become responses. Internal details are
// logged, never sent.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	if quiet, rerr := s.quietTimeout(c, err); quiet {
		return rerr
	}
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		if fe := fromFiber(err); fe != nil {
			ae = fe
		} else {
			ae = &apperr.Error{Kind: apperr.Internal, Key: "error.internal", Cause: err}
		}
	}
	status := statusOf(ae.Kind)
	if status >= 500 {
		s.cfg.Log.ErrorContext(c.UserContext(), "request failed", "method", c.Method(), "route", s.routeTemplate(c), "err", err)
	}
	lang := langOf(c)
	body := ErrorBody{Error: ErrorDetail{Code: string(ae.Kind), Message: i18n.T(lang, ae.Key, ae.Args...)}}
	if ae.Kind == apperr.Internal {
		body.Error.Message = i18n.T(lang, "error.internal")
	}
	if len(ae.Fields) > 0 {
		body.Error.Fields = map[string]string{}
		for _, f := range ae.Fields {
			msg := i18n.T(lang, f.Key, f.Args...)
			if prev, ok := body.Error.Fields[f.Field]; ok {
				msg = prev + " " + msg
			}
			body.Error.Fields[f.Field] = msg
		}
		// One field error: say it in the message too, so clients that only
		// show the message still tell the user what is wrong.
		if len(ae.Fields) == 1 {
			body.Error.Message = i18n.T(lang, ae.Fields[0].Key, ae.Fields[0].Args...)
		}
	}
	if ae.Kind == apperr.RateLimited && len(ae.Args) > 0 {
		if secs, ok := ae.Args[0].(int); ok {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
		}
	}
	if pageRequest(c) {
		return s.renderErrorPage(c, status, body.Error)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(body)
}
