package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"yugongkai/apperr"
	"yugongkai/comments"
)

// insertComments inserts the comments of one change within t. From
// bulkInserts comments on (a bulk import) it does what insertComment does
// for each, with the per-change reads and counters done once: the log's
// size is read once and written once, hashes the change itself stored are
// taken from memory, merge targets are looked up once per group, and the
// per-article counters move once per (article, status).
func insertComments(ctx context.Context, t *txn, list []*comments.Comment) error {
	if len(list) < bulkInserts || t.noLog {
		for _, c := range list {
			if err := insertComment(ctx, t, c); err != nil {
				return err
			}
		}
		return nil
	}
	cid := list[0].ConsultationID
	for _, c := range list {
		if c.ConsultationID != cid {
			return apperr.Wrap(fmt.Errorf("comments of %s and %s in one change", cid, c.ConsultationID), "sqlite: insert comments")
		}
	}
	size, err := logSize(ctx, t, cid)
	if err != nil {
		return err
	}
	type target struct {
		id   string
		disp sql.NullString
	}
	targets := map[string]target{} // group id → where its comments go
	type countKey struct {
		article string
		status  comments.Status
	}
	counts := map[countKey]int{}
	var order []countKey
	fresh := map[int64]tlog.Hash{}
	read := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		var missing []int64
		for _, idx := range indexes {
			if _, ok := fresh[idx]; !ok {
				missing = append(missing, idx)
			}
		}
		stored, err := readHashes(ctx, t.Tx, cid, missing)
		if err != nil {
			return nil, err
		}
		for i, idx := range indexes {
			if h, ok := fresh[idx]; ok {
				out[i] = h
			} else {
				out[i], stored = stored[0], stored[1:]
			}
		}
		return out, nil
	})
	for _, c := range list {
		tg, ok := targets[c.GroupID]
		if !ok {
			// Follow merges: a comment identical to a merged group joins its target.
			tg.id = c.GroupID
			for hops := 0; hops < 10; hops++ {
				var into string
				err := t.QueryRowContext(ctx, "SELECT merged_into, disposition FROM comment_groups WHERE consultation_id = ? AND id = ?", cid, tg.id).Scan(&into, &tg.disp)
				if err == sql.ErrNoRows || (err == nil && into == "") {
					break
				}
				if err != nil {
					return classify(err, "insert comment: group")
				}
				tg.id = into
			}
			targets[c.GroupID] = tg
		}
		c.GroupID = tg.id
		c.LeafIndex = size
		if err := inheritDisposition(c, tg.disp); err != nil {
			return err
		}
		if err := insertCommentRow(ctx, t, c); err != nil {
			return err
		}
		k := countKey{c.ArticleID, c.Status}
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
		res, pub, rep, err := countInGroup(ctx, t, c)
		if err != nil {
			return err
		}
		leaf := comments.LeafOf(c)
		hashes, err := tlog.StoredHashes(size, leaf, read)
		if err != nil {
			return apperr.Wrap(err, "sqlite: comment log hashes")
		}
		first := tlog.StoredHashIndex(0, size)
		for i, h := range hashes {
			fresh[first+int64(i)] = h
			if _, err := t.ExecContext(ctx, "INSERT INTO comment_log_hashes (consultation_id, idx, hash) VALUES (?, ?, ?)",
				cid, first+int64(i), h[:]); err != nil {
				return classify(err, "comment log hash")
			}
		}
		if _, err := t.ExecContext(ctx, "INSERT INTO comment_log_leaves (consultation_id, idx, comment_id, leaf, at) VALUES (?, ?, ?, ?, ?)",
			cid, size, c.ID, leaf, formatTime(c.CreatedAt)); err != nil {
			return classify(err, "comment log leaf")
		}
		size++
		if n, _ := res.RowsAffected(); n == 0 {
			if err := createGroup(ctx, t, c, 1, pub, rep); err != nil {
				return err
			}
		}
	}
	for _, k := range order {
		if err := countArticle(ctx, t, cid, k.article, k.status, counts[k]); err != nil {
			return err
		}
	}
	_, err = t.ExecContext(ctx, `INSERT INTO comment_logs (consultation_id, size) VALUES (?, ?)
		ON CONFLICT (consultation_id) DO UPDATE SET size = excluded.size`, cid, size)
	return classify(err, "comment log size")
}
