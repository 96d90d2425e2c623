package consultation

import (
	"context"
	"time"

	"yugongkai/history"
)

// ListFilter selects consultations. Status is the effective status at Now
// (see Consultation.Settle): "open" means State open and ClosesAt unset or
// after Now; "closed" means State closed, or State open with ClosesAt at or
// before Now. Empty fields do not filter.
//
// Stores keep optional fields with omitempty: empty slices and maps come
// back nil, and times come back in UTC; the domain only stores nil-or-
// non-empty collections and UTC times.
type ListFilter struct {
	Status        State
	DepartmentID  string
	ProcedureType ProcedureType
	// PublicOnly hides drafts (and withdrawn drafts never opened) from the public.
	PublicOnly bool
	// VisibleDepartment, when PublicOnly is set, still shows drafts of this department.
	VisibleDepartment string
	Now               time.Time
	// Cursor is the opaque value returned with the previous page; Limit ≤ 100.
	Cursor string
	Limit  int
}

// Store persists consultations, their versions and their event chain.
type Store interface {
	// CreateConsultation inserts c and its first version v together.
	// Returns a Conflict error if the id exists.
	CreateConsultation(ctx context.Context, c *Consultation, v *Version) error
	// Consultation returns one consultation or apperr.ErrNotFound.
	Consultation(ctx context.Context, id string) (*Consultation, error)
	// UpdateConsultation replaces c if the stored Rev equals c.Rev, then sets
	// c.Rev to Rev+1, and appends events (in the same transaction where the
	// store has transactions). Returns apperr.ErrConflict on a stale Rev and
	// apperr.ErrNotFound.
	UpdateConsultation(ctx context.Context, c *Consultation, events ...history.Event) error
	// Consultations lists by the filter, newest first (CreatedAt desc, ID desc),
	// returning the cursor of the next page ("" at the end).
	Consultations(ctx context.Context, f ListFilter) ([]*Consultation, string, error)
	// PutVersion inserts a version. Returns Conflict if the number exists.
	PutVersion(ctx context.Context, v *Version) error
	// ReplaceVersion overwrites a version that is not frozen. Returns
	// Conflict if the stored version is frozen, apperr.ErrNotFound if absent.
	ReplaceVersion(ctx context.Context, v *Version) error
	// Version returns version n of a consultation or apperr.ErrNotFound.
	Version(ctx context.Context, consultationID string, n int) (*Version, error)
	// Versions returns every version of a consultation in number order.
	Versions(ctx context.Context, consultationID string) ([]*Version, error)
	// Events returns the consultation's events in seq order.
	Events(ctx context.Context, consultationID string) ([]history.Event, error)
	// ConsultationByDocumentNumber returns the published consultation bearing
	// the 文号, or apperr.ErrNotFound.
	ConsultationByDocumentNumber(ctx context.Context, number string) (*Consultation, error)
	// Setting returns a stored setting (e.g. the holiday calendar) or
	// apperr.ErrNotFound.
	Setting(ctx context.Context, key string) ([]byte, error)
	// PutSetting stores a setting, replacing any previous value.
	PutSetting(ctx context.Context, key string, value []byte) error
	// Ping reports whether the store is reachable.
	Ping(ctx context.Context) error
}
