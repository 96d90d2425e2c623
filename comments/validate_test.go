package comments_test

import (
	"time"

	"testing"

	"yugongkai/comments"
	"yugongkai/i18n"
)

// TestReasonRequired: 未予采纳的，应当说明理由, and an adoption that changes
// no article says why, so 采纳 never stands beside 未作修改 unexplained.
func TestReasonRequired(t *testing.T) {
	cases := []struct {
		outcome comments.Outcome
		changed int
		want    string
	}{
		{comments.Adopted, 1, ""},
		{comments.Adopted, 3, ""},
		{comments.Adopted, 0, "comments.adopted_unchanged_reason"},
		{comments.PartiallyAdopted, 1, "comments.reason_required"},
		{comments.PartiallyAdopted, 0, "comments.reason_required"},
		{comments.NotAdopted, 0, "comments.reason_required"},
		{comments.OutOfScope, 0, "comments.reason_required"},
		{"", 0, ""},
	}
	for _, tc := range cases {
		got := comments.ReasonRequired(tc.outcome, tc.changed)
		if got != tc.want {
			t.Errorf("ReasonRequired(%q, %d) = %q, want %q", tc.outcome, tc.changed, got, tc.want)
		}
		if got != "" && !i18n.Has(got) {
			t.Errorf("ReasonRequired(%q, %d): %q is not in the catalogue", tc.outcome, tc.changed, got)
		}
	}
}

// TestDispositionKeepsArticlesOnlyWhenAdopted: an answer that adopts
// nothing names no changed article, whatever the form ticked.
func TestDispositionKeepsArticlesOnlyWhenAdopted(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, false)
	arts := e.articles(t, c)
	r := e.submit(t, c, resident, sub("建议修改第二条。"))
	e.now = closes.Add(24 * time.Hour)
	cases := []struct {
		form comments.DispositionForm
		want int
	}{
		{comments.DispositionForm{Outcome: comments.NotAdopted, Reason: "已有规定", ChangedArticles: arts[:1]}, 0},
		{comments.DispositionForm{Outcome: comments.OutOfScope, Reason: "不属于", ChangedArticles: arts[:2]}, 0},
		{comments.DispositionForm{Outcome: comments.PartiallyAdopted, Reason: "部分", ChangedArticles: arts[:2]}, 2},
		{comments.DispositionForm{Outcome: comments.Adopted, ChangedArticles: arts[:1]}, 1},
	}
	for _, tc := range cases {
		got, err := e.svc.Dispose(ctx, staff, r.CommentID, tc.form)
		if err != nil {
			t.Fatalf("Dispose(%s): %v", tc.form.Outcome, err)
		}
		if n := len(got.Disposition.ChangedArticles); n != tc.want {
			t.Errorf("Dispose(%s with %d articles): %d changed articles kept, want %d", tc.form.Outcome, len(tc.form.ChangedArticles), n, tc.want)
		}
	}
}
