package web_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/history"
	"yugongkai/workcal"
)

// Payloads the decision pages must escape.
const (
	xssScript = `<script>alert(1)</script>`
	xssImg    = `"><img src=x onerror=alert(1)>`
)

// noRawPayload fails if a payload appears unescaped in the page.
func noRawPayload(t *testing.T, what string, p page) {
	t.Helper()
	for _, s := range []string{"<script>alert", "<img src=x", `href="javascript:`} {
		if strings.Contains(p.Body, s) {
			t.Errorf("%s: raw %q in the page", what, s)
		}
	}
}

// decisionCase is a consultation taken through the whole procedure by the
// API, with hostile text in every field the decision pages show.
type decisionCase struct {
	e        *env
	w        world
	id       string
	linked   string // article of v2 that an adopted comment changed
	drafting string // article of v2 changed without a comment
}

// revisedText adds 第三条 (answering a comment) and rewrites 第二条 (a
// drafting change).
const revisedText = "某县养犬管理办法\n\n第一章　总则\n\n第一条　为了规范养犬行为，制定本办法。\n第二条　本办法适用于本县开发区。\n养犬人应当遵守下列规定：\n（一）依法登记；\n（二）文明养犬。\n第三条　本办法自公布之日起施行。\n"

// newDecisionCase opens a consultation (title with a script payload),
// collects two comments, checks the report page before the close, then
// closes, revises and answers the comments. It stops before review.
func newDecisionCase(t *testing.T) *decisionCase {
	e := newEnv(t, "sqlite")
	d := &decisionCase{e: e, w: e.world()}
	b := draftBody(shortText)
	b["title"] = "某县养犬管理办法" + xssScript
	b["moderation"] = false
	d.id = e.want(e.do("POST", "/api/v1/consultations", d.w.staffA, b), 201, "create").str("id")
	e.want(e.do("POST", "/api/v1/consultations/"+d.id+"/publish", d.w.staffA, map[string]string{"closes_at": "2026-12-31"}), 200, "publish")
	base := "/api/v1/consultations/" + d.id
	c1 := e.want(e.do("POST", base+"/comments", "", comment("建议写明施行日期"+xssScript)), 201, "comment 1").str("comment_id")
	c2 := e.want(e.do("POST", base+"/comments", "", comment("建议删除第二条"+xssImg, "real_name", "李"+xssImg)), 201, "comment 2").str("comment_id")

	t.Run("ReportBeforeClose", func(t *testing.T) {
		p := e.browser().get("/consultations/"+d.id+"/report").want(t, 403, "report while open")
		p.checkPage(t, "report while open", "zh-CN")
		p.has(t, "report while open", "采纳情况报告在征求意见结束后公开。", "2026年12月31日", `href="/consultations/`+d.id+`"`)
		p.lacks(t, "report while open", `class="chart"`)
		noRawPayload(t, "report while open", p)
	})

	e.clock.Set(workcal.EndOfDay(workcal.MustParseDate("2026-12-31")))
	e.relogin(&d.w)
	v2 := e.want(e.do("POST", base+"/versions", d.w.staffA, map[string]string{"text": revisedText, "note": "修改说明" + xssImg}), 201, "revise")
	arts := v2.JSON["articles"].([]any)
	d.drafting = arts[1].(map[string]any)["id"].(string)
	d.linked = arts[2].(map[string]any)["id"].(string)
	e.want(e.do("POST", "/api/v1/comments/"+c1+"/disposition", d.w.staffA, map[string]any{"status": "adopted", "changed_articles": []string{d.linked}}), 200, "adopt")
	e.want(e.do("POST", "/api/v1/comments/"+c2+"/disposition", d.w.staffA, map[string]string{"status": "not_adopted", "reason": "理由" + xssScript}), 200, "not adopted")
	return d
}

// submit sends the case to legality review.
func (d *decisionCase) submit(t *testing.T) {
	d.e.want(d.e.do("POST", "/api/v1/consultations/"+d.id+"/review", d.w.staffA, map[string]any{}), 200, "submit for review")
}

