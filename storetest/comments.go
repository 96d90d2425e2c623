package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"yugongkai/apperr"
	"yugongkai/comments"
	"yugongkai/ident"
)

// CommentsOpener returns a fresh, empty comments store for one test;
// cleanup is registered on t.
type CommentsOpener func(t *testing.T) comments.Store

// RunComments runs the comments store contract.
func RunComments(t *testing.T, open CommentsOpener) {
	t.Run("RoundTrip", func(t *testing.T) { testCommentRoundTrip(t, open(t)) })
	t.Run("DuplicateKeys", func(t *testing.T) { testCommentDuplicateKeys(t, open(t)) })
	t.Run("GroupCounts", func(t *testing.T) { testGroupCounts(t, open(t)) })
	t.Run("Moderation", func(t *testing.T) { testCommentModeration(t, open(t)) })
	t.Run("ListPagination", func(t *testing.T) { testCommentPagination(t, open(t)) })
	t.Run("PublicGroups", func(t *testing.T) { testPublicGroups(t, open(t)) })
	t.Run("Dispositions", func(t *testing.T) { testDispositions(t, open(t)) })
	t.Run("MoveToGroup", func(t *testing.T) { testMoveToGroup(t, open(t)) })
	t.Run("Counts", func(t *testing.T) { testCommentCounts(t, open(t)) })
	t.Run("SharedBands", func(t *testing.T) { testSharedBands(t, open(t)) })
	t.Run("GroupTexts", func(t *testing.T) { testGroupTexts(t, open(t)) }) // grouptexts.go
	t.Run("CommentsByUser", func(t *testing.T) { testCommentsByUser(t, open(t)) })
	t.Run("CommentsByContactBulk", func(t *testing.T) { CommentsByContactBulk(t, open(t), 160) }) // lost_receipts.go
	t.Run("CountByStance", func(t *testing.T) { testCountByStance(t, open(t)) })
	t.Run("TransparencyLog", func(t *testing.T) { testCommentLog(t, open(t)) })
	t.Run("Withdrawal", func(t *testing.T) { testWithdrawal(t, open(t)) }) // withdraw.go
	t.Run("SignatoryCounts", func(t *testing.T) { testSignatoryCounts(t, open(t)) })
	t.Run("Keyset", func(t *testing.T) { testKeyset(t, open(t)) })
	t.Run("ReportCounts", func(t *testing.T) { testReportCounts(t, open(t)) }) // reportcounts.go
	t.Run("NearRuns", func(t *testing.T) { testNearRuns(t, open(t)) })         // near.go
	t.Run("NearRunsLarge", func(t *testing.T) { testNearRunsLarge(t, open(t)) })
}

// NewComment returns a stored-shape comment for tests: published, online,
// in group group (defaults to its own).
func NewComment(consultationID, group, body string, at time.Time) *comments.Comment {
	id := ident.ID()
	if group == "" {
		group = "s" + id
	}
	return &comments.Comment{ID: id, ConsultationID: consultationID, Version: 1, Body: body, BodySHA256: "sha-" + body,
		PublicBody: body, CommenterType: comments.Individual, Display: comments.Masked, RealName: "张小祥",
		PublicName: "张*祥", ContactPhone: "13812345678", ContactEmail: "z@example.com", Channel: comments.Online,
		ReceivedAt: at, CreatedAt: at, Receipt: comments.NewReceiptCode(), Status: comments.Published, GroupID: group,
		Bands: []string{"b-" + body}}
}

// The store's one write is Commit; these are the single-operation commits
// the contract exercises, without a consultation (as a bulk load writes).

// InsertComment commits the insert of c without a consultation check (a bulk load).
func InsertComment(s comments.Store, c *comments.Comment) error {
	return s.Commit(ctx, &comments.Change{Insert: []*comments.Comment{c}})
}

// cidOf finds the consultation of comment id ("" if absent).
func cidOf(s comments.Store, id string) string {
	if c, err := s.Comment(ctx, id); err == nil {
		return c.ConsultationID
	}
	return ""
}

func setModeration(s comments.Store, id string, from, to comments.Status, m comments.Moderation) error {
	return s.Commit(ctx, &comments.Change{ForConsultation: cidOf(s, id), Moderate: []comments.Moderated{{ID: id, From: from, To: to, M: m}}})
}

