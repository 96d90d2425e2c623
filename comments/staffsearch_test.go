package comments_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/storetest"
)

// TestStaffSearch: who may search; declined comments are found too; the
// scan bound ends a page with a cursor that goes on where it stopped.
func TestStaffSearch(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, true)
	r1 := e.submit(t, c, resident, sub("建议养犬登记免费。"))
	e.submit(t, c, resident, sub("Dog LICENCE should be free"))
	if _, err := e.svc.Moderate(ctx, staff, r1.CommentID, comments.ModerationForm{Action: comments.Decline, Reason: comments.OffTopic}); err != nil {
		t.Fatal(err)
	}

	t.Run("Who", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			who  auth.Principal
			want apperr.Kind // "" for allowed
		}{
			{"department", staff2, ""},
			{"legal", legal, ""},
			{"other department", other, apperr.Forbidden},
			{"admin", admin, apperr.Forbidden},
			{"resident", resident, apperr.Forbidden},
			{"public", public, apperr.Forbidden},
		} {
			_, err := e.svc.StaffSearch(ctx, tc.who, c.ID, comments.StaffSearchQuery{Q: "登记"})
			if (tc.want == "") != (err == nil) || (err != nil && apperr.KindOf(err) != tc.want) {
				t.Errorf("%s: StaffSearch error %v, want kind %q", tc.name, err, tc.want)
			}
		}
		if _, err := e.svc.StaffSearch(ctx, staff, "nope", comments.StaffSearchQuery{Q: "登记"}); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("absent consultation: %v", err)
		}
	})
	t.Run("Match", func(t *testing.T) {
		for _, tc := range []struct {
			q    string
			want int
		}{
			{"登记", 1}, {"登", 1}, {"licence", 1}, {"dog FREE", 1}, {"登记 licence", 0}, {"13912345678", 0}, {"zhang", 0},
		} {
			p, err := e.svc.StaffSearch(ctx, staff, c.ID, comments.StaffSearchQuery{Q: tc.q})
			if err != nil || len(p.Hits) != tc.want || p.Next != "" || p.Scanned != 2 {
				t.Errorf("StaffSearch(%q) = %d hits, next %q, scanned %d, %v; want %d hits, the end", tc.q, len(p.Hits), p.Next, p.Scanned, err, tc.want)
			}
		}
		p, _ := e.svc.StaffSearch(ctx, staff, c.ID, comments.StaffSearchQuery{Q: "登记"})
		if len(p.Hits) == 1 && p.Hits[0].Status != comments.Declined {
			t.Errorf("hit status %q, want declined", p.Hits[0].Status)
		}
	})
	t.Run("ErrQuery", func(t *testing.T) {
		for _, q := range []string{"", "   ", strings.Repeat("长", comments.MaxStaffQuery+1), "a b c d e f g h i"} {
			_, err := e.svc.StaffSearch(ctx, staff, c.ID, comments.StaffSearchQuery{Q: q})
			if apperr.KindOf(err) != apperr.Invalid {
				t.Errorf("StaffSearch(%q) error %v, want Invalid", q, err)
			}
		}
	})
	t.Run("ScanBound", func(t *testing.T) {
		c := e.open(t, true)
		n := comments.StaffSearchScan + 300
		ch := &comments.Change{}
		for i := range n {
			body := fmt.Sprintf("意见%d", i)
			if i == n-1 {
				body = "最后一条：建议公布收费标准。"
			}
			ch.Insert = append(ch.Insert, storetest.NewComment(c.ID, "", body, T0.Add(time.Duration(i)*time.Second)))
		}
		if err := e.db.Comments().Commit(ctx, ch); err != nil {
			t.Fatal(err)
		}
		p, err := e.svc.StaffSearch(ctx, staff, c.ID, comments.StaffSearchQuery{Q: "收费标准"})
		if err != nil || len(p.Hits) != 0 || p.Scanned != comments.StaffSearchScan || p.Next == "" {
			t.Fatalf("first page: %d hits, scanned %d, next %q, %v; want none, the bound, a cursor", len(p.Hits), p.Scanned, p.Next, err)
		}
		p, err = e.svc.StaffSearch(ctx, staff, c.ID, comments.StaffSearchQuery{Q: "收费标准", Cursor: p.Next})
		if err != nil || len(p.Hits) != 1 || p.Scanned != 300 || p.Next != "" {
			t.Fatalf("second page: %d hits, scanned %d, next %q, %v; want the last comment and the end", len(p.Hits), p.Scanned, p.Next, err)
		}
		// A full page inside a batch: the cursor is exactly after its last hit.
		p, err = e.svc.StaffSearch(ctx, staff, c.ID, comments.StaffSearchQuery{Q: "意见", Limit: 7})
		if err != nil || len(p.Hits) != 7 || p.Scanned != 7 || p.Next == "" {
			t.Fatalf("意见 page: %d hits, scanned %d, %v", len(p.Hits), p.Scanned, err)
		}
		q, err := e.svc.StaffSearch(ctx, staff, c.ID, comments.StaffSearchQuery{Q: "意见", Limit: 1, Cursor: p.Next})
		if err != nil || len(q.Hits) != 1 || q.Hits[0].Excerpt != "意见7" {
			t.Fatalf("the page after: %+v, %v; want 意见7", q.Hits, err)
		}
	})
}