func TestDiffPage(t *testing.T) {
	d := newDecisionCase(t)
	e, id := d.e, d.id
	staff := e.browser()
	staff.login("staffa", "password-staffa")
	p := staff.get("/consultations/"+id+"/diff?from=1&to=2").want(t, 200, "diff")
	p.checkPage(t, "diff", "zh-CN")
	p.has(t, "diff", "<ins>", "<del>", "开发", "【新增】", "【修改】", `id="art-`+d.linked+`"`, `id="art-`+d.drafting+`"`,
		"因以下 1 条公众意见而修改", "建议写明施行日期&lt;script&gt;", "起草部门自行修改（无对应公众意见）",
		`<form class="filters diff-picker" method="get" action="/consultations/`+id+`/diff">`, `<option value="2" selected>`,
		"另有 1 条未修改，未显示。", "/api/v1/consultations/"+id+"/diff?from=1&amp;to=2")
	noRawPayload(t, "diff", p)
	// The linked comment sits in its article's section; the drafting note in the other's.
	linkedAt, draftingAt := strings.Index(p.Body, `id="art-`+d.linked+`"`), strings.Index(p.Body, `id="art-`+d.drafting+`"`)
	if note := strings.Index(p.Body, "起草部门自行修改"); !(draftingAt < note && note < linkedAt) {
		t.Errorf("drafting note at %d, want between %d and %d", note, draftingAt, linkedAt)
	}
	all := staff.get("/consultations/"+id+"/diff?from=1&to=2&all=1").want(t, 200, "diff with unchanged")
	all.has(t, "diff with unchanged", "【未修改】", `name="all" value="1" checked`)
	en := e.browser()
	en.login("staffa", "password-staffa")
	en.get("/consultations/"+id+"/diff?lang=en").want(t, 200, "diff en").has(t, "diff en", "[added: …]", "Drafting change (no linked comment)")

	// The internal revision is not the public's before publication.
	anon := e.browser()
	anon.get("/consultations/"+id+"/diff?from=1&to=2").want(t, 404, "public diff to an internal revision")
	p = anon.get("/consultations/"+id+"/diff").want(t, 200, "public diff")
	p.has(t, "public diff", "目前只有一个可查看的文本版本，暂无修改。")
	p.lacks(t, "public diff", "开发")
	anon.get("/consultations/"+id+"/diff?from=x").want(t, 422, "bad version number")
	anon.get("/consultations/nosuch/diff").want(t, 404, "missing consultation")
}

func TestReportPage(t *testing.T) {
	d := newDecisionCase(t)
	e, id := d.e, d.id
	p := e.browser().get("/consultations/"+id+"/report").want(t, 200, "report after close")
	p.checkPage(t, "report", "zh-CN")
	p.has(t, "report", "公众意见采纳情况", `class="chart"`, "<title id=\"chart-title\">意见采纳情况统计</title>",
		"<dt>收到意见</dt><dd>2</dd>", "网上提交 2", "张*祥", "李*", "建议写明施行日期&lt;script&gt;", "采纳", "未采纳",
		"理由&lt;script&gt;alert(1)&lt;/script&gt;", "采纳情况应于 ",
		`href="/api/v1/consultations/`+id+`/report.csv"`, `href="/api/v1/consultations/`+id+`/report"`,
		"<th scope=\"col\">序号</th>", "各条文收到的意见", "总体意见")
	noRawPayload(t, "report", p)
	e.browser().get("/consultations/"+id+"/report?lang=en").want(t, 200, "report en").has(t, "report en", "Comments received", "Comments by disposition")
	// The download links work from a browser.
	csv := e.do("GET", "/api/v1/consultations/"+id+"/report.csv", "", nil, "Accept", "text/html")
	if csv.Status != 200 || !strings.Contains(string(csv.Body), "施行日期") {
		t.Errorf("report.csv from a link: %d %.100s", csv.Status, csv.Body)
	}
}

func TestLegalReviewPages(t *testing.T) {
	d := newDecisionCase(t)
	e, id := d.e, d.id
	anon, resident, staff, legal, admin := e.browser(), e.browser(), e.browser(), e.browser(), e.browser()
	resident.login("resident", "password-resident")
	staff.login("staffa", "password-staffa")
	legal.login("legal", "password-legal")
	admin.login("admin", "admin-password-1")
	review, finalize := "/legal/consultations/"+id+"/review", "/legal/consultations/"+id+"/finalize"

	t.Run("Authorization", func(t *testing.T) {
		for _, path := range []string{review, finalize} {
			anon.get(path).want(t, 401, "anonymous "+path)
			resident.get(path).want(t, 403, "resident "+path)
			staff.get(path).want(t, 403, "staff "+path)
		}
		anon.post(review, url.Values{"outcome": {"lawful"}}).want(t, 401, "anonymous opinion")
		resident.post(review, url.Values{"outcome": {"lawful"}}).want(t, 403, "resident opinion")
		staff.post(review, url.Values{"outcome": {"lawful"}}).want(t, 403, "staff opinion")
		staff.post(finalize, url.Values{"document_number": {"x"}}).want(t, 403, "staff finalizes")
		legal.postRaw(review, url.Values{"outcome": {"lawful"}}).want(t, 403, "opinion without the CSRF token")
	})
	t.Run("BeforeSubmission", func(t *testing.T) {
		p := legal.get(review).want(t, 200, "package before submission")
		p.lacks(t, "package before submission", `action="/legal/consultations/`+id+`/review"`)
		legal.get(finalize).want(t, 409, "finalize before review")
	})
	d.submit(t)
	t.Run("Queue", func(t *testing.T) {
		p := legal.get("/legal/").want(t, 200, "queue")
		p.checkPage(t, "queue", "zh-CN")
		p.has(t, "queue", "待审查", `href="/legal/consultations/`+id+`/review"`, "某县养犬管理办法&lt;script&gt;", "县公安局", "2027年1月")
		noRawPayload(t, "queue", p)
	})
	t.Run("Package", func(t *testing.T) {
		p := legal.get(review).want(t, 200, "package")
		p.checkPage(t, "package", "zh-CN")
		p.has(t, "package", "程序说明", "收到 2 件，公开 2 件，不予公开 0 件，尚未答复 0 件", "征求意见稿 v1，送审稿 v2",
			"<ins>", "因以下 1 条公众意见而修改", `class="chart"`, `name="outcome" value="lawful"`, `name="outcome" value="revise"`,
			`name="outcome" value="unlawful"`, `<textarea id="opinion" name="opinion"`, "审查期限：")
		noRawPayload(t, "package", p)
		a := admin.get(review).want(t, 200, "admin reads the package")
		a.has(t, "admin package", "审查意见由法制机构工作人员出具。")
		a.lacks(t, "admin package", `name="outcome"`)
		admin.post(review, url.Values{"outcome": {"lawful"}}).want(t, 403, "admin gives an opinion")
	})
	t.Run("Opinion", func(t *testing.T) {
		p := legal.post(review, url.Values{"outcome": {"revise"}, "opinion": {""}}).want(t, 422, "revise without reasons")
		p.checkPage(t, "invalid opinion", "zh-CN")
		p.has(t, "invalid opinion", "请填写审查意见及理由。", `value="revise" checked`)
		p = legal.post(review, url.Values{"outcome": {"lawful"}, "opinion": {"合法。" + xssScript}}).want(t, 303, "lawful")
		if p.Location != finalize {
			t.Errorf("after a lawful opinion: Location %q, want %q", p.Location, finalize)
		}
		legal.post(review, url.Values{"outcome": {"lawful"}, "opinion": {"合法。"}}).want(t, 409, "second opinion")
		q := legal.get("/legal/").want(t, 200, "queue after opinion")
		q.has(t, "queue after opinion", "审查通过、待公布", `href="/legal/consultations/`+id+`/finalize"`)
		ra := legal.get(review).want(t, 200, "review after opinion")
		ra.has(t, "review after opinion", "合法。&lt;script&gt;", "审查通过")
		noRawPayload(t, "review after opinion", ra)
	})
	t.Run("Finalize", func(t *testing.T) {
		p := legal.get(finalize).want(t, 200, "finalize form")
		p.checkPage(t, "finalize form", "zh-CN")
		p.has(t, "finalize form", `name="document_number"`, `name="registration_number"`, `name="adopted_on" value="2027-01-01"`, `name="effective_on"`, `name="effective_exception"`)
		p = legal.post(finalize, url.Values{"document_number": {"某政规〔2027〕1号" + xssImg}, "adopted_on": {"2026-12-31"}, "effective_on": {"2026-12-01"}}).want(t, 422, "bad finalize")
		p.checkPage(t, "bad finalize", "zh-CN")
		p.has(t, "bad finalize", "施行日期不能早于通过日期。", `aria-invalid="true"`, "&#34;&gt;&lt;img")
		noRawPayload(t, "bad finalize", p)
		p = legal.post(finalize, url.Values{"interpretation": {"政策解读。"}, "document_number": {"某政规〔2027〕1号"}, "registration_number": {"ZJSD01-2027-0001"}, "adopted_on": {"2026-12-31"}, "effective_on": {"2027-02-01"}}).want(t, 303, "finalize")
		if p.Location != "/consultations/"+id {
			t.Errorf("after finalizing: Location %q", p.Location)
		}
		legal.get(finalize).want(t, 409, "finalize twice")
	})
	t.Run("Decision", func(t *testing.T) {
		p := anon.get("/consultations/"+id).want(t, 200, "decision")
		p.checkPage(t, "decision", "zh-CN")
		p.has(t, "decision", "决定公布情况", "某政规〔2027〕1号", "ZJSD01-2027-0001", "2027年2月1日", "公布稿全文", "档案校验通过",
			`href="/consultations/`+id+`/diff?from=1&amp;to=3"`, `href="/consultations/`+id+`/diff?from=2&amp;to=3"`, `class="chart"`,
			`href="/api/v1/consultations/`+id+`/report.csv"`, `href="/api/v1/consultations/`+id+`/archive"`, `href="/consultations/`+id+`/history"`,
			`id="art-`+d.linked+`"`, "修改说明&#34;&gt;&lt;img")
		noRawPayload(t, "decision", p)
		// The whole history is public now: the public diff reaches the revision.
		anon.get("/consultations/"+id+"/diff?from=1&to=2").want(t, 200, "public diff after publication").has(t, "public diff", "开发")
		// A later amendment is stamped on the page.
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/later-status", d.w.admin, map[string]string{"status": "repealed", "reason": "废止", "successor_url": "/consultations/x2"}), 200, "stamp")
		anon.get("/consultations/"+id).want(t, 200, "stamped").has(t, "stamped", "已废止", `href="/consultations/x2"`, "查看后续文件")
		anon.get("/consultations/"+id+"?lang=en").want(t, 200, "decision en").has(t, "decision en", "The published decision", "Document number", "The record checks out")
	})
	t.Run("History", func(t *testing.T) {
		p := e.browser().get("/consultations/"+id+"/history").want(t, 200, "history")
		p.checkPage(t, "history", "zh-CN")
		p.has(t, "history", "决策档案", "档案校验通过", "以下为全部办理记录。", "开始公开征求意见", "形成修改稿", "出具合法性审查意见", "正式公布",
			"法制机构", "部门工作人员", "2026年12月1日 09:00", `<tr id="event-1">`, "合法。&lt;script&gt;")
		noRawPayload(t, "history", p)
	})
}

// TestHistoryPageBeforePublication shows the public events only, and a
// broken chain names the first bad entry.
func TestHistoryPageBeforePublication(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id := e.openForPages(w, draftBody(shortText))
	p := e.browser().get("/consultations/"+id+"/history").want(t, 200, "history")
	p.checkPage(t, "history", "zh-CN")
	p.has(t, "history", "以下为已公开的办理记录", "开始公开征求意见", "档案校验通过")
	p.lacks(t, "history", "创建草案")
	staff := e.browser()
	staff.login("staffa", "password-staffa")
	staff.get("/consultations/"+id+"/history").want(t, 200, "staff history").has(t, "staff history", "创建草案", "以下为全部办理记录。")
	e.browser().get("/consultations/"+id).want(t, 200, "consultation").has(t, "links", `href="/consultations/`+id+`/history"`)
}

// countingComments counts the reads a page makes of the comments store.
type countingComments struct {
	comments.Store
	n atomic.Int64
}

func (s *countingComments) Comments(ctx context.Context, f comments.Filter) ([]*comments.Comment, string, error) {
	s.n.Add(1)
	return s.Store.Comments(ctx, f)
}

func (s *countingComments) CountComments(ctx context.Context, f comments.CountFilter) (int, error) {
	s.n.Add(1)
	return s.Store.CountComments(ctx, f)
}

func (s *countingComments) CountByCategory(ctx context.Context, id string) (map[comments.CommenterType]comments.CategoryCount, error) {
	s.n.Add(1)
	return s.Store.CountByCategory(ctx, id)
}

func (s *countingComments) ReportCounts(ctx context.Context, id string) (comments.ReportCounts, error) {
	s.n.Add(1)
	return s.Store.ReportCounts(ctx, id)
}

func (s *countingComments) CountByArticle(ctx context.Context, id string, st comments.Status) (map[string]int, error) {
	s.n.Add(1)
	return s.Store.CountByArticle(ctx, id, st)
}

// tamperedStore returns a consultation's events with one payload altered,
// as a store whose rows were edited behind the application's back would.
type tamperedStore struct {
	consultation.Store
	seq int64
}

func (s tamperedStore) Events(ctx context.Context, id string) ([]history.Event, error) {
	events, err := s.Store.Events(ctx, id)
	for i := range events {
		if events[i].Seq == s.seq {
			events[i].Payload = json.RawMessage(`{"altered":1}`)
		}
	}
	return events, err
}

// TestHistoryPageShowsAlteredRecord names the first altered entry on the
// history and decision pages.
func TestHistoryPageShowsAlteredRecord(t *testing.T) {
	d := newDecisionCase(t)
	e, id := d.e, d.id
	d.submit(t)
	base := "/api/v1/consultations/" + id
	e.want(e.do("POST", base+"/review/opinion", d.w.legal, map[string]string{"outcome": "lawful", "opinion": "经审查，合法。"}), 200, "lawful")
	e.want(e.do("POST", base+"/finalize", d.w.legal, map[string]string{"interpretation": "政策解读：本决策的主要内容。", "document_number": "某政规〔2027〕3号", "registration_number": "R-3", "adopted_on": "2026-12-31", "effective_on": "2027-02-01"}), 200, "finalize")
	e.cons.Store = tamperedStore{Store: e.cons.Store, seq: 2}
	b := e.browser()
	p := b.get("/consultations/"+id+"/history").want(t, 200, "history")
	p.has(t, "history", `<p class="verify bad" role="status">校验失败：第2条记录</p>`)
	p.lacks(t, "history", "档案校验通过")
	b.get("/consultations/"+id).want(t, 200, "decision").has(t, "decision", "校验失败：第2条记录")
}