func setDisposition(s comments.Store, id string, d comments.Disposition) error {
	return s.Commit(ctx, &comments.Change{ForConsultation: cidOf(s, id), Dispose: []comments.Disposed{{ID: id, D: d}}})
}

func setGroupDisposition(s comments.Store, cid, gid string, d comments.Disposition) (int, error) {
	if err := s.Commit(ctx, &comments.Change{ForConsultation: cid, DisposeGroup: &comments.GroupDisposed{GroupID: gid, D: d}}); err != nil {
		return 0, err
	}
	g, err := s.Group(ctx, cid, gid)
	if err != nil {
		return 0, err
	}
	return g.Count, nil
}

// moveToGroup commits a move and reports how many comments changed group.
func moveToGroup(s comments.Store, cid, to string, from, ids []string) (int, error) {
	before := map[string]string{}
	all, _, err := s.Comments(ctx, comments.Filter{ConsultationID: cid, Limit: 500})
	if err != nil {
		return 0, err
	}
	for _, c := range all {
		before[c.ID] = c.GroupID
	}
	if err := s.Commit(ctx, &comments.Change{ForConsultation: cid, Move: &comments.Moved{To: to, From: from, IDs: ids}}); err != nil {
		return 0, err
	}
	after, _, err := s.Comments(ctx, comments.Filter{ConsultationID: cid, Limit: 500})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range after {
		if before[c.ID] != c.GroupID {
			n++
		}
	}
	return n, nil
}

func insert(t *testing.T, s comments.Store, cs ...*comments.Comment) {
	t.Helper()
	for _, c := range cs {
		must(t, InsertComment(s, c))
	}
}

func group(t *testing.T, s comments.Store, cid, gid string) *comments.Group {
	t.Helper()
	g, err := s.Group(ctx, cid, gid)
	must(t, err)
	return g
}

func testCommentRoundTrip(t *testing.T, s comments.Store) {
	c := NewComment("c1", "", "第一条应当修改。", T0.Add(1234*time.Millisecond))
	c.ArticleID = "art1"
	c.IdempotencyKey = "k1"
	c.UserID, c.OrganizationName, c.EnteredBy = "u1", "某协会", "staff1"
	c.Status = comments.Pending
	insert(t, s, c)
	got, err := s.Comment(ctx, c.ID)
	must(t, err)
	if !reflect.DeepEqual(got, c) {
		t.Errorf("Comment round trip:\n got %+v\nwant %+v", got, c)
	}
	got, err = s.CommentByReceipt(ctx, c.Receipt)
	must(t, err)
	if got.ID != c.ID {
		t.Errorf("CommentByReceipt = %s, want %s", got.ID, c.ID)
	}
	got, err = s.CommentByIdempotencyKey(ctx, "c1", "k1")
	must(t, err)
	if got.ID != c.ID {
		t.Errorf("CommentByIdempotencyKey = %s, want %s", got.ID, c.ID)
	}
	_, err = s.CommentByIdempotencyKey(ctx, "c2", "k1")
	wantKind(t, "key of another consultation", err, apperr.NotFound)
	_, err = s.Comment(ctx, "missing")
	wantKind(t, "missing comment", err, apperr.NotFound)
	_, err = s.CommentByReceipt(ctx, "YGK-0000-0000-0000")
	wantKind(t, "missing receipt", err, apperr.NotFound)

	// A whole-draft comment without optional fields round-trips too.
	w := NewComment("c1", "", "总体赞成。", T0)
	w.Bands, w.ContactPhone, w.ContactEmail = nil, "", ""
	insert(t, s, w)
	got, err = s.Comment(ctx, w.ID)
	must(t, err)
	if !reflect.DeepEqual(got, w) {
		t.Errorf("minimal Comment round trip:\n got %+v\nwant %+v", got, w)
	}
	list, err := s.CommentsByID(ctx, []string{c.ID, w.ID, "missing"})
	must(t, err)
	if len(list) != 2 {
		t.Errorf("CommentsByID = %d comments, want 2", len(list))
	}
	if list, err := s.CommentsByID(ctx, nil); err != nil || len(list) != 0 {
		t.Errorf("CommentsByID(nil) = %v, %v", list, err)
	}
}

