package storetest

import (
	"reflect"
	"testing"
	"time"

	"yugongkai/apperr"
	"yugongkai/comments"
)

func withdraw(s comments.Store, id string, from comments.Status, w comments.Withdrawal) error {
	return s.Commit(ctx, &comments.Change{ForConsultation: cidOf(s, id), Withdraw: []comments.WithdrawnComment{{ID: id, From: from, W: w}}})
}

// A withdrawn comment keeps its record with status withdrawn, leaves its
// group for one of its own (the group's counts and representative stay
// right), leaves the published counters and no longer takes its old
// group's answer. The suggested and accepted wordings round-trip.
func testWithdrawal(t *testing.T, s comments.Store) {
	a := NewComment("c1", "xg", "同一意见", T0)
	a.ArticleID, a.SuggestedText, a.PublicSuggestedText = "a1", "建议改为十五日", "建议改为十五日"
	b := NewComment("c1", "xg", "同一意见", T0.Add(time.Second))
	b.ArticleID = "a1"
	c := NewComment("c1", "xg", "同一意见", T0.Add(2*time.Second))
	c.ArticleID, c.Status = "a1", comments.Pending
	insert(t, s, a, b, c)
	if g := group(t, s, "c1", "xg"); g.Count != 3 || g.PublishedCount != 2 || g.RepID != a.ID {
		t.Fatalf("before: %+v, want 3 members, 2 published, representative %s", g, a.ID)
	}
	w := comments.Withdrawal{From: comments.Published, Reason: "想法变了", UserID: "u1", At: T0.Add(time.Hour)}
	must(t, withdraw(s, a.ID, comments.Published, w))
	got, err := s.Comment(ctx, a.ID)
	must(t, err)
	if got.Status != comments.Withdrawn || !reflect.DeepEqual(got.Withdrawal, &w) || got.GroupID != comments.WithdrawnGroupPrefix+a.ID {
		t.Errorf("withdrawn comment: status %s withdrawal %+v group %s", got.Status, got.Withdrawal, got.GroupID)
	}
	if got.SuggestedText != a.SuggestedText || got.PublicSuggestedText != a.PublicSuggestedText || got.Body != a.Body || got.Receipt != a.Receipt {
		t.Errorf("withdrawn comment lost its record: %+v", got)
	}
	if g := group(t, s, "c1", "xg"); g.Count != 2 || g.PublishedCount != 1 || g.RepID != b.ID {
		t.Errorf("group left: %+v, want 2 members, 1 published, representative %s", g, b.ID)
	}
	if g := group(t, s, "c1", comments.WithdrawnGroupPrefix+a.ID); g.Count != 1 || g.PublishedCount != 0 || g.RepID != "" {
		t.Errorf("own group: %+v, want 1 member, none published", g)
	}
	page, _, err := s.PublicGroups(ctx, comments.GroupFilter{ConsultationID: "c1", Limit: 10})
	must(t, err)
	if len(page) != 1 || page[0].ID != "xg" {
		t.Errorf("PublicGroups = %+v, want only xg", page)
	}
	for _, tc := range []struct {
		status comments.Status
		want   int
	}{{comments.Published, 1}, {comments.Withdrawn, 1}, {comments.Pending, 1}, {"", 3}} {
		n, err := s.CountComments(ctx, comments.CountFilter{ConsultationID: "c1", Status: tc.status})
		must(t, err)
		if n != tc.want {
			t.Errorf("CountComments(status %q) = %d, want %d", tc.status, n, tc.want)
		}
		byArticle, err := s.CountByArticle(ctx, "c1", tc.status)
		must(t, err)
		if byArticle["a1"] != tc.want {
			t.Errorf("CountByArticle(status %q)[a1] = %d, want %d", tc.status, byArticle["a1"], tc.want)
		}
	}
	wantKind(t, "withdrawn again", withdraw(s, a.ID, comments.Published, w), apperr.Conflict)
	wantKind(t, "stale status", withdraw(s, c.ID, comments.Published, w), apperr.Conflict)
	wantKind(t, "missing comment", s.Commit(ctx, &comments.Change{ForConsultation: "c1",
		Withdraw: []comments.WithdrawnComment{{ID: "missing", From: comments.Published, W: w}}}), apperr.NotFound)
	w.From = comments.Pending
	must(t, withdraw(s, c.ID, comments.Pending, w))
	if g := group(t, s, "c1", "xg"); g.Count != 1 || g.PublishedCount != 1 || g.RepID != b.ID {
		t.Errorf("group after the second withdrawal: %+v", g)
	}
	d := comments.Disposition{Outcome: comments.Adopted, ChangedArticles: []string{"a1"}, AcceptedText: "期限为十五日。", By: "s", At: T0.Add(2 * time.Hour)}
	n, err := setGroupDisposition(s, "c1", "xg", d)
	must(t, err)
	if n != 1 {
		t.Errorf("group answered holds %d comments, want 1", n)
	}
	if got, _ := s.Comment(ctx, a.ID); got.Disposition != nil {
		t.Errorf("a withdrawn comment took its old group's answer: %+v", got.Disposition)
	}
	if got, _ := s.Comment(ctx, b.ID); got.Disposition == nil || got.Disposition.AcceptedText != d.AcceptedText {
		t.Errorf("accepted wording not kept: %+v", got.Disposition)
	}
}
