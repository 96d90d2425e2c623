package mongodb

// TEMPORARY (lead's worktree only, deleted before the MongoDB write path is merged).

import (
	"context"
	"errors"

	"yugongkai/comments"
	"yugongkai/consultation"
)

func (db *DB) Commit(ctx context.Context, ch *consultation.Change) error { return errors.New("stub") }
func (db *DB) ConsultationByRegistrationNumber(ctx context.Context, n string) (*consultation.Consultation, error) {
	return nil, errors.New("stub")
}
func (s *CommentStore) Commit(ctx context.Context, ch *comments.Change) error { return errors.New("stub") }