func testCommentDuplicateKeys(t *testing.T, s comments.Store) {
	a := NewComment("c1", "", "一", T0)
	a.IdempotencyKey = "same"
	insert(t, s, a)
	b := NewComment("c1", "", "二", T0)
	b.IdempotencyKey = "same"
	err := InsertComment(s, b)
	wantKind(t, "duplicate idempotency key", err, apperr.Conflict)
	if !errors.Is(err, comments.ErrDuplicateKey) {
		t.Errorf("duplicate idempotency key: err = %v, want ErrDuplicateKey", err)
	}
	if _, err := s.Comment(ctx, b.ID); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("refused comment was stored: %v", err)
	}
	if _, err := s.Group(ctx, "c1", b.GroupID); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("refused comment created its group: %v", err)
	}
	other := NewComment("c2", "", "二", T0)
	other.IdempotencyKey = "same"
	must(t, InsertComment(s, other))
	// Comments without a key never collide.
	insert(t, s, NewComment("c1", "", "三", T0), NewComment("c1", "", "四", T0))
	r := NewComment("c1", "", "五", T0)
	r.Receipt = a.Receipt
	err = InsertComment(s, r)
	if !apperr.Is(err, apperr.Conflict) || !errors.Is(err, comments.ErrDuplicateKey) {
		t.Errorf("duplicate receipt: err = %v, want Conflict with ErrDuplicateKey", err)
	}
	n, err := s.CountComments(ctx, comments.CountFilter{ConsultationID: "c1"})
	must(t, err)
	if n != 3 {
		t.Errorf("CountComments after refusals = %d, want 3", n)
	}
}

func testGroupCounts(t *testing.T, s comments.Store) {
	a := NewComment("c1", "xg", "同一意见", T0.Add(2*time.Second))
	a.Status = comments.Pending
	b := NewComment("c1", "xg", "同一意见", T0.Add(time.Second)) // received earlier, stored later
	c := NewComment("c1", "xg", "同一意见", T0.Add(3*time.Second))
	c.ArticleID = "other"
	insert(t, s, a, b, c, NewComment("c2", "xg", "同一意见", T0))
	g := group(t, s, "c1", "xg")
	want := comments.Group{ConsultationID: "c1", ID: "xg", Count: 3, PublishedCount: 2, FirstID: a.ID, FirstAt: b.ReceivedAt}
	if g.ConsultationID != want.ConsultationID || g.ID != want.ID || g.Count != want.Count || g.PublishedCount != want.PublishedCount ||
		g.FirstID != want.FirstID || !g.FirstAt.Equal(want.FirstAt) {
		t.Errorf("Group = %+v, want %+v", g, want)
	}
	if g.RepID != b.ID && g.RepID != c.ID {
		t.Errorf("Group.RepID = %q, want a published member (%s or %s)", g.RepID, b.ID, c.ID)
	}
	if !reflect.DeepEqual(g.Bands, a.Bands) {
		t.Errorf("Group.Bands = %v, want the first member's %v", g.Bands, a.Bands)
	}
	if other := group(t, s, "c2", "xg"); other.Count != 1 {
		t.Errorf("same group id in another consultation: Count = %d, want 1", other.Count)
	}
	_, err := s.Group(ctx, "c1", "nope")
	wantKind(t, "missing group", err, apperr.NotFound)
}

func testCommentModeration(t *testing.T, s comments.Store) {
	a := NewComment("c1", "xg", "同一意见", T0)
	b := NewComment("c1", "xg", "同一意见", T0.Add(time.Second))
	a.Status, b.Status = comments.Pending, comments.Pending
	insert(t, s, a, b)
	if g := group(t, s, "c1", "xg"); g.PublishedCount != 0 || g.RepID != "" {
		t.Fatalf("before moderation: %+v, want no published member", g)
	}
	m := comments.Moderation{Action: comments.Publish, By: "staff1", At: T0.Add(time.Hour)}
	must(t, setModeration(s, a.ID, comments.Pending, comments.Published, m))
	got, _ := s.Comment(ctx, a.ID)
	if got.Status != comments.Published || !reflect.DeepEqual(got.Moderation, &m) {
		t.Errorf("after publish: status %s moderation %+v", got.Status, got.Moderation)
	}
	if g := group(t, s, "c1", "xg"); g.PublishedCount != 1 || g.RepID != a.ID {
		t.Errorf("after publish: PublishedCount %d RepID %q, want 1 %q", g.PublishedCount, g.RepID, a.ID)
	}
	err := setModeration(s, a.ID, comments.Pending, comments.Declined, m)
	wantKind(t, "stale status", err, apperr.Conflict)
	wantKind(t, "missing comment", setModeration(s, "missing", comments.Pending, comments.Published, m), apperr.NotFound)
	must(t, setModeration(s, b.ID, comments.Pending, comments.Published, m))
	d := comments.Moderation{Action: comments.Decline, Reason: comments.Spam, Note: "广告", By: "staff1", At: T0.Add(2 * time.Hour)}
	must(t, setModeration(s, a.ID, comments.Published, comments.Declined, d))
	if g := group(t, s, "c1", "xg"); g.PublishedCount != 1 || g.RepID != b.ID {
		t.Errorf("after declining the representative: PublishedCount %d RepID %q, want 1 %q", g.PublishedCount, g.RepID, b.ID)
	}
	must(t, setModeration(s, b.ID, comments.Published, comments.Declined, d))
	if g := group(t, s, "c1", "xg"); g.PublishedCount != 0 || g.RepID != "" || g.Count != 2 {
		t.Errorf("after declining all: %+v, want Count 2, nothing published", g)
	}
	got, _ = s.Comment(ctx, b.ID)
	if got.Status != comments.Declined || got.Moderation.Reason != comments.Spam || got.Moderation.Note != "广告" {
		t.Errorf("declined comment = %+v", got)
	}
}

func bodies(list []*comments.Comment) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.Body
	}
	return out
}

func testCommentPagination(t *testing.T, s comments.Store) {
	var want []string
	for i := 0; i < 23; i++ {
		// Several share a time, so the order must break ties by id.
		c := NewComment("c1", "", fmt.Sprintf("b%02d", i), T0.Add(time.Duration(i/4)*time.Second))
		if i%3 == 0 {
			c.Status = comments.Pending
		}
		if i%5 == 0 {
			c.ArticleID = "a1"
		}
		insert(t, s, c)
	}
	insert(t, s, NewComment("c2", "", "elsewhere", T0))
	all, next, err := s.Comments(ctx, comments.Filter{ConsultationID: "c1", Limit: 100})
	must(t, err)
	if len(all) != 23 || next != "" {
		t.Fatalf("Comments(all) = %d, next %q; want 23 and no next page", len(all), next)
	}
	for i := 1; i < len(all); i++ {
		a, b := all[i-1], all[i]
		if a.ReceivedAt.After(b.ReceivedAt) || (a.ReceivedAt.Equal(b.ReceivedAt) && a.ID >= b.ID) {
			t.Fatalf("Comments not in (ReceivedAt, ID) order at %d", i)
		}
	}
	want = bodies(all)
	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		page, next, err := s.Comments(ctx, comments.Filter{ConsultationID: "c1", Limit: 5, Cursor: cursor})
		must(t, err)
		if len(page) > 5 {
			t.Fatalf("page of %d, limit 5", len(page))
		}
		got = append(got, bodies(page)...)
		if next == "" {
			break
		}
		cursor = next
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("paged = %v\nwant   %v", got, want)
	}
	a1, whole := "a1", ""
	cases := []struct {
		name string
		f    comments.Filter
		want int
	}{
		{"pending", comments.Filter{Status: comments.Pending}, 8},
		{"published", comments.Filter{Status: comments.Published}, 15},
		{"declined", comments.Filter{Status: comments.Declined}, 0},
		{"article", comments.Filter{ArticleID: &a1}, 5},
		{"whole draft", comments.Filter{ArticleID: &whole}, 18},
		{"pending on article", comments.Filter{Status: comments.Pending, ArticleID: &a1}, 2},
	}
	for _, tc := range cases {
		tc.f.ConsultationID, tc.f.Limit = "c1", 100
		list, _, err := s.Comments(ctx, tc.f)
		must(t, err)
		if len(list) != tc.want {
			t.Errorf("%s: Comments = %d, want %d", tc.name, len(list), tc.want)
		}
	}
	_, _, err = s.Comments(ctx, comments.Filter{ConsultationID: "c1", Limit: 5, Cursor: "%%garbage"})
	if err == nil || apperr.KindOf(err) == apperr.Internal {
		t.Errorf("garbage cursor: err = %v, want a client error", err)
	}
}

func testPublicGroups(t *testing.T, s comments.Store) {
	var want []string
	for i := 0; i < 13; i++ {
		gid := fmt.Sprintf("x%02d", i)
		at := T0.Add(time.Duration(i/3) * time.Second)
		members := 1 + i%3
		for m := 0; m < members; m++ {
			c := NewComment("c1", gid, "text "+gid, at.Add(time.Duration(m)*time.Millisecond))
			if i%4 == 0 {
				c.Status = comments.Pending // no published member: not listed
			}
			if i%2 == 1 {
				c.ArticleID = "a1"
			}
			insert(t, s, c)
		}
		if i%4 != 0 {
			want = append(want, gid)
		}
	}
	var got []string
	var all []*comments.Group
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		page, next, err := s.PublicGroups(ctx, comments.GroupFilter{ConsultationID: "c1", Limit: 4, Cursor: cursor})
		must(t, err)
		if len(page) > 4 {
			t.Fatalf("page of %d, limit 4", len(page))
		}
		for _, g := range page {
			got = append(got, g.ID)
			all = append(all, g)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	sort.Strings(want) // within a second the ids decide; across seconds so do they here
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("PublicGroups = %v\nwant %v", got, want)
	}
	for _, g := range all {
		if g.RepID == "" || g.PublishedCount == 0 || g.Count != g.PublishedCount {
			t.Errorf("group %s: %+v", g.ID, g)
		}
	}
	a1 := "a1"
	page, _, err := s.PublicGroups(ctx, comments.GroupFilter{ConsultationID: "c1", ArticleID: &a1, Limit: 100})
	must(t, err)
	if len(page) != 6 {
		t.Errorf("PublicGroups(article a1) = %d groups, want 6", len(page))
	}
	_, _, err = s.PublicGroups(ctx, comments.GroupFilter{ConsultationID: "c1", Limit: 4, Cursor: "%%garbage"})
	if err == nil || apperr.KindOf(err) == apperr.Internal {
		t.Errorf("garbage cursor: err = %v, want a client error", err)
	}
}

func testDispositions(t *testing.T, s comments.Store) {
	a := NewComment("c1", "xg", "同一意见", T0)
	b := NewComment("c1", "xg", "同一意见", T0)
	lone := NewComment("c1", "", "另一意见", T0)
	insert(t, s, a, b, lone)
	d1 := comments.Disposition{Outcome: comments.NotAdopted, Reason: "于法无据", By: "staff1", At: T0.Add(time.Hour)}
	must(t, setDisposition(s, lone.ID, d1))
	d2 := comments.Disposition{Outcome: comments.PartiallyAdopted, Reason: "部分", ChangedArticles: []string{"a1", "a2"}, By: "staff2", At: T0.Add(2 * time.Hour)}
	must(t, setDisposition(s, lone.ID, d2))
	got, _ := s.Comment(ctx, lone.ID)
	if !reflect.DeepEqual(got.Disposition, &d2) || !reflect.DeepEqual(got.Dispositions, []comments.Disposition{d1, d2}) {
		t.Errorf("after two dispositions: current %+v, log %+v", got.Disposition, got.Dispositions)
	}
	wantKind(t, "missing comment", setDisposition(s, "missing", d1), apperr.NotFound)

	gd := comments.Disposition{Outcome: comments.Adopted, GroupID: "xg", By: "staff1", At: T0.Add(3 * time.Hour)}
	n, err := setGroupDisposition(s, "c1", "xg", gd)
	must(t, err)
	if n != 2 {
		t.Errorf("SetGroupDisposition = %d, want 2", n)
	}
	for _, id := range []string{a.ID, b.ID} {
		got, _ := s.Comment(ctx, id)
		if !reflect.DeepEqual(got.Disposition, &gd) || len(got.Dispositions) != 1 {
			t.Errorf("member %s: disposition %+v log %d", id, got.Disposition, len(got.Dispositions))
		}
	}
	if g := group(t, s, "c1", "xg"); !reflect.DeepEqual(g.Disposition, &gd) {
		t.Errorf("Group.Disposition = %+v, want %+v", g.Disposition, gd)
	}
	if got, _ := s.Comment(ctx, lone.ID); !reflect.DeepEqual(got.Disposition, &d2) {
		t.Errorf("group disposition touched another group: %+v", got.Disposition)
	}
	_, err = setGroupDisposition(s, "c1", "missing", gd)
	wantKind(t, "missing group", err, apperr.NotFound)
}

func testMoveToGroup(t *testing.T, s comments.Store) {
	a1 := NewComment("c1", "xa", "甲", T0.Add(2*time.Second))
	a2 := NewComment("c1", "xa", "甲", T0.Add(3*time.Second))
	b1 := NewComment("c1", "xb", "乙", T0.Add(time.Second))
	b2 := NewComment("c1", "xb", "乙", T0.Add(4*time.Second))
	b2.Status = comments.Pending
	c1 := NewComment("c1", "xc", "丙", T0)
	insert(t, s, a1, a2, b1, b2, c1)
	gd := comments.Disposition{Outcome: comments.NotAdopted, Reason: "理由", GroupID: "xa", By: "staff1", At: T0.Add(time.Hour)}
	_, err := setGroupDisposition(s, "c1", "xa", gd)
	must(t, err)

	n, err := moveToGroup(s, "c1", "xa", []string{"xb", "xc"}, nil)
	must(t, err)
	if n != 3 {
		t.Errorf("MoveToGroup(merge) = %d, want 3", n)
	}
	g := group(t, s, "c1", "xa")
	if g.Count != 5 || g.PublishedCount != 4 || !g.FirstAt.Equal(c1.ReceivedAt) || g.RepID == "" {
		t.Errorf("merged group = %+v, want Count 5, PublishedCount 4, FirstAt %v", g, c1.ReceivedAt)
	}
	for _, id := range []string{"xb", "xc"} {
		if g := group(t, s, "c1", id); g.Count != 0 || g.PublishedCount != 0 {
			t.Errorf("emptied group %s = %+v, want counts 0", id, g)
		}
	}
	page, _, err := s.PublicGroups(ctx, comments.GroupFilter{ConsultationID: "c1", Limit: 10})
	must(t, err)
	if len(page) != 1 || page[0].ID != "xa" {
		t.Errorf("PublicGroups after merge = %v, want only xa", page)
	}
	for _, id := range []string{b1.ID, b2.ID, c1.ID} {
		got, _ := s.Comment(ctx, id)
		if got.GroupID != "xa" || got.Disposition == nil || got.Disposition.Outcome != comments.NotAdopted || len(got.Dispositions) != 1 {
			t.Errorf("moved comment %s: group %s disposition %+v", id, got.GroupID, got.Disposition)
		}
	}

	// A comment identical to a merged group joins the group it was merged into.
	late := NewComment("c1", "xb", "乙", T0.Add(5*time.Second))
	insert(t, s, late)
	if late.GroupID != "xa" {
		t.Errorf("comment for merged group xb: GroupID = %q, want xa", late.GroupID)
	}
	if g := group(t, s, "c1", "xa"); g.Count != 6 {
		t.Errorf("merged group after a late member: Count = %d, want 6", g.Count)
	}
	if g := group(t, s, "c1", "xb"); g.MergedInto != "xa" {
		t.Errorf("merged group xb: MergedInto = %q, want xa", g.MergedInto)
	}

	// Split one out into its own group.
	n, err = moveToGroup(s, "c1", "s"+b1.ID, nil, []string{b1.ID})
	must(t, err)
	if n != 1 {
		t.Errorf("MoveToGroup(split) = %d, want 1", n)
	}
	own := group(t, s, "c1", "s"+b1.ID)
	if own.Count != 1 || own.PublishedCount != 1 || own.FirstID != b1.ID || own.RepID != b1.ID || !own.FirstAt.Equal(b1.ReceivedAt) || own.Disposition != nil {
		t.Errorf("split group = %+v", own)
	}
	if got, _ := s.Comment(ctx, b1.ID); got.Disposition == nil {
		t.Error("split comment lost its disposition")
	}
	if g := group(t, s, "c1", "xa"); g.Count != 5 || g.PublishedCount != 4 {
		t.Errorf("group after split = %+v, want Count 5, PublishedCount 4", g)
	}
}

func testCommentCounts(t *testing.T, s comments.Store) {
	mk := func(status comments.Status, ch comments.Channel, article string, outcome comments.Outcome) {
		c := NewComment("c1", "", "x", T0)
		c.Status, c.Channel, c.ArticleID = status, ch, article
		insert(t, s, c)
		if outcome != "" {
			must(t, setDisposition(s, c.ID, comments.Disposition{Outcome: outcome, Reason: "r", By: "s", At: T0}))
		}
	}
	mk(comments.Published, comments.Online, "", comments.Adopted)
	mk(comments.Published, comments.Online, "a1", comments.NotAdopted)
	mk(comments.Declined, comments.Online, "a1", comments.NotAdopted)
	mk(comments.Pending, comments.Letter, "a2", "")
	mk(comments.Published, comments.Hearing, "", "")
	insert(t, s, NewComment("c2", "", "x", T0))
	a1, whole := "a1", ""
	cases := []struct {
		name string
		f    comments.CountFilter
		want int
	}{
		{"all", comments.CountFilter{}, 5},
		{"published", comments.CountFilter{Status: comments.Published}, 3},
		{"declined", comments.CountFilter{Status: comments.Declined}, 1},
		{"online", comments.CountFilter{Channel: comments.Online}, 3},
		{"letter", comments.CountFilter{Channel: comments.Letter}, 1},
		{"article a1", comments.CountFilter{ArticleID: &a1}, 2},
		{"whole draft", comments.CountFilter{ArticleID: &whole}, 2},
		{"not adopted", comments.CountFilter{Outcome: comments.NotAdopted}, 2},
		{"adopted", comments.CountFilter{Outcome: comments.Adopted}, 1},
		{"undisposed", comments.CountFilter{Undisposed: true}, 2},
		{"declined not adopted", comments.CountFilter{Status: comments.Declined, Outcome: comments.NotAdopted}, 1},
	}
	for _, tc := range cases {
		tc.f.ConsultationID = "c1"
		got, err := s.CountComments(ctx, tc.f)
		must(t, err)
		if got != tc.want {
			t.Errorf("CountComments(%s) = %d, want %d", tc.name, got, tc.want)
		}
	}
	byArticle := []struct {
		status comments.Status
		want   map[string]int
	}{
		{"", map[string]int{"": 2, "a1": 2, "a2": 1}},
		{comments.Published, map[string]int{"": 2, "a1": 1}},
		{comments.Declined, map[string]int{"a1": 1}},
	}
	for _, tc := range byArticle {
		got, err := s.CountByArticle(ctx, "c1", tc.status)
		must(t, err)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("CountByArticle(%q) = %v, want %v", tc.status, got, tc.want)
		}
	}
	outcomes := []struct {
		status comments.Status
		in     []comments.Outcome
		want   int
	}{
		{"", []comments.Outcome{comments.Adopted, comments.PartiallyAdopted}, 1},
		{"", []comments.Outcome{comments.NotAdopted}, 2},
		{comments.Published, []comments.Outcome{comments.NotAdopted}, 1},
		{"", nil, 5},
	}
	for _, tc := range outcomes {
		list, _, err := s.Comments(ctx, comments.Filter{ConsultationID: "c1", Status: tc.status, Outcomes: tc.in, Limit: 50})
		must(t, err)
		if len(list) != tc.want {
			t.Errorf("Comments(status %q, outcomes %v) = %d, want %d", tc.status, tc.in, len(list), tc.want)
		}
		for _, c := range list {
			if len(tc.in) > 0 && (c.Disposition == nil || !slices.Contains(tc.in, c.Disposition.Outcome)) {
				t.Errorf("Comments(outcomes %v) returned %+v", tc.in, c.Disposition)
			}
		}
	}
	// Moderation moves a comment between the counters.
	pending := NewComment("c1", "", "待审", T0)
	pending.ArticleID, pending.Status = "a3", comments.Pending
	insert(t, s, pending)
	must(t, setModeration(s, pending.ID, comments.Pending, comments.Published, comments.Moderation{Action: comments.Publish, By: "s", At: T0}))
	got, err := s.CountByArticle(ctx, "c1", comments.Published)
	must(t, err)
	if got["a3"] != 1 {
		t.Errorf("after publishing: CountByArticle(published)[a3] = %d, want 1", got["a3"])
	}
	got, err = s.CountByArticle(ctx, "c1", comments.Pending)
	must(t, err)
	if got["a3"] != 0 || got["a2"] != 1 {
		t.Errorf("after publishing: CountByArticle(pending) = %v, want only a2: 1", got)
	}
}

func testSharedBands(t *testing.T, s comments.Store) {
	mk := func(gid string, bands ...string) {
		c := NewComment("c1", gid, gid, T0)
		c.Bands = bands
		insert(t, s, c)
	}
	mk("g1", "k1", "k2")
	mk("g1", "k1", "k2") // a second member does not make a pair with its own group
	mk("g2", "k2", "k3")
	mk("g3", "k3")
	mk("g4", "k9")
	other := NewComment("c2", "g5", "x", T0)
	other.Bands = []string{"k1"}
	insert(t, s, other)
	sets, err := s.SharedBands(ctx, "c1")
	must(t, err)
	seen := map[string]bool{}
	var got []string
	for _, set := range sets {
		if k := fmt.Sprint(set); !seen[k] {
			seen[k] = true
			got = append(got, k)
		}
	}
	sort.Strings(got)
	want := []string{"[g1 g2]", "[g2 g3]"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("SharedBands = %v, want %v", got, want)
	}
}

// testCommentsByUser: an account's comments, newest first, across
// consultations; others' and anonymous ones are not among them.
func testCommentsByUser(t *testing.T, s comments.Store) {
	at := T0
	var want []string
	for i, cid := range []string{"c1", "c2", "c1"} {
		c := NewComment(cid, "", fmt.Sprintf("我的第%d条意见", i), at.Add(time.Duration(i)*time.Hour))
		c.UserID = "u-mine"
		must(t, InsertComment(s, c))
		want = append([]string{c.ID}, want...)
	}
	other := NewComment("c1", "", "别人的意见", at.Add(30*time.Minute))
	other.UserID = "u-other"
	must(t, InsertComment(s, other))
	must(t, InsertComment(s, NewComment("c1", "", "匿名意见", at.Add(40*time.Minute))))
	got, err := s.CommentsByUser(ctx, "u-mine", 10)
	must(t, err)
	var ids []string
	for _, c := range got {
		ids = append(ids, c.ID)
	}
	if fmt.Sprint(ids) != fmt.Sprint(want) {
		t.Errorf("CommentsByUser = %v, want %v (newest first, own only)", ids, want)
	}
	if got, _ := s.CommentsByUser(ctx, "u-mine", 2); len(got) != 2 {
		t.Errorf("CommentsByUser with limit 2: %d", len(got))
	}
	if got, _ := s.CommentsByUser(ctx, "u-nobody", 10); len(got) != 0 {
		t.Errorf("CommentsByUser of an account without comments: %d", len(got))
	}
}

// testCountByStance: published comments with a stance, by article and
// stance; pending ones and those without a stance do not count.
func testCountByStance(t *testing.T, s comments.Store) {
	at := T0
	add := func(article string, st comments.Stance, status comments.Status) {
		c := NewComment("c1", "", fmt.Sprintf("意见%d", at.UnixNano()), at)
		at = at.Add(time.Second)
		c.ArticleID, c.Stance, c.Status = article, st, status
		must(t, InsertComment(s, c))
	}
	add("", comments.Support, comments.Published)
	add("", comments.Support, comments.Published)
	add("", comments.Oppose, comments.Published)
	add("a1", comments.Oppose, comments.Published)
	add("a1", comments.Neutral, comments.Published)
	add("a1", comments.Support, comments.Pending) // not published
	add("a1", "", comments.Published)             // no stance
	other := NewComment("c2", "", "别处", at)
	other.Stance = comments.Support
	must(t, InsertComment(s, other))
	got, err := s.CountByStance(ctx, "c1")
	must(t, err)
	want := map[string]comments.StanceCounts{"": {comments.Support: 2, comments.Oppose: 1}, "a1": {comments.Oppose: 1, comments.Neutral: 1}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("CountByStance = %v, want %v", got, want)
	}
}
