package sqlite

import (
	"context"

	"yugongkai/comments"
	"yugongkai/consultation"
)

// eraseContact clears the contacts of comment id within t
// (comments.EraseContact), cancels its pending notifications and blanks
// the recipient of all of them.
func eraseContact(ctx context.Context, t *txn, id string) error {
	c, err := readComment(ctx, t, id)
	if err != nil {
		return err
	}
	comments.EraseContact(c)
	if err := saveComment(ctx, t, c); err != nil {
		return err
	}
	_, err = t.ExecContext(ctx, `UPDATE outbox SET recipient = '', state = CASE WHEN state = ? THEN ? ELSE state END
		WHERE consultation_id = ? AND comment_id = ?`, consultation.NotifyPending, consultation.NotifyCancelled, c.ConsultationID, id)
	return classify(err, "erase contact: outbox")
}

// attachComment gives a comment to an account within t
// (comments/attach_receipt.go); the user_id column follows the record.
func attachComment(ctx context.Context, t *txn, a comments.Attached) error {
	c, err := readComment(ctx, t, a.ID)
	if err != nil {
		return err
	}
	c.UserID = a.UserID
	return saveComment(ctx, t, c)
}
