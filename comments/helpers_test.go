package comments_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/i18n"
	"yugongkai/sqlite"
)

var ctx = context.Background()

// T0 is 2026-12-01 10:00 in Shanghai.
var T0 = time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)

// closes is 2026-12-31 24时 in Shanghai, the end of the fixture's period.
var closes = time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC)

const draftText = "某县养犬管理办法\n\n第一条　为了规范养犬行为，制定本办法。\n第二条　本办法适用于本县城区。\n第三条　养犬人应当依法登记。\n"

var (
	staff     = auth.Principal{UserID: "staff1", Username: "staff1", Role: auth.Staff, DepartmentID: "dA"}
	staff2    = auth.Principal{UserID: "staff2", Username: "staff2", Role: auth.Staff, DepartmentID: "dA"}
	other     = auth.Principal{UserID: "other", Username: "other", Role: auth.Staff, DepartmentID: "dB"}
	resident  = auth.Principal{UserID: "res1", Username: "res1", Role: auth.Resident}
	resident2 = auth.Principal{UserID: "res2", Username: "res2", Role: auth.Resident}
	admin     = auth.Principal{UserID: "adm", Username: "adm", Role: auth.Admin}
	legal     = auth.Principal{UserID: "leg", Username: "leg", Role: auth.Legal}
	public    = auth.Principal{}
)

// env is a comments service on a real SQLite store with a settable clock.
type env struct {
	t   *testing.T
	db  *sqlite.DB
	cs  *consultation.Service
	svc *comments.Service
	now time.Time
}

func newEnv(t testing.TB, opts ...sqlite.Option) *env {
	db := sqlite.OpenTemp(t, opts...)
	e := &env{db: db, now: T0}
	if tt, ok := t.(*testing.T); ok {
		e.t = tt
	}
	clock := func() time.Time { return e.now }
	e.cs = consultation.NewService(db.Consultations(), db.Auth())
	e.cs.Now = clock
	e.cs.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	e.svc = comments.NewService(db.Comments(), e.cs)
	e.svc.Now = clock
	t.Cleanup(e.svc.StopNear) // before the store closes
	e.cs.LogHead = e.svc.SignedLogHead
	for _, d := range []string{"dA", "dB"} {
		if err := db.Auth().CreateDepartment(ctx, &auth.Department{ID: d, Name: "部门" + d, CreatedAt: T0}); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func ptr[T any](v T) *T { return &v }

// open creates a consultation of department dA and opens it at e.now until
// 2026-12-31 24时. mod sets moderation (先审后发).
func (e *env) open(t testing.TB, mod bool) *consultation.Consultation {
	t.Helper()
	c, err := e.cs.Create(ctx, staff, consultation.DraftForm{
		Title: ptr("某县养犬管理办法（征求意见稿）"), ProcedureType: ptr(consultation.NormativeDocument),
		Explanation: ptr("起草说明"), LegalBasis: ptr("《动物防疫法》"),
		Contact:  &consultation.Contact{Department: "县公安局", Phone: "0571-88888888"},
		Channels: &consultation.Channels{Email: "yj@example.cn"}, Moderation: ptr(mod), Text: ptr(draftText)})
	if err != nil {
		t.Fatal(err)
	}
	c, err = e.cs.Publish(ctx, staff, c.ID, consultation.PublishForm{ClosesAt: "2026-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	if !c.ClosesAt.Equal(closes) {
		t.Fatalf("fixture closes at %v, want %v", c.ClosesAt, closes)
	}
	return c
}

// articles returns the ids of the articles of the public version.
func (e *env) articles(t testing.TB, c *consultation.Consultation) []string {
	t.Helper()
	v, err := e.db.Consultations().Version(ctx, c.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range v.Articles() {
		ids = append(ids, a.ID)
	}
	return ids
}

func sub(body string) comments.Submission {
	return comments.Submission{Body: body, RealName: "张小祥", ContactPhone: "13912345678", ContactEmail: "zhang@example.com"}
}

func (e *env) submit(t testing.TB, c *consultation.Consultation, who auth.Principal, in comments.Submission) *comments.Receipt {
	t.Helper()
	r, err := e.svc.Submit(ctx, who, c.ID, in, "")
	if err != nil {
		t.Fatalf("Submit(%q): %v", in.Body, err)
	}
	return r
}

func (e *env) publish(t testing.TB, commentID string) {
	t.Helper()
	if _, err := e.svc.Moderate(ctx, staff, commentID, comments.ModerationForm{Action: comments.Publish}); err != nil {
		t.Fatal(err)
	}
}

func (e *env) comment(t testing.TB, id string) *comments.Comment {
	t.Helper()
	c, err := e.db.Comments().Comment(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantKind(t testing.TB, what string, err error, k apperr.Kind) {
	t.Helper()
	if !apperr.Is(err, k) {
		t.Fatalf("%s: err = %v, want kind %s", what, err, k)
	}
}

// message renders a domain error in Chinese.
func message(err error) string {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return ""
	}
	return i18n.T(i18n.ZH, ae.Key, ae.Args...)
}

// fieldOf returns the first invalid field of an Invalid error.
func fieldOf(err error) string {
	var ae *apperr.Error
	if !errors.As(err, &ae) || len(ae.Fields) == 0 {
		return ""
	}
	names := make([]string, len(ae.Fields))
	for i, f := range ae.Fields {
		names[i] = f.Field
	}
	return strings.Join(names, ",")
}
