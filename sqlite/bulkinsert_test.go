package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
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
	bulk, single := setup(), setup()
	if err := bulk.Comments().Commit(ctx, &comments.Change{Insert: clone(batch)}); err != nil {
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
		b, _ := json.Marshal(out)
		return string(b)
	}
	if got, want := state(bulk), state(single); got != want {
		t.Errorf("bulk insert state differs from one by one:\n got %.600s\nwant %.600s", got, want)
	}
	if g, _ := bulk.Comments().Group(ctx, cid, "x2"); g.Count != 0 {
		t.Errorf("merged group x2 took %d members", g.Count)
	}
}
