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
	// Commit applies a command's change whole or not at all (see Change).
	// Errors: ErrStale when the stored Rev is not ch.Consultation.Rev,
	// apperr.ErrNotFound for an Update or Check of an absent consultation,
	// a Conflict error for an Insert of an existing id, a version number that
	// exists or a frozen version replaced, ErrDocumentNumberTaken and
	// ErrRegistrationNumberTaken. On success ch.Consultation.Rev is the stored
	// Rev.
	Commit(ctx context.Context, ch *Change) error
	// Consultation returns one consultation or apperr.ErrNotFound.
	Consultation(ctx context.Context, id string) (*Consultation, error)
	// Consultations lists by the filter, newest first (CreatedAt desc, ID desc),
	// returning the cursor of the next page ("" at the end).
	Consultations(ctx context.Context, f ListFilter) ([]*Consultation, string, error)
	// Version returns version n of a consultation or apperr.ErrNotFound.
	Version(ctx context.Context, consultationID string, n int) (*Version, error)
	// Versions returns every version of a consultation in number order.
	Versions(ctx context.Context, consultationID string) ([]*Version, error)
	// Events returns the consultation's events in seq order.
	Events(ctx context.Context, consultationID string) ([]history.Event, error)
	// ConsultationByDocumentNumber returns the published consultation bearing
	// the 文号, or apperr.ErrNotFound.
	ConsultationByDocumentNumber(ctx context.Context, number string) (*Consultation, error)
	// ConsultationByRegistrationNumber returns the published consultation
	// bearing the 统一登记编号, or apperr.ErrNotFound.
	ConsultationByRegistrationNumber(ctx context.Context, number string) (*Consultation, error)
	// HearingApplications returns the applications to a hearing in the
	// order received (Seq).
	HearingApplications(ctx context.Context, consultationID, hearingID string) ([]*HearingApplication, error)
	// Setting returns a stored setting (e.g. the holiday calendar) or
	// apperr.ErrNotFound.
	Setting(ctx context.Context, key string) ([]byte, error)
	// PutSetting stores a setting, replacing any previous value.
	PutSetting(ctx context.Context, key string, value []byte) error
	// Ping reports whether the store is reachable.
	Ping(ctx context.Context) error
}
