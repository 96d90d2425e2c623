package comments

import "yugongkai/consultation"

// Change is everything one comment command writes, with the consultation
// change it makes (its event, the chain head) or the check it depends on
// (a submission checks that the period it saw still holds). Store.Commit
// applies it whole or not at all.
//
// A nil Consultation skips the check: only bulk loads of fixtures do that,
// naming the consultation in ForConsultation.
type Change struct {
	consultation.Change
	ForConsultation string

	Insert []*Comment
	// Stream, when set, produces more comments to insert after Insert, one
	// at a time (a bulk import: the rows are never all in memory). The
	// store calls it once per commit attempt, inside the commit, and writes
	// each comment yield is given before yield returns; an error from
	// yield must be returned by Stream, and an error from Stream aborts
	// the whole commit, so nothing of it is stored. The store queues each
	// streamed comment's search job itself (Service.commit cannot see
	// them). A store that cannot write as they come calls Collect first.
	Stream   func(yield func(*Comment) error) error
	Moderate []Moderated
	Dispose  []Disposed
	// DisposeGroup answers a whole group: the group keeps the answer for
	// members that join later, and every present member takes it.
	DisposeGroup *GroupDisposed
	// Move puts whole groups and single comments into group To (see Moved).
	Move   *Moved
	Redact []Redacted
	// Withdraw withdraws comments at their commenter's request (withdraw.go).
	Withdraw []WithdrawnComment
	// Attachments replace comments' attachment lists (attachments.go).
	Attachments []AttachmentsSet
	// ExpireContacts erases every contact the consultation holds: its
	// comments' phone and e-mail, its outbox recipients (pending ones
	// cancelled) and its followers' addresses (expire.go).
	ExpireContacts bool
	// EraseContacts clears the contacts of these comments (EraseContact)
	// and cancels their pending notifications, blanking the recipients of
	// all of them; the comment, its public copy and its answer stay.
	EraseContacts []string
	// Attach makes comments the account's own (attach_receipt.go).
	Attach []Attached
}

// Attached gives comment ID to account UserID (我的意见).
type Attached struct {
	ID, UserID string
}

// Moderated moves comment ID from status From to To with the record M.
type Moderated struct {
	ID       string
	From, To Status
	M        Moderation
}

// Disposed makes D the current disposition of comment ID.
type Disposed struct {
	ID string
	D  Disposition
}

// GroupDisposed answers group GroupID with D.
type GroupDisposed struct {
	GroupID string
	D       Disposition
}

// Moved moves the members of the groups From, and the comments IDs, to group
// To (created if absent, the first moved comment its first member). If To has
// a disposition, moved comments take it. Groups in From left empty are
// marked merged into To and lose their band keys.
type Moved struct {
	To   string
	From []string
	IDs  []string
}

// Redacted replaces comment ID's public copy with PublicBody and appends R
// to its redactions.
type Redacted struct {
	ID         string
	PublicBody string
	R          Redaction
}

// Collect moves the comments of Stream into Insert, with their search
// jobs, for a store that writes a change's comments all at once (MongoDB,
// whose imports are at most 100 rows).
func (ch *Change) Collect() error {
	if ch.Stream == nil {
		return nil
	}
	stream := ch.Stream
	ch.Stream = nil
	cid := ch.ConsultationID()
	return stream(func(c *Comment) error {
		ch.Insert = append(ch.Insert, c)
		ch.Index = append(ch.Index, consultation.IndexJob{Kind: consultation.IndexComment, ID: c.ID, Consultation: cid})
		return nil
	})
}

// ConsultationID returns the id of the consultation the change is about.
func (ch *Change) ConsultationID() string {
	if ch.Consultation != nil {
		return ch.Consultation.ID
	}
	if ch.ForConsultation != "" {
		return ch.ForConsultation
	}
	for _, c := range ch.Insert {
		return c.ConsultationID
	}
	return ""
}
