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
// for each, with the per-change reads and counters done once (bulkInserter).
func insertComments(ctx context.Context, t *txn, list []*comments.Comment) error {
	if len(list) < bulkInserts || t.noLog {
		for _, c := range list {
			if err := insertComment(ctx, t, c); err != nil {
				return err
			}
		}
		return nil
	}
	b, err := newBulkInserter(ctx, t, list[0].ConsultationID)
	if err != nil {
		return err
	}
	for _, c := range list {
		if err := b.add(c); err != nil {
			return err
		}
	}
	return b.finish()
}

// bulkInserter inserts many comments of one consultation within one
// transaction as insertComment would insert them one by one: the log's
// size is read once and written once (finish), the log hashes it stored
// are taken from memory (only the frontier of the tree, which later leaves
// can read, is kept), merge targets are looked up once per group (and a
// group that lookup finds absent is created without first trying to count
// in it), a row's log hashes are one INSERT, and the per-article counters
// move once per (article, status). Its memory does
// not grow with the comments, but for one entry per group and counter, so
// comments may be added as they are produced (insertStream).
type bulkInserter struct {
	ctx  context.Context
	t    *txn
	cid  string
	size int64

	targets map[string]bulkTarget // group id → where its comments go
	counts  map[bulkCountKey]int
	order   []bulkCountKey
	fresh   map[int64]tlog.Hash
	read    tlog.HashReader

	// A row's log hashes go in one INSERT of len(hashes) rows: the texts
	// by number of rows, and the arguments' slice, are kept for the next.
	hashInserts []string
	hashArgs    []any
	cidArg      any // cid, converted to an interface once
}

type bulkTarget struct {
	id   string
	disp sql.NullString
}

type bulkCountKey struct {
	article string
	status  comments.Status
}

func newBulkInserter(ctx context.Context, t *txn, cid string) (*bulkInserter, error) {
	size, err := logSize(ctx, t, cid)
	if err != nil {
		return nil, err
	}
	b := &bulkInserter{ctx: ctx, t: t, cid: cid, size: size, targets: map[string]bulkTarget{},
		counts: map[bulkCountKey]int{}, fresh: map[int64]tlog.Hash{}, cidArg: cid}
	b.read = tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		var missing []int64
		for _, idx := range indexes {
			if _, ok := b.fresh[idx]; !ok {
				missing = append(missing, idx)
			}
		}
		stored, err := readHashes(ctx, t.Tx, cid, missing)
		if err != nil {
			return nil, err
		}
		for i, idx := range indexes {
			if h, ok := b.fresh[idx]; ok {
				out[i] = h
			} else {
				out[i], stored = stored[0], stored[1:]
			}
		}
		return out, nil
	})
	return b, nil
}

// add inserts c.
func (b *bulkInserter) add(c *comments.Comment) error {
	ctx, t := b.ctx, b.t
	if c.ConsultationID != b.cid {
		return apperr.Wrap(fmt.Errorf("comments of %s and %s in one change", b.cid, c.ConsultationID), "sqlite: insert comments")
	}
	tg, ok := b.targets[c.GroupID]
	absent := false // the group is known not to exist yet
	if !ok {
		// Follow merges: a comment identical to a merged group joins its target.
		tg.id = c.GroupID
		for hops := 0; hops < 10; hops++ {
			var into string
			err := t.QueryRowContext(ctx, "SELECT merged_into, disposition FROM comment_groups WHERE consultation_id = ? AND id = ?", b.cid, tg.id).Scan(&into, &tg.disp)
			if err == sql.ErrNoRows {
				absent = true
				break
			}
			if err == nil && into == "" {
				break
			}
			if err != nil {
				return classify(err, "insert comment: group")
			}
			tg.id = into
		}
		b.targets[c.GroupID] = tg
	}
	c.GroupID = tg.id
	c.LeafIndex = b.size
	if err := inheritDisposition(c, tg.disp); err != nil {
		return err
	}
	if err := insertCommentRow(ctx, t, c); err != nil {
		return err
	}
	k := bulkCountKey{c.ArticleID, c.Status}
	if b.counts[k] == 0 {
		b.order = append(b.order, k)
	}
	b.counts[k]++
	// A comment of a group not stored yet creates it (below); otherwise it
	// is counted in it, and creates it if the group was not there.
	create := absent
	pub, rep := groupMember(c)
	if !absent {
		res, _, _, err := countInGroup(ctx, t, c)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		create = n == 0
	}
	leaf := comments.LeafOf(c)
	hashes, err := tlog.StoredHashes(b.size, leaf, b.read)
	if err != nil {
		return apperr.Wrap(err, "sqlite: comment log hashes")
	}
	first := tlog.StoredHashIndex(0, b.size)
	args := b.hashArgs[:0]
	for i := range hashes {
		b.fresh[first+int64(i)] = hashes[i]
		args = append(args, b.cidArg, first+int64(i), hashes[i][:])
	}
	b.hashArgs = args
	if _, err := t.ExecContext(ctx, b.hashInsert(len(hashes)), args...); err != nil {
		return classify(err, "comment log hash")
	}
	clear(args) // keep no hash alive through the slice
	if _, err := t.ExecContext(ctx, "INSERT INTO comment_log_leaves (consultation_id, idx, comment_id, leaf, at) VALUES (?, ?, ?, ?, ?)",
		b.cid, b.size, c.ID, leaf, formatTime(c.CreatedAt)); err != nil {
		return classify(err, "comment log leaf")
	}
	b.size++
	if b.size%1024 == 0 {
		b.prune()
	}
	if create {
		if err := createGroup(ctx, t, c, 1, pub, rep); err != nil {
			return err
		}
	}
	return nil
}

// hashInsert returns the INSERT of n rows of comment_log_hashes.
func (b *bulkInserter) hashInsert(n int) string {
	for len(b.hashInserts) < n {
		q := "INSERT INTO comment_log_hashes (consultation_id, idx, hash) VALUES (?, ?, ?)"
		if k := len(b.hashInserts); k > 0 {
			q = b.hashInserts[k-1] + ", (?, ?, ?)"
		}
		b.hashInserts = append(b.hashInserts, q)
	}
	return b.hashInserts[n-1]
}

// prune keeps of the hashes stored in this transaction only those a later
// leaf can read: the roots of the complete subtrees of the tree of size
// leaves (a new leaf's hashes combine it with those roots only).
func (b *bulkInserter) prune() {
	keep := map[int64]bool{}
	for l := 0; b.size>>l > 0; l++ {
		if (b.size>>l)&1 == 1 {
			keep[tlog.StoredHashIndex(l, (b.size>>l)-1)] = true
		}
	}
	for idx := range b.fresh {
		if !keep[idx] {
			delete(b.fresh, idx)
		}
	}
}

// finish moves the per-article counters and writes the log's size.
func (b *bulkInserter) finish() error {
	for _, k := range b.order {
		if err := countArticle(b.ctx, b.t, b.cid, k.article, k.status, b.counts[k]); err != nil {
			return err
		}
	}
	_, err := b.t.ExecContext(b.ctx, `INSERT INTO comment_logs (consultation_id, size) VALUES (?, ?)
		ON CONFLICT (consultation_id) DO UPDATE SET size = excluded.size`, b.cid, b.size)
	return classify(err, "comment log size")
}
