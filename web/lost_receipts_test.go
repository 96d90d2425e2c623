package web_test

import (
	"fmt"
	"io"
	"mime/quotedprintable"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/emersion/go-smtp"

	"yugongkai/comments"
	"yugongkai/notify"
	"yugongkai/ratelimit"
	"yugongkai/vcode"
	"yugongkai/web"
)

// mailbox is a real SMTP server in the test process (emersion/go-smtp)
// keeping what it receives.
type mailbox struct {
	mu   sync.Mutex
	msgs []received
}

type received struct{ to, raw string }

type mailSession struct {
	mb *mailbox
	to string
}

func (s *mailSession) Reset()                                    {}
func (s *mailSession) Logout() error                             { return nil }
func (s *mailSession) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = to; return nil }
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mb.mu.Lock()
	s.mb.msgs = append(s.mb.msgs, received{to: s.to, raw: string(b)})
	s.mb.mu.Unlock()
	return nil
}

func (mb *mailbox) all() []received {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return append([]received(nil), mb.msgs...)
}

// text is the message with its quoted-printable parts decoded.
func (m received) text() string {
	b, _ := io.ReadAll(quotedprintable.NewReader(strings.NewReader(m.raw)))
	return string(b)
}

// sendByMail makes the env's verification messages go out by email through
// a real SMTP server on loopback, and returns its mailbox.
func (e *env) sendByMail(t *testing.T) *mailbox {
	t.Helper()
	mb := &mailbox{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{mb: mb}, nil }))
	srv.Domain = "mx.test"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	sender := notify.CodeSender{Domain: "yj.example.gov.cn", Senders: map[string]notify.Sender{
		vcode.Email: &notify.SMTP{Addr: l.Addr().String(), From: "意见征集 <notify@yj.example.gov.cn>", Timeout: 10 * time.Second}}}
	codes := vcode.New(e.auth.Codes.Store, []byte("test-code-key-test-code-key-0123"), sender, e.clock.Now)
	e.auth.Codes, e.comments.Codes = codes, codes
	return mb
}

func roomyCodeLimit(cfg *web.Config) { cfg.Limits.CodePerIP = ratelimit.New(1000, time.Hour) }

// TestLostReceipts: the receipt codes of every comment submitted with a
// contact arrive at that contact in one mail, none of another contact's;
// an unknown contact gets nothing, and the same answer.
func TestLostReceipts(t *testing.T) {
	for _, name := range stores {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, name, roomyCodeLimit)
			mb := e.sendByMail(t)
			w := e.world()
			id, art := e.openConsultation(w, nil)
			title := e.want(e.do("GET", "/api/v1/consultations/"+id, "", nil), 200, "get").str("title")
			submit := func(body string, extra ...string) string {
				t.Helper()
				return e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment(body, extra...)), 201, "submit").str("code")
			}
			a := submit("建议第一条写明“文明养犬”。", "article_id", art, "contact_email", "Zhang@Example.cn", "contact_phone", "13912345678")
			b := submit("建议增加犬只免疫的规定。", "contact_email", "zhang@example.cn")
			c := submit("建议延长登记期限。", "article_id", art, "contact_email", "li@example.cn")
			d := submit("建议明确收容机构。", "contact_phone", "139 1234 5678")
			e.want(e.do("POST", "/api/v1/receipts/"+b+"/withdraw", "", map[string]string{"reason": "重复提交"}), 200, "withdraw b")

			unknown := e.want(e.do("POST", "/api/v1/receipts/lost", "", map[string]string{"contact": "nobody@example.cn"}), 202, "unknown contact")
			known := e.want(e.do("POST", "/api/v1/receipts/lost", "", map[string]string{"contact": " ZHANG@example.cn "}), 202, "known contact")
			if string(unknown.Body) != string(known.Body) || unknown.Header.Get("Content-Type") != known.Header.Get("Content-Type") {
				t.Errorf("answers differ:\n%s\n%s", unknown.Body, known.Body)
			}
			if !strings.Contains(known.str("message"), "如该联系方式提交过意见，回执码已发送") {
				t.Errorf("message = %q", known.str("message"))
			}
			e.comments.WaitSends()
			msgs := mb.all()
			if len(msgs) != 1 {
				t.Fatalf("%d mails, want 1 (to the known contact only)", len(msgs))
			}
			m := msgs[0]
			if m.to != "zhang@example.cn" {
				t.Errorf("mail to %q, want zhang@example.cn", m.to)
			}
			text := m.text()
			for _, want := range []string{a, b, title, "第一条", "草案整体", "（已撤回）", "2026年12月1日"} {
				if !strings.Contains(text, want) {
					t.Errorf("the mail lacks %q:\n%s", want, text)
				}
			}
			for _, other := range []string{c, d} {
				if strings.Contains(text, other) {
					t.Errorf("the mail lists %s, a comment of another contact", other)
				}
			}
			if strings.Contains(m.raw, "List-Unsubscribe") {
				t.Error("an answer to a request has a List-Unsubscribe header")
			}
			// English, and by phone number the comments with that number.
			e.want(e.do("POST", "/api/v1/receipts/lost", "", map[string]string{"contact": "li@example.cn"}, "Accept-Language", "en"), 202, "english")
			e.comments.WaitSends()
			if msgs = mb.all(); len(msgs) != 2 || !strings.Contains(msgs[1].text(), c) || !strings.Contains(msgs[1].text(), "submitted") || strings.Contains(msgs[1].text(), a) {
				t.Errorf("the English mail to li@: %d mails\n%s", len(msgs), msgs[len(msgs)-1].text())
			}
			// Bad input: a clear error on the contact field.
			bad := e.want(e.do("POST", "/api/v1/receipts/lost", "", map[string]string{"contact": "不是联系方式"}), 422, "bad contact")
			if bad.field("contact") == "" {
				t.Errorf("no error on the contact field: %s", bad.Body)
			}
			e.want(e.do("POST", "/api/v1/receipts/lost", "", map[string]string{}), 422, "no contact")
		})
	}
}

// TestLostReceiptsErased: a contact erased (by the commenter, or expired)
// finds nothing any more.
func TestLostReceiptsErased(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, art := e.openConsultation(w, nil)
		code := e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("建议第一条写明“文明养犬”。", "article_id", art,
			"contact_email", "zhao@example.cn")), 201, "submit").str("code")
		e.want(e.do("POST", "/api/v1/receipts/lost", "", map[string]string{"contact": "zhao@example.cn"}), 202, "lost")
		e.comments.WaitSends()
		if m := e.codes.Last(t); m.Purpose != vcode.LostReceipts || !strings.Contains(strings.Join(m.Lines, "\n"), code) {
			t.Fatalf("lost receipts before the erasure: %+v", m)
		}
		e.want(e.do("POST", "/api/v1/receipts/"+code+"/erase-contact/code", "", map[string]string{"contact": "zhao@example.cn"}), 202, "erase code")
		vc := e.codes.Last(t).Code
		e.want(e.do("POST", "/api/v1/receipts/"+code+"/erase-contact", "", map[string]string{"contact": "zhao@example.cn", "code": vc}), 200, "erase")
		sent := len(e.codes.Sent)
		e.want(e.do("POST", "/api/v1/receipts/lost", "", map[string]string{"contact": "zhao@example.cn"}), 202, "lost after the erasure")
		e.comments.WaitSends()
		if len(e.codes.Sent) != sent {
			t.Errorf("a message went to an erased contact: %+v", e.codes.Sent[sent:])
		}
	})
}

// TestLostReceiptsLimits: the per-contact limit (vcode) and the per-IP
// limit answer alike for a contact with comments and one without.
func TestLostReceiptsLimits(t *testing.T) {
	e := newEnv(t, "sqlite", roomyCodeLimit)
	w := e.world()
	id, _ := e.openConsultation(w, nil)
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("建议明确收容机构。", "contact_email", "qian@example.cn")), 201, "submit")
	for _, contact := range []string{"qian@example.cn", "sun@example.cn"} {
		for i := 0; i < 5; i++ {
			e.want(e.do("POST", "/api/v1/receipts/lost", "", map[string]string{"contact": contact}), 202, contact)
		}
		r := e.want(e.do("POST", "/api/v1/receipts/lost", "", map[string]string{"contact": contact}), 429, contact+" 6th")
		if r.Header.Get("Retry-After") == "" {
			t.Errorf("%s: 429 without Retry-After", contact)
		}
	}
	e.comments.WaitSends()
	if n := len(e.codes.Sent); n != 5 {
		t.Errorf("%d messages, want 5 (the known contact's, up to its limit)", n)
	}

	perIP := newEnv(t, "sqlite", func(cfg *web.Config) { cfg.Limits.CodePerIP = ratelimit.New(2, time.Hour) })
	for i, contact := range []string{"a@example.cn", "b@example.cn"} {
		perIP.want(perIP.do("POST", "/api/v1/receipts/lost", "", map[string]string{"contact": contact}), 202, contact)
		_ = i
	}
	perIP.want(perIP.do("POST", "/api/v1/receipts/lost", "", map[string]string{"contact": "c@example.cn"}), 429, "third from one IP")
}

