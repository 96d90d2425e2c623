package main

import (
	"io"
	"mime/quotedprintable"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// TestServerSignupByEmailCode: the wired server sends a sign-up code
// through the real SMTP server, without an unsubscribe header, and the
// code creates the account, which can log in and see its session.
func TestServerSignupByEmailCode(t *testing.T) {
	in := &inbox{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return inboxSession{in}, nil }))
	srv.Domain = "mx.test"
	go func() { _ = srv.Serve(l) }()
	defer srv.Close()
	base, _, stop := start(t, t.TempDir(), map[string]string{"YUGONGKAI_ADMIN_PASSWORD": "crash-admin-password",
		"YUGONGKAI_SMTP_ADDR": l.Addr().String(), "YUGONGKAI_SMTP_FROM": "意见征集 <notify@yj.example.gov.cn>"})
	defer stop()
	if st, res := call(t, "POST", base+"/api/v1/auth/register/code", "", map[string]any{"contact": "Qian@Example.org"}); st != 202 {
		t.Fatalf("code: %d %v", st, res)
	}
	deadline := time.Now().Add(10 * time.Second)
	for in.count() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if in.count() != 1 {
		t.Fatalf("%d messages, want 1", in.count())
	}
	msg := in.msgs[0]
	if strings.Contains(msg, "List-Unsubscribe") || !strings.Contains(msg, "Message-ID: <code.") {
		t.Errorf("headers:\n%s", msg[:min(len(msg), 1200)])
	}
	raw, _ := io.ReadAll(quotedprintable.NewReader(strings.NewReader(msg)))
	text := string(raw)
	code := regexp.MustCompile(`\b[0-9]{6}\b`).FindString(text)
	if code == "" {
		t.Fatalf("no code in:\n%s", text)
	}
	st, res := call(t, "POST", base+"/api/v1/auth/register", "", map[string]any{"username": "qianshi", "password": "long-enough-pw", "contact": "qian@example.org", "code": code})
	if st != 201 {
		t.Fatalf("register: %d %v", st, res)
	}
	st, res = call(t, "POST", base+"/api/v1/auth/login", "", map[string]any{"username": "qianshi", "password": "long-enough-pw"})
	if st != 200 {
		t.Fatalf("login: %d %v", st, res)
	}
	tok := res["token"].(string)
	if st, res = call(t, "GET", base+"/api/v1/me/sessions", tok, nil); st != 200 || len(res["items"].([]any)) != 1 {
		t.Errorf("sessions: %d %v", st, res)
	}
}
