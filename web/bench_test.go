package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
	corpusfiles "yugongkai/internal/corpus"
	"yugongkai/storetest"

	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/ident"
	"yugongkai/internal/cputime"
	"yugongkai/lawtext"
	"yugongkai/mongodb/mongotest"
	"yugongkai/sqlite"
	"yugongkai/token"
	"yugongkai/web"
)

// benchEnv is a server for benchmarks (no *testing.T).
type benchEnv struct {
	srv   *web.Server
	cons  consultation.Store
	token string
}

func newBenchEnv(b *testing.B, store string) *benchEnv {
	var as auth.Store
	var cs consultation.Store
	switch store {
	case "sqlite":
		db := sqlite.OpenTemp(b)
		as, cs = db.Auth(), db.Consultations()
	default:
		db := mongotest.Open(b)
		as, cs = db, db
	}
	a := auth.NewService(as)
	a.Hash = auth.LightHashPassword
	c := consultation.NewService(cs, as)
	signer, _ := token.NewSigner([]byte("bench-secret-bench-secret-bench-secret"), time.Hour, nil)
	srv := web.New(web.Config{Auth: a, Consultations: c, Tokens: signer, Log: slog.New(slog.DiscardHandler)})
	ctx := context.Background()
	admin := auth.Principal{UserID: "root", Role: auth.Admin}
	d, err := a.CreateDepartment(ctx, admin, "县公安局")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := a.CreateUser(ctx, admin, auth.NewUser{Username: "staff", Password: "bench-password", Role: auth.Staff, DepartmentID: d.ID}); err != nil {
		b.Fatal(err)
	}
	u, _ := as.UserByName(ctx, "staff")
	tok, _, _ := signer.Issue(u.ID, u.TokenVersion)
	return &benchEnv{srv: srv, cons: cs, token: tok}
}

// BenchmarkCreateRead measures creating a consultation from the ~64 KB
// 治安管理处罚法 text and reading it back, through the HTTP API and, as the
// baseline in the same run, directly on the store.
func BenchmarkCreateRead(b *testing.B) {
	raw := corpusfiles.Read(b, "public-security-admin-penalties-law/final.txt")
	body, _ := json.Marshal(draftBody(string(raw)))
	for _, store := range []string{"sqlite", "mongodb"} {
		b.Run(store+"/api", func(b *testing.B) {
			e := newBenchEnv(b, store)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest("POST", "/api/v1/consultations", strings.NewReader(string(body)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+e.token)
				res, err := e.srv.App.Test(req, -1)
				if err != nil || res.StatusCode != 201 {
					b.Fatalf("create: %v %d", err, res.StatusCode)
				}
				var created struct{ ID string }
				json.NewDecoder(res.Body).Decode(&created)
				res.Body.Close()
				req = httptest.NewRequest("GET", "/api/v1/consultations/"+created.ID+"/versions/1", nil)
				req.Header.Set("Authorization", "Bearer "+e.token)
				res, err = e.srv.App.Test(req, -1)
				if err != nil || res.StatusCode != 200 {
					b.Fatalf("read: %v %d", err, res.StatusCode)
				}
				res.Body.Close()
			}
		})
		b.Run(store+"/store", func(b *testing.B) {
			e := newBenchEnv(b, store)
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				doc, _ := lawtext.Parse(string(raw))
				for j := range doc.Blocks {
					if a := doc.Blocks[j].Article; a != nil {
						a.ID = ident.Short()
					}
				}
				now := time.Now().UTC().Truncate(time.Millisecond)
				c := &consultation.Consultation{ID: ident.ID(), DepartmentID: "d", Title: "t", ProcedureType: consultation.Rule,
					State: consultation.Draft, CreatedAt: now, UpdatedAt: now, CurrentVersion: 1}
				v := &consultation.Version{ConsultationID: c.ID, Number: 1, Kind: consultation.ConsultationDraft, Text: lawtext.Render(doc), CreatedAt: now, Document: doc}
				if err := storetest.Create(e.cons, c, v); err != nil {
					b.Fatal(err)
				}
				if _, err := e.cons.Version(ctx, c.ID, 1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// largestDraft is a text of consultation.MaxArticles articles (the largest
// accepted), each sentence varied by seed.
func largestDraft(n, seed int) string { return paddedDraft(n, seed, 0) }

// paddedDraft is largestDraft with pad more characters in every article
// (a clause of generated characters, varied by article and seed).
func paddedDraft(n, seed, pad int) string {
	var sb strings.Builder
	sb.WriteString("某市综合管理条例\n\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&sb, "第%s条　本条规定第%d项管理事项，主管部门应当在%d个工作日内依法办理并公开结果，当事人对处理决定不服的，可以依法申请行政复议或者提起行政诉讼（%d）",
			lawtext.FormatNumeral(i), i, (i*7+seed)%30+1, seed)
		if pad > 0 {
			sb.WriteString("；")
			for k := range pad - 1 {
				sb.WriteRune(rune(0x4e00 + (i*131+k*17+seed*7)%2500))
			}
		}
		sb.WriteString("。\n")
	}
	return sb.String()
}

// largestPad is the padding that brings a text of consultation.MaxArticles
// articles to consultation.MaxTextChars characters, give or take one per article.
func largestPad() int {
	return (consultation.MaxTextChars - utf8.RuneCountInString(largestDraft(consultation.MaxArticles, 0))) / consultation.MaxArticles
}

// BenchmarkSaveLargestDraft saves an edit of the largest draft accepted
// (consultation.MaxArticles articles, every one changed and one inserted at
// the top, so every article is renumbered and matched) through the API, with
// short articles ("articles") and with articles padded to
// consultation.MaxTextChars characters in all ("articles+chars"):
//
//	go test ./web -run '^$' -bench SaveLargestDraft -benchtime 5x
//
// The goal is < 1 s and < 100 MB allocated per save.
func BenchmarkSaveLargestDraft(b *testing.B) {
	for _, tc := range []struct {
		name string
		pad  int
	}{{"articles", 0}, {"articles+chars", largestPad()}} {
		b.Run(tc.name, func(b *testing.B) { benchSaveLargest(b, tc.pad) })
	}
}

func benchSaveLargest(b *testing.B, pad int) {
	e := newBenchEnv(b, "sqlite")
	first := paddedDraft(consultation.MaxArticles, 0, pad)
	if n := utf8.RuneCountInString(first); n > consultation.MaxTextChars {
		b.Fatalf("the draft has %d characters, over the limit", n)
	}
	body, _ := json.Marshal(draftBody(first))
	req := httptest.NewRequest("POST", "/api/v1/consultations", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.token)
	res, err := e.srv.App.Test(req, -1)
	if err != nil || res.StatusCode != 201 {
		b.Fatalf("create: %v %d", err, res.StatusCode)
	}
	var created struct{ ID string }
	json.NewDecoder(res.Body).Decode(&created)
	res.Body.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	start := cputime.Process()
	for i := 0; i < b.N; i++ {
		text := strings.Replace(paddedDraft(consultation.MaxArticles-1, i+1, pad), "第一条", "第一条　新增的第一条规定。\n第二条", 1)
		patch, _ := json.Marshal(map[string]string{"text": text})
		req := httptest.NewRequest("PATCH", "/api/v1/consultations/"+created.ID, strings.NewReader(string(patch)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+e.token)
		res, err := e.srv.App.Test(req, -1)
		if err != nil || res.StatusCode != 200 {
			b.Fatalf("save: %v %d", err, res.StatusCode)
		}
		res.Body.Close()
	}
	b.StopTimer()
	if end := cputime.Process(); end > start {
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "MB-alloc/op")
	b.ReportMetric(float64(utf8.RuneCountInString(first)), "chars")
}
