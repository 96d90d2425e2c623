package sqlite

import (
	"context"
	"fmt"

	"yugongkai/apperr"
	"yugongkai/comments"
	"yugongkai/consultation"
)

// Commit applies a consultation command's change in one transaction.
func (s *ConsultationStore) Commit(ctx context.Context, ch *consultation.Change) error {
	return s.db.commit(ctx, ch, nil)
}

// Commit applies a comment command's change, the consultation's part
// included, in one transaction.
func (s *CommentStore) Commit(ctx context.Context, ch *comments.Change) error {
	return s.db.commit(ctx, &ch.Change, ch)
}

// Bulk changes: from bulkInserts inserted comments, a commit runs with a
// page cache of bulkCacheKiB.
const (
	bulkInserts  = 1000
	bulkCacheKiB = 32 << 10
)

// sharedItems bounds the comments a change may touch and still share its
// transaction with other writes (groupcommit.go): beyond it, or when it
// touches an unknown number (a stream, a whole group, a move, an expiry), it
// commits alone.
const sharedItems = 64

// largeChange reports whether cm may change more pages than a shared batch
// should hold.
func largeChange(cm *comments.Change) bool {
	if cm == nil {
		return false
	}
	n := len(cm.Insert) + len(cm.Moderate) + len(cm.Dispose) + len(cm.Redact) + len(cm.Withdraw) +
		len(cm.Attachments) + len(cm.EraseContacts) + len(cm.Attach)
	return n > sharedItems || cm.Stream != nil || cm.DisposeGroup != nil || cm.Move != nil || cm.ExpireContacts
}

// commit is the one write path of a command: everything it changes —
// consultation, versions, events, comments, group and article counters —
// in one SQLite transaction, so a failure at any statement leaves nothing.
func (db *DB) commit(ctx context.Context, ch *consultation.Change, cm *comments.Change) error {
	var rev int64
	err := db.commitTx(ctx, largeChange(cm), func(ctx context.Context, t *txn) error {
		if cm != nil && (len(cm.Insert) >= bulkInserts || cm.Stream != nil) {
			// A bulk import touches far more pages than the default cache
			// (2 MiB) holds: SQLite would spill them to the WAL mid-transaction
			// and read them back for every row. The writer's connection gets a
			// larger cache for this one write.
			if _, err := t.Tx.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", bulkCacheKiB)); err != nil {
				return classify(err, "bulk cache")
			}
			defer t.Tx.ExecContext(context.WithoutCancel(ctx), "PRAGMA cache_size = -2000")
		}
		if ch.Consultation != nil {
			var err error
			if rev, err = writeConsultation(ctx, t, ch); err != nil {
				return err
			}
		} else if len(ch.Events) > 0 || len(ch.NewVersions) > 0 || ch.ReplaceVersion != nil {
			return apperr.Wrap(fmt.Errorf("events or versions without their consultation"), "sqlite: commit")
		}
		if ch.LogSize != nil {
			size, err := logSize(ctx, t, ch.Consultation.ID)
			if err != nil {
				return err
			}
			if size != *ch.LogSize {
				return fmt.Errorf("sqlite: comment log of %s holds %d, sealing %d: %w", ch.Consultation.ID, size, *ch.LogSize, consultation.ErrStale)
			}
		}
		if err := checkResponseCount(ctx, t, ch.Responses); err != nil { // surveys.go
			return err
		}
		for _, v := range ch.NewVersions {
			if err := insertVersion(ctx, t, v); err != nil {
				return err
			}
		}
		if ch.ReplaceVersion != nil {
			if err := replaceVersion(ctx, t, ch.ReplaceVersion); err != nil {
				return err
			}
		}
		if err := insertEvents(ctx, t, ch.Events); err != nil {
			return err
		}
		for _, j := range ch.Index {
			if _, err := t.ExecContext(ctx, "INSERT INTO search_queue (kind, id, consultation_id) VALUES (?, ?, ?)", j.Kind, j.ID, j.Consultation); err != nil {
				return classify(err, "queue index job")
			}
		}
		// notify: the outbox entries of the change, in its transaction.
		if err := insertNotifications(ctx, t, ch.Notify); err != nil {
			return err
		}
		// hearings.go: the hearing applications of the change.
		if err := insertHearingApplications(ctx, t, ch.HearingApplications); err != nil {
			return err
		}
		// surveys.go: the survey responses of the change.
		if err := insertSurveyResponses(ctx, t, ch.SurveyResponses); err != nil {
			return err
		}
		// attachments: the bytes of the files the change references (blobs.go).
		if err := insertBlobs(ctx, t, ch.Blobs); err != nil {
			return err
		}
		if cm != nil {
			return commitComments(ctx, t, cm)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if ch.Consultation != nil {
		ch.Consultation.Rev = rev
	}
	return nil
}

// commitComments applies the comment part of a change within t.
func commitComments(ctx context.Context, t *txn, ch *comments.Change) error {
	cid := ch.ConsultationID()
	if err := insertComments(ctx, t, ch.Insert); err != nil {
		return err
	}
	if ch.Stream != nil {
		if err := insertStream(ctx, t, ch.Stream); err != nil { // bulkinsert_stream.go
			return err
		}
	}
	for _, m := range ch.Moderate {
		if err := setModeration(ctx, t, m.ID, m.From, m.To, m.M); err != nil {
			return err
		}
	}
	for _, d := range ch.Dispose {
		if err := setDisposition(ctx, t, d.ID, d.D); err != nil {
			return err
		}
	}
	if g := ch.DisposeGroup; g != nil {
		if err := setGroupDisposition(ctx, t, cid, g.GroupID, g.D); err != nil {
			return err
		}
	}
	if m := ch.Move; m != nil {
		if err := moveToGroup(ctx, t, cid, m.To, m.From, m.IDs); err != nil {
			return err
		}
	}
	for _, r := range ch.Redact {
		if err := redact(ctx, t, r); err != nil {
			return err
		}
	}
	for _, w := range ch.Withdraw {
		if err := withdrawComment(ctx, t, cid, w); err != nil { // withdraw.go
			return err
		}
	}
	for _, a := range ch.Attachments {
		if err := setAttachments(ctx, t, a); err != nil { // blobs.go
			return err
		}
	}
	for _, id := range ch.EraseContacts {
		if err := eraseContact(ctx, t, id); err != nil { // erase_contact.go
			return err
		}
	}
	for _, a := range ch.Attach {
		if err := attachComment(ctx, t, a); err != nil { // erase_contact.go
			return err
		}
	}
	if ch.ExpireContacts {
		return expireContacts(ctx, t, cid) // expire.go
	}
	return nil
}
