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
