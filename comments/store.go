package comments

import (
	"context"
	"time"
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
	// Cursor is the opaque value returned with the previous page; Limit ≤ 500.
	Cursor string
	Limit  int
}

// GroupFilter selects the groups with at least one published member, for the
// public list, ordered by (FirstAt, ID).
type GroupFilter struct {
	ConsultationID string
	ArticleID      *string
	Cursor         string
	Limit          int
}

// CountFilter counts comments of one consultation. Empty fields do not filter.
type CountFilter struct {
	ConsultationID string
	Status         Status
	Channel        Channel
	ArticleID      *string // nil: any; "": the whole draft
	Outcome        Outcome
	Undisposed     bool // only comments without a disposition
}

// Store persists comments and their groups. Every write that returns nil is
// durable (SQLite: committed with synchronous=FULL; MongoDB: write concern
// majority, journaled).
type Store interface {
	// InsertComment stores c and counts it in group (c.ConsultationID,
	// c.GroupID), creating the group with c as first member and c.Bands as
	// its band keys. If that group was merged into another (MergedInto), c
	// joins the group it was merged into and c.GroupID is updated. Returns a Conflict error wrapping ErrDuplicateKey when
	// (ConsultationID, IdempotencyKey) or Receipt already exists; nothing is
	// stored then.
	InsertComment(ctx context.Context, c *Comment) error
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
	// Comments lists by the filter in (ReceivedAt, ID) order, returning the
	// cursor of the next page ("" at the end). A malformed cursor is a
	// BadRequest error.
	Comments(ctx context.Context, f Filter) ([]*Comment, string, error)

	// SetModeration sets the status and moderation record of comment id if
	// its stored status is from, keeping the group's published count and
	// representative right. Returns apperr.ErrConflict when the status is not
	// from, apperr.ErrNotFound.
	SetModeration(ctx context.Context, id string, from Status, to Status, m Moderation) error
	// SetDisposition makes d the current disposition of comment id and
	// appends it to its Dispositions. Returns apperr.ErrNotFound.
	SetDisposition(ctx context.Context, id string, d Disposition) error
	// SetGroupDisposition records d on the group and on every member (each
	// member's Dispositions grows by d). Returns how many members changed;
	// apperr.ErrNotFound if the group does not exist.
	SetGroupDisposition(ctx context.Context, consultationID, groupID string, d Disposition) (int, error)
	// MoveToGroup moves the members of groups from, and the comments ids, to
	// group to (created if absent, taking the first moved comment as first
	// member), keeping every group's counts and representative right. If to
	// has a disposition, moved comments take it (appended to their
	// Dispositions). Groups in from that end up empty get MergedInto = to
	// and lose their band keys. Returns how many comments moved.
	MoveToGroup(ctx context.Context, consultationID, to string, from []string, ids []string) (int, error)

	// Group returns one group or apperr.ErrNotFound.
	Group(ctx context.Context, consultationID, groupID string) (*Group, error)
	// PublicGroups lists groups with PublishedCount > 0 by the filter in
	// (FirstAt, ID) order, with the cursor of the next page.
	PublicGroups(ctx context.Context, f GroupFilter) ([]*Group, string, error)
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
}

// Clock truncation used by every stored time.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }
