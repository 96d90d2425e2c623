// Package storetest is the contract every store must meet. The embedded
// SQLite store and the MongoDB store both run Run from their own tests, so
// the two cannot drift apart.
package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"testing"
	"time"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/history"
	"yugongkai/ident"
	"yugongkai/lawtext"
)

// Stores is what a store package provides.
type Stores struct {
	Auth          auth.Store
	Consultations consultation.Store
}

// Opener returns fresh, empty stores for one test; cleanup is registered on t.
type Opener func(t *testing.T) Stores

// Run runs the whole contract.
func Run(t *testing.T, open Opener) {
	t.Run("Departments", func(t *testing.T) { testDepartments(t, open(t)) })
	t.Run("Users", func(t *testing.T) { testUsers(t, open(t)) })
	t.Run("EnsureAdminRace", func(t *testing.T) { testEnsureAdminRace(t, open(t)) })
	t.Run("ConsultationRoundTrip", func(t *testing.T) { testConsultationRoundTrip(t, open(t)) })
	t.Run("UpdateIsCompareAndSwap", func(t *testing.T) { testUpdateCAS(t, open(t)) })
	t.Run("Versions", func(t *testing.T) { testVersions(t, open(t)) })
	t.Run("ListFilters", func(t *testing.T) { testListFilters(t, open(t)) })
	t.Run("ListPagination", func(t *testing.T) { testListPagination(t, open(t)) })
	t.Run("Events", func(t *testing.T) { testEvents(t, open(t)) })
	t.Run("Settings", func(t *testing.T) { testSettings(t, open(t)) })
	t.Run("DocumentNumber", func(t *testing.T) { testDocumentNumber(t, open(t)) })
}

var ctx = context.Background()

// T0 is the fixed clock origin of the contract tests.
var T0 = time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantKind(t *testing.T, what string, err error, k apperr.Kind) {
	t.Helper()
	if !apperr.Is(err, k) {
		t.Fatalf("%s: err = %v, want kind %s", what, err, k)
	}
}

// The store's one write is Commit; these are the single-step commits the
// contract exercises.

// Create commits the insert of c with its first version v (may be nil).
func Create(s consultation.Store, c *consultation.Consultation, v *consultation.Version) error {
	ch := &consultation.Change{Consultation: c, Write: consultation.Insert}
	if v != nil {
		ch.NewVersions = []*consultation.Version{v}
	}
	return s.Commit(ctx, ch)
}

// Update commits c (CAS on its Rev) with events.
func Update(s consultation.Store, c *consultation.Consultation, events ...history.Event) error {
	return s.Commit(ctx, &consultation.Change{Consultation: c, Events: events})
}

// current reads the consultation of v, for a commit that only checks it.
func current(s consultation.Store, v *consultation.Version) *consultation.Consultation {
	c, err := s.Consultation(ctx, v.ConsultationID)
	if err != nil {
		return &consultation.Consultation{ID: v.ConsultationID}
	}
	return c
}

// PutVersion commits the insert of v, checking its consultation.
func PutVersion(s consultation.Store, v *consultation.Version) error {
	return s.Commit(ctx, &consultation.Change{Consultation: current(s, v), Write: consultation.CheckRev, NewVersions: []*consultation.Version{v}})
}

// ReplaceVersion commits v over a version that is not frozen.
func ReplaceVersion(s consultation.Store, v *consultation.Version) error {
	return s.Commit(ctx, &consultation.Change{Consultation: current(s, v), Write: consultation.CheckRev, ReplaceVersion: v})
}

func testDepartments(t *testing.T, s Stores) {
	d := &auth.Department{ID: ident.ID(), Name: "县农业农村局", CreatedAt: T0}
	must(t, s.Auth.CreateDepartment(ctx, d))
	got, err := s.Auth.Department(ctx, d.ID)
	must(t, err)
	if !reflect.DeepEqual(got, d) {
		t.Errorf("Department = %+v, want %+v", got, d)
	}
	wantKind(t, "duplicate name", s.Auth.CreateDepartment(ctx, &auth.Department{ID: ident.ID(), Name: d.Name, CreatedAt: T0}), apperr.Conflict)
	_, err = s.Auth.Department(ctx, "nope")
	wantKind(t, "missing department", err, apperr.NotFound)
	must(t, s.Auth.CreateDepartment(ctx, &auth.Department{ID: ident.ID(), Name: "县公安局", CreatedAt: T0}))
	list, err := s.Auth.Departments(ctx)
	must(t, err)
	if len(list) != 2 {
		t.Fatalf("Departments() = %d, want 2", len(list))
	}
	must(t, s.Auth.RenameDepartment(ctx, &auth.Department{ID: d.ID, Name: "县农业农村局（畜牧兽医局）"}))
	if got, _ := s.Auth.Department(ctx, d.ID); got == nil || got.Name != "县农业农村局（畜牧兽医局）" {
		t.Errorf("after RenameDepartment: %+v", got)
	}
	wantKind(t, "rename to a taken name", s.Auth.RenameDepartment(ctx, &auth.Department{ID: d.ID, Name: "县公安局"}), apperr.Conflict)
	wantKind(t, "rename missing", s.Auth.RenameDepartment(ctx, &auth.Department{ID: "nope", Name: "x"}), apperr.NotFound)
}

func testUsers(t *testing.T, s Stores) {
	u := &auth.User{ID: ident.ID(), Username: "zhang", PasswordHash: "$argon2id$x", Role: auth.Staff,
		DepartmentID: "d1", Phone: "13812345678", Email: "z@example.com", CreatedAt: T0}
	must(t, s.Auth.CreateUser(ctx, u))
	got, err := s.Auth.UserByName(ctx, "zhang")
	must(t, err)
	if !reflect.DeepEqual(got, u) {
		t.Errorf("UserByName = %+v, want %+v", got, u)
	}
	wantKind(t, "duplicate username", s.Auth.CreateUser(ctx, &auth.User{ID: ident.ID(), Username: "zhang", Role: auth.Resident, CreatedAt: T0}), apperr.Conflict)
	u.TokenVersion = 3
	u.PasswordHash = "$argon2id$y"
	u.Disabled, u.MustChangePassword = true, true
	must(t, s.Auth.UpdateUser(ctx, u))
	got, err = s.Auth.User(ctx, u.ID)
	must(t, err)
	if !reflect.DeepEqual(got, u) {
		t.Errorf("after UpdateUser: %+v, want %+v", got, u)
	}
	wantKind(t, "update missing", s.Auth.UpdateUser(ctx, &auth.User{ID: "missing", Username: "x"}), apperr.NotFound)
	_, err = s.Auth.UserByName(ctx, "nobody")
	wantKind(t, "missing user", err, apperr.NotFound)
	n, err := s.Auth.CountUsers(ctx)
	must(t, err)
	if n != 1 {
		t.Errorf("CountUsers = %d, want 1", n)
	}
	users, err := s.Auth.Users(ctx)
	must(t, err)
	if len(users) != 1 || users[0].Username != "zhang" {
		t.Errorf("Users = %v", users)
	}
}

// testEnsureAdminRace starts two services on one store at once, as two
// instances starting together on MongoDB do: both start, one made the
// account.
func testEnsureAdminRace(t *testing.T, s Stores) {
	created := make(chan bool, 2)
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			ok, err := auth.NewService(s.Auth).EnsureAdmin(ctx, "race-admin-password")
			created <- ok
			errs <- err
		}()
	}
	n := 0
	for range 2 {
		if <-created {
			n++
		}
		if err := <-errs; err != nil {
			t.Errorf("EnsureAdmin racing another: %v", err)
		}
	}
	if n != 1 {
		t.Errorf("EnsureAdmin created the admin %d times, want once", n)
	}
	if users, err := s.Auth.Users(ctx); err != nil || len(users) != 1 {
		t.Errorf("Users = %v, %v; want the one admin", users, err)
	}
}

// NewConsultation returns a consultation and its first version for tests.
func NewConsultation(t testing.TB, dept string, created time.Time) (*consultation.Consultation, *consultation.Version) {
	t.Helper()
	doc, err := lawtext.Parse("某县养犬管理办法\n\n第一章　总则\n\n第一条　为了规范养犬行为，制定本办法。\n第二条　本办法适用于本县城区。\n养犬人应当遵守下列规定：\n（一）依法登记；\n（二）文明养犬。\n")
	if err != nil {
		t.Fatal(err)
	}
	for i := range doc.Blocks {
		if a := doc.Blocks[i].Article; a != nil {
			a.ID = ident.Short()
		}
	}
	c := &consultation.Consultation{ID: ident.ID(), DepartmentID: dept, Title: "某县养犬管理办法（征求意见稿）",
		ProcedureType: consultation.NormativeDocument, Explanation: "起草说明", LegalBasis: "《动物防疫法》",
		Contact:  consultation.Contact{Department: "县公安局", Phone: "0571-88888888", Email: "a@b.cn", Address: "某路1号"},
		Channels: consultation.Channels{Online: true, Email: "yj@b.cn"}, AllowAnonymous: true, Moderation: true,
		State: consultation.Draft, CurrentVersion: 1, ArticleCount: 2, CreatedBy: "u1", CreatedAt: created, UpdatedAt: created}
	v := &consultation.Version{ConsultationID: c.ID, Number: 1, Kind: consultation.ConsultationDraft, Title: doc.Title,
		Text: lawtext.Render(doc), SHA256: "abc", AuthorID: "u1", CreatedAt: created, Document: doc}
	return c, v
}

func testConsultationRoundTrip(t *testing.T, s Stores) {
	c, v := NewConsultation(t, "d1", T0)
	must(t, Create(s.Consultations, c, v))
	got, err := s.Consultations.Consultation(ctx, c.ID)
	must(t, err)
	if !reflect.DeepEqual(got, c) {
		t.Errorf("Consultation round trip:\n got %+v\nwant %+v", got, c)
	}
	gv, err := s.Consultations.Version(ctx, c.ID, 1)
	must(t, err)
	if !reflect.DeepEqual(gv, v) {
		t.Errorf("Version round trip:\n got %+v\nwant %+v", gv, v)
	}
	wantKind(t, "duplicate id", Create(s.Consultations, c, nil), apperr.Conflict)
	_, err = s.Consultations.Consultation(ctx, "missing")
	wantKind(t, "missing consultation", err, apperr.NotFound)

	// Optional fields survive a round trip.
	opens, closes := T0.Add(time.Hour), T0.Add(31*24*time.Hour)
	c.State, c.OpensAt, c.ClosesAt, c.PublishedAt = consultation.Open, &opens, &closes, &opens
	c.Extensions = []consultation.Extension{{PreviousClosesAt: closes, ClosesAt: closes.Add(time.Hour), Reason: "延期", At: T0, By: "u1"}}
	c.ClosedEarly = &consultation.Closure{At: T0, Reason: "提前", By: "u1"}
	c.Review = &consultation.Review{SubmittedAt: T0, SubmittedBy: "u1", Version: 2, DueOn: "2026-12-10", Rounds: 1}
	c.Final = &consultation.Final{DocumentNumber: "某政发〔2026〕12号", AdoptedOn: "2026-12-20", EffectiveOn: "2027-02-01", PublishedAt: T0, FinalizedBy: "u2", Version: 3}
	must(t, Update(s.Consultations, c))
	got, err = s.Consultations.Consultation(ctx, c.ID)
	must(t, err)
	if !reflect.DeepEqual(got, c) {
		t.Errorf("Consultation round trip with optional fields:\n got %+v\nwant %+v", got, c)
	}
	if err := s.Consultations.Ping(ctx); err != nil {
		t.Errorf("Ping = %v", err)
	}
}

func testUpdateCAS(t *testing.T, s Stores) {
	c, v := NewConsultation(t, "d1", T0)
	must(t, Create(s.Consultations, c, v))
	a, _ := s.Consultations.Consultation(ctx, c.ID)
	b, _ := s.Consultations.Consultation(ctx, c.ID)
	a.Title = "A"
	must(t, Update(s.Consultations, a))
	if a.Rev != c.Rev+1 {
		t.Errorf("Rev after update = %d, want %d", a.Rev, c.Rev+1)
	}
	b.Title = "B"
	err := Update(s.Consultations, b)
	wantKind(t, "stale update", err, apperr.Conflict)
	got, _ := s.Consultations.Consultation(ctx, c.ID)
	if got.Title != "A" {
		t.Errorf("Title after stale update = %q, want A", got.Title)
	}
	missing := *c
	missing.ID = "missing"
	wantKind(t, "update missing", Update(s.Consultations, &missing), apperr.NotFound)
}

func testVersions(t *testing.T, s Stores) {
	c, v := NewConsultation(t, "d1", T0)
	must(t, Create(s.Consultations, c, v))
	v.Text = "第一条　改了。\n"
	must(t, ReplaceVersion(s.Consultations, v))
	got, _ := s.Consultations.Version(ctx, c.ID, 1)
	if got.Text != v.Text {
		t.Errorf("ReplaceVersion did not replace: %q", got.Text)
	}
	v.Frozen = true
	must(t, ReplaceVersion(s.Consultations, v))
	v.Text = "第一条　又改了。\n"
	wantKind(t, "replace frozen", ReplaceVersion(s.Consultations, v), apperr.Conflict)
	got, _ = s.Consultations.Version(ctx, c.ID, 1)
	if got.Text != "第一条　改了。\n" {
		t.Errorf("frozen version changed to %q", got.Text)
	}
	v2 := *v
	v2.Number, v2.Kind, v2.Frozen = 2, consultation.Revision, true
	v2.DeletedIDs = []string{"gone1"}
	v2.SplitFrom = map[string]string{"n1": "o1"}
	must(t, PutVersion(s.Consultations, &v2))
	wantKind(t, "duplicate version", PutVersion(s.Consultations, &v2), apperr.Conflict)
	list, err := s.Consultations.Versions(ctx, c.ID)
	must(t, err)
	if len(list) != 2 || list[0].Number != 1 || list[1].Number != 2 {
		t.Fatalf("Versions = %v, want numbers 1,2", list)
	}
	if !reflect.DeepEqual(list[1], &v2) {
		t.Errorf("Versions()[1] = %+v, want %+v", list[1], &v2)
	}
	_, err = s.Consultations.Version(ctx, c.ID, 9)
	wantKind(t, "missing version", err, apperr.NotFound)
	wantKind(t, "replace missing", ReplaceVersion(s.Consultations, &consultation.Version{ConsultationID: c.ID, Number: 7}), apperr.NotFound)
}

func ids(list []*consultation.Consultation) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.Title
	}
	return out
}

