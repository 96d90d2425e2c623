package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"yugongkai/workcal"
)

// The page redesign of issue 12, checked over real HTTP: the consultation
// page's primary action, contents and tap targets, the 大字版 switch, feeds,
// downloads and the rule that 采纳 beside 未作修改 is always explained.

func TestConsultationPageContents(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id, art := e.openConsultation(w, map[string]any{"moderation": false})
	for i := 0; i < 2; i++ {
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("关于本条的意见"+strings.Repeat("！", i), "article_id", art)), 201, "comment")
	}
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("整体意见")), 201, "whole")
	for _, lang := range []string{"zh-CN", "en"} {
		p := e.browser().get("/consultations/"+id+"?lang="+lang).want(t, 200, "page "+lang)
		p.checkPage(t, "consultation "+lang, lang)
		if lang == "en" {
			p.has(t, "en", "Comment on the whole draft", "Contents", "Back to contents", "大字版", "Subscribe to this consultation")
			continue
		}
		// The primary action comes before the notice and the text, and has no article.
		whole := strings.Index(p.Body, `<a class="button primary comment-whole" href="/consultations/`+id+`/comment">对草案整体提意见</a>`)
		if whole < 0 || whole > strings.Index(p.Body, `id="notice-h"`) {
			t.Errorf("the whole-draft action is missing or below the notice (at %d)", whole)
		}
		p.has(t, "contents", `<nav class="toc" id="toc"`, `href="#sec-0">第一章 总则</a>`, `id="sec-0"`,
			`<a class="tap toc-art" href="#art-`+art+`">第一条<span class="visually-hidden">，已公开意见</span> <span class="toc-n">2</span><span class="visually-hidden"> 条</span>`, `<span class="toc-count">已公开意见 2 条</span>`,
			`<a class="tap art-comment" href="/consultations/`+id+`/comment?article=`+art+`">`,
			`<link rel="alternate" type="application/atom+xml" href="/feed.atom"`,
			`<link rel="alternate" type="application/atom+xml" href="/consultations/`+id+`/feed.atom"`,
			`>订阅本项目进展（Atom）</a>`, `>订阅全部征求意见（Atom）</a>`,
			`href="/consultations/`+id+`/versions/1.txt"`, `href="/consultations/`+id+`/versions/1.docx"`,
			`data-print hidden>打印 / 另存为 PDF</button>`, `>大字版</a>`)
		// Every article links back to the contents.
		if got, want := strings.Count(p.Body, `<a class="tap to-toc" href="#toc">返回目录</a>`), strings.Count(p.Body, `<section class="article"`); got != want || want == 0 {
			t.Errorf("%d back-to-contents links for %d articles", got, want)
		}
	}
}

func TestDisplaySwitch(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id, _ := e.openConsultation(w, nil)
	b := e.browser()
	path := "/consultations/" + id + "?lang=zh-CN"
	p := b.get(path).want(t, 200, "normal page")
	if strings.Contains(p.Body, `class="large"`) {
		t.Error("the large display is on before it was chosen")
	}
	wantSwitch := `href="/display?large=1&amp;next=` + url.QueryEscape(path) + `"`
	p.has(t, "switch link", wantSwitch)

	p = b.get("/display?large=1&next="+url.QueryEscape(path)).want(t, 303, "switch on")
	if p.Location != path {
		t.Errorf("after switching on: Location %q, want %q", p.Location, path)
	}
	p = b.get(path).want(t, 200, "large page")
	p.has(t, "large page", `<html lang="zh-CN" class="large">`, `<body class="large">`, `>退出大字版</a>`,
		`href="/display?large=0&amp;next=`+url.QueryEscape(path)+`"`)
	// Every page has it, the error page too.
	b.get("/consultations/nosuch").want(t, 404, "error page").has(t, "large error page", `<body class="large">`, "退出大字版")
	b.get("/receipts").want(t, 200, "receipts").has(t, "large receipts", `<body class="large">`)

	p = b.get("/display?large=0&next="+url.QueryEscape(path)).want(t, 303, "switch off")
	b.get(path).want(t, 200, "normal again").lacks(t, "normal again", `<body class="large">`)

	// next= is the login form's same-origin rule: anything else goes home.
	for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""} {
		p := e.browser().get("/display?large=1&next="+url.QueryEscape(next)).want(t, 303, "switch to "+next)
		if p.Location != "/" {
			t.Errorf("next=%q: Location %q, want /", next, p.Location)
		}
	}
}

// unzip returns the files of a zip archive by name.
func unzip(t *testing.T, b []byte) map[string]string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip archive: %v", err)
	}
	out := map[string]string{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(r)
		r.Close()
		out[f.Name] = string(data)
	}
	return out
}

// TestAdoptionAndDownloads takes a consultation through the procedure: an
// adopted comment on an article the revision leaves unchanged must say why
// (422 without), the public list says it, and the texts and the report
// download as .txt, .docx and .xlsx.
func TestAdoptionAndDownloads(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id, art := e.openConsultation(w, map[string]any{"moderation": false}) // art is 第一条, unchanged by revisedText
	base := "/api/v1/consultations/" + id
	c1 := e.want(e.do("POST", base+"/comments", "", comment("建议第一条写明目的。", "article_id", art)), 201, "comment").str("comment_id")

	t.Run("DraftText", func(t *testing.T) {
		r := e.do("GET", "/consultations/"+id+"/versions/1.txt", "", nil, "Accept", "text/html")
		if r.Status != 200 || !strings.Contains(string(r.Body), "第一条　为了规范养犬行为，制定本办法。\n") || !strings.Contains(string(r.Body), "第一章　总则") {
			t.Errorf("draft .txt: %d %q", r.Status, r.Body)
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("draft .txt content type %q", ct)
		}
		r = e.do("GET", "/consultations/"+id+"/versions/1.docx", "", nil)
		files := unzip(t, r.Body)
		doc, ok := files["word/document.xml"]
		if !ok {
			t.Fatalf("the .docx has no word/document.xml: %v", files)
		}
		for _, want := range []string{"第一条　为了规范养犬行为，制定本办法。", "第二条　本办法适用于本县城区。", "（一）依法登记；", "第一章　总则", "（征求意见稿）"} {
			if !strings.Contains(doc, want) {
				t.Errorf("word/document.xml lacks %q", want)
			}
		}
		for _, bad := range []string{"/versions/0.txt", "/versions/9.txt", "/versions/1.pdf", "/versions/x.docx"} {
			if r := e.do("GET", "/consultations/"+id+bad, "", nil, "Accept", "text/html"); r.Status != 404 {
				t.Errorf("GET %s: %d, want 404", bad, r.Status)
			}
		}
	})

	e.clock.Set(workcal.EndOfDay(workcal.MustParseDate("2026-12-31")))
	e.relogin(&w)
	e.want(e.do("POST", base+"/versions", w.staffA, map[string]string{"text": revisedText, "note": "修改"}), 201, "revise")
	if r := e.do("GET", "/consultations/"+id+"/versions/2.txt", "", nil, "Accept", "text/html"); r.Status != 404 {
		t.Errorf("the internal revision downloads for the public: %d", r.Status)
	}

	t.Run("AdoptedUnchangedNeedsReason", func(t *testing.T) {
		r := e.want(e.do("POST", "/api/v1/comments/"+c1+"/disposition", w.staffA, map[string]any{"status": "adopted"}), 422, "adopted, no article, no reason")
		if got := r.field("reason"); !strings.Contains(got, "采纳但未修改任何条文的，应当说明理由") {
			t.Errorf("reason message %q", got)
		}
		r = e.want(e.do("POST", "/api/v1/comments/"+c1+"/disposition", w.staffA, map[string]any{"status": "adopted"}, "Accept-Language", "en"), 422, "en")
		if got := r.field("reason"); !strings.Contains(got, "An adoption that changes no article needs a reason") {
			t.Errorf("English reason message %q", got)
		}
		staff := e.browser()
		staff.login("staffa", "password-staffa")
		p := staff.post("/staff/consultations/"+id+"/dispositions/comments/"+c1, url.Values{"status": {"adopted"}}).want(t, 422, "answer form")
		p.has(t, "answer form", "采纳但未修改任何条文的，应当说明理由", `<a href="#c-`+c1+`-reason">理由：采纳但未修改任何条文的`)
		e.want(e.do("POST", "/api/v1/comments/"+c1+"/disposition", w.staffA, map[string]any{"status": "adopted", "reason": "已在配套实施细则中规定。"}), 200, "adopted with reason")
	})

	t.Run("ReviseWithAnswersAtHand", func(t *testing.T) {
		staff := e.browser()
		staff.login("staffa", "password-staffa")
		staff.get("/staff/consultations/"+id+"/revise").want(t, 200, "revise").has(t, "revise",
			"已采纳、部分采纳的意见（1 项），修改时参照", "建议第一条写明目的。", "理由：已在配套实施细则中规定。")
	})

	e.finalizeConsultation(w, id)

	t.Run("PublicListExplains", func(t *testing.T) {
		p := e.browser().get("/consultations/"+id+"/comments").want(t, 200, "public comments")
		p.has(t, "public comments", `<p class="adoption-note">该意见已采纳，但该条文未作修改。说明：已在配套实施细则中规定。</p>`)
		p.lacks(t, "public comments", "该条文在最新文本中未作修改")
	})

	t.Run("FinalText", func(t *testing.T) {
		p := e.browser().get("/consultations/"+id).want(t, 200, "decision page")
		p.has(t, "decision page", `<p class="gongwen-docno">某政规〔2027〕1号</p>`, `<p class="print-only gongwen-date">2026年12月31日</p>`,
			`href="/consultations/`+id+`/versions/3.docx"`, `href="/consultations/`+id+`/versions/1.docx"`, `/report.xlsx"`)
		r := e.do("GET", "/consultations/"+id+"/versions/3.docx", "", nil)
		doc := unzip(t, r.Body)["word/document.xml"]
		for _, want := range []string{`<w:pStyle w:val="Subtitle"/></w:pPr><w:r><w:t xml:space="preserve">某政规〔2027〕1号`, "第三条　本办法自公布之日起施行。", "本县开发区", "2026年12月31日"} {
			if !strings.Contains(doc, want) {
				t.Errorf("final word/document.xml lacks %q", want)
			}
		}
		txt := string(e.do("GET", "/consultations/"+id+"/versions/3.txt", "", nil).Body)
		if !strings.Contains(txt, "某政规〔2027〕1号") || !strings.Contains(txt, "第三条　本办法自公布之日起施行。") {
			t.Errorf("final .txt:\n%s", txt)
		}
	})

	t.Run("ReportXLSXEqualsCSV", func(t *testing.T) {
		for _, lang := range []string{"zh-CN", "en"} {
			raw := e.do("GET", base+"/report.csv", "", nil, "Accept-Language", lang)
			want, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(raw.Body), "\ufeff"))).ReadAll()
			if err != nil || len(want) < 2 {
				t.Fatalf("report.csv: %v %q", err, raw.Body)
			}
			r := e.do("GET", "/consultations/"+id+"/report.xlsx", "", nil, "Accept-Language", lang)
			if r.Status != 200 || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
				t.Fatalf("report.xlsx: %d %s", r.Status, r.Header.Get("Content-Type"))
			}
			f, err := excelize.OpenReader(bytes.NewReader(r.Body))
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.GetRows(f.GetSheetName(0))
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%s: %d rows in the .xlsx, %d in the CSV", lang, len(got), len(want))
			}
			for i := range want {
				row := append(got[i], make([]string, len(want[i])-len(got[i]))...) // GetRows drops trailing empty cells
				if strings.Join(row, "\x1f") != strings.Join(want[i], "\x1f") {
					t.Errorf("%s row %d: xlsx %q, csv %q", lang, i, row, want[i])
				}
			}
		}
	})
}

// finalizeConsultation submits a closed, revised and answered consultation
// for review, gives the lawful opinion and publishes it as 某政规〔2027〕1号
// adopted on 2026-12-31.
func (e *env) finalizeConsultation(w world, id string) {
	e.t.Helper()
	base := "/api/v1/consultations/" + id
	e.want(e.do("POST", base+"/review", w.staffA, map[string]any{}), 200, "submit for review")
	e.want(e.do("POST", base+"/review/opinion", w.legal, map[string]string{"outcome": "lawful", "opinion": "合法。"}), 200, "opinion")
	e.want(e.do("POST", base+"/finalize", w.legal, map[string]string{"interpretation": "政策解读：本决策的主要内容。", "document_number": "某政规〔2027〕1号", "adopted_on": "2026-12-31",
		"effective_on": "2027-02-01", "registration_number": "ZJSD01-2027-0001"}), 200, "finalize")
}

// publishedConsultation is a consultation of shortText with one comment
// on 第一条, revised to revisedText, answered and published.
func (e *env) publishedConsultation(w *world) string {
	e.t.Helper()
	id, art := e.openConsultation(*w, map[string]any{"moderation": false})
	base := "/api/v1/consultations/" + id
	c1 := e.want(e.do("POST", base+"/comments", "", comment("建议第一条写明目的。", "article_id", art)), 201, "comment").str("comment_id")
	e.clock.Set(workcal.EndOfDay(workcal.MustParseDate("2026-12-31")))
	e.relogin(w)
	e.want(e.do("POST", base+"/versions", w.staffA, map[string]string{"text": revisedText, "note": "修改"}), 201, "revise")
	e.want(e.do("POST", "/api/v1/comments/"+c1+"/disposition", w.staffA, map[string]any{"status": "adopted", "reason": "已在配套实施细则中规定。"}), 200, "adopt")
	e.finalizeConsultation(*w, id)
	return id
}

