package consultation

import (
	"yugongkai/apperr"
	"yugongkai/attachment"
	"yugongkai/history"
)

// A command of the procedure reads what it needs, checks the rules, builds one
// Change and hands it to Store.Commit. The store applies a Change whole or not
// at all; docs/COMMIT.md says how each store keeps that promise.

// Write says what a Change does to the consultation record.
type Write int

const (
	// Update replaces the consultation if its stored Rev is Consultation.Rev,
	// then sets Rev+1. Every command that moves the chain head or a field is
	// an Update.
	Update Write = iota
	// Insert stores a new consultation (the first command of its life).
	Insert
	// CheckRev writes nothing to the consultation but refuses the change unless
	// its stored Rev is still Consultation.Rev (a comment submitted against
	// the period the submitter saw).
	CheckRev
)

// Change is everything one command writes. Stores apply it atomically.
type Change struct {
	// Consultation is the consultation as the command leaves it, carrying the
	// Rev the command read. On success the store sets its Rev to the stored one.
	Consultation *Consultation
	Write        Write
	// NewVersions are inserted; their numbers must be new.
	NewVersions []*Version
	// ReplaceVersion, if set, overwrites a version that is not frozen
	// (the working draft); it may freeze it.
	ReplaceVersion *Version
	// Events continue the consultation's chain from the head the command read.
	Events []history.Event
	// LogSize, when set, makes the change depend on the comments' log
	// holding exactly this many leaves (a sealed tree head must be the
	// whole log): otherwise the store refuses it with ErrStale.
	LogSize *int64
	// Index names the records whose search documents the change affects.
	// The store queues them in the same commit; the search index applies
	// the queue after the commit, and at start whatever a crash left.
	Index []IndexJob
	// Notify are the notifications the change causes (an outbox): the
	// store writes them in the same commit, Pending (notification.go).
	Notify []Notification
	// HearingApplications are inserted (hearing.go); their ids must be new.
	HearingApplications []*HearingApplication
	// SurveyResponses are inserted (survey.go), at most one per respondent
	// and survey: a second is a Conflict (survey.already).
	SurveyResponses []*SurveyResponse
	// Responses, when set, makes the change depend on a survey holding
	// exactly this many responses (its report counts them all): otherwise
	// the store refuses it with ErrStale, as LogSize does for a seal.
	Responses *ResponseCount
	// Blobs are the bytes of the files the change's comments, steps or
	// documents reference (attachment.Meta.SHA256). SQLite writes them in
	// the change's transaction; MongoDB writes their chunks before the
	// commit record, so a blob is referenced only once the commit is.
	Blobs []attachment.Blob
}

// IndexJob asks the search index to bring the document of one record to
// its current state.
type IndexJob struct {
	Kind         string `json:"kind" bson:"kind"` // "consultation" or "comment"
	ID           string `json:"id" bson:"id"`
	Consultation string `json:"consultation" bson:"consultation"`
}

// Kinds of IndexJob.
const (
	IndexConsultation = "consultation"
	IndexComment      = "comment"
)

// ChangedFields reports whether the change moves anything but the chain
// head: the search index and other followers need to hear of it.
func (ch *Change) ChangedFields() bool {
	if ch.Write == CheckRev {
		return false
	}
	for _, e := range ch.Events {
		if len(e.Type) < 8 || e.Type[:8] != "comment." {
			return true
		}
	}
	return len(ch.Events) == 0
}

// Errors of Store.Commit besides NotFound and Internal.
var (
	// ErrStale: the consultation changed since the command read it. The
	// command is run again on a fresh read (Service.retry); a client sees it
	// only if the consultation keeps changing.
	ErrStale = apperr.New(apperr.Conflict, "consultation.changed_concurrently")
	// ErrDocumentNumberTaken: another decision bears the 文号.
	ErrDocumentNumberTaken = apperr.New(apperr.Conflict, "finalize.number_taken")
	// ErrRegistrationNumberTaken: another decision bears the 统一登记编号.
	ErrRegistrationNumberTaken = apperr.New(apperr.Conflict, "finalize.registration_taken")
)
