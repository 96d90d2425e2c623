package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"yugongkai/apperr"
	"yugongkai/comments"
)

var _ comments.LogReader = (*CommentStore)(nil)

// logSize reads the size of a consultation's log inside t.
func logSize(ctx context.Context, t *txn, cid string) (int64, error) {
	var n int64
	err := t.QueryRowContext(ctx, "SELECT size FROM comment_logs WHERE consultation_id = ?", cid).Scan(&n)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return n, classify(err, "comment log size")
}

// appendLeaf appends c (whose LeafIndex is the log's size) to its
// consultation's log within t: the leaf, the tree's new stored hashes and
// the new size.
func appendLeaf(ctx context.Context, t *txn, c *comments.Comment) error {
	leaf := comments.LeafOf(c)
	read := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		return readHashes(ctx, t.Tx, c.ConsultationID, indexes)
	})
	hashes, err := tlog.StoredHashes(c.LeafIndex, leaf, read)
	if err != nil {
		return apperr.Wrap(err, "sqlite: comment log hashes")
	}
	first := tlog.StoredHashIndex(0, c.LeafIndex)
	for i, h := range hashes {
		if _, err := t.ExecContext(ctx, "INSERT INTO comment_log_hashes (consultation_id, idx, hash) VALUES (?, ?, ?)",
			c.ConsultationID, first+int64(i), h[:]); err != nil {
			return classify(err, "comment log hash")
		}
	}
	if _, err := t.ExecContext(ctx, "INSERT INTO comment_log_leaves (consultation_id, idx, comment_id, leaf, at) VALUES (?, ?, ?, ?, ?)",
		c.ConsultationID, c.LeafIndex, c.ID, leaf, formatTime(c.CreatedAt)); err != nil {
		return classify(err, "comment log leaf")
	}
	_, err = t.ExecContext(ctx, `INSERT INTO comment_logs (consultation_id, size) VALUES (?, ?)
		ON CONFLICT (consultation_id) DO UPDATE SET size = excluded.size`, c.ConsultationID, c.LeafIndex+1)
	return classify(err, "comment log size")
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// readHashes reads stored hashes by index, in the order asked.
func readHashes(ctx context.Context, q querier, cid string, indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	if len(indexes) == 0 {
		return out, nil
	}
	args := []any{cid}
	for _, i := range indexes {
		args = append(args, i)
	}
	rows, err := q.QueryContext(ctx, "SELECT idx, hash FROM comment_log_hashes WHERE consultation_id = ? AND idx IN (?"+
		strings.Repeat(", ?", len(indexes)-1)+")", args...)
	if err != nil {
		return nil, classify(err, "comment log hashes")
	}
	defer rows.Close()
	found := map[int64]tlog.Hash{}
	for rows.Next() {
		var idx int64
		var b []byte
		if err := rows.Scan(&idx, &b); err != nil {
			return nil, classify(err, "comment log hashes")
		}
		if len(b) != tlog.HashSize {
			return nil, apperr.Wrap(fmt.Errorf("stored hash %d of %s has %d bytes", idx, cid, len(b)), "sqlite: comment log")
		}
		var h tlog.Hash
		copy(h[:], b)
		found[idx] = h
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err, "comment log hashes")
	}
	for i, idx := range indexes {
		h, ok := found[idx]
		if !ok {
			return nil, apperr.Wrap(fmt.Errorf("stored hash %d of %s is missing", idx, cid), "sqlite: comment log")
		}
		out[i] = h
	}
	return out, nil
}

// LogSize implements comments.LogReader.
func (s *CommentStore) LogSize(ctx context.Context, consultationID string) (int64, error) {
	var n int64
	err := s.db.sql.QueryRowContext(ctx, "SELECT size FROM comment_logs WHERE consultation_id = ?", consultationID).Scan(&n)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return n, classify(err, "comment log size")
}

// LogHashes implements comments.LogReader.
func (s *CommentStore) LogHashes(ctx context.Context, consultationID string, indexes []int64) ([]tlog.Hash, error) {
	return readHashes(ctx, s.db.sql, consultationID, indexes)
}

// LogLeaves implements comments.LogReader.
func (s *CommentStore) LogLeaves(ctx context.Context, consultationID string, from, to int64) ([]comments.LogLeaf, error) {
	rows, err := s.db.sql.QueryContext(ctx, "SELECT idx, comment_id, leaf, at FROM comment_log_leaves WHERE consultation_id = ? AND idx >= ? AND idx < ? ORDER BY idx",
		consultationID, from, to)
	if err != nil {
		return nil, classify(err, "comment log leaves")
	}
	defer rows.Close()
	var out []comments.LogLeaf
	for rows.Next() {
		var l comments.LogLeaf
		var at string
		if err := rows.Scan(&l.Index, &l.CommentID, &l.Leaf, &at); err != nil {
			return nil, classify(err, "comment log leaves")
		}
		if l.At, err = parseTime(at); err != nil {
			return nil, classify(err, "comment log leaves")
		}
		out = append(out, l)
	}
	return out, classify(rows.Err(), "comment log leaves")
}