// TestDecisionPageStoreCalls holds the published decision's page to a
// fixed number of store reads, however many versions, events and comments
// it has: the consultation page's own, the report's summary and the
// history check. Comments are only counted, never listed, so their number
// does not matter either.
func TestDecisionPageStoreCalls(t *testing.T) {
	d := newDecisionCase(t)
	e, id := d.e, d.id
	d.submit(t)
	base := "/api/v1/consultations/" + id
	e.want(e.do("POST", base+"/review/opinion", d.w.legal, map[string]string{"outcome": "revise", "opinion": "再改"}), 200, "revise")
	e.want(e.do("POST", base+"/versions", d.w.staffA, map[string]string{"text": revisedText + "第四条　附则。\n"}), 201, "revise again")
	e.want(e.do("POST", base+"/review", d.w.staffA, map[string]any{}), 200, "resubmit")
	e.want(e.do("POST", base+"/review/opinion", d.w.legal, map[string]string{"outcome": "lawful", "opinion": "经审查，合法。"}), 200, "lawful")
	e.want(e.do("POST", base+"/finalize", d.w.legal, map[string]string{"interpretation": "政策解读：本决策的主要内容。", "document_number": "某政规〔2027〕2号", "registration_number": "R-2", "adopted_on": "2026-12-31", "effective_on": "2027-02-01"}), 200, "finalize")
	cs := e.countStoreCalls()
	cc := &countingComments{Store: e.comments.Store}
	e.comments.Store = cc
	b := e.browser()
	const (
		max         = 8 // page: Get, Versions (2), calendar; summary: Get; check: Get, Events
		maxComments = 3 // the report counters (reportcounts.go) for the summary and the stance line, the article counters
	)
	for _, path := range []string{"/consultations/" + id, "/consultations/" + id + "?lang=en"} {
		cs.n.Store(0)
		cc.n.Store(0)
		b.get(path).want(t, 200, path).has(t, path, "某政规〔2027〕2号")
		got, gotComments := cs.n.Load(), cc.n.Load()
		t.Logf("GET %s: %d consultation and %d comment store calls", path, got, gotComments)
		if got > max {
			t.Errorf("GET %s: %d consultation store calls, want at most %d", path, got, max)
		} else if got < 4 {
			t.Errorf("GET %s: %d store calls counted; is the counting store in use?", path, got)
		}
		if gotComments > maxComments {
			t.Errorf("GET %s: %d comment store calls, want at most %d", path, gotComments, maxComments)
		}
	}
}

func TestSearchPage(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	b := draftBody(shortText)
	b["title"] = "某县养犬管理办法" + xssScript
	b["moderation"] = false
	id := e.openForPages(w, b)
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("建议增加犬只免疫条款"+xssImg)), 201, "comment")
	anon := e.browser()
	p := anon.get("/search").want(t, 200, "search form")
	p.checkPage(t, "search form", "zh-CN")
	p.has(t, "search form", `<form class="filters search" method="get" action="/search"`, `name="q"`, `name="status"`, `name="department"`, `name="type"`)
	p.lacks(t, "search form", "搜索结果")

	p = anon.get("/search?q="+url.QueryEscape("养犬")).want(t, 200, "search")
	p.checkPage(t, "search", "zh-CN")
	p.has(t, "search", "搜索结果", `href="/consultations/`+id+`"`, "<mark>养犬</mark>", "某县养犬管理办法&lt;script&gt;")
	noRawPayload(t, "search", p)
	p = anon.get("/search?q="+url.QueryEscape("免疫")+"&kind=comment").want(t, 200, "comment search")
	p.has(t, "comment search", "<mark>免疫</mark>", `href="/consultations/`+id+`/comments"`, "张*祥", "&#34;&gt;&lt;img")
	noRawPayload(t, "comment search", p)
	// The payload itself is searched and shown escaped, the mark around it.
	p = anon.get("/search?q="+url.QueryEscape("<img")).want(t, 200, "payload search")
	noRawPayload(t, "payload search", p)
	anon.get("/search?q="+url.QueryEscape("养犬")+"&status=open&type=normative_document&department="+w.deptA).want(t, 200, "filtered").
		has(t, "filtered", `href="/consultations/`+id+`"`, `<option value="open" selected>`)
	anon.get("/search?q="+url.QueryEscape("养犬")+"&type=rule").want(t, 200, "other type").lacks(t, "other type", `href="/consultations/`+id+`"`)
	anon.get("/search?q="+url.QueryEscape("殡葬")).want(t, 200, "miss").has(t, "miss", "没有找到包含“殡葬”的内容。")
	anon.get("/search?q=x&status=nonsense").want(t, 422, "bad status")
}
