package notify_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/i18n"
	"yugongkai/notify"
	"yugongkai/sqlite"
)

var ctx = context.Background()

// ---- A real SMTP server in the test process (emersion/go-smtp) ----

type received struct {
	from, to string
	tls      bool
	user     string
	raw      []byte
}

type mailbox struct {
	mu     sync.Mutex
	msgs   []received
	refuse string // a recipient refused with 550
}

func (mb *mailbox) all() []received {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return append([]received(nil), mb.msgs...)
}

type session struct {
	mb   *mailbox
	conn *smtp.Conn
	cur  received
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != "notifier" || password != "秘密pw" {
			return errors.New("bad credentials")
		}
		s.cur.user = username
		return nil
	}), nil
}
func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.cur.from = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == s.mb.refuse {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user " + to}
	}
	s.cur.to = to
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, s.cur.tls = s.conn.TLSConnectionState()
	s.cur.raw = b
	s.mb.mu.Lock()
	s.mb.msgs = append(s.mb.msgs, s.cur)
	s.mb.mu.Unlock()
	return nil
}

// selfSigned returns a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// smtpServer serves mb on addr ("" picks a port) until stopped; with a
// certificate it offers STARTTLS.
func smtpServer(t *testing.T, mb *mailbox, addr string, cert *tls.Certificate) (string, func()) {
	t.Helper()
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{mb: mb, conn: c}, nil }))
	s.Domain = "mx.test"
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	if cert != nil {
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}}
	} else {
		s.AllowInsecureAuth = true // loopback only
	}
	go func() { _ = s.Serve(l) }()
	var once sync.Once
	stop := func() { once.Do(func() { _ = s.Close() }) }
	t.Cleanup(stop)
	return l.Addr().String(), stop
}

// ---- The procedure over a real store ----

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	db    *sqlite.DB
	clock *clock
	cs    *consultation.Service
	ms    *comments.Service
	c     *consultation.Consultation
	art   string
}

var (
	staff    = auth.Principal{UserID: "s1", Username: "s1", Role: auth.Staff, DepartmentID: "dept"}
	resident = auth.Principal{UserID: "r1", Username: "r1", Role: auth.Resident}
	t0       = time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
)

const title = "某县养犬管理办法（征求意见稿）"

func newEnv(t *testing.T, dir string) *env {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{db: db, clock: &clock{t: t0}}
	e.cs = consultation.NewService(db.Consultations(), db.Auth())
	e.cs.Now = e.clock.now
	e.cs.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	e.ms = comments.NewService(db.Comments(), e.cs)
	e.ms.Now = e.clock.now
	e.cs.Facts = e.ms.Facts
	e.cs.LogHead = e.ms.SignedLogHead
	return e
}

