// Package pages measures the pages that must not slow down as a
// consultation grows (issue 10, goal 2): it builds consultations of
// different sizes on the embedded store with the bulk insert path (one
// commit per chunk, not HTTP), serves each with the real web server on a
// loopback port, and measures page latency with concurrent clients,
// alternating between the sizes so that whatever else the machine does
// weighs on both alike. It also measures the report export's memory.
package pages

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/ident"
	"yugongkai/sqlite"
	"yugongkai/token"
	"yugongkai/web"
)

// draft is a ten-article text.
var draft = func() string {
	var b strings.Builder
	b.WriteString("某县养犬管理办法\n\n第一章　总则\n\n")
	for i, n := range []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"} {
		fmt.Fprintf(&b, "第%s条　养犬人应当遵守第%d项规定，文明养犬，不得干扰他人正常生活。\n", n, i+1)
	}
	return b.String()
}()

// Fixture is one consultation of N comments served on a loopback port.
type Fixture struct {
	N            int
	URL          string // http://127.0.0.1:port
	Consultation string
	// Cookie is a staff session of the owning department.
	Cookie  string
	Load    time.Duration // building the fixture (bulk inserts and checkpoint)
	db      *sqlite.DB
	srv     *web.Server
	Service *comments.Service
	Staff   auth.Principal
}

// Close stops the server and closes the store.
func (f *Fixture) Close() error {
	f.srv.App.Shutdown()
	return f.db.Close()
}

// chunk is how many comments one bulk commit inserts.
const chunk = 5000