func testListFilters(t *testing.T, s Stores) {
	now := T0.Add(10 * 24 * time.Hour)
	past, future := now.Add(-time.Hour), now.Add(time.Hour)
	mk := func(title, dept string, st consultation.State, pt consultation.ProcedureType, closes *time.Time, age int) {
		c, v := NewConsultation(t, dept, T0.Add(time.Duration(age)*time.Minute))
		c.Title, c.State, c.ProcedureType, c.ClosesAt = title, st, pt, closes
		if st != consultation.Draft {
			c.PublishedAt = &T0
		}
		must(t, Create(s.Consultations, c, v))
	}
	mk("draftA", "A", consultation.Draft, consultation.Rule, nil, 1)
	mk("draftB", "B", consultation.Draft, consultation.Rule, nil, 2)
	mk("openA", "A", consultation.Open, consultation.MajorDecision, &future, 3)
	mk("expiredB", "B", consultation.Open, consultation.Rule, &past, 4)
	mk("closedA", "A", consultation.Closed, consultation.NormativeDocument, &past, 5)
	mk("publishedB", "B", consultation.Published, consultation.Rule, &past, 6)

	cases := []struct {
		name string
		f    consultation.ListFilter
		want []string
	}{
		{"all, newest first", consultation.ListFilter{}, []string{"publishedB", "closedA", "expiredB", "openA", "draftB", "draftA"}},
		{"public", consultation.ListFilter{PublicOnly: true}, []string{"publishedB", "closedA", "expiredB", "openA"}},
		{"public plus own drafts", consultation.ListFilter{PublicOnly: true, VisibleDepartment: "A"}, []string{"publishedB", "closedA", "expiredB", "openA", "draftA"}},
		{"open is effective", consultation.ListFilter{Status: consultation.Open}, []string{"openA"}},
		{"closed includes expired", consultation.ListFilter{Status: consultation.Closed}, []string{"closedA", "expiredB"}},
		{"department", consultation.ListFilter{DepartmentID: "B"}, []string{"publishedB", "expiredB", "draftB"}},
		{"type", consultation.ListFilter{ProcedureType: consultation.Rule}, []string{"publishedB", "expiredB", "draftB", "draftA"}},
		{"draft status public", consultation.ListFilter{Status: consultation.Draft, PublicOnly: true}, nil},
	}
	for _, tc := range cases {
		tc.f.Now, tc.f.Limit = now, 50
		got, next, err := s.Consultations.Consultations(ctx, tc.f)
		must(t, err)
		if g := ids(got); fmt.Sprint(g) != fmt.Sprint(tc.want) && !(len(g) == 0 && len(tc.want) == 0) {
			t.Errorf("%s: Consultations = %v, want %v", tc.name, g, tc.want)
		}
		if next != "" {
			t.Errorf("%s: next cursor = %q, want none", tc.name, next)
		}
	}
}

func testListPagination(t *testing.T, s Stores) {
	var want []string
	for i := 0; i < 25; i++ {
		// Several share a creation time, so the order must break ties by id.
		c, v := NewConsultation(t, "A", T0.Add(time.Duration(i/3)*time.Minute))
		c.Title = fmt.Sprintf("c%02d", i)
		must(t, Create(s.Consultations, c, v))
	}
	all, _, err := s.Consultations.Consultations(ctx, consultation.ListFilter{Limit: 100, Now: T0})
	must(t, err)
	want = ids(all)
	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		page, next, err := s.Consultations.Consultations(ctx, consultation.ListFilter{Limit: 7, Cursor: cursor, Now: T0})
		must(t, err)
		if len(page) > 7 {
			t.Fatalf("page of %d, limit 7", len(page))
		}
		got = append(got, ids(page)...)
		if next == "" {
			break
		}
		cursor = next
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || len(want) != 25 {
		t.Errorf("paged = %v\nwant   %v", got, want)
	}
	_, _, err = s.Consultations.Consultations(ctx, consultation.ListFilter{Limit: 7, Cursor: "%%garbage", Now: T0})
	if err == nil || apperr.KindOf(err) == apperr.Internal {
		t.Errorf("garbage cursor: err = %v, want a client error", err)
	}
}

func testEvents(t *testing.T, s Stores) {
	c, v := NewConsultation(t, "d1", T0)
	must(t, Create(s.Consultations, c, v))
	var prev *history.Event
	var chain []history.Event
	for i := 0; i < 3; i++ {
		payload, _ := history.Canonical(map[string]any{"i": i, "理由": "测试"})
		e, err := history.Next(prev, history.Event{Consultation: c.ID, At: T0.Add(time.Duration(i) * time.Second), ActorRole: "staff", ActorID: "u1", Type: "test.event", Public: i%2 == 0, Payload: payload})
		must(t, err)
		chain = append(chain, e)
		prev = &chain[len(chain)-1]
	}
	c.HistorySeq, c.HistoryHead = chain[1].Seq, chain[1].Hash
	must(t, Update(s.Consultations, c, chain[0], chain[1]))
	c.HistorySeq, c.HistoryHead = chain[2].Seq, chain[2].Hash
	must(t, Update(s.Consultations, c, chain[2]))
	got, err := s.Consultations.Events(ctx, c.ID)
	must(t, err)
	for i := range chain {
		if chain[i].V != history.CurrentFormat {
			t.Fatalf("Next wrote format %d", chain[i].V)
		}
		chain[i].PayloadHash = "" // derived from the payload, not stored
	}
	if !reflect.DeepEqual(got, chain) {
		t.Errorf("Events =\n%+v\nwant\n%+v", got, chain)
	}
	must(t, history.Verify(got))
	testOldFormatEvents(t, s)
	// A duplicate seq is refused and the consultation is left as it was.
	c2, _ := s.Consultations.Consultation(ctx, c.ID)
	c2.Title = "should not be stored"
	err = Update(s.Consultations, c2, chain[2])
	if !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("duplicate seq: err = %v, want Conflict", err)
	}
	if c3, _ := s.Consultations.Consultation(ctx, c.ID); c3.Title == "should not be stored" {
		t.Error("a failed update was half stored")
	}
	if _, err := s.Consultations.Events(ctx, "none"); err != nil && !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("Events(none) = %v", err)
	}
}

// testOldFormatEvents stores a chain as the previous release wrote it
// (hash format 1, no v) followed by a current one: both read back with
// their format and verify.
func testOldFormatEvents(t *testing.T, s Stores) {
	c, v := NewConsultation(t, "d1", T0)
	must(t, Create(s.Consultations, c, v))
	var chain []history.Event
	for i := 0; i < 2; i++ {
		e := history.Event{Consultation: c.ID, Seq: int64(i + 1), At: T0.Add(time.Duration(i) * time.Second), ActorRole: "staff",
			Type: "test.event", Public: i == 0, Payload: json.RawMessage(`{"i":` + strconv.Itoa(i) + `}`), PrevHash: history.Head(chain)}
		sum := sha256.Sum256(history.CanonicalEncoding(e)) // V 0: format 1
		e.Hash = hex.EncodeToString(sum[:])
		chain = append(chain, e)
	}
	e, err := history.Next(&chain[1], history.Event{At: T0.Add(time.Minute), ActorRole: "staff", Type: "test.event", Payload: json.RawMessage(`{"i":2}`)})
	must(t, err)
	chain = append(chain, e)
	c.HistorySeq, c.HistoryHead = 3, e.Hash
	must(t, Update(s.Consultations, c, chain...))
	got, err := s.Consultations.Events(ctx, c.ID)
	must(t, err)
	if len(got) != 3 || got[0].Format() != history.FormatWhole || got[1].V != 0 || got[2].V != history.FormatPayloadHash {
		t.Fatalf("Events of a mixed-format chain = %+v, want formats 1, 1, 2", got)
	}
	if err := history.Verify(got); err != nil {
		t.Errorf("Verify(stored format-1 then format-2 chain) = %v", err)
	}
}

func testSettings(t *testing.T, s Stores) {
	_, err := s.Consultations.Setting(ctx, "workcal")
	wantKind(t, "missing setting", err, apperr.NotFound)
	must(t, s.Consultations.PutSetting(ctx, "workcal", []byte(`{"a":1}`)))
	must(t, s.Consultations.PutSetting(ctx, "workcal", []byte(`{"a":2}`)))
	got, err := s.Consultations.Setting(ctx, "workcal")
	must(t, err)
	if string(got) != `{"a":2}` {
		t.Errorf("Setting = %s, want {\"a\":2}", got)
	}
}

func testDocumentNumber(t *testing.T, s Stores) {
	c, v := NewConsultation(t, "d1", T0)
	must(t, Create(s.Consultations, c, v))
	_, err := s.Consultations.ConsultationByDocumentNumber(ctx, "某政发〔2026〕12号")
	wantKind(t, "unused number", err, apperr.NotFound)
	c.State = consultation.Published
	c.Final = &consultation.Final{DocumentNumber: "某政发〔2026〕12号", PublishedAt: T0}
	must(t, Update(s.Consultations, c))
	got, err := s.Consultations.ConsultationByDocumentNumber(ctx, "某政发〔2026〕12号")
	must(t, err)
	if got.ID != c.ID {
		t.Errorf("ConsultationByDocumentNumber = %s, want %s", got.ID, c.ID)
	}
}
