package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// inbox is a real SMTP server (emersion/go-smtp) on loopback.
type inbox struct {
	mu   sync.Mutex
	msgs []string
}

type inboxSession struct{ in *inbox }

func (s inboxSession) Reset()                               {}
func (s inboxSession) Logout() error                        { return nil }
func (s inboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s inboxSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s inboxSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.in.mu.Lock()
	s.in.msgs = append(s.in.msgs, string(b))
	s.in.mu.Unlock()
	return err
}

func (in *inbox) count() int { in.mu.Lock(); defer in.mu.Unlock(); return len(in.msgs) }

// TestServerSendsNotifications: the wired server delivers a commenter's
// receipt by email and by SMS from the environment's configuration.
func TestServerSendsNotifications(t *testing.T) {
	in := &inbox{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return inboxSession{in}, nil }))
	srv.Domain = "mx.test"
	go func() { _ = srv.Serve(l) }()
	defer srv.Close()
	var smsMu sync.Mutex
	var sms []map[string]string
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]string
		if r.Header.Get("Authorization") != "Bearer sms-token" || json.NewDecoder(r.Body).Decode(&m) != nil {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		smsMu.Lock()
		sms = append(sms, m)
		smsMu.Unlock()
	}))
	defer gw.Close()

	base, _, stop := start(t, t.TempDir(), map[string]string{"YUGONGKAI_ADMIN_PASSWORD": "crash-admin-password",
		"YUGONGKAI_SMTP_ADDR": l.Addr().String(), "YUGONGKAI_SMTP_FROM": "意见征集 <notify@yj.example.gov.cn>",
		"YUGONGKAI_SMS_URL": gw.URL, "YUGONGKAI_SMS_TOKEN": "sms-token"})
	defer stop()
	id := openForComments(t, base)
	st, res := call(t, "POST", base+"/api/v1/consultations/"+id+"/comments", "", map[string]any{"body": "建议明确登记期限。", "display": "anonymous",
		"contact_email": "jane@example.org", "contact_phone": "13900001111"})
	if st != 201 {
		t.Fatalf("submit: %d %v", st, res)
	}
	code := res["code"].(string)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		smsMu.Lock()
		n := len(sms)
		smsMu.Unlock()
		if in.count() == 1 && n == 1 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if in.count() != 1 || len(sms) != 1 {
		t.Fatalf("%d emails, %d SMS arrived, want 1 each", in.count(), len(sms))
	}
	msg := in.msgs[0]
	if !strings.Contains(msg, "Message-ID: <notify.") || !strings.Contains(msg, "@yj.example.gov.cn>") || !strings.Contains(msg, "List-Unsubscribe: <http://") {
		t.Errorf("message headers:\n%s", msg[:min(len(msg), 1200)])
	}
	if !strings.Contains(sms[0]["text"], code) || sms[0]["to"] != "13900001111" {
		t.Errorf("SMS %v, want the receipt %s", sms[0], code)
	}
}
