package web_test

import (
	"crypto/rand"

	"golang.org/x/mod/sumdb/note"

	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"yugongkai/attachment"
	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/mongodb"
	"yugongkai/mongodb/mongotest"
	"yugongkai/notify"
	"yugongkai/search"
	"yugongkai/sqlite"
	"yugongkai/storetest"
	"yugongkai/surveys"
	"yugongkai/token"
	"yugongkai/vcode"
	"yugongkai/web"
)

func TestMain(m *testing.M) { os.Exit(mongotest.Main(m)) }

// clock is a settable clock shared by the services and the server.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// env is a running server on one real store.
type env struct {
	t        testing.TB
	srv      *web.Server
	clock    *clock
	auth     *auth.Service
	cons     *consultation.Service
	comments *comments.Service
	search   *search.Service
	store    string
	outbox   notify.Store // notify_test.go
	codes    *storetest.CodeOutbox
}

// T0 is 2026-12-01 09:00 Asia/Shanghai.
var T0 = time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)

// stores lists the stores every API test runs on.
var stores = []string{"sqlite", "mongodb"}

// forEachStore runs f on a fresh server per store.
func forEachStore(t *testing.T, f func(t *testing.T, e *env)) {
	for _, name := range stores {
		t.Run(name, func(t *testing.T) { f(t, newEnv(t, name)) })
	}
}

// newEnv builds a server on a fresh store; each option may change the
// configuration before the server is built.
func newEnv(t testing.TB, store string, options ...func(*web.Config)) *env {
	t.Helper()
	return newFaultEnv(t, store, nil, options...)
}

