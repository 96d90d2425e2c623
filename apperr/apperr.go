// Package apperr defines the small, fixed set of domain errors. Every error
// that reaches a user is an *Error: its Kind decides the HTTP status, its Key
// and Args select a message from the i18n catalogue, and Fields name the
// offending input fields. Internal causes are wrapped and logged, never shown.
package apperr

import (
	"errors"
	"fmt"
)

// Kind classifies a domain error.
type Kind string

const (
	NotFound     Kind = "not_found"      // 404: absent, or not visible to the actor
	Invalid      Kind = "invalid"        // 422: input failed validation; see Fields
	BadRequest   Kind = "bad_request"    // 400: malformed request (JSON, UTF-8, unknown fields)
	Unauthorized Kind = "unauthorized"   // 401: no or bad credentials
	Forbidden    Kind = "forbidden"      // 403: actor may not do this
	Conflict     Kind = "conflict"       // 409: wrong state, duplicate, concurrent change
	PeriodClosed Kind = "period_closed"  // 409: comment period not open
	TooLarge     Kind = "too_large"      // 413
	URITooLong   Kind = "uri_too_long"   // 414
	HeaderTooBig Kind = "header_too_big" // 431
	RateLimited  Kind = "rate_limited"   // 429
	Internal     Kind = "internal"       // 500
)

// FieldError names one invalid input field and the catalogue key describing why.
type FieldError struct {
	Field string `json:"field"`
	Key   string `json:"-"`
	Args  []any  `json:"-"`
}

// Error is a domain error. Key is a message catalogue key; Args fill its
// placeholders. Cause is an internal error kept for logs.
type Error struct {
	Kind   Kind
	Key    string
	Args   []any
	Fields []FieldError
	Cause  error
}

func (e *Error) Error() string {
	s := string(e.Kind) + ": " + e.Key
	if len(e.Args) > 0 {
		s += fmt.Sprint(e.Args)
	}
	for _, f := range e.Fields {
		s += " [" + f.Field + ": " + f.Key + "]"
	}
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Cause }

// Is makes errors.Is(err, apperr.E(kind)) match on Kind alone.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Key == "" && t.Kind == e.Kind
}

// New returns an error of the given kind with a catalogue key.
func New(kind Kind, key string, args ...any) *Error {
	return &Error{Kind: kind, Key: key, Args: args}
}

// E returns a bare sentinel of a kind, for errors.Is comparisons.
func E(kind Kind) *Error { return &Error{Kind: kind} }

// Wrap returns an Internal error keeping cause for the logs.
func Wrap(cause error, what string) error {
	if cause == nil {
		return nil
	}
	var ae *Error
	if errors.As(cause, &ae) {
		return cause
	}
	return &Error{Kind: Internal, Key: "error.internal", Cause: fmt.Errorf("%s: %w", what, cause)}
}

// KindOf returns the kind of err, Internal for foreign errors.
func KindOf(err error) Kind {
	var ae *Error
	if errors.As(err, &ae) {
		return ae.Kind
	}
	return Internal
}

// Is reports whether err is a domain error of kind k.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }

// Fields collects field errors; Err returns nil when none were added.
type Fields struct{ list []FieldError }

// Add records that field is invalid for the reason named by key.
func (f *Fields) Add(field, key string, args ...any) {
	f.list = append(f.list, FieldError{Field: field, Key: key, Args: args})
}

// Has reports whether field already has an error.
func (f *Fields) Has(field string) bool {
	for _, e := range f.list {
		if e.Field == field {
			return true
		}
	}
	return false
}

// Err returns an Invalid error listing every field, or nil.
func (f *Fields) Err() error {
	if len(f.list) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Key: "error.invalid", Fields: f.list}
}

// Common sentinels used by stores.
var (
	ErrNotFound = New(NotFound, "error.not_found")
	ErrConflict = New(Conflict, "error.conflict")
)
