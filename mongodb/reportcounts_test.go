package mongodb_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"yugongkai/comments"
	"yugongkai/mongodb"
	"yugongkai/mongodb/mongotest"
	"yugongkai/storetest"
)

// TestReportCountsBackfill: a consultation whose comments were stored
// before the report counters (no counters document) is counted from its
// comments when read, and its next commit writes the counters complete,
// not just what that commit moved.
func TestReportCountsBackfill(t *testing.T) {
	ctx := context.Background()
	for _, target := range mongotest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			db := mongotest.OpenURI(t, target.URI)
			s := db.Comments()
			at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
			var list []*comments.Comment
			for i := range 6 {
				c := storetest.NewComment("c1", "", fmt.Sprintf("意见%d", i), at.Add(time.Duration(i)*time.Second))
				switch i {
				case 1:
					c.Status, c.ArticleID = comments.Pending, "a1"
				case 2:
					c.Signatories, c.Stance = 40, comments.Oppose
				case 3:
					c.Disposition = &comments.Disposition{Outcome: comments.Adopted, By: "u1", At: at}
					c.Dispositions = []comments.Disposition{*c.Disposition}
				case 4:
					c.Status = comments.Withdrawn
					c.Withdrawal = &comments.Withdrawal{From: comments.Published, Reason: "撤回", UserID: "u1", At: at}
				}
				list = append(list, c)
			}
			if err := s.Commit(ctx, &comments.Change{Insert: list}); err != nil {
				t.Fatal(err)
			}
			check := func(what string) {
				t.Helper()
				all, _, err := s.Comments(ctx, comments.Filter{ConsultationID: "c1", Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				want := comments.ReportCounts{}
				for _, c := range all {
					want.Add(c, 1)
				}
				got, err := s.ReportCounts(ctx, "c1")
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want.Prune()) {
					t.Errorf("%s: ReportCounts = %v,\nrecount %v", what, got, want)
				}
			}
			check("kept")
			mongodb.DropReportCounts(t, db, "c1")
			check("without a counters document")
			ch := &comments.Change{ForConsultation: "c1", Moderate: []comments.Moderated{{ID: list[1].ID, From: comments.Pending,
				To: comments.Published, M: comments.Moderation{By: "u1", At: at}}}}
			if err := s.Commit(ctx, ch); err != nil {
				t.Fatal(err)
			}
			check("after the first commit")
		})
	}
}
