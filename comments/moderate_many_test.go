package comments_test

import (
	"testing"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/comments"
)

// TestModerateMany: one action on a page of the queue commits once, with
// one moderation and one history event per comment.
func TestModerateMany(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, true)
	var ids []string
	for _, body := range []string{"第一条意见。", "第二条意见。", "第三条意见。", "第四条意见。"} {
		ids = append(ids, e.submit(t, c, resident, sub(body)).CommentID)
	}
	c2 := e.open(t, true)
	foreign := e.submit(t, c2, resident, sub("另一项目的意见。")).CommentID
	before, err := e.db.Consultations().Events(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		actor auth.Principal
		ids   []string
		form  comments.ModerationForm
		kind  apperr.Kind
		field string
	}{
		{"ErrNoneSelected", staff, nil, comments.ModerationForm{Action: comments.Publish}, apperr.Invalid, "ids"},
		{"ErrDeclineWithoutReason", staff, ids[:2], comments.ModerationForm{Action: comments.Decline}, apperr.Invalid, "reason"},
		{"ErrForeignComment", staff, []string{ids[0], foreign}, comments.ModerationForm{Action: comments.Publish}, apperr.NotFound, ""},
		{"ErrOtherDepartment", other, ids[:1], comments.ModerationForm{Action: comments.Publish}, apperr.Forbidden, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.ModerateMany(ctx, tc.actor, c.ID, tc.ids, tc.form)
			wantKind(t, "ModerateMany", err, tc.kind)
			if tc.field != "" && fieldOf(err) != tc.field {
				t.Errorf("fields = %q, want %s", fieldOf(err), tc.field)
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		n, err := e.svc.ModerateMany(ctx, staff, c.ID, []string{ids[0], ids[1], ids[2], ids[0]}, comments.ModerationForm{Action: comments.Publish})
		if err != nil || n != 3 {
			t.Fatalf("ModerateMany = %d, %v; want 3", n, err)
		}
		n, err = e.svc.ModerateMany(ctx, staff, c.ID, []string{ids[1], ids[3]}, comments.ModerationForm{Action: comments.Decline, Reason: comments.Spam, Note: "广告"})
		if err != nil || n != 2 {
			t.Fatalf("decline = %d, %v; want 2", n, err)
		}
		want := map[string]comments.Status{ids[0]: comments.Published, ids[1]: comments.Declined, ids[2]: comments.Published, ids[3]: comments.Declined}
		for id, st := range want {
			if got := e.comment(t, id); got.Status != st {
				t.Errorf("comment %s status %s, want %s", id, got.Status, st)
			}
		}
		// Again: nothing changes, nothing is written.
		if n, err := e.svc.ModerateMany(ctx, staff, c.ID, ids[:1], comments.ModerationForm{Action: comments.Publish}); err != nil || n != 0 {
			t.Errorf("publishing a published comment again = %d, %v", n, err)
		}
		after, err := e.db.Consultations().Events(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		moderated := 0
		for _, ev := range after[len(before):] {
			if ev.Type == "comment.moderated" {
				moderated++
			}
		}
		if moderated != 5 {
			t.Errorf("%d comment.moderated events, want 5 (one per comment changed)", moderated)
		}
		if g := e.comment(t, foreign); g.Status != comments.Pending {
			t.Errorf("the other consultation's comment became %s", g.Status)
		}
	})
}
