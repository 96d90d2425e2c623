package storetest

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"yugongkai/comments"
)

// recountReport counts the report counters of a consultation from its
// comments, as the definition (comments.ReportCounts.Add) says.
func recountReport(t *testing.T, s comments.Store, cid string) comments.ReportCounts {
	t.Helper()
	want := comments.ReportCounts{}
	for f := (comments.Filter{ConsultationID: cid, Limit: 500}); ; {
		page, next, err := s.Comments(ctx, f)
		must(t, err)
		for _, c := range page {
			want.Add(c, 1)
		}
		if next == "" || len(page) == 0 {
			return want.Prune()
		}
		f.Cursor = next
	}
}

// checkReportCounts fails t unless the store's report counters of cid
// equal a recount from its comments and give the figures the count
// queries give.
func checkReportCounts(t *testing.T, s comments.Store, cid, what string) {
	t.Helper()
	got, err := s.ReportCounts(ctx, cid)
	must(t, err)
	want := recountReport(t, s, cid)
	if !reflect.DeepEqual(got.Prune(), want) {
		t.Fatalf("%s: ReportCounts = %v,\nrecount %v", what, got, want)
	}
	// The same figures as the count queries the report ran before.
	for _, st := range []comments.Status{comments.Pending, comments.Published, comments.Declined} {
		n, err := s.CountComments(ctx, comments.CountFilter{ConsultationID: cid, Status: st, Signatories: true})
		must(t, err)
		if got[comments.KeyStatus(st)] != n {
			t.Fatalf("%s: counter of status %s = %d, CountComments %d", what, st, got[comments.KeyStatus(st)], n)
		}
	}
	stances, err := s.CountByStance(ctx, cid)
	must(t, err)
	if g := got.Stances(); !reflect.DeepEqual(g, stances) {
		t.Fatalf("%s: stance counters %v, CountByStance %v", what, g, stances)
	}
	cats, err := s.CountByCategory(ctx, cid)
	must(t, err)
	if g := got.Categories(); !reflect.DeepEqual(g, cats) {
		t.Fatalf("%s: category counters %v, CountByCategory %v", what, g, cats)
	}
}

// testReportCounts runs a random sequence of commands — submissions (some
// petitions with signatories, some joining a group that has an answer),
// moderation, dispositions of comments and of groups, grouping and
// withdrawals — on two consultations and checks after each that the
// report counters equal a recount from the comments.
func testReportCounts(t *testing.T, s comments.Store) {
	rng := rand.New(rand.NewPCG(10, 2))
	cids := []string{"c1", "c2"}
	articles := []string{"", "a1", "a2", "a:3"}
	groups := []string{"xg1", "xg2", "xg3"}
	var ids []string
	at := T0
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	outcome := func() comments.Disposition {
		o := comments.Outcomes[rng.IntN(len(comments.Outcomes))]
		return comments.Disposition{Outcome: o, Reason: "理由", By: "u1", At: at}
	}
	for step := 0; step < 160; step++ {
		at = at.Add(time.Second)
		cid := pick(cids)
		var what string
		var err error
		switch op := rng.IntN(10); {
		case op < 4 || len(ids) == 0:
			group := ""
			if rng.IntN(2) == 0 {
				group = pick(groups)
			}
			c := NewComment(cid, group, fmt.Sprintf("意见%d", step), at)
			c.ArticleID = pick(articles)
			c.Status = []comments.Status{comments.Published, comments.Pending, comments.Declined}[rng.IntN(3)]
			c.Channel = comments.Channels[rng.IntN(len(comments.Channels))]
			c.CommenterType = comments.Categories[rng.IntN(len(comments.Categories))].Type
			if rng.IntN(3) == 0 {
				c.Stance = comments.Stances[rng.IntN(len(comments.Stances))]
			}
			if rng.IntN(4) == 0 {
				c.Signatories = 2 + rng.IntN(300)
			}
			what, err = fmt.Sprintf("step %d: insert %s", step, c.ID), InsertComment(s, c)
			ids = append(ids, c.ID)
		default:
			id := pick(ids)
			c, gerr := s.Comment(ctx, id)
			must(t, gerr)
			cid = c.ConsultationID
			switch {
			case c.Status == comments.Withdrawn:
				continue
			case op == 4 || op == 5:
				to := []comments.Status{comments.Published, comments.Declined}[rng.IntN(2)]
				if to == c.Status {
					continue
				}
				what = fmt.Sprintf("step %d: moderate %s %s→%s", step, id, c.Status, to)
				err = setModeration(s, id, c.Status, to, comments.Moderation{By: "u1", At: at})
			case op == 6:
				what, err = fmt.Sprintf("step %d: dispose %s", step, id), setDisposition(s, id, outcome())
			case op == 7:
				what = fmt.Sprintf("step %d: dispose group %s", step, c.GroupID)
				_, err = setGroupDisposition(s, cid, c.GroupID, outcome())
			case op == 8:
				to := pick(groups)
				what = fmt.Sprintf("step %d: move %s to %s", step, id, to)
				if rng.IntN(2) == 0 {
					_, err = moveToGroup(s, cid, to, []string{c.GroupID}, nil)
				} else {
					_, err = moveToGroup(s, cid, to, nil, []string{id})
				}
			default:
				what = fmt.Sprintf("step %d: withdraw %s", step, id)
				err = withdraw(s, id, c.Status, comments.Withdrawal{From: c.Status, Reason: "撤回", UserID: "u1", At: at})
			}
		}
		must(t, err)
		checkReportCounts(t, s, cid, what)
	}
	for _, cid := range cids {
		n, err := s.ReportCounts(ctx, cid)
		must(t, err)
		if n[comments.KeyPeople] == 0 || n[comments.KeyStatus(comments.Withdrawn)] == 0 || n[comments.KeyOutcome(comments.Adopted)] == 0 {
			t.Errorf("%s: the sequence missed a case: %v", cid, n)
		}
	}
}