// TestLostReceiptsPage: the page without JavaScript, in both languages,
// linked from the receipt lookup; the same notice for any contact; an
// error summary for a bad one.
func TestLostReceiptsPage(t *testing.T) {
	e := newEnv(t, "sqlite", roomyCodeLimit)
	w := e.world()
	id, _ := e.openConsultation(w, nil)
	code := e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("建议明确收容机构。", "contact_phone", "13912345678")), 201, "submit").str("code")
	b := e.browser()
	p := b.get("/receipts").want(t, 200, "lookup")
	p.has(t, "lookup", `href="/receipts/lost"`, "找回回执码")
	p = b.get("/receipts/lost").want(t, 200, "lost page")
	p.checkPage(t, "lost page", "zh-CN")
	p.has(t, "lost page", `action="/receipts/lost"`, `name="contact"`, fmt.Sprintf("最近 %d 条", comments.MaxLostReceipts))
	known := b.post("/receipts/lost", url.Values{"contact": {"+86 139 1234 5678"}}).want(t, 200, "known")
	known.checkPage(t, "sent", "zh-CN")
	known.has(t, "sent", "如该联系方式提交过意见，回执码已发送")
	unknown := b.post("/receipts/lost", url.Values{"contact": {"13900000000"}}).want(t, 200, "unknown")
	unknown.has(t, "sent", "如该联系方式提交过意见，回执码已发送")
	if known.Body != unknown.Body {
		t.Errorf("the pages after a known and an unknown contact differ:\n%s\n----\n%s", known.Body, unknown.Body)
	}
	e.comments.WaitSends()
	if m := e.codes.Last(t); m.Contact.Address != "13912345678" || !strings.Contains(strings.Join(m.Lines, "\n"), code) || len(e.codes.Sent) != 1 {
		t.Errorf("messages: %+v", e.codes.Sent)
	}
	bad := b.post("/receipts/lost", url.Values{"contact": {"abc"}}).want(t, 422, "bad")
	bad.checkPage(t, "bad", "zh-CN")
	bad.has(t, "bad", `role="alert"`, `aria-invalid="true"`)
	en := b.get("/receipts/lost?lang=en").want(t, 200, "english")
	en.has(t, "english", "Find my receipt codes")
}

// TestBrowserLostReceipts: in Chromium with JavaScript off, from the
// receipt lookup to the notice, on a 320 px wide screen in 大字版 (what
// 400 % zoom leaves): nothing is cut off, and the codes are sent. (The
// error summary of a bad contact, a 422 page Chromium logs as an error, is
// TestLostReceiptsPage's.)
func TestBrowserLostReceipts(t *testing.T) {
	needBrowser(t)
	e := newEnv(t, "sqlite", roomyCodeLimit)
	w := e.world()
	id, _ := e.openConsultation(w, nil)
	code := e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("建议明确收容机构。", "contact_email", "zhou@example.cn")), 201, "submit").str("code")
	b := startBrowser(t, e, "lost-", 60*time.Second)
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	b.step("01-lookup",
		chromedp.EmulateViewport(320, 800),
		chromedp.Navigate(b.base+"/receipts?lang=zh-CN"),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/receipts/lost"]`)),
		chromedp.Click(chromedp.CSS(`a.display-switch`)),
		chromedp.WaitVisible(chromedp.CSS(`body.large a[href="/receipts/lost"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/receipts/lost"]`)),
		chromedp.WaitVisible(chromedp.ID("contact")),
	)
	overflow := `(function(){var bad=[]; document.querySelectorAll("h1, label, input, button, p").forEach(function(el){var r=el.getBoundingClientRect(); if(r.right>window.innerWidth+0.5||el.scrollWidth>el.clientWidth+1&&el.tagName!=="INPUT") bad.push(el.tagName+":"+el.textContent.slice(0,20))}); return document.body.className + " " + document.documentElement.scrollWidth + "/" + window.innerWidth + " " + bad.join(",")})()`
	if got := b.eval("form layout", overflow); got != "large 320/320 " {
		t.Errorf("the form at 320 px in 大字版: %q, want nothing cut off", got)
	}
	b.step("02-sent",
		chromedp.SetValue(chromedp.ID("contact"), "Zhou@Example.cn"),
		chromedp.Submit(chromedp.ID("contact")),
		chromedp.WaitVisible(chromedp.CSS(`p.notice-box`)),
	)
	if got := b.eval("notice", `document.querySelector("p.notice-box").textContent`); !strings.Contains(got, "如该联系方式提交过意见，回执码已发送") {
		t.Errorf("notice = %q", got)
	}
	if got := b.eval("sent layout", overflow); got != "large 320/320 " {
		t.Errorf("the notice at 320 px in 大字版: %q", got)
	}
	e.comments.WaitSends()
	if m := e.codes.Last(t); m.Contact.Address != "zhou@example.cn" || !strings.Contains(strings.Join(m.Lines, "\n"), code) {
		t.Errorf("message = %+v", m)
	}
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		t.Fatal(err)
	}
	b.checkConsole()
}
