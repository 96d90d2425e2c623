package sqlite

import (
	"context"
	"fmt"

	"yugongkai/apperr"
	"yugongkai/attachment"
	"yugongkai/comments"
)

// BlobStore implements attachment.Store over the blobs table (migration
// 0014_blobs.sql). Blobs are written by commit, in the transaction of the
// command that references them (insertBlobs).
type BlobStore struct {
	db *DB
}

var _ attachment.Store = (*BlobStore)(nil)

// Blobs returns the store of attached files' bytes.
func (db *DB) Blobs() *BlobStore { return &BlobStore{db: db} }

// Blob returns the bytes stored under sha256, checked against it.
func (s *BlobStore) Blob(ctx context.Context, sha256 string) ([]byte, error) {
	var data []byte
	if err := s.db.sql.QueryRowContext(ctx, "SELECT data FROM blobs WHERE sha256 = ?", sha256).Scan(&data); err != nil {
		return nil, classify(err, "read blob")
	}
	if attachment.Sum(data) != sha256 {
		return nil, apperr.Wrap(fmt.Errorf("blob %s does not match its hash", sha256), "sqlite: read blob")
	}
	return data, nil
}

// insertBlobs stores blobs within t; a blob already stored (the same bytes
// attached twice) is kept as it is.
func insertBlobs(ctx context.Context, t *txn, blobs []attachment.Blob) error {
	for _, b := range blobs {
		if _, err := t.ExecContext(ctx, "INSERT INTO blobs (sha256, size, data) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
			b.SHA256, len(b.Data), b.Data); err != nil {
			return classify(err, "insert blob")
		}
	}
	return nil
}

// setAttachments replaces a comment's attachment list within tx.
func setAttachments(ctx context.Context, tx *txn, a comments.AttachmentsSet) error {
	c, err := readComment(ctx, tx, a.ID)
	if err != nil {
		return err
	}
	c.Attachments = a.List
	return saveComment(ctx, tx, c)
}

// attachmentTexts returns the texts of c's attachments, nil if none has one.
func attachmentTexts(c *comments.Comment) []string {
	var out []string
	has := false
	for _, a := range c.Attachments {
		out = append(out, a.Text)
		has = has || a.Text != ""
	}
	if !has {
		return nil
	}
	return out
}
