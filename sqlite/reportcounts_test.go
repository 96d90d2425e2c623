package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"yugongkai/comments"
	"yugongkai/storetest"
)

// TestReportCountsBackfill stores comments of every kind the counters
// tell apart with the counters gone, as a database from before
// 0027_report_counts holds them, then runs that migration again: the
// counters it backfills from the rows equal a recount by the definition
// (comments.ReportCounts.Add), and the triggers it creates (and the writer's
// counting of inserts, 0029) keep them right from there.
func TestReportCountsBackfill(t *testing.T) {
	ctx := context.Background()
	db := OpenTemp(t)
	exec := func(stmts ...string) {
		t.Helper()
		err := db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
			for _, s := range stmts {
				if _, err := tx.ExecContext(ctx, s); err != nil {
					return fmt.Errorf("%.60s: %w", s, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	var list []*comments.Comment
	for i, cid := range []string{"c1", "c1", "c1", "c1", "c1", "c1", "c2", "c2"} {
		c := storetest.NewComment(cid, "", fmt.Sprintf("意见%d", i), at.Add(time.Duration(i)*time.Second))
		switch i {
		case 1:
			c.Status, c.ArticleID, c.Channel = comments.Pending, "a1", comments.Letter
		case 2:
			c.Signatories, c.CommenterType, c.Stance = 312, comments.Organization, comments.Oppose
		case 3:
			c.Disposition = &comments.Disposition{Outcome: comments.NotAdopted, Reason: "理由", By: "u1", At: at}
			c.Dispositions = []comments.Disposition{*c.Disposition}
			c.Stance, c.ArticleID = comments.Support, "a:2"
		case 4:
			c.Status = comments.Declined
		case 5:
			c.Status, c.Signatories = comments.Withdrawn, 5
			c.Withdrawal = &comments.Withdrawal{From: comments.Published, Reason: "撤回", UserID: "u1", At: at}
		case 7:
			c.CommenterType = ""
		}
		list = append(list, c)
	}
	if err := db.Comments().Commit(ctx, &comments.Change{Insert: list}); err != nil {
		t.Fatal(err)
	}
	// The database as it was before 0027: no counters, no triggers.
	exec("DROP TRIGGER comments_report_update", "DROP TRIGGER comments_report_delete",
		"DROP VIEW comment_report_keys", "DROP TABLE report_counts")
	for _, name := range []string{"0027_report_counts", "0029_report_counts_in_batch"} {
		m, err := migrationFiles.ReadFile("migrations/" + name + ".sql")
		if err != nil {
			t.Fatal(err)
		}
		exec(string(m))
	}
	check := func(what string) {
		t.Helper()
		for _, cid := range []string{"c1", "c2"} {
			checkRecount(t, db, what, cid)
		}
	}
	check("backfilled")
	ch := &comments.Change{ForConsultation: "c1", Moderate: []comments.Moderated{{ID: list[1].ID, From: comments.Pending, To: comments.Published,
		M: comments.Moderation{By: "u1", At: at}}}}
	if err := db.Comments().Commit(ctx, ch); err != nil {
		t.Fatal(err)
	}
	check("after a moderation")
	// Comments inserted since: counted by the writer (0029), in a batch of
	// several writes and in one write alone.
	more := []*comments.Comment{
		storetest.NewComment("c1", "", "又一条", at.Add(time.Hour)),
		storetest.NewComment("c2", "", "再一条", at.Add(time.Hour)),
	}
	more[1].Signatories, more[1].CommenterType = 40, comments.Organization
	if err := db.Comments().Commit(ctx, &comments.Change{Insert: more}); err != nil {
		t.Fatal(err)
	}
	check("after inserts")
}

// TestReportCountsOfABatch: the counters of comments inserted by writes
// that share one group commit are the sum of the writes that succeeded; a
// write rolled back to its savepoint (here a duplicate comment id) counts
// nothing.
func TestReportCountsOfABatch(t *testing.T) {
	ctx := context.Background()
	db := OpenTemp(t)
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	first := storetest.NewComment("c1", "", "第一条", at)
	if err := db.Comments().Commit(ctx, &comments.Change{Insert: []*comments.Comment{first}}); err != nil {
		t.Fatal(err)
	}
	release := holdWriter(t, db)
	list := []*comments.Comment{
		storetest.NewComment("c1", "", "甲", at.Add(time.Second)),
		storetest.NewComment("c1", "", "乙", at.Add(2*time.Second)),
		storetest.NewComment("c1", "", "丙", at.Add(3*time.Second)),
		storetest.NewComment("c2", "", "丁", at.Add(4*time.Second)),
	}
	list[1].ID = first.ID // fails: a comment with this id is stored
	list[2].Signatories, list[2].CommenterType = 25, comments.Organization
	errs := make([]error, len(list))
	var wg sync.WaitGroup
	for i, c := range list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.Comments().Commit(ctx, &comments.Change{Insert: []*comments.Comment{c}})
		}()
		waitQueued(t, db, i+1)
	}
	b0, _ := db.WriteStats()
	release()
	wg.Wait()
	if b1, _ := db.WriteStats(); b1-b0 != 1 {
		t.Fatalf("the %d writes took %d batches, want 1", len(list), b1-b0)
	}
	for i, err := range errs {
		if (err != nil) != (i == 1) {
			t.Errorf("write %d: %v", i, err)
		}
	}
	for _, cid := range []string{"c1", "c2"} {
		checkRecount(t, db, "one batch", cid)
	}
}

// checkRecount checks the stored counters of consultation cid against a
// recount of its comments by the definition (comments.ReportCounts.Add).
func checkRecount(t *testing.T, db *DB, what, cid string) {
	t.Helper()
	want := comments.ReportCounts{}
	all, _, err := db.Comments().Comments(t.Context(), comments.Filter{ConsultationID: cid, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		want.Add(c, 1)
	}
	got, err := db.Comments().ReportCounts(t.Context(), cid)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want.Prune()) {
		t.Errorf("%s: ReportCounts(%s) = %v,\nrecount %v", what, cid, got, want)
	}
}
