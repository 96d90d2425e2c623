package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"yugongkai/consultation"
	"yugongkai/notify"
	"yugongkai/vcode"
	"yugongkai/web"
)

// failingSender refuses every message naming its recipient, as a real
// server's error does ("550 <a@b>: no such user").
type failingSender struct{}

func (failingSender) Send(_ context.Context, m notify.Message) error {
	return fmt.Errorf("550 <%s>: no such user", m.To)
}

// refusingCodes is a vcode.Sender refusing every message with an error
// naming its recipient.
type refusingCodes struct {
	mu sync.Mutex
	n  int
}

func (r *refusingCodes) SendCode(_ context.Context, m vcode.Message) error {
	r.mu.Lock()
	r.n++
	r.mu.Unlock()
	return fmt.Errorf("550 <%s>: no such user", m.Contact.Address)
}

func (r *refusingCodes) count() int { r.mu.Lock(); defer r.mu.Unlock(); return r.n }

// TestContactsAppearNowhere: commenters give distinctive contacts, the
// whole procedure runs (notifications attempted, failing with errors that
// name the recipient; lost receipts asked for, their sends failing
// likewise), then every feed, export (CSV, XLSX, JSON), search,
// archive, history, public list and receipt, and the whole log output
// (request lines included, at debug level) are fetched: the contacts
// appear in none. After the contacts expire they are gone from the staff
// views and the outbox too, and the record still verifies.
func TestContactsAppearNowhere(t *testing.T) {
	for _, store := range stores {
		t.Run(store, func(t *testing.T) { contactsAppearNowhere(t, store) })
	}
}

func contactsAppearNowhere(t *testing.T, store string) {
	{
		logs := &lockedBuffer{}
		logger := slog.New(web.LogHandler(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
		e := newEnv(t, store, func(c *web.Config) {
			c.Log = logger
			c.Consultations.Log = logger
			c.Auth.Log = logger
		})
		w := e.world()
		id, _ := e.procedureWithContacts(&w)
		contacts := []string{canaryEmail, canaryPhone, canaryEmail2, canaryFollower, "leakcheck"}
		ctx := context.Background()

		// Deliveries: failing sends whose errors name the recipient.
		worker := &notify.Worker{Store: e.outbox, Links: testLinks, Domain: "example.cn", Now: e.clock.Now, Log: logger,
			Senders: map[string]notify.Sender{consultation.ChannelEmail: failingSender{}, consultation.ChannelSMS: failingSender{}}}
		for range 2 { // fan-out rows, then the mails they became
			if n, err := worker.RunOnce(ctx); err != nil || n == 0 {
				t.Fatalf("worker: %d attempted, %v", n, err)
			}
		}
		if fs, ok := e.outbox.(notify.FollowerStore); !ok {
			t.Fatal("no follower store")
		} else if f, err := fs.Followers(ctx, id); err != nil || len(f) != 1 || f[0].Email != canaryFollower {
			t.Fatalf("followers %+v, %v; want the canary", f, err)
		}

		check := func(what string, body []byte) {
			t.Helper()
			for _, c := range contacts {
				if bytes.Contains(bytes.ToLower(body), []byte(strings.ToLower(c))) {
					t.Errorf("%s discloses the contact %q", what, c)
				}
			}
		}
		get := func(path, tok string, header ...string) []byte {
			t.Helper()
			r := e.do("GET", path, tok, nil, header...)
			if r.Status != 200 {
				t.Errorf("GET %s: %d %.200s", path, r.Status, r.Body)
			}
			return r.Body
		}
		// Lost receipts for the commenters' contacts, the sends failing with
		// errors that name the recipient; the request, the answer and the
		// log of the failure must not show the contact.
		refusing := &refusingCodes{}
		e.comments.Codes = vcode.New(e.auth.Codes.Store, []byte("test-code-key-test-code-key-0123"), refusing, e.clock.Now)
		for _, contact := range []string{canaryEmail, canaryPhone} {
			r := e.want(e.do("POST", "/api/v1/receipts/lost", "", map[string]string{"contact": contact}), 202, "lost receipts")
			check("lost receipts answer", r.Body)
		}
		lostPage := e.browser()
		check("lost receipts page", []byte(lostPage.post("/receipts/lost", url.Values{"contact": {canaryEmail2}}).want(t, 200, "lost page").Body))
		e.comments.WaitSends()
		if n := refusing.count(); n != 3 {
			t.Fatalf("%d lost-receipt sends attempted, want 3 (each contact has comments)", n)
		}
		if !strings.Contains(logs.String(), "send lost receipts") {
			t.Fatalf("the failed lost-receipt sends were not logged")
		}

		base := "/api/v1/consultations/" + id
		page := "/consultations/" + id
		for _, tok := range []string{"", w.staffA} {
			who := map[string]string{"": "public", w.staffA: "staff"}[tok]
			for _, path := range []string{
				"/feed.atom", page + "/feed.atom", // feeds
				base + "/report.csv", base + "/report", // exports
				base + "/archive", base + "/history", // archive
				base + "/notifications", // delivery state (staff)
				"/api/v1/receipts/" + lastReceipts[0], "/api/v1/receipts/" + lastReceipts[0] + "/proof",
				"/api/v1/consultations", base, base + "/versions",
			} {
				if path == base+"/notifications" && tok == "" {
					continue
				}
				check(who+" "+path, get(path, tok))
			}
			check(who+" public comments", get(base+"/comments", ""))
			for _, q := range []string{"建议", "开发区", "登记", "1398", "7650", "canary", "leak", "example"} {
				check(who+" search "+q, get("/api/v1/search?q="+url.QueryEscape(q), tok))
				check(who+" search page "+q, get("/search?q="+url.QueryEscape(q), tok, "Accept", "text/html"))
				if tok != "" { // the staff search of comments and files (public: refused)
					check(who+" staff search "+q, get(base+"/staff-search?q="+url.QueryEscape(q), tok))
				}
			}
		}
		// The spreadsheet: every part of the .xlsx.
		xlsx := get(page+"/report.xlsx", "")
		zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
		if err != nil {
			t.Fatalf("report.xlsx: %v", err)
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			check("report.xlsx "+f.Name, b)
		}
		// Pages of the record.
		for _, path := range []string{page, page + "/comments", page + "/report", page + "/history", page + "/diff", "/receipts/" + lastReceipts[1]} {
			check("page "+path, get(path, "", "Accept", "text/html"))
		}
		// The staff delivery page shows no recipient either.
		staff := e.browser()
		staff.login("staffa", "password-staffa")
		check("delivery page", []byte(staff.get("/staff/consultations/"+id+"/notifications").Body))
		for _, q := range []string{"建议", "开发区", "1398", "canary", "example"} {
			check("staff search page "+q, []byte(staff.get("/staff/consultations/"+id+"/search?q="+url.QueryEscape(q)).want(t, 200, "staff search page").Body))
		}

		// The staff comment list does hold the contacts (the back end keeps
		// them for follow-up): the canary is real, so its absence above means
		// something.
		if r := e.want(e.do("GET", base+"/comments?limit=100", w.staffA, nil), 200, "staff list"); !bytes.Contains(r.Body, []byte(canaryEmail)) {
			t.Fatalf("the staff list lacks the contact: the canary is not where it should be")
		}

		// Expiry: the contacts go from the comments and the outbox; the
		// comments and their answers stay; the record verifies.
		e.clock.Add(time.Hour)
		e.relogin(&w)
		n, err := e.comments.ExpireContacts(ctx, time.Hour)
		if err != nil || n != 1 {
			t.Fatalf("ExpireContacts = %d, %v; want 1", n, err)
		}
		r := e.want(e.do("GET", base+"/comments?limit=100", w.staffA, nil), 200, "staff list after expiry")
		check("staff list after expiry", r.Body)
		if !bytes.Contains(r.Body, []byte("建议第二条扩大到开发区。")) || !bytes.Contains(r.Body, []byte("登记为上位法要求。")) {
			t.Errorf("the comments or their answers went with the contacts: %.300s", r.Body)
		}
		list, err := e.outbox.ConsultationNotifications(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range list {
			if n.To != "" {
				t.Errorf("notification %s keeps its recipient after expiry", n.ID)
			}
		}
		if f, err := e.outbox.(notify.FollowerStore).Followers(ctx, id); err != nil || len(f) != 0 {
			t.Errorf("followers after expiry: %d, %v", len(f), err)
		}
		h := e.want(e.do("GET", base+"/history", "", nil), 200, "history")
		if !bytes.Contains(h.Body, []byte(`"contacts.expired"`)) {
			t.Errorf("no contacts.expired event in the public history")
		}
		if v := e.want(e.do("GET", base+"/history/verify", "", nil), 200, "verify"); v.JSON["ok"] != true {
			t.Errorf("the record does not verify after expiry: %s", v.Body)
		}
		check("archive after expiry", get(base+"/archive", w.staffA))
		check("the log output", []byte(logs.String()))
		if !strings.Contains(logs.String(), `"msg":"request"`) || !strings.Contains(logs.String(), "notify: attempt") {
			t.Fatalf("the log output lacks the request and delivery lines the test looks into")
		}
	}
}
