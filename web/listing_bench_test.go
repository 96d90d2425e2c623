package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/netip"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
	"yugongkai/storetest"

	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/ident"
	"yugongkai/sqlite"
	"yugongkai/token"
	"yugongkai/web"
)

// listingEnv is a server with one open consultation holding n published
// comments (unique texts, so n groups: the worst case for the public list).
type listingEnv struct {
	srv   *web.Server
	id    string
	store comments.Store
}

func newListingEnv(b *testing.B, n int, opts ...sqlite.Option) *listingEnv {
	b.Helper()
	db, err := sqlite.Open(context.Background(), b.TempDir(), opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ctx := context.Background()
	a := auth.NewService(db.Auth())
	a.Hash = auth.LightHashPassword
	cs := consultation.NewService(db.Consultations(), db.Auth())
	cm := comments.NewService(db.Comments(), cs)
	cs.Facts = cm.Facts
	admin := auth.Principal{UserID: "root", Role: auth.Admin}
	d, _ := a.CreateDepartment(ctx, admin, "县公安局")
	staff := auth.Principal{UserID: "s", Role: auth.Staff, DepartmentID: d.ID}
	ptr := func(s string) *string { return &s }
	typ := consultation.Other
	c, err := cs.Create(ctx, staff, consultation.DraftForm{Title: ptr("养犬管理办法"), ProcedureType: &typ,
		Text: ptr(shortText), Explanation: ptr("说明"), LegalBasis: ptr("依据"),
		Contact: &consultation.Contact{Department: "局", Phone: "1"}, Channels: &consultation.Channels{Email: "a@b.cn"}})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := cs.Publish(ctx, staff, c.ID, consultation.PublishForm{ClosesAt: time.Now().Add(60 * 24 * time.Hour).Format("2006-01-02")}); err != nil {
		b.Fatal(err)
	}
	store := db.Comments()
	v, err := cs.Version(ctx, staff, c.ID, 1)
	if err != nil {
		b.Fatal(err)
	}
	arts := v.Articles()
	t0 := time.Now().UTC().Truncate(time.Millisecond)
	for i := 0; i < n; i++ {
		body := fmt.Sprintf("第%d位居民的意见：建议对第%d条中的登记期限作出调整，并明确收费标准。", i, i%7+1)
		cmt := &comments.Comment{ID: ident.ID(), ConsultationID: c.ID, Version: 1, Body: body, PublicBody: body,
			BodySHA256: "x", CommenterType: comments.Individual, Display: comments.Anonymous, Channel: comments.Online,
			ReceivedAt: t0.Add(time.Duration(i) * time.Millisecond), CreatedAt: t0, Receipt: comments.NewReceiptCode(),
			Status: comments.Published}
		if i%3 > 0 { // a third on the whole draft, the rest spread over the articles
			cmt.ArticleID = arts[i%len(arts)].ID
		}
		cmt.GroupID = comments.ExactGroupID(cmt.ArticleID, body)
		if err := storetest.InsertComment(store, cmt); err != nil {
			b.Fatal(err)
		}
	}
	if err := db.Checkpoint(ctx); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	signer, _ := token.NewSigner([]byte("bench-secret-bench-secret-bench-secret"), time.Hour, nil)
	srv := web.New(web.Config{Auth: a, Consultations: cs, Comments: cm, Tokens: signer, Log: slog.New(slog.DiscardHandler), TrustedProxies: []netip.Prefix{netip.MustParsePrefix("0.0.0.0/32")}})
	return &listingEnv{srv: srv, id: c.ID, store: store}
}

// get returns the duration of one request and its next cursor.
func (e *listingEnv) get(b *testing.B, path string) (time.Duration, string) {
	start := time.Now()
	res, err := e.srv.App.Test(httptest.NewRequest("GET", path, nil), -1)
	d := time.Since(start)
	if err != nil || res.StatusCode != 200 {
		b.Fatalf("GET %s: %v %d", path, err, res.StatusCode)
	}
	var page struct {
		Items []json.RawMessage `json:"items"`
		Next  string            `json:"next_cursor"`
	}
	json.NewDecoder(res.Body).Decode(&page)
	res.Body.Close()
	if len(page.Items) == 0 {
		b.Fatalf("GET %s: empty page", path)
	}
	return d, page.Next
}

// BenchmarkPublicCommentList measures the public comment list (first page
// and pages deep in the list, following cursors) at 100 and at 100 000
// published comments, reporting the 95th percentile latency.
//
//	go test ./web -run '^$' -bench PublicCommentList -benchtime 400x
func BenchmarkPublicCommentList(b *testing.B) {
	for _, n := range []int{100, 100_000} {
		b.Run(fmt.Sprintf("comments=%d", n), func(b *testing.B) {
			e := newListingEnv(b, n, sqlite.WithBulkLoad())
			base := "/api/v1/consultations/" + e.id + "/comments?limit=20"
			// Cursors spread over the list, so deep pages are measured too.
			var cursors []string
			cursor := ""
			for i := 0; i < 5; i++ {
				_, next := e.get(b, base+"&cursor="+cursor)
				if next == "" {
					break
				}
				cursors = append(cursors, next)
				cursor = next
			}
			durations := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				path := base
				if i%2 == 1 && len(cursors) > 0 {
					path += "&cursor=" + cursors[i%len(cursors)]
				}
				d, _ := e.get(b, path)
				durations = append(durations, d)
			}
			b.StopTimer()
			sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
			p95 := durations[len(durations)*95/100]
			b.ReportMetric(float64(p95.Microseconds()), "p95-µs")
		})
	}
}

// BenchmarkSubmitComment compares comments accepted through the HTTP API
// (validation, masking, grouping, durable insert, receipt) with raw store
// inserts of the same documents, on the embedded store with fsync at every
// commit. The throughput ratio is store ns/op ÷ http ns/op.
//
//	go test ./web -run '^$' -bench SubmitComment -benchtime 2000x
func BenchmarkSubmitComment(b *testing.B) {
	b.Run("http", func(b *testing.B) {
		e := newListingEnv(b, 0)
		path := "/api/v1/consultations/" + e.id + "/comments"
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			body := fmt.Sprintf(`{"body":"第%d位居民的意见：建议明确犬只登记的期限和收费标准。","display":"anonymous"}`, i)
			req := httptest.NewRequest("POST", path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.0.%d.%d", i/250%250, i%250))
			res, err := e.srv.App.Test(req, -1)
			if err != nil || res.StatusCode != 201 {
				b.Fatalf("submit %d: %v %d", i, err, res.StatusCode)
			}
			res.Body.Close()
		}
	})
	b.Run("store", func(b *testing.B) {
		e := newListingEnv(b, 0)
		t0 := time.Now().UTC().Truncate(time.Millisecond)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			body := fmt.Sprintf("第%d位居民的意见：建议明确犬只登记的期限和收费标准。", i)
			cmt := &comments.Comment{ID: ident.ID(), ConsultationID: e.id, Version: 1, Body: body, PublicBody: body,
				BodySHA256: "x", CommenterType: comments.Individual, Display: comments.Anonymous, Channel: comments.Online,
				ReceivedAt: t0, CreatedAt: t0, Receipt: comments.NewReceiptCode(), Status: comments.Pending,
				GroupID: comments.ExactGroupID("", body), Bands: comments.BandKeys(body)}
			if err := storetest.InsertComment(e.store, cmt); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkConsultationPage measures the consultation page (notice, text by
// article with comment counts, timeline) at 100 and at 100 000 published
// comments, reporting the 95th percentile latency.
//
//	go test ./web -run '^$' -bench ConsultationPage -benchtime 300x
func BenchmarkConsultationPage(b *testing.B) {
	for _, n := range []int{100, 100_000} {
		b.Run(fmt.Sprintf("comments=%d", n), func(b *testing.B) {
			e := newListingEnv(b, n, sqlite.WithBulkLoad())
			path := "/consultations/" + e.id
			durations := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest("GET", path, nil)
				req.Header.Set("Accept", "text/html")
				start := time.Now()
				res, err := e.srv.App.Test(req, -1)
				d := time.Since(start)
				if err != nil || res.StatusCode != 200 {
					b.Fatalf("GET %s: %v %d", path, err, res.StatusCode)
				}
				res.Body.Close()
				durations = append(durations, d)
			}
			b.StopTimer()
			sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
			b.ReportMetric(float64(durations[len(durations)*95/100].Microseconds()), "p95-µs")
		})
	}
}
