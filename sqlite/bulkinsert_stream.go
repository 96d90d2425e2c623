package sqlite

import (
	"context"

	"yugongkai/comments"
	"yugongkai/consultation"
)

// insertStream inserts the comments a change's Stream produces, within t,
// as they come: each is written (with its search queue job) before the
// stream is asked for the next, so a bulk import never holds its rows in
// memory. The statements are the writer's prepared ones (stmtCache), and
// the per-change work is done once (bulkInserter). Any error — the
// stream's or a write's — is returned and the caller's transaction rolls
// back whole.
func insertStream(ctx context.Context, t *txn, stream func(yield func(*comments.Comment) error) error) error {
	var b *bulkInserter
	err := stream(func(c *comments.Comment) error {
		if t.noLog {
			if err := insertComment(ctx, t, c); err != nil {
				return err
			}
		} else {
			if b == nil {
				var err error
				if b, err = newBulkInserter(ctx, t, c.ConsultationID); err != nil {
					return err
				}
			}
			if err := b.add(c); err != nil {
				return err
			}
		}
		_, err := t.ExecContext(ctx, "INSERT INTO search_queue (kind, id, consultation_id) VALUES (?, ?, ?)",
			consultation.IndexComment, c.ID, c.ConsultationID)
		return classify(err, "queue index job")
	})
	if err != nil || b == nil {
		return err
	}
	return b.finish()
}