func (e *env) open(t *testing.T) {
	t.Helper()
	if err := e.db.Auth().CreateDepartment(ctx, &auth.Department{ID: "dept", Name: "县农业农村局", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	typ := consultation.MajorDecision
	s := func(v string) *string { return &v }
	c, err := e.cs.Create(ctx, staff, consultation.DraftForm{Title: s(title), ProcedureType: &typ, Explanation: s("起草说明"),
		LegalBasis: s("《动物防疫法》"), Contact: &consultation.Contact{Department: "县农业农村局", Phone: "0571-1"},
		Channels: &consultation.Channels{Email: "yj@example.cn"}, Text: s("某县养犬管理办法\n\n第一条　为了规范养犬行为，制定本办法。\n第二条　本办法适用于本县城区。\n")})
	if err != nil {
		t.Fatal(err)
	}
	if c, err = e.cs.Publish(ctx, staff, c.ID, consultation.PublishForm{ClosesAt: "2027-01-31"}); err != nil {
		t.Fatal(err)
	}
	v, err := e.db.Consultations().Version(ctx, c.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	e.c, e.art = c, v.Articles()[0].ID
}

func (e *env) submit(t *testing.T, sub comments.Submission) *comments.Receipt {
	t.Helper()
	sub.ArticleID, sub.Display = e.art, comments.Anonymous
	if sub.Body == "" {
		sub.Body = "建议明确犬只登记的期限。"
	}
	r, err := e.ms.Submit(ctx, resident, e.c.ID, sub, "")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (e *env) outbox(t *testing.T) map[string]*consultation.Notification {
	t.Helper()
	list, err := e.db.ConsultationNotifications(ctx, e.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*consultation.Notification{}
	for _, n := range list {
		out[n.ID] = n
	}
	return out
}

var links = notify.Links{BaseURL: "https://yj.example.gov.cn", Key: []byte("test key")}

func (e *env) worker(senders map[string]notify.Sender) *notify.Worker {
	return &notify.Worker{Store: e.db, Senders: senders, Links: links, Domain: "yj.example.gov.cn", Now: e.clock.now,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// ---- Parsing what arrived ----

type parsed struct {
	header      mail.Header
	rawSubject  string
	subject     string
	text, html  string
	contentType string
}

func parse(t *testing.T, raw []byte) parsed {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatalf("message does not parse: %v\n%s", err, raw)
	}
	p := parsed{header: m.Header, rawSubject: m.Header.Get("Subject")}
	dec := new(mime.WordDecoder)
	if p.subject, err = dec.DecodeHeader(p.rawSubject); err != nil {
		t.Fatalf("subject %q: %v", p.rawSubject, err)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v), want multipart/alternative", m.Header.Get("Content-Type"), err)
	}
	p.contentType = mt
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		part, err := mr.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(part)
		switch ct := part.Header.Get("Content-Type"); ct {
		case "text/plain; charset=UTF-8":
			p.text = string(b)
		case "text/html; charset=UTF-8":
			p.html = string(b)
		default:
			t.Errorf("part of type %q", ct)
		}
	}
	return p
}

func TestEmailAndSMS(t *testing.T) {
	cert, pool := selfSigned(t)
	mb := &mailbox{}
	addr, _ := smtpServer(t, mb, "", &cert)
	type smsReq struct {
		auth, key string
		body      notify.SMSRequest
	}
	var smsMu sync.Mutex
	var sms []smsReq
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req smsReq
		req.auth, req.key = r.Header.Get("Authorization"), r.Header.Get("Idempotency-Key")
		if err := json.NewDecoder(r.Body).Decode(&req.body); err != nil || r.Method != http.MethodPost {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		smsMu.Lock()
		sms = append(sms, req)
		smsMu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	defer gw.Close()

	e := newEnv(t, "")
	e.open(t)
	zh := e.submit(t, comments.Submission{ContactEmail: "张三@例子.cn", ContactPhone: "13900001111", Lang: "zh-CN"})
	en := e.submit(t, comments.Submission{Body: "Please define the registration deadline.", ContactEmail: "jane@example.org", Lang: "en"})
	e.submit(t, comments.Submission{ContactEmail: "quiet@example.org", Notify: new(bool)})

	w := e.worker(map[string]notify.Sender{
		consultation.ChannelEmail: &notify.SMTP{Addr: addr, From: "意见征集平台 <notify@yj.example.gov.cn>", User: "notifier", Password: "秘密pw",
			TLS: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}, Now: e.clock.now},
		consultation.ChannelSMS: &notify.SMSGateway{URL: gw.URL + "/send", Token: "tok-123"},
	})
	var logs syncBuffer
	w.Log = slog.New(slog.NewTextHandler(&logs, nil))
	n, err := w.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		for _, contact := range []string{"张三@例子.cn", "13900001111", "jane@example.org"} {
			if strings.Contains(logs.String(), contact) {
				t.Errorf("the worker's log names a recipient (%s):\n%s", contact, logs.String())
			}
		}
		if !strings.Contains(logs.String(), "notify: attempt") {
			t.Errorf("no attempt logged:\n%s", logs.String())
		}
	}()
	if n != 3 {
		t.Fatalf("RunOnce attempted %d, want 3 (two emails, one SMS)", n)
	}
	msgs := mb.all()
	if len(msgs) != 2 {
		t.Fatalf("%d emails arrived, want 2", len(msgs))
	}
	byID := e.outbox(t)
	for _, nt := range byID {
		if nt.State != consultation.NotifySent || nt.Attempts != 1 || !nt.SentAt.Equal(t0) {
			t.Errorf("notification %s (%s): %+v, want sent at the first attempt", nt.ID, nt.Channel, nt.Delivery)
		}
	}
	for _, m := range msgs {
		if !m.tls || m.user != "notifier" {
			t.Errorf("mail to %s: TLS %v, user %q; want STARTTLS and AUTH", m.to, m.tls, m.user)
		}
		if m.from != "notify@yj.example.gov.cn" {
			t.Errorf("envelope from %q", m.from)
		}
		p := parse(t, m.raw)
		if !strings.HasPrefix(p.rawSubject, "=?UTF-8?b?") && !strings.HasPrefix(p.rawSubject, "=?utf-8?b?") {
			t.Errorf("Subject %q is not RFC 2047 encoded", p.rawSubject)
		}
		id := strings.TrimSuffix(strings.TrimPrefix(p.header.Get("Message-ID"), "<notify."), "@yj.example.gov.cn>")
		nt, ok := byID[id]
		if !ok {
			t.Fatalf("Message-ID %q names no notification", p.header.Get("Message-ID"))
		}
		unsub := links.UnsubscribeURL(nt.ID)
		if got, want := p.header.Get("List-Unsubscribe"), "<"+links.OneClickURL(nt.ID)+">"; got != want {
			t.Errorf("List-Unsubscribe %q, want %s", got, want)
		}
		if p.header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Errorf("no one-click unsubscribe")
		}
		var r *comments.Receipt
		var lang i18n.Lang
		switch m.to {
		case "张三@例子.cn":
			r, lang = zh, i18n.ZH
		case "jane@example.org":
			r, lang = en, i18n.EN
		default:
			t.Fatalf("mail to %q", m.to)
		}
		if want := i18n.T(lang, "notify.subject.receipt", title); p.subject != want {
			t.Errorf("%s: subject %q, want %q", lang, p.subject, want)
		}
		for _, part := range []string{p.text, p.html} {
			for _, want := range []string{r.Code, r.BodySHA256, i18n.T(lang, "notify.body.receipt", title)[:12], "/receipts/" + r.Code} {
				if !strings.Contains(part, want) {
					t.Errorf("%s message lacks %q:\n%s", lang, want, part)
				}
			}
		}
		if !strings.Contains(p.text, unsub) || !strings.Contains(p.html, strings.ReplaceAll(unsub, "&", "&amp;")) {
			t.Errorf("%s: unsubscribe link missing from a part", lang)
		}
		zhText := strings.Contains(p.text, "回执编号")
		if zhText != (lang == i18n.ZH) || strings.Contains(p.text, "Receipt code") == (lang == i18n.ZH) {
			t.Errorf("%s message in the wrong language:\n%s", lang, p.text)
		}
		wantTime := "2026年12月1日10时00分"
		if lang == i18n.EN {
			wantTime = "1 December 2026 02:00 UTC"
		}
		if !strings.Contains(p.text, wantTime) {
			t.Errorf("%s: receipt time %q missing:\n%s", lang, wantTime, p.text)
		}
	}
	if len(sms) != 1 {
		t.Fatalf("%d SMS, want 1", len(sms))
	}
	s := sms[0]
	if s.auth != "Bearer tok-123" || s.body.To != "13900001111" || s.key != s.body.ID || byID[s.body.ID] == nil {
		t.Errorf("SMS request %+v", s)
	}
	if want := i18n.T(i18n.ZH, "notify.sms.receipt", title, zh.Code); s.body.Text != want {
		t.Errorf("SMS text %q, want %q", s.body.Text, want)
	}

	// Declining the English comment tells its author, in English, why.
	if _, err := e.ms.Moderate(ctx, staff, en.CommentID, comments.ModerationForm{Action: comments.Decline, Reason: comments.OffTopic}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	msgs = mb.all()
	if len(msgs) != 3 {
		t.Fatalf("%d emails after the decline, want 3", len(msgs))
	}
	p := parse(t, msgs[2].raw)
	if want := i18n.T(i18n.EN, "notify.subject.declined", title); p.subject != want {
		t.Errorf("decline subject %q, want %q", p.subject, want)
	}
	if !strings.Contains(p.text, "Reason: off topic") {
		t.Errorf("decline mail without its reason:\n%s", p.text)
	}
}

// countByMessageID counts arrivals per Message-ID.
func countByMessageID(t *testing.T, mb *mailbox) map[string]int {
	out := map[string]int{}
	for _, m := range mb.all() {
		out[parse(t, m.raw).header.Get("Message-ID")]++
	}
	return out
}

func TestRetriesWhileServerDown(t *testing.T) {
	// Reserve a loopback port, then leave it closed: the server is down.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	e := newEnv(t, "")
	e.open(t)
	e.submit(t, comments.Submission{ContactEmail: "jane@example.org", Lang: "en"})
	// Plain SMTP (no STARTTLS offered) is fine to a loopback relay.
	w := e.worker(map[string]notify.Sender{consultation.ChannelEmail: &notify.SMTP{Addr: addr, From: "notify@yj.example.gov.cn", Timeout: 2 * time.Second}})
	one := func() *consultation.Notification {
		t.Helper()
		for _, n := range e.outbox(t) {
			return n
		}
		t.Fatal("no notification")
		return nil
	}
	for attempt, wait := range []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute} {
		if _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		n := one()
		if n.State != consultation.NotifyPending || n.Attempts != attempt+1 || !n.NextTry.Equal(e.clock.now().Add(wait)) || n.LastError == "" {
			t.Fatalf("after failed attempt %d: %+v, want pending, next try in %v", attempt+1, n.Delivery, wait)
		}
		if strings.Contains(n.LastError, "jane@example.org") {
			t.Errorf("last error names the recipient: %q", n.LastError)
		}
		// Not due before its next try.
		if tried, _ := w.RunOnce(ctx); tried != 0 {
			t.Fatalf("attempt made before the backoff ended")
		}
		e.clock.add(wait)
	}
	mb := &mailbox{}
	smtpServer(t, mb, addr, nil)
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if n := one(); n.State != consultation.NotifySent || n.Attempts != 4 {
		t.Fatalf("once the server is up: %+v, want sent at attempt 4", n.Delivery)
	}
	if got := len(mb.all()); got != 1 {
		t.Fatalf("%d messages arrived, want 1", got)
	}
	if m := mb.all()[0]; m.tls {
		t.Errorf("TLS without a certificate?")
	}
}

func TestPermanentRefusalFails(t *testing.T) {
	mb := &mailbox{refuse: "gone@example.org"}
	cert, pool := selfSigned(t)
	addr, _ := smtpServer(t, mb, "", &cert)
	e := newEnv(t, "")
	e.open(t)
	e.submit(t, comments.Submission{ContactEmail: "gone@example.org"})
	w := e.worker(map[string]notify.Sender{consultation.ChannelEmail: &notify.SMTP{Addr: addr, From: "notify@yj.example.gov.cn",
		TLS: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}}})
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	for _, n := range e.outbox(t) {
		if n.State != consultation.NotifyFailed || n.Attempts != 1 || !strings.Contains(n.LastError, "550") {
			t.Errorf("after a 550: %+v, want failed at once", n.Delivery)
		}
		if strings.Contains(n.LastError, "gone@example.org") {
			t.Errorf("last error names the recipient: %q", n.LastError)
		}
	}
}

func TestRestartSendsNoDuplicate(t *testing.T) {
	cert, pool := selfSigned(t)
	mb := &mailbox{}
	addr, _ := smtpServer(t, mb, "", &cert)
	dir := t.TempDir()
	e := newEnv(t, dir)
	e.open(t)
	for i := 0; i < 3; i++ {
		e.submit(t, comments.Submission{Body: "建议" + strings.Repeat("一", i+1), ContactEmail: "jane@example.org"})
	}
	sender := &notify.SMTP{Addr: addr, From: "notify@yj.example.gov.cn", TLS: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}}
	w := e.worker(map[string]notify.Sender{consultation.ChannelEmail: sender})
	// The worker runs in the background and is stopped.
	runCtx, stop := context.WithCancel(ctx)
	w.Poll = 10 * time.Millisecond
	done := make(chan struct{})
	go func() { w.Run(runCtx); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for len(mb.all()) < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	<-done
	// A worker killed after sending, before recording: lease one
	// notification and send it as the dead worker did.
	e.submit(t, comments.Submission{Body: "建议补充。", ContactEmail: "jane@example.org"})
	var last *consultation.Notification
	due, err := e.db.DueNotifications(ctx, e.clock.now(), 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("due: %d, %v; want the new one", len(due), err)
	}
	last = due[0]
	if ok, err := e.db.LeaseNotification(ctx, last.ID, 0, e.clock.now().Add(2*time.Minute)); !ok || err != nil {
		t.Fatalf("lease: %v %v", ok, err)
	}
	if err := sender.Send(ctx, notify.Compose(last, links, "yj.example.gov.cn")); err != nil {
		t.Fatal(err)
	}
	e.db.Close()

	// Restart: the store reopened, a new worker.
	e2 := newEnv(t, dir)
	e2.c = e.c
	w2 := e2.worker(map[string]notify.Sender{consultation.ChannelEmail: sender})
	if n, err := w2.RunOnce(ctx); err != nil || n != 0 {
		t.Fatalf("restarted worker within the lease: %d attempts, %v; want none", n, err)
	}
	e2.clock.add(2 * time.Minute)
	if n, err := w2.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("restarted worker after the lease: %d attempts, %v; want 1 (the unrecorded send)", n, err)
	}
	if n, err := w2.RunOnce(ctx); err != nil || n != 0 {
		t.Fatalf("third round: %d attempts, %v", n, err)
	}
	counts := countByMessageID(t, mb)
	if len(counts) != 4 {
		t.Fatalf("%d distinct Message-IDs, want 4: %v", len(counts), counts)
	}
	for id, n := range counts {
		want := 1
		if id == "<"+notify.MessageID(last.ID, "yj.example.gov.cn")+">" {
			want = 2 // at-least-once: the copy carries the same Message-ID
		}
		if n != want {
			t.Errorf("%s arrived %d times, want %d", id, n, want)
		}
	}
	for _, n := range e2.outbox(t) {
		if n.State != consultation.NotifySent {
			t.Errorf("%s: %s", n.ID, n.State)
		}
	}
}

func TestUnsubscribeStopsSending(t *testing.T) {
	mb := &mailbox{}
	addr, _ := smtpServer(t, mb, "", nil)
	e := newEnv(t, "")
	e.open(t)
	e.submit(t, comments.Submission{ContactEmail: "Jane@Example.org"})
	svc := &notify.Service{Store: e.db, Consultations: e.cs, Links: links, Now: e.clock.now}
	w := e.worker(map[string]notify.Sender{consultation.ChannelEmail: &notify.SMTP{Addr: addr, From: "notify@yj.example.gov.cn"}})
	var id string
	for k := range e.outbox(t) {
		id = k
	}
	if err := svc.Unsubscribe(ctx, id, "0000"); err == nil {
		t.Fatal("unsubscribe with a bad token accepted")
	}
	tok := strings.SplitN(links.UnsubscribeURL(id), "&t=", 2)[1]
	if err := svc.Unsubscribe(ctx, id, tok); err != nil {
		t.Fatal(err)
	}
	e.submit(t, comments.Submission{Body: "又一条。", ContactEmail: "jane@example.org"})
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got := len(mb.all()); got != 0 {
		t.Errorf("%d messages sent to an unsubscribed recipient", got)
	}
	st, err := svc.Status(ctx, staff, e.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Counts[consultation.NotifyCancelled] != 2 || len(st.Notifications) != 2 {
		t.Errorf("status %+v, want 2 cancelled", st.Counts)
	}
	if _, err := svc.Status(ctx, resident, e.c.ID); err == nil {
		t.Errorf("a resident sees the delivery state")
	}
}

func TestLoopback(t *testing.T) {
	for host, want := range map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true, "127.8.9.1": true,
		"smtp.example.cn": false, "10.0.0.1": false, "": false} {
		if got := notify.Loopback(host); got != want {
			t.Errorf("Loopback(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestComposeAnswer(t *testing.T) {
	for _, lang := range i18n.Langs {
		n := &consultation.Notification{ID: "n1", Kind: consultation.NotifyAnswered, Channel: consultation.ChannelEmail, To: "a@example.cn", Lang: string(lang),
			Params: map[string]string{"consultation_title": title, "receipt": "YG-ABCD-EFGH-JKMN", "outcome": "partially_adopted", "reason": "已在第三条<script>x</script>中体现"}}
		m := notify.Compose(n, links, "yj.example.gov.cn")
		if want := i18n.T(lang, "notify.subject.answered", title); m.Subject != want {
			t.Errorf("%s: subject %q, want %q", lang, m.Subject, want)
		}
		for _, want := range []string{i18n.T(lang, "notify.body.answered", title, i18n.T(lang, "outcome.partially_adopted")), i18n.T(lang, "notify.body.answer_reason", n.Params["reason"]), "YG-ABCD-EFGH-JKMN"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("%s: text lacks %q:\n%s", lang, want, m.Text)
			}
		}
		if strings.Contains(m.HTML, "<script>") || !strings.Contains(m.HTML, "&lt;script&gt;") {
			t.Errorf("%s: reason not escaped in HTML:\n%s", lang, m.HTML)
		}
		if m.MessageID != "notify.n1@yj.example.gov.cn" || m.OneClick != links.OneClickURL("n1") {
			t.Errorf("%s: Message-ID %q, one-click %q", lang, m.MessageID, m.OneClick)
		}
		n.Channel = consultation.ChannelSMS
		sms := notify.Compose(n, links, "yj.example.gov.cn")
		if want := i18n.T(i18n.ZH, "notify.sms.answered", "YG-ABCD-EFGH-JKMN", "部分采纳"); sms.Text != want {
			t.Errorf("%s: SMS %q, want %q (zh-CN)", lang, sms.Text, want)
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestConcurrentWorkersSendOnce: workers racing over one outbox (several
// instances) send each notification once: an attempt is leased first.
func TestConcurrentWorkersSendOnce(t *testing.T) {
	cert, pool := selfSigned(t)
	mb := &mailbox{}
	addr, _ := smtpServer(t, mb, "", &cert)
	e := newEnv(t, "")
	e.open(t)
	const n = 12
	for i := 0; i < n; i++ {
		e.submit(t, comments.Submission{Body: "建议" + strings.Repeat("二", i+1), ContactEmail: "jane@example.org"})
	}
	sender := &notify.SMTP{Addr: addr, From: "notify@yj.example.gov.cn", TLS: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}}
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.worker(map[string]notify.Sender{consultation.ChannelEmail: sender}).RunOnce(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	counts := countByMessageID(t, mb)
	if len(counts) != n {
		t.Errorf("%d distinct messages, want %d", len(counts), n)
	}
	for id, c := range counts {
		if c != 1 {
			t.Errorf("%s sent %d times by racing workers", id, c)
		}
	}
}

// TestPlainSMTPOnlyToLoopback: a server on a non-loopback address that
// offers no STARTTLS gets nothing.
func TestPlainSMTPOnlyToLoopback(t *testing.T) {
	var ip net.IP
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			ip = n.IP
			break
		}
	}
	if ip == nil {
		t.Skip("no non-loopback IPv4 address on this machine")
	}
	mb := &mailbox{}
	addr, _ := smtpServer(t, mb, net.JoinHostPort(ip.String(), "0"), nil)
	m := notify.Message{ID: "n1", MessageID: "notify.n1@x", Channel: consultation.ChannelEmail, To: "jane@example.org", Subject: "s", Text: "t", HTML: "<p>t</p>"}
	err := (&notify.SMTP{Addr: addr, From: "notify@yj.example.gov.cn", User: "notifier", Password: "秘密pw"}).Send(ctx, m)
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("plain SMTP to %s: %v, want refused for want of STARTTLS", addr, err)
	}
	if len(mb.all()) != 0 {
		t.Errorf("a message went over plain SMTP to %s", addr)
	}
}

// TestRepeatedSubmissionNotifiesOnce: a retry with the same
// Idempotency-Key returns the first receipt and queues nothing more.
func TestRepeatedSubmissionNotifiesOnce(t *testing.T) {
	e := newEnv(t, "")
	e.open(t)
	sub := comments.Submission{ArticleID: e.art, Body: "建议明确犬只登记的期限。", Display: comments.Anonymous, ContactEmail: "jane@example.org"}
	first, err := e.ms.Submit(ctx, resident, e.c.ID, sub, "key-1")
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.ms.Submit(ctx, resident, e.c.ID, sub, "key-1")
	if err != nil || !again.Repeated || again.Code != first.Code {
		t.Fatalf("retry: %+v, %v; want the first receipt", again, err)
	}
	if got := len(e.outbox(t)); got != 1 {
		t.Errorf("%d notifications after a retried submission, want 1", got)
	}
}
