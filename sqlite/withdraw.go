package sqlite

import (
	"context"
	"fmt"

	"yugongkai/apperr"
	"yugongkai/comments"
)

// withdrawComment withdraws a comment within tx (comments.WithdrawnComment):
// status and record, the article counters, then the move to the comment's
// own group, whose recount keeps the group it leaves right.
func withdrawComment(ctx context.Context, tx *txn, consultationID string, w comments.WithdrawnComment) error {
	c, err := readComment(ctx, tx, w.ID)
	if err != nil {
		return err
	}
	if c.ConsultationID != consultationID {
		return fmt.Errorf("sqlite: comment %s of consultation %s: %w", w.ID, consultationID, apperr.ErrNotFound)
	}
	if c.Status != w.From {
		return fmt.Errorf("sqlite: comment %s is %s, not %s: %w", w.ID, c.Status, w.From, apperr.ErrConflict)
	}
	wd := w.W
	c.Status, c.Withdrawal = comments.Withdrawn, &wd
	if err := saveComment(ctx, tx, c); err != nil {
		return err
	}
	if err := countArticle(ctx, tx, c.ConsultationID, c.ArticleID, w.From, -1); err != nil {
		return err
	}
	if err := countArticle(ctx, tx, c.ConsultationID, c.ArticleID, comments.Withdrawn, 1); err != nil {
		return err
	}
	return moveToGroup(ctx, tx, consultationID, comments.WithdrawnGroupPrefix+c.ID, nil, []string{c.ID})
}
