package comments

import (
	"context"
	"time"

	"yugongkai/vcode"
)

// Filter selects comments of one consultation for the staff list.
type Filter struct {
	ConsultationID string
	Status         Status // "" = every status
	ArticleID      *string
	GroupID        string
	// Outcomes keeps comments whose current disposition is one of these
	// (empty: any, answered or not).
	Outcomes []Outcome
	// Undisposed keeps comments without a disposition.
	Undisposed bool
	// Cursor is the opaque value returned with the previous page; Limit ≤ 500.
	Cursor string
	Limit  int
	// Before, set instead of Cursor, asks for the page before a position:
	// the last Limit items at or before the position Before names (a cursor
	// the store returned), still in ascending order. The cursor then
	// returned is this page's own position: "" when it starts at the
	// beginning, else the Cursor that lists it forward and the Before that
	// lists the page before it. See Keyset.
	Before string
}

// GroupFilter selects the groups with at least one published member, for the
// public list, ordered by (FirstAt, ID).
type GroupFilter struct {
	ConsultationID string
	ArticleID      *string
	Cursor         string
	Limit          int
	// Before pages backward as Filter.Before does.
	Before string
}

// CountFilter counts comments of one consultation. Empty fields do not filter.
type CountFilter struct {
	ConsultationID string
	Status         Status
	Channel        Channel
	ArticleID      *string // nil: any; "": the whole draft
	Outcome        Outcome
	Undisposed     bool // only comments without a disposition
	CommenterType  CommenterType
	// Signatories counts each comment as its number of signatories
	// (Comment.People) rather than as one.
	Signatories bool
}

// Store persists comments and their groups. Every write that returns nil is
// durable (SQLite: committed with synchronous=FULL; MongoDB: write concern
// majority, journaled).
type Store interface {
	// Commit applies a comment command's change whole or not at all.
	// Inserted comments are counted in their group (c.ConsultationID,
	// c.GroupID), which is created with c as first member and c.Bands as its
	// band keys; a comment whose group was merged into another (MergedInto)
	// joins that one (c.GroupID is updated), and a comment joining a group
	// that has a disposition takes it. Moderation keeps the group's published
	// count and representative right; per-article counters follow every
	// insert and moderation. Errors: those of consultation.Store.Commit for
	// the embedded change; a Conflict wrapping ErrDuplicateKey when an
	// inserted (ConsultationID, IdempotencyKey) or Receipt exists;
	// apperr.ErrConflict when a moderated comment is not in status From;
	// apperr.ErrNotFound for an absent comment or group.
	Commit(ctx context.Context, ch *Change) error
	// Comment returns one comment or apperr.ErrNotFound.
	Comment(ctx context.Context, id string) (*Comment, error)
	// CommentByReceipt returns the comment with the canonical receipt code or
	// apperr.ErrNotFound.
	CommentByReceipt(ctx context.Context, code string) (*Comment, error)
	// CommentByIdempotencyKey returns the comment stored with the scoped key
	// or apperr.ErrNotFound.
	CommentByIdempotencyKey(ctx context.Context, consultationID, key string) (*Comment, error)
	// CommentsByID returns the comments with the given ids that exist, in no
	// particular order.
	CommentsByID(ctx context.Context, ids []string) ([]*Comment, error)
	// GroupTexts returns GroupText of each comment with one of the given ids
	// that exists (whatever its status), by id; absent ids are absent from
	// the map. It reads only the body and the attachments' texts, joined by
	// JoinGroupText: the near-duplicate pass (grouping.go) reads these texts
	// of thousands of comments and needs nothing else of them.
	GroupTexts(ctx context.Context, ids []string) (map[string]string, error)
	// Comments lists by the filter in (ReceivedAt, ID) order, returning the
	// cursor of the next page ("" at the end). A malformed cursor is a
	// BadRequest error.
	Comments(ctx context.Context, f Filter) ([]*Comment, string, error)

	// Group returns one group or apperr.ErrNotFound.
	Group(ctx context.Context, consultationID, groupID string) (*Group, error)
	// PublicGroups lists groups with PublishedCount > 0 by the filter in
	// (FirstAt, ID) order, with the cursor of the next page.
	PublicGroups(ctx context.Context, f GroupFilter) ([]*Group, string, error)
	// Groups lists every group with at least one member (whatever their
	// status; merged groups are empty) by the filter in (FirstAt, ID) order,
	// with the cursor of the next page: the staff's disposition workspace.
	// A malformed cursor is a BadRequest error.
	Groups(ctx context.Context, f GroupFilter) ([]*Group, string, error)
	// CountByStance counts the published comments that give a stance, by
	// article ("" for the whole draft) and stance.
	CountByStance(ctx context.Context, consultationID string) (map[string]StanceCounts, error)
	// CommentsByUser returns the newest comments (at most limit) submitted
	// through account userID, newest first.
	CommentsByUser(ctx context.Context, userID string, limit int) ([]*Comment, error)
	// CommentsByContact returns the newest comments (at most limit) that
	// still keep contact as their email or phone, newest first. The store
	// finds them by the keyed hash of the contact (ContactKeys, under a key
	// of its own), written in the insert of each comment and cleared with
	// its contact; the clear contact is never indexed.
	CommentsByContact(ctx context.Context, contact vcode.Contact, limit int) ([]*Comment, error)
	// SharedBands returns, for each band key shared by ≥ 2 non-empty groups
	// of the consultation, the sorted ids of those groups (candidate
	// near-duplicates). The same set may appear for several band keys.
	SharedBands(ctx context.Context, consultationID string) ([][]string, error)

	// CountComments counts comments matching the filter.
	CountComments(ctx context.Context, f CountFilter) (int, error)
	// CountByArticle counts the comments of a consultation with the status
	// ("" = every status) per article id ("" = the whole draft), in one
	// store call. Articles without comments are absent from the map.
	CountByArticle(ctx context.Context, consultationID string, status Status) (map[string]int, error)

	// CountByCategory counts the comments of a consultation by commenter
	// category (category.go), each once and each as its signatories
	// (petition.go), in one store call, withdrawn comments left out (they
	// leave the counts). Categories without comments are absent from the map.
	CountByCategory(ctx context.Context, consultationID string) (map[CommenterType]CategoryCount, error)
	// ReportCounts returns the adoption report's counters of a consultation
	// (reportcounts.go), kept in the commit of every change to its comments:
	// always equal to counting its comments with ReportCounts.Add.
	ReportCounts(ctx context.Context, consultationID string) (ReportCounts, error)

	// The transparency log: Commit appends a leaf for every inserted
	// comment (setting its LeafIndex) in the same commit.
	LogReader

	// The stored near-duplicate pass of each consultation (near_job.go).
	NearStore
}