// newFaultEnv is newEnv on a store whose commits first ask fault before
// every write (sqlite.WithFaults, mongodb.WithFaults); nil asks nothing.
func newFaultEnv(t testing.TB, store string, fault func(op string) error, options ...func(*web.Config)) *env {
	t.Helper()
	var as auth.Store
	var cs consultation.Store
	var ms comments.Store
	var si interface {
		search.Index
		search.Queue
	}
	var ready func(context.Context) error
	var writeStats func() (int64, int64)
	var ob notify.Store
	var blobs attachment.Store
	var svs surveys.Store
	switch store {
	case "sqlite":
		var opts []sqlite.Option
		if fault != nil {
			opts = append(opts, sqlite.WithFaults(fault))
		}
		db := sqlite.OpenTemp(t, opts...)
		as, cs, ms, si, ready, writeStats, ob = db.Auth(), db.Consultations(), db.Comments(), db.Search(), db.Ping, db.WriteStats, db
		blobs = db.Blobs()
		svs = db.Surveys()
	case "mongodb":
		var opts []mongodb.Option
		if fault != nil {
			opts = append(opts, mongodb.WithFaults(fault))
		}
		db := mongotest.OpenURI(t, mongotest.Start(t), opts...)
		as, cs, ms, si, ready, ob = db, db, db.Comments(), db.Search(), db.Ping, db
		blobs = db.Blobs()
		svs = db.Surveys()
	}
	clk := &clock{t: T0}
	a := auth.NewService(as)
	a.Now, a.Hash = clk.Now, auth.LightHashPassword
	codeOutbox := &storetest.CodeOutbox{}
	a.Accounts = as.(auth.AccountStore)
	a.Codes = vcode.New(as.(vcode.Store), []byte("test-code-key-test-code-key-0123"), codeOutbox, clk.Now)
	c := consultation.NewService(cs, as)
	c.Now = clk.Now
	cm := comments.NewService(ms, c)
	cm.Now = clk.Now
	t.Cleanup(cm.StopNear) // before the stores close
	cm.Blobs = blobs
	c.Blobs = blobs
	cm.Codes = a.Codes
	c.Facts = cm.Facts
	c.VerifyRecord = cm.VerifyRecord
	c.LogHead, c.ArchiveLog = cm.SignedLogHead, cm.ArchiveLog
	c.AnswerNotices = cm.AnswerNotifications
	c.FollowerNotices = notify.FanOut
	if h, ok := ob.(interface {
		ContactHolders(context.Context, string) (int, int, error)
	}); ok {
		cm.ContactHolders = h.ContactHolders // notices_test.go
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, "yugongkai-test")
	if err != nil {
		t.Fatal(err)
	}
	logSigner, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	cm.SignHead = func(text string) (string, error) {
		msg, err := note.Sign(&note.Note{Text: text}, logSigner)
		return string(msg), err
	}
	cm.LogKey = vkey
	ss := &search.Service{Index: si, Queue: si, Records: search.StoreRecords{Consultations: cs, Comments: ms}, Versions: cs, Now: clk.Now}
	c.OnChange = ss.FollowConsultation
	cm.OnChange = ss.FollowComment
	signer, err := token.NewSigner([]byte("test-secret-test-secret-test-secret!"), time.Hour, clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	// Warnings and errors only: every request logs a line at info level.
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a.Log = quiet
	cfg := web.Config{Auth: a, Consultations: c, Comments: cm, Search: ss, Tokens: signer, Now: clk.Now, Ready: ready, Log: quiet, WriteStats: writeStats,
		Notify: &notify.Service{Store: ob, Consultations: c, Links: testLinks, Now: clk.Now}}
	cfg.Surveys = surveys.NewService(svs, c)
	cfg.Surveys.Now = clk.Now
	for _, o := range options {
		o(&cfg)
	}
	srv := web.New(cfg)
	return &env{t: t, srv: srv, clock: clk, auth: a, cons: c, comments: cm, search: ss, store: store, outbox: ob, codes: codeOutbox}
}

// response is a decoded API response.
type response struct {
	Status int
	Header http.Header
	Body   []byte
	JSON   map[string]any
}

func (r response) errCode() string {
	if e, ok := r.JSON["error"].(map[string]any); ok {
		s, _ := e["code"].(string)
		return s
	}
	return ""
}

func (r response) errMessage() string {
	if e, ok := r.JSON["error"].(map[string]any); ok {
		s, _ := e["message"].(string)
		return s
	}
	return ""
}

func (r response) field(name string) string {
	if e, ok := r.JSON["error"].(map[string]any); ok {
		if f, ok := e["fields"].(map[string]any); ok {
			s, _ := f[name].(string)
			return s
		}
	}
	return ""
}

func (r response) str(key string) string { s, _ := r.JSON[key].(string); return s }

// do sends a request through the real Fiber app and checks the request
// and the response against the OpenAPI document (contract_test.go).
func (e *env) do(method, path, tok string, body any, header ...string) response {
	e.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	case string:
		raw = []byte(b)
	default:
		var err error
		raw, err = json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	reqHeader := req.Header.Clone()
	res, err := e.srv.App.Test(req, -1)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	got, _ := io.ReadAll(res.Body)
	if err := apiContract(e.t).check(method, path, reqHeader, raw, res.StatusCode, res.Header, got); err != nil {
		e.t.Error(err)
	}
	r := response{Status: res.StatusCode, Header: res.Header, Body: got}
	_ = json.Unmarshal(got, &r.JSON)
	return r
}

// want fails unless r has the status.
func (e *env) want(r response, status int, what string) response {
	e.t.Helper()
	if r.Status != status {
		e.t.Fatalf("%s: status %d, want %d; body %s", what, r.Status, status, r.Body)
	}
	return r
}

// adminToken creates the admin account and logs in.
func (e *env) adminToken() string {
	e.t.Helper()
	if _, err := e.auth.EnsureAdmin(context.Background(), "admin-password-1"); err != nil {
		e.t.Fatal(err)
	}
	return e.login("admin", "admin-password-1")
}

func (e *env) login(user, pass string) string {
	e.t.Helper()
	r := e.want(e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": user, "password": pass}), 200, "login "+user)
	return r.str("token")
}

// world is a set of accounts: two departments' staff, legal, a resident.
type world struct {
	admin, staffA, staffB, legal, resident string
	deptA, deptB                           string
}

func (e *env) world() world {
	e.t.Helper()
	w := world{admin: e.adminToken()}
	w.deptA = e.want(e.do("POST", "/api/v1/departments", w.admin, map[string]string{"name": "县公安局"}), 201, "dept A").str("id")
	w.deptB = e.want(e.do("POST", "/api/v1/departments", w.admin, map[string]string{"name": "县农业农村局"}), 201, "dept B").str("id")
	mk := func(name, role, dept string) string {
		e.want(e.do("POST", "/api/v1/users", w.admin, map[string]string{"username": name, "password": "password-" + name, "role": role, "department_id": dept}), 201, "user "+name)
		return e.login(name, "password-"+name)
	}
	w.staffA = mk("staffa", "staff", w.deptA)
	w.staffB = mk("staffb", "staff", w.deptB)
	w.legal = mk("legal", "legal", "")
	w.resident = mk("resident", "resident", "")
	return w
}

// draftBody is a complete draft ready to open, with text.
func draftBody(text string) map[string]any {
	return map[string]any{
		"title": "某县养犬管理办法（征求意见稿）", "procedure_type": "normative_document",
		"explanation": "起草说明全文", "legal_basis": "《中华人民共和国动物防疫法》",
		"contact":  map[string]string{"department": "县公安局法制大队", "phone": "0571-88888888", "email": "fz@example.gov.cn"},
		"channels": map[string]any{"email": "yijian@example.gov.cn", "postal_address": "某县人民路1号"},
		"text":     text,
	}
}

const shortText = "某县养犬管理办法\n\n第一章　总则\n\n第一条　为了规范养犬行为，制定本办法。\n第二条　本办法适用于本县城区。\n养犬人应当遵守下列规定：\n（一）依法登记；\n（二）文明养犬。\n"