// TestErrorSummary: a failed form starts with a summary of its errors, each
// linked to its field, and pages show no internal codes (enum values).
func TestErrorSummary(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	staff := e.browser()
	staff.login("staffa", "password-staffa")
	p := staff.post("/staff/consultations/new", url.Values{"action": {"save"}, "title": {""}, "text": {"没有条文"}, "procedure_type": {"rule"}}).want(t, 422, "invalid draft")
	p.checkPage(t, "invalid draft", "zh-CN")
	summary := strings.Index(p.Body, `<div class="error-summary" id="error-summary" role="alert"`)
	if summary < 0 || summary > strings.Index(p.Body, `class="stack draft-form"`) {
		t.Fatalf("no error summary above the form (at %d)", summary)
	}
	p.has(t, "invalid draft", `<a href="#title">标题：必填。</a>`, `<a href="#text">草案全文（粘贴纯文本）：`)

	id, _ := e.openConsultation(w, nil)
	anon := e.browser()
	p = anon.post("/consultations/"+id+"/comment", url.Values{"body": {""}, "display": {"bogus"}, "commenter_type": {"individual"}}).want(t, 422, "invalid comment")
	p.has(t, "invalid comment", `<a href="#body">意见内容：必填。</a>`, `<a href="#d-masked">`, "请从列出的选项中选择一项。")
	p.lacks(t, "invalid comment", "masked, real_name, anonymous")
	en := e.browser()
	en.get("/?lang=en")
	en.post("/consultations/"+id+"/comment", url.Values{"body": {""}}).want(t, 422, "en").has(t, "en comment", "to fix", `<a href="#body">Your comment: Required.</a>`)
}

// TestCompressionAndCaching: pages and assets are compressed on request;
// an asset addressed by its content version is cached for good.
func TestCompressionAndCaching(t *testing.T) {
	e := newEnv(t, "sqlite")
	page := e.do("GET", "/consultations", "", nil, "Accept", "text/html", "Accept-Encoding", "gzip")
	if page.Status != 200 || page.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("page: %d, Content-Encoding %q, want gzip", page.Status, page.Header.Get("Content-Encoding"))
	}
	plain := e.do("GET", "/consultations", "", nil, "Accept", "text/html")
	if plain.Header.Get("Content-Encoding") != "" || !strings.Contains(string(plain.Body), "<html") {
		t.Errorf("page without Accept-Encoding: %q", plain.Header.Get("Content-Encoding"))
	}
	href := regexp.MustCompile(`href="(/static/site\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(string(plain.Body))
	if href == nil {
		t.Fatal("no versioned stylesheet link")
	}
	css := e.do("GET", href[1], "", nil, "Accept-Encoding", "gzip")
	if css.Header.Get("Content-Encoding") != "gzip" || css.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("versioned asset: Content-Encoding %q, Cache-Control %q", css.Header.Get("Content-Encoding"), css.Header.Get("Cache-Control"))
	}
	if old := e.do("GET", "/static/site.css?v=0000000000", "", nil); old.Header.Get("Cache-Control") != "public, max-age=86400" {
		t.Errorf("asset with a stale version: Cache-Control %q", old.Header.Get("Cache-Control"))
	}
}
