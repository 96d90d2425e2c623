package sqlite

import (
	"context"

	"yugongkai/comments"
	"yugongkai/consultation"
)

// insertStream inserts the comments a change's Stream produces, within t,
// as they come: each is written (with its search queue job) before the
// stream is asked for the next, so a bulk import never holds its rows in
// memory. The statements are the writer's prepared ones (stmtCache). Any
// error — the stream's or a write's — is returned and the caller's
// transaction rolls back whole.
func insertStream(ctx context.Context, t *txn, cid string, stream func(yield func(*comments.Comment) error) error) error {
	var b *bulkInserter
	if !t.noLog {
		var err error
		if b, err = newBulkInserter(ctx, t, cid); err != nil {
			return err
		}
	}
	err := stream(func(c *comments.Comment) error {
		if b != nil {
			if err := b.add(c); err != nil {
				return err
			}
		} else if err := insertComment(ctx, t, c); err != nil {
			return err
		}
		_, err := t.ExecContext(ctx, "INSERT INTO search_queue (kind, id, consultation_id) VALUES (?, ?, ?)",
			consultation.IndexComment, c.ID, c.ConsultationID)
		return classify(err, "queue index job")
	})
	if err != nil {
		return err
	}
	if b == nil {
		return nil
	}
	return b.finish()
}
