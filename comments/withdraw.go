package comments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"time"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/history"
)

// Withdrawal by the commenter. Whoever holds a comment's receipt code (or
// the account that submitted it) may withdraw it while the period is open,
// with an optional reason. The comment stays in the record with status
// withdrawn — not deleted: its leaf in the transparency log, its receipt
// and its history stay — but it leaves the public list and every count,
// and needs no answer (the adoption report's "every comment answered" rule
// skips it).
//
// The store moves a withdrawn comment out of its group into a group of its
// own, WithdrawnGroupPrefix + its id, so the group it leaves keeps a right
// count, published count and representative with the stores' own recount,
// and a later answer to that group does not reach it. Staff cannot moderate,
// answer, merge or split it.

// Withdrawn is the status of a comment its commenter withdrew.
const Withdrawn Status = "withdrawn"

// WithdrawnGroupPrefix starts the id of the group of one withdrawn comment.
const WithdrawnGroupPrefix = "w"

// MaxWithdrawReason bounds the reason given for a withdrawal.
const MaxWithdrawReason = 500

// Withdrawal records a commenter's withdrawal. Reason is staff-only (the
// history holds its SHA-256).
type Withdrawal struct {
	From   Status    `json:"from" bson:"from"` // status before
	Reason string    `json:"reason,omitempty" bson:"reason,omitempty"`
	UserID string    `json:"user_id,omitempty" bson:"user_id,omitempty"` // account that withdrew, if any
	At     time.Time `json:"at" bson:"at"`
}

// Withdrawn (in a Change) withdraws comment ID, in status From, with W:
// the store sets status withdrawn and W, moves the comment to its own group
// WithdrawnGroupPrefix+ID and keeps the counters of its article and of the
// group it leaves right.
type WithdrawnComment struct {
	ID   string
	From Status
	W    Withdrawal
}

// WithdrawForm is what a commenter sends to withdraw a comment.
type WithdrawForm struct {
	Reason string `json:"reason"`
}

// notWithdrawn refuses a staff action on a withdrawn comment.
func notWithdrawn(cm *Comment) error {
	if cm.Status == Withdrawn {
		return apperr.New(apperr.Conflict, "comments.withdrawn")
	}
	return nil
}

// notWithdrawnGroup refuses a staff action on the group of a withdrawn comment.
func notWithdrawnGroup(groupID string) error {
	if strings.HasPrefix(groupID, WithdrawnGroupPrefix) {
		return apperr.New(apperr.Conflict, "comments.withdrawn")
	}
	return nil
}

// WithdrawByReceipt withdraws the comment with receipt code: holding the
// code is the commenter's proof. Errors: NotFound (malformed or unknown
// code), Invalid (reason), PeriodClosed (the period is over),
// Conflict (already withdrawn, or the consultation is not open).
func (s *Service) WithdrawByReceipt(ctx context.Context, actor auth.Principal, code string, in WithdrawForm) (*ReceiptStatus, error) {
	cm, err := s.receiptComment(ctx, code)
	if err != nil {
		return nil, err
	}
	if err := s.withdraw(ctx, actor, cm.ID, in); err != nil {
		return nil, err
	}
	return s.Receipt(ctx, cm.Receipt)
}

// withdraw is the command: load, check the period and the comment's status,
// record the event, commit once.
func (s *Service) withdraw(ctx context.Context, actor auth.Principal, commentID string, in WithdrawForm) error {
	reason := strings.TrimSpace(in.Reason)
	var f apperr.Fields
	checkText(&f, "reason", reason, MaxWithdrawReason, false)
	if err := f.Err(); err != nil {
		return err
	}
	err := s.onComment(ctx, actor, commentID, consultation.ActWithdrawComment, func(c *consultation.Consultation, cm *Comment, ch *Change) error {
		now := s.now()
		if !c.AcceptsComments(now) {
			return periodError(c, now)
		}
		if cm.Status == Withdrawn {
			return apperr.New(apperr.Conflict, "comments.already_withdrawn")
		}
		w := Withdrawal{From: cm.Status, Reason: reason, At: now}
		if !actor.Anonymous() {
			w.UserID = actor.UserID
		}
		ch.Withdraw = []WithdrawnComment{{ID: cm.ID, From: cm.Status, W: w}}
		c.WithdrawnComments++
		sum := sha256.Sum256([]byte(reason))
		return s.Consultations.Record(&ch.Change, actor, "comment.withdrawn", true, map[string]any{
			"comment": cm.ID, "from": string(cm.Status), "reason_sha256": hex.EncodeToString(sum[:])})
	})
	if err != nil {
		return err
	}
	_, err = s.notifyID(ctx, commentID) // the search index drops it
	return err
}

// withdrawalStatus fills what a receipt's holder learns of a withdrawal.
func withdrawalStatus(st *ReceiptStatus, c *consultation.Consultation, cm *Comment, now time.Time) {
	if cm.Withdrawal != nil {
		at := cm.Withdrawal.At
		st.WithdrawnAt = &at
	}
	st.CanWithdraw = cm.Status != Withdrawn && c.State == consultation.Open && c.AcceptsComments(now)
}