// NearRun is the stored state of a consultation's near-duplicate pass: the
// claim of the pass running, if any, and the result of the last one that
// finished, which every app instance shows.
type NearRun struct {
	ConsultationID string
	// Running says a pass holds the claim, Owner (a token of the pass)
	// until Until; a claim past Until is free (its process died).
	Running bool
	Owner   string
	Until   time.Time
	// StartedAt is when the running or last pass started.
	StartedAt time.Time
	// DoneAt is when the last successful pass finished (zero: none yet),
	// Comments how many live comments the consultation had when it started,
	// Proposals what it found.
	DoneAt    time.Time
	Comments  int
	Proposals []Proposal
	// Error is why the last pass failed ("" when it did not); the
	// proposals of the pass before it are kept.
	Error string
}

// NearStore keeps NearRun records, one per consultation, where every app
// instance sees them.
type NearStore interface {
	// ClaimNear starts a pass for owner: it sets Running, Owner, Until and
	// StartedAt = now (creating the record if need be), keeping the last
	// result, unless a claim holds (Running with Until after now). It
	// reports whether owner got the claim.
	ClaimNear(ctx context.Context, consultationID, owner string, now, until time.Time) (bool, error)
	// FinishNear ends owner's pass: with r.Error == "" it stores DoneAt,
	// Comments and Proposals, else only Error (the last result stays); it
	// releases the claim. It reports false, storing nothing, when owner no
	// longer holds the claim.
	FinishNear(ctx context.Context, r *NearRun) (bool, error)
	// NearRun returns the record of a consultation or apperr.ErrNotFound.
	NearRun(ctx context.Context, consultationID string) (*NearRun, error)
}

// Clock truncation used by every stored time.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }
