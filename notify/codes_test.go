package notify_test

import (
	"crypto/tls"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"yugongkai/consultation"
	"yugongkai/notify"
	"yugongkai/sqlite"
	"yugongkai/vcode"
)

// TestVerificationCodes: a code goes out at once, by email through a real
// SMTP server (STARTTLS) and by SMS through the gateway contract, without
// any unsubscribe link, and what arrives is the code that checks.
func TestVerificationCodes(t *testing.T) {
	cert, pool := selfSigned(t)
	mb := &mailbox{}
	addr, _ := smtpServer(t, mb, "", &cert)
	var mu sync.Mutex
	var sms []notify.SMSRequest
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req notify.SMSRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		mu.Lock()
		sms = append(sms, req)
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	defer gw.Close()

	db, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := t0
	sender := notify.CodeSender{Domain: "yj.example.gov.cn", Senders: map[string]notify.Sender{
		consultation.ChannelEmail: &notify.SMTP{Addr: addr, From: "意见征集平台 <notify@yj.example.gov.cn>", User: "notifier", Password: "秘密pw",
			TLS: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}, Now: func() time.Time { return now }},
		consultation.ChannelSMS: &notify.SMSGateway{URL: gw.URL, Token: "tok"},
	}}
	codes := vcode.New(db.Auth(), []byte("test-key-test-key-test-key-test!"), sender, func() time.Time { return now })
	six := regexp.MustCompile(`\b[0-9]{6}\b`)

	mail := vcode.MustParse("Li.Si@Example.org")
	if err := codes.Issue(ctx, vcode.Signup, mail, "", "zh-CN"); err != nil {
		t.Fatal(err)
	}
	got := mb.all()
	if len(got) != 1 || got[0].to != "li.si@example.org" || !got[0].tls {
		t.Fatalf("mailbox = %+v, want one message over TLS to the normalized address", got)
	}
	p := parse(t, got[0].raw)
	if p.header.Get("List-Unsubscribe") != "" || strings.Contains(p.text, "unsubscribe") || strings.Contains(p.html, "unsubscribe") {
		t.Errorf("a verification message carries an unsubscribe link:\n%s", got[0].raw)
	}
	if !strings.Contains(p.subject, "验证码") || !strings.Contains(p.text, "10 分钟内有效") {
		t.Errorf("subject %q, text:\n%s", p.subject, p.text)
	}
	code := six.FindString(p.text)
	if code == "" || !strings.Contains(p.html, code) {
		t.Fatalf("no code in the message:\n%s", p.text)
	}
	if err := codes.Redeem(ctx, vcode.PasswordReset, mail, "", code); err == nil {
		t.Error("a sign-up code was accepted for a password reset")
	}
	if err := codes.Redeem(ctx, vcode.Signup, mail, "", code); err != nil {
		t.Errorf("the mailed code does not check: %v", err)
	}

	phone := vcode.MustParse("+86 139 0000 1111")
	if err := codes.Issue(ctx, vcode.EraseContact, phone, "YGK-2026-ABCD", "en"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sms) != 1 || sms[0].To != "13900001111" || sms[0].ID == "" {
		t.Fatalf("gateway got %+v", sms)
	}
	code = six.FindString(sms[0].Text)
	if !strings.HasPrefix(sms[0].Text, "【意见征集】") || code == "" {
		t.Fatalf("SMS text %q", sms[0].Text)
	}
	if err := codes.Redeem(ctx, vcode.EraseContact, phone, "YGK-2026-OTHER", code); err == nil {
		t.Error("a code for one receipt was accepted for another")
	}
	if err := codes.Redeem(ctx, vcode.EraseContact, phone, "YGK-2026-ABCD", code); err != nil {
		t.Errorf("the texted code does not check: %v", err)
	}

	// A channel without a sender fails the request, not silently.
	noSMS := vcode.New(db.Auth(), []byte("test-key-test-key-test-key-test!"), notify.CodeSender{Senders: map[string]notify.Sender{}}, nil)
	if err := noSMS.Issue(ctx, vcode.Signup, phone, "", "zh-CN"); err == nil {
		t.Error("Issue without an SMS sender succeeded")
	}
}

// TestLostReceiptsSMS: a list of lost receipts goes through the SMS
// gateway contract as one text, the notice then its lines.
func TestLostReceiptsSMS(t *testing.T) {
	var mu sync.Mutex
	var sms []notify.SMSRequest
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req notify.SMSRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		mu.Lock()
		sms = append(sms, req)
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	defer gw.Close()
	sender := notify.CodeSender{Senders: map[string]notify.Sender{consultation.ChannelSMS: &notify.SMSGateway{URL: gw.URL, Token: "tok"}}}
	m := vcode.Message{ID: "m1", Purpose: vcode.LostReceipts, Contact: vcode.MustParse("13900001111"), Lang: "zh-CN",
		Notice: "receipts.lost.intro", Params: []any{2}, Lines: []string{"YGK-AAAA-BBBB-CCCC：《办法》", "YGK-DDDD-EEEE-FFFF：《办法》"}}
	if err := sender.SendCode(ctx, m); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sms) != 1 || sms[0].To != "13900001111" {
		t.Fatalf("gateway got %+v", sms)
	}
	text := sms[0].Text
	if !strings.HasPrefix(text, "【意见征集】有人请求找回") || !strings.Contains(text, "\nYGK-AAAA-BBBB-CCCC：《办法》\nYGK-DDDD-EEEE-FFFF") {
		t.Errorf("SMS text %q", text)
	}
}