// liveCounter returns a counter of c's comments by filter that leaves
// withdrawn comments out when the filter names no status: what every count
// of the record shows. Without withdrawn comments it is Store.CountComments;
// with some, they are read once (one store call) and subtracted.
func (s *Service) liveCounter(ctx context.Context, c *consultation.Consultation) func(CountFilter) (int, error) {
	var withdrawn []*Comment
	loaded := false
	return func(f CountFilter) (int, error) {
		f.ConsultationID = c.ID
		n, err := s.Store.CountComments(ctx, f)
		if err != nil || f.Status != "" || c.WithdrawnComments == 0 {
			return n, err
		}
		if !loaded {
			if withdrawn, err = s.withdrawnComments(ctx, c.ID); err != nil {
				return 0, err
			}
			loaded = true
		}
		for _, cm := range withdrawn {
			if countMatches(cm, f) {
				if f.Signatories {
					n -= cm.People() // petition.go
				} else {
					n--
				}
			}
		}
		return n, nil
	}
}

// countMatches reports whether cm is among the comments f counts (f names
// the consultation and no status).
func countMatches(cm *Comment, f CountFilter) bool {
	switch {
	case f.Channel != "" && cm.Channel != f.Channel:
	case f.ArticleID != nil && cm.ArticleID != *f.ArticleID:
	case f.Outcome != "" && (cm.Disposition == nil || cm.Disposition.Outcome != f.Outcome):
	case f.Undisposed && cm.Disposition != nil:
	default:
		return true
	}
	return false
}

// withdrawnComments reads every withdrawn comment of a consultation.
func (s *Service) withdrawnComments(ctx context.Context, consultationID string) ([]*Comment, error) {
	var out []*Comment
	for f := (Filter{ConsultationID: consultationID, Status: Withdrawn, Limit: 500}); ; {
		page, next, err := s.Store.Comments(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if next == "" || len(page) == 0 {
			return out, nil
		}
		f.Cursor = next
	}
}

// archiveWithdrawn adds the withdrawn comments of c to the archive's
// entries, in (received, id) order: status withdrawn, with their public
// copy only if they had been published (the text of one never published
// was never public).
func (s *Service) archiveWithdrawn(ctx context.Context, c *consultation.Consultation, out []ArchiveEntry) ([]ArchiveEntry, error) {
	added := false
	for f := (Filter{ConsultationID: c.ID, Status: Withdrawn, Limit: 500}); ; {
		page, next, err := s.Store.Comments(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, cm := range page {
			e := ArchiveEntry{PublicComment: cm.Public(), Status: cm.Status}
			if cm.Withdrawal == nil || cm.Withdrawal.From != Published {
				e.Body, e.SuggestedText, e.Name = "", "", ""
			}
			for _, d := range cm.Dispositions {
				e.Dispositions = append(e.Dispositions, *publicDisposition(&d))
			}
			out, added = append(out, e), true
		}
		if next == "" || len(page) == 0 {
			break
		}
		f.Cursor = next
	}
	if added {
		sort.SliceStable(out, func(i, j int) bool {
			if !out[i].ReceivedAt.Equal(out[j].ReceivedAt) {
				return out[i].ReceivedAt.Before(out[j].ReceivedAt)
			}
			return out[i].ID < out[j].ID
		})
	}
	return out, nil
}

// withoutWithdrawnGroups drops the groups of withdrawn comments from the
// near-duplicate candidate sets: they are never merged.
func withoutWithdrawnGroups(sets [][]string) [][]string {
	out := sets[:0:0]
	for _, set := range sets {
		var kept []string
		for _, id := range set {
			if !strings.HasPrefix(id, WithdrawnGroupPrefix) {
				kept = append(kept, id)
			}
		}
		if len(kept) >= 2 {
			out = append(out, kept)
		}
	}
	return out
}

// verifyWithdrawals: every withdrawn comment was withdrawn by a
// comment.withdrawn event, and every such event's comment is withdrawn
// (a withdrawal cannot be undone).
func verifyWithdrawals(all []*Comment, events []history.Event, v *consultation.Verification) {
	recorded := map[string]bool{}
	for _, e := range events {
		if e.Type == "comment.withdrawn" {
			recorded[str(payload(e), "comment")] = true
		}
	}
	for _, cm := range all {
		switch {
		case cm.Status == Withdrawn && !recorded[cm.ID]:
			v.Add(consultation.Problem{What: "withdrawal", ID: cm.ID, Reason: "withdrawn without a comment.withdrawn event (altered)"})
		case cm.Status != Withdrawn && recorded[cm.ID]:
			v.Add(consultation.Problem{What: "withdrawal", ID: cm.ID, Reason: "withdrawn by an event but stored as " + string(cm.Status) + " (altered)"})
		}
	}
}
