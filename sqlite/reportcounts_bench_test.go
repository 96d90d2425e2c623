package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"yugongkai/comments"
	"yugongkai/storetest"
)

// BenchmarkReportCountTriggers is what the report counters' triggers
// (0027_report_counts) cost the write path: submissions committed one per
// transaction (as a single submit does), then published one per
// transaction (a moderation), then 500 per transaction (the bulk path),
// with the triggers and, as the baseline in the same run, with the
// triggers dropped. Since 0029 new comments are counted by the writer, not
// by a trigger, so "insert" and "bulk" measure that counting against a
// baseline that does it too (compare a commit before 0029 for the
// trigger's cost). ns/op is per comment:
//
//	go test ./sqlite -run '^$' -bench ReportCountTriggers -benchtime 5000x
func BenchmarkReportCountTriggers(b *testing.B) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		drop bool
	}{{"triggers", false}, {"baseline-no-triggers", true}} {
		for _, op := range []string{"insert", "moderate", "bulk"} {
			b.Run(tc.name+"/"+op, func(b *testing.B) {
				db := OpenTemp(b, WithBulkLoad())
				if tc.drop {
					err := db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
						for _, t := range []string{"comments_report_insert", "comments_report_update", "comments_report_delete"} {
							if _, err := tx.ExecContext(ctx, "DROP TRIGGER IF EXISTS "+t); err != nil {
								return err
							}
						}
						return nil
					})
					if err != nil {
						b.Fatal(err)
					}
				}
				at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
				ids := make([]string, b.N)
				insert := func(i int) {
					c := storetest.NewComment("c1", "", fmt.Sprintf("意见%d", i), at.Add(time.Duration(i)*time.Second))
					c.ArticleID, c.Status = fmt.Sprintf("a%d", i%10), comments.Pending
					ids[i] = c.ID
					if err := db.Comments().Commit(ctx, &comments.Change{Insert: []*comments.Comment{c}}); err != nil {
						b.Fatal(err)
					}
				}
				if op == "moderate" {
					for i := range b.N {
						insert(i)
					}
				}
				b.ResetTimer()
				if op == "bulk" {
					ch := &comments.Change{}
					for i := range b.N {
						c := storetest.NewComment("c1", "", fmt.Sprintf("意见%d", i), at.Add(time.Duration(i)*time.Second))
						c.ArticleID = fmt.Sprintf("a%d", i%10)
						if ch.Insert = append(ch.Insert, c); len(ch.Insert) == 500 || i == b.N-1 {
							if err := db.Comments().Commit(ctx, ch); err != nil {
								b.Fatal(err)
							}
							ch = &comments.Change{}
						}
					}
					return
				}
				for i := range b.N {
					if op == "insert" {
						insert(i)
						continue
					}
					ch := &comments.Change{ForConsultation: "c1", Moderate: []comments.Moderated{{ID: ids[i], From: comments.Pending,
						To: comments.Published, M: comments.Moderation{By: "u1", At: at}}}}
					if err := db.Comments().Commit(ctx, ch); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
