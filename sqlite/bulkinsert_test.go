package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"yugongkai/comments"
	"yugongkai/storetest"
)

// A change of bulkInserts comments or more (insertComments' bulk path)
// leaves exactly the state the same comments committed one by one leave:
// merges followed, group dispositions inherited, groups, per-article
// counters and the transparency log.
func TestBulkInsertMatchesOneByOne(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	const cid = "c-bulk"
	pre := []*comments.Comment{storetest.NewComment(cid, "x1", "一", at), storetest.NewComment(cid, "x2", "二", at), storetest.NewComment(cid, "x3", "三", at)}
	var batch []*comments.Comment
	for i := range bulkInserts + 200 {
		c := storetest.NewComment(cid, fmt.Sprintf("x%d", 1+i%10), fmt.Sprintf("意见%d", i), at.Add(time.Duration(i%7-3)*time.Minute))
		c.ArticleID = []string{"", "a1", "a2"}[i%3]
		if i%5 == 0 {
			c.Status = comments.Pending
		}
		batch = append(batch, c)
	}
	clone := func(list []*comments.Comment) []*comments.Comment {
		out := make([]*comments.Comment, len(list))
		for i, c := range list {
			cc := *c
			out[i] = &cc
		}
		return out
	}
	setup := func() *DB {
		db := OpenTemp(t)
		s := db.Comments()
		for _, c := range clone(pre) {
			if err := storetest.InsertComment(s, c); err != nil {
				t.Fatal(err)
			}
		}
		d := comments.Disposition{Outcome: comments.NotAdopted, Reason: "不采纳", By: "staff", At: at}
		for _, ch := range []*comments.Change{
			{ForConsultation: cid, Move: &comments.Moved{To: "x1", From: []string{"x2"}}},
			{ForConsultation: cid, DisposeGroup: &comments.GroupDisposed{GroupID: "x1", D: d}},
		} {
			if err := s.Commit(ctx, ch); err != nil {
				t.Fatal(err)
			}
		}
		return db
	}
	bulk, single, streamed := setup(), setup(), setup()
	if err := bulk.Comments().Commit(ctx, &comments.Change{Insert: clone(batch)}); err != nil {
		t.Fatal(err)
	}
	// The same comments as a Stream (a bulk import): the same state.
	if err := streamed.Comments().Commit(ctx, &comments.Change{Stream: func(yield func(*comments.Comment) error) error {
		for _, c := range clone(batch) {
			if err := yield(c); err != nil {
				return err
			}
		}
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range clone(batch) {
		if err := storetest.InsertComment(single.Comments(), c); err != nil {
			t.Fatal(err)
		}
	}
	state := func(db *DB) string {
		s := db.Comments()
		out := map[string]any{}
		for _, c := range batch {
			got, err := s.Comment(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			out["c"+c.ID] = []any{got.GroupID, got.Disposition, got.LeafIndex}
		}
		for i := 1; i <= 10; i++ {
			g, err := s.Group(ctx, cid, fmt.Sprintf("x%d", i))
			if err != nil {
				t.Fatal(err)
			}
			out[g.ID] = g
		}
		for _, st := range []comments.Status{comments.Published, comments.Pending} {
			n, err := s.CountByArticle(ctx, cid, st)
			if err != nil {
				t.Fatal(err)
			}
			out["n"+string(st)] = n
		}
		size, err := s.LogSize(ctx, cid)
		if err != nil {
			t.Fatal(err)
		}
		root, err := tlog.TreeHash(size, tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) { return s.LogHashes(ctx, cid, idx) }))
		if err != nil {
			t.Fatal(err)
		}
		out["log"] = []any{size, root.String()}
		// Every stored hash, not only those the root reads.
		rows, err := db.sql.QueryContext(ctx, "SELECT idx, hash FROM comment_log_hashes WHERE consultation_id = ? ORDER BY idx", cid)
		if err != nil {
			t.Fatal(err)
		}
		var hashes []string
		for rows.Next() {
			var idx int64
			var h []byte
			if err := rows.Scan(&idx, &h); err != nil {
				t.Fatal(err)
			}
			hashes = append(hashes, fmt.Sprintf("%d:%x", idx, h))
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		out["hashes"] = hashes
		b, _ := json.Marshal(out)
		return string(b)
	}
	want := state(single)
	if got := state(bulk); got != want {
		t.Errorf("bulk insert state differs from one by one:\n got %.600s\nwant %.600s", got, want)
	}
	if got := state(streamed); got != want {
		t.Errorf("streamed insert state differs from one by one:\n got %.600s\nwant %.600s", got, want)
	}
	var jobs int
	if err := streamed.sql.QueryRowContext(ctx, "SELECT count(*) FROM search_queue WHERE kind = 'comment' AND consultation_id = ?", cid).Scan(&jobs); err != nil || jobs != len(batch) {
		t.Errorf("streamed insert queued %d search jobs (%v), want %d", jobs, err, len(batch))
	}
	if g, _ := bulk.Comments().Group(ctx, cid, "x2"); g.Count != 0 {
		t.Errorf("merged group x2 took %d members", g.Count)
	}
}

// A streamed insert that fails in the middle — the k-th write of a
// comment row, a log hash, a search job, or the stream itself — stores
// nothing: no comment, group, log leaf or hash, counter or search job.
func TestStreamInsertFailureStoresNothing(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	const cid = "c-stream"
	const n = bulkInserts + 500
	var armed bool
	var prefix string
	var k, seen int
	db := OpenTemp(t, WithFaults(func(op string) error {
		if armed && strings.HasPrefix(op, prefix) {
			if seen++; seen == k {
				return storetest.ErrInjected
			}
		}
		return nil
	}))
	s := db.Comments()
	streamErr := errors.New("row 900 is bad")
	stream := func(failAt int) func(yield func(*comments.Comment) error) error {
		return func(yield func(*comments.Comment) error) error {
			for i := range n {
				if i == failAt {
					return streamErr
				}
				c := storetest.NewComment(cid, fmt.Sprintf("g%d", i%7), fmt.Sprintf("意见%d", i), at)
				if err := yield(c); err != nil {
					return err
				}
			}
			return nil
		}
	}
	count := func(table string) int {
		var v int
		if err := db.sql.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		prefix string
		k      int
		failAt int
		want   error
	}{
		{"INSERT INTO comments ", 1, -1, storetest.ErrInjected},
		{"INSERT INTO comments ", n / 2, -1, storetest.ErrInjected},
		{"INSERT INTO comments ", n, -1, storetest.ErrInjected},
		{"INSERT INTO comment_log_hashes", 1500, -1, storetest.ErrInjected},
		{"INSERT INTO search_queue", n, -1, storetest.ErrInjected},
		{"INSERT INTO comment_logs", 1, -1, storetest.ErrInjected},
		{"none", 0, 900, streamErr},
	} {
		armed, prefix, k, seen = true, tc.prefix, tc.k, 0
		err := s.Commit(ctx, &comments.Change{ForConsultation: cid, Stream: stream(tc.failAt)})
		armed = false
		if !errors.Is(err, tc.want) {
			t.Fatalf("%s #%d: err = %v, want %v", tc.prefix, tc.k, err, tc.want)
		}
		for _, table := range []string{"comments", "comment_groups", "comment_log_leaves", "comment_log_hashes", "comment_logs", "search_queue"} {
			if v := count(table); v != 0 {
				t.Errorf("%s #%d failed, yet %s holds %d rows", tc.prefix, tc.k, table, v)
			}
		}
	}
	if err := s.Commit(ctx, &comments.Change{ForConsultation: cid, Stream: stream(-1)}); err != nil {
		t.Fatal(err)
	}
	if size, err := s.LogSize(ctx, cid); err != nil || size != n {
		t.Errorf("log size = %d, %v; want %d", size, err, n)
	}
}
