package comments_test

import (
	"strings"
	"testing"
	"time"

	"yugongkai/apperr"
	"yugongkai/comments"
	"yugongkai/consultation"
)

// verify runs the offline check of consultation id's record.
func (e *env) verify(t *testing.T, id string) *consultation.Verification {
	t.Helper()
	cur, err := e.cs.Get(ctx, staff, id)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := e.db.Consultations().Events(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	v := consultation.VerifyChain(cur, evs)
	if err := comments.VerifyRecord(ctx, e.db.Consultations(), e.db.Comments(), cur, evs, v); err != nil {
		t.Fatal(err)
	}
	return v
}

// A withdrawal is in the chain: the record verifies, and a withdrawn
// comment put back behind the chain's back is found.
func TestWithdrawalIsInTheRecord(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, false)
	r := e.submit(t, c, resident, sub("建议删除本条。"))
	st, err := e.svc.WithdrawByReceipt(ctx, public, strings.ToLower(r.Code), comments.WithdrawForm{Reason: " 想法变了 "})
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != comments.Withdrawn || st.WithdrawnAt == nil || st.CanWithdraw {
		t.Errorf("receipt after withdrawal: %+v", st)
	}
	if cm := e.comment(t, r.CommentID); cm.Withdrawal == nil || cm.Withdrawal.Reason != "想法变了" || cm.Withdrawal.From != comments.Published {
		t.Errorf("withdrawal record: %+v", cm.Withdrawal)
	}
	if v := e.verify(t, c.ID); !v.OK {
		t.Fatalf("record after a withdrawal: %+v", v.Problems)
	}
	// Put back without an event: the check names it.
	if err := e.db.Comments().Commit(ctx, &comments.Change{ForConsultation: c.ID, Moderate: []comments.Moderated{{ID: r.CommentID,
		From: comments.Withdrawn, To: comments.Published, M: comments.Moderation{Action: comments.Publish, By: "x", At: T0}}}}); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range e.verify(t, c.ID).Problems {
		found = found || (p.What == "withdrawal" && p.ID == r.CommentID)
	}
	if !found {
		t.Error("a withdrawal undone behind the chain's back is not found")
	}
	_, err = e.svc.WithdrawByReceipt(ctx, public, "YGK-not-a-code", comments.WithdrawForm{})
	wantKind(t, "malformed code", err, apperr.NotFound)
}

// Accepted wordings: the rules, and the latest of several for one article
// is applied, the others named as superseded.
func TestAcceptedWordings(t *testing.T) {
	e := newEnv(t)
	c := e.open(t, false)
	arts := e.articles(t, c)
	in := sub("第三条应当写明期限。")
	in.ArticleID, in.SuggestedText = arts[2], "养犬人应当在三十日内依法登记。"
	first := e.submit(t, c, resident, in)
	in.SuggestedText = "养犬人应当在十五日内依法登记。"
	second := e.submit(t, c, resident2, in)
	whole := e.submit(t, c, resident, sub("总体赞成。"))
	e.now = closes.Add(1)
	if _, err := e.cs.Close(ctx, staff, c.ID, consultation.CloseForm{Reason: "结束"}); err != nil && !apperr.Is(err, apperr.Conflict) {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		id   string
		form comments.DispositionForm
	}{
		"more than one article": {first.CommentID, comments.DispositionForm{Outcome: comments.Adopted, AcceptedText: "养犬人应当登记。\n第九条　另有一条。"}},
		"whole-draft comment":   {whole.CommentID, comments.DispositionForm{Outcome: comments.Adopted, Reason: "采纳", AcceptedText: "养犬人应当登记。"}},
		"out of scope":          {first.CommentID, comments.DispositionForm{Outcome: comments.OutOfScope, Reason: "无关", AcceptedText: "养犬人应当登记。"}},
	} {
		_, err := e.svc.Dispose(ctx, staff, tc.id, tc.form)
		if fieldOf(err) != "accepted_text" {
			t.Errorf("%s: err = %v, want an accepted_text error", name, err)
		}
	}
	if _, err := e.svc.Dispose(ctx, staff, first.CommentID, comments.DispositionForm{Outcome: comments.Adopted, AcceptedText: "第三条　养犬人应当在三十日内依法登记。"}); err != nil {
		t.Fatal(err)
	}
	e.now = e.now.Add(time.Second)
	if _, err := e.svc.Dispose(ctx, staff, second.CommentID, comments.DispositionForm{Outcome: comments.PartiallyAdopted, Reason: "期限折中", AcceptedText: "养犬人应当在二十日内依法登记。"}); err != nil {
		t.Fatal(err)
	}
	d, err := e.svc.RevisionDraft(ctx, staff, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Text, "第三条　养犬人应当在二十日内依法登记。") || strings.Contains(d.Text, "三十日") || !strings.Contains(d.Text, "第一条　为了规范养犬行为") {
		t.Errorf("draft text:\n%s", d.Text)
	}
	if len(d.Applied) != 1 || d.Applied[0].ArticleID != arts[2] || len(d.Applied[0].CommentIDs) != 1 || d.Applied[0].CommentIDs[0] != second.CommentID ||
		len(d.Applied[0].Superseded) != 1 || d.Applied[0].Superseded[0] != first.CommentID {
		t.Errorf("applied = %+v, want %s applied over %s", d.Applied, second.CommentID, first.CommentID)
	}
	_, err = e.svc.RevisionDraft(ctx, other, c.ID)
	wantKind(t, "another department", err, apperr.Forbidden)
	if v := e.verify(t, c.ID); !v.OK {
		t.Errorf("record: %+v", v.Problems)
	}
}