// Build opens a fresh store in dir and stores one open consultation with n
// comments: half published, half pending (so that at 100 comments the
// staff's pages are as full as at a million); four in five unique
// (each its own group), one in five one of three form letters on the whole
// draft (three large groups); a third on the whole draft, the rest spread
// over the articles. progress, if not nil, is told the count every chunk.
// A directory holding a complete fixture of that size (fixture.json) is
// reused as it is.
func Build(ctx context.Context, dir string, n int, progress func(done int)) (*Fixture, error) {
	start := time.Now()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var saved saved
	b, err := os.ReadFile(filepath.Join(dir, "fixture.json"))
	reuse := err == nil && json.Unmarshal(b, &saved) == nil && saved.N == n
	if !reuse {
		if err := os.RemoveAll(filepath.Join(dir, "yugongkai.db")); err != nil {
			return nil, err
		}
	}
	db, err := sqlite.Open(ctx, dir, sqlite.WithBulkLoad())
	if err != nil {
		return nil, err
	}
	f := &Fixture{N: n, db: db}
	if reuse {
		err = f.serve(saved)
	} else if saved, err = f.build(ctx, n, progress); err == nil {
		if b, err = json.Marshal(saved); err == nil {
			err = os.WriteFile(filepath.Join(dir, "fixture.json"), b, 0o644)
		}
		if err == nil {
			err = f.serve(saved)
		}
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	f.Load = time.Since(start)
	return f, nil
}

// saved names a built fixture's consultation and staff account.
type saved struct {
	N                              int
	Consultation, User, Department string
}

func (f *Fixture) services() (*auth.Service, *consultation.Service, *comments.Service) {
	a := auth.NewService(f.db.Auth())
	a.Hash = auth.LightHashPassword
	cs := consultation.NewService(f.db.Consultations(), f.db.Auth())
	cm := comments.NewService(f.db.Comments(), cs)
	cs.Facts = cm.Facts
	return a, cs, cm
}

func (f *Fixture) build(ctx context.Context, n int, progress func(int)) (saved, error) {
	db := f.db
	a, cs, _ := f.services()
	admin := auth.Principal{UserID: "root", Role: auth.Admin}
	d, err := a.CreateDepartment(ctx, admin, "县公安局")
	if err != nil {
		return saved{}, err
	}
	u, err := a.CreateUser(ctx, admin, auth.NewUser{Username: "staff", Password: "password-staff", Role: auth.Staff, DepartmentID: d.ID})
	if err != nil {
		return saved{}, err
	}
	staff := auth.Principal{UserID: u.ID, Role: auth.Staff, DepartmentID: d.ID}
	ptr := func(s string) *string { return &s }
	typ := consultation.Other
	c, err := cs.Create(ctx, staff, consultation.DraftForm{Title: ptr("养犬管理办法"), ProcedureType: &typ,
		Text: ptr(draft), Explanation: ptr("说明"), LegalBasis: ptr("依据"),
		Contact: &consultation.Contact{Department: "局", Phone: "1"}, Channels: &consultation.Channels{Email: "a@b.cn"}})
	if err != nil {
		return saved{}, err
	}
	if _, err := cs.Publish(ctx, staff, c.ID, consultation.PublishForm{ClosesAt: time.Now().Add(60 * 24 * time.Hour).Format("2006-01-02")}); err != nil {
		return saved{}, err
	}
	v, err := cs.Version(ctx, staff, c.ID, 1)
	if err != nil {
		return saved{}, err
	}
	arts := v.Articles()
	letters := []string{"统一意见一：反对提高登记费用，建议维持现行标准。", "统一意见二：建议延长登记期限至九十日。", "统一意见三：建议取消大型犬禁养规定。"}
	t0 := time.Now().UTC().Add(-time.Duration(n) * time.Millisecond).Truncate(time.Millisecond)
	store := db.Comments()
	for i := 0; i < n; {
		list := make([]*comments.Comment, 0, min(chunk, n-i))
		for ; i < n && len(list) < chunk; i++ {
			body := fmt.Sprintf("第%d位居民的意见：建议对第%d条中的登记期限作出调整，并明确收费标准。", i, i%7+1)
			article := ""
			if i%3 > 0 {
				article = arts[i%len(arts)].ID
			}
			if i%5 == 0 {
				body, article = letters[(i/5)%len(letters)], ""
			}
			cmt := &comments.Comment{ID: ident.ID(), ConsultationID: c.ID, Version: 1, Body: body, PublicBody: body, ArticleID: article,
				BodySHA256: "x", CommenterType: comments.Individual, Display: comments.Anonymous, Channel: comments.Online,
				ReceivedAt: t0.Add(time.Duration(i) * time.Millisecond), CreatedAt: t0, Receipt: comments.NewReceiptCode(),
				Status: comments.Published}
			if i%2 == 1 {
				cmt.Status = comments.Pending
			}
			cmt.GroupID = comments.ExactGroupID(article, body)
			list = append(list, cmt)
		}
		if err := store.Commit(ctx, &comments.Change{ForConsultation: c.ID, Insert: list}); err != nil {
			return saved{}, err
		}
		if progress != nil {
			progress(i)
		}
	}
	if err := db.Checkpoint(ctx); err != nil {
		return saved{}, err
	}
	return saved{N: n, Consultation: c.ID, User: u.ID, Department: d.ID}, nil
}

// serve starts the web server on a loopback port with a staff session.
func (f *Fixture) serve(sv saved) error {
	a, cs, cm := f.services()
	u, err := f.db.Auth().User(context.Background(), sv.User)
	if err != nil {
		return err
	}
	signer, err := token.NewSigner([]byte("pages-secret-pages-secret-pages-secret"), 24*time.Hour, nil)
	if err != nil {
		return err
	}
	tok, _, err := signer.Issue(u.ID, u.TokenVersion)
	if err != nil {
		return err
	}
	f.srv = web.New(web.Config{Auth: a, Consultations: cs, Comments: cm, Tokens: signer, Log: slog.New(slog.DiscardHandler)})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go f.srv.App.Listener(ln)
	f.URL, f.Consultation, f.Cookie, f.Service = "http://"+ln.Addr().String(), sv.Consultation, "ygk_session="+tok, cm
	f.Staff = auth.Principal{UserID: u.ID, Role: auth.Staff, DepartmentID: sv.Department}
	return nil
}

// get fetches path, as staff or as the public, and returns the status and
// the body.
func (f *Fixture) get(client *http.Client, path string, staff bool) (int, []byte, error) {
	req, err := http.NewRequest("GET", f.URL+path, nil)
	if err != nil {
		return 0, nil, err
	}
	if staff {
		req.Header.Set("Cookie", f.Cookie)
	}
	req.Header.Set("Accept", "text/html")
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}
