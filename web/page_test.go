package web_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"yugongkai/auth"
	"yugongkai/consultation"
)

// openForPages creates and opens a consultation through the API as
// staff A and returns its id.
func (e *env) openForPages(w world, body map[string]any) string {
	e.t.Helper()
	id := e.want(e.do("POST", "/api/v1/consultations", w.staffA, body), 201, "create").str("id")
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, map[string]string{"closes_at": "2026-12-31"}), 200, "publish")
	return id
}

// articleIDs returns the ids of version 1's articles in order.
func (e *env) articleIDs(id string) []string {
	e.t.Helper()
	r := e.want(e.do("GET", "/api/v1/consultations/"+id+"/versions/1", "", nil), 200, "version")
	var v struct {
		Articles []struct{ ID string } `json:"articles"`
	}
	if err := json.Unmarshal(r.Body, &v); err != nil {
		e.t.Fatal(err)
	}
	var ids []string
	for _, a := range v.Articles {
		ids = append(ids, a.ID)
	}
	return ids
}

func TestPublicPages(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id := e.openForPages(w, draftBody(shortText))
	ids := e.articleIDs(id)
	b := e.browser()

	t.Run("Home", func(t *testing.T) {
		p := b.get("/").want(t, 200, "home")
		p.checkPage(t, "home", "zh-CN")
		p.has(t, "home", "某县养犬管理办法（征求意见稿）", `href="/consultations/`+id+`"`, "还剩 31 天", "2026年12月31日", `name="q"`, "县公安局")
		if ct := p.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("Content-Type %q", ct)
		}
		if csp := p.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("CSP %q", csp)
		}
	})
	t.Run("List", func(t *testing.T) {
		p := b.get("/consultations?status=open&type=normative_document&department="+w.deptA).want(t, 200, "list")
		p.checkPage(t, "list", "zh-CN")
		p.has(t, "list", `href="/consultations/`+id+`"`, `<option value="open" selected>`, `href="/consultations?department=`+w.deptA+`&amp;lang=en&amp;status=open&amp;type=normative_document"`)
		b.get("/consultations?type=rule").want(t, 200, "list by type").lacks(t, "other type", `href="/consultations/`+id+`"`)
		b.get("/consultations?q=养犬").want(t, 200, "search").has(t, "search", `href="/consultations/`+id+`"`)
		b.get("/consultations?q=殡葬").want(t, 200, "search").lacks(t, "search miss", `href="/consultations/`+id+`"`)
		b.get("/consultations?status=nonsense").want(t, 422, "bad status").checkPage(t, "bad status", "zh-CN")
	})
	t.Run("Consultation", func(t *testing.T) {
		p := b.get("/consultations/"+id).want(t, 200, "consultation")
		p.checkPage(t, "consultation", "zh-CN")
		if len(ids) != 2 {
			t.Fatalf("article ids %v", ids)
		}
		for _, aid := range ids {
			p.has(t, "consultation", `id="art-`+aid+`"`, `href="#art-`+aid+`"`)
		}
		p.has(t, "consultation", "征求意见公告", "行政规范性文件", "7 个工作日", "起草说明全文", "《中华人民共和国动物防疫法》",
			"县公安局法制大队", "0571-88888888", "yijian@example.gov.cn", "某县人民路1号", "第一章 总则", "（一）依法登记；",
			"2026年12月1日 至 2026年12月31日", "发布征求意见公告", "征求意见稿", `<h2 id="draft-h">`)
		// No internal material for the public.
		p.lacks(t, "consultation", "部门操作", "起草部门创建草稿")
	})
	t.Run("JumpToArticle", func(t *testing.T) {
		p := b.get("/consultations/"+id+"?article=2").want(t, 303, "jump")
		if want := "/consultations/" + id + "#art-" + ids[1]; p.Location != want {
			t.Errorf("jump to 2: Location %q, want %q", p.Location, want)
		}
		b.get("/consultations/"+id+"?article=99").want(t, 200, "jump to a missing article")
	})
	t.Run("English", func(t *testing.T) {
		en := e.browser()
		p := en.get("/consultations/"+id+"?lang=en").want(t, 200, "english")
		p.checkPage(t, "english", "en")
		p.has(t, "english", "Notice", "1 Dec 2026 to 31 Dec 2026", `href="/consultations/`+id+`?lang=zh-CN"`)
		if en.cookies["lang"] != "en" {
			t.Errorf("lang cookie %q", en.cookies["lang"])
		}
		en.get("/").has(t, "english by cookie", `<html lang="en">`, "Open for comment")
		al := e.browser()
		al.lang = "en-US,en;q=0.9"
		al.get("/").has(t, "english by Accept-Language", `<html lang="en">`)
	})
	t.Run("NotFound", func(t *testing.T) {
		p := b.get("/consultations/nosuchthing").want(t, 404, "missing consultation")
		p.checkPage(t, "404", "zh-CN")
		p.has(t, "404", "未找到所请求的内容。")
		b.get("/no/such/page?lang=en").want(t, 404, "missing page").has(t, "404 en", "The requested item was not found.")
	})
	t.Run("Static", func(t *testing.T) {
		for _, f := range []string{"site.css", "print.css", "site.js"} {
			r := e.do("GET", "/static/"+f, "", nil)
			if r.Status != 200 || len(r.Body) < 100 {
				t.Errorf("static %s: %d, %d bytes", f, r.Status, len(r.Body))
			}
		}
		e.want(e.do("GET", "/static/nothing.css", "", nil), 404, "missing static")
	})
}

func TestLoginPages(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.world()
	b := e.browser()
	p := b.get("/login?next=/consultations").want(t, 200, "login form")
	p.checkPage(t, "login", "zh-CN")
	p.has(t, "login", `<label for="username">`, `<label for="password">`, `name="next" value="/consultations"`)

	t.Run("BadPassword", func(t *testing.T) {
		p := b.post("/login", url.Values{"username": {"staffa"}, "password": {"wrong-password"}}).want(t, 401, "bad password")
		p.has(t, "bad password", "用户名或密码错误。", `value="staffa"`)
		if b.cookies["ygk_session"] != "" {
			t.Error("session cookie set after a failed login")
		}
	})
	t.Run("OK", func(t *testing.T) {
		p := b.post("/login", url.Values{"username": {"staffa"}, "password": {"password-staffa"}}).want(t, 303, "login")
		if p.Location != "/staff/" {
			t.Errorf("after login: Location %q, want /staff/", p.Location)
		}
		var session string
		for _, c := range p.Header.Values("Set-Cookie") {
			if strings.HasPrefix(c, "ygk_session=") {
				session = c
			}
		}
		for _, attr := range []string{"HttpOnly", "SameSite=Lax", "path=/"} {
			if !strings.Contains(strings.ToLower(session), strings.ToLower(attr)) {
				t.Errorf("session cookie %q lacks %s", session, attr)
			}
		}
		b.get("/staff/").want(t, 200, "dashboard").has(t, "dashboard", "staffa", "部门工作台：县公安局")
	})
	t.Run("NextIsLocalOnly", func(t *testing.T) {
		o := e.browser()
		p := o.post("/login", url.Values{"username": {"staffb"}, "password": {"password-staffb"}, "next": {"//evil.example/"}}).want(t, 303, "login")
		if p.Location != "/staff/" {
			t.Errorf("open redirect: Location %q", p.Location)
		}
		p = o.post("/login", url.Values{"username": {"staffb"}, "password": {"password-staffb"}, "next": {"/consultations"}}).want(t, 303, "login")
		if p.Location != "/consultations" {
			t.Errorf("next: Location %q", p.Location)
		}
	})
	t.Run("Logout", func(t *testing.T) {
		old := b.cookies["ygk_session"]
		b.post("/logout", nil).want(t, 303, "logout")
		if b.cookies["ygk_session"] != "" {
			t.Error("session cookie kept after logout")
		}
		b.get("/staff/").want(t, 401, "dashboard after logout").has(t, "401", `href="/login?next=%2fstaff%2f"`)
		// The old token is revoked: a browser still sending it is served
		// as a visitor, the stale cookie dropped, and must log in again.
		stale := e.browser()
		stale.cookies["ygk_session"] = old
		stale.get("/").want(t, 200, "stale cookie").has(t, `href="/login`)
		if _, ok := stale.cookies["ygk_session"]; ok {
			t.Error("stale session cookie not cleared")
		}
		stale.cookies["ygk_session"] = old
		stale.get("/staff/").want(t, 401, "staff page with a stale cookie")
	})
	t.Run("RateLimited", func(t *testing.T) {
		o := e.browser()
		var last page
		for i := 0; i < 7; i++ {
			last = o.post("/login", url.Values{"username": {"legal"}, "password": {"wrong-password"}})
		}
		last.want(t, 429, "too many attempts").has(t, "429", "操作过于频繁")
	})
}

func TestStaffPages(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	b := e.browser()
	b.login("staffa", "password-staffa")

	form := url.Values{"title": {"某县养犬管理办法（征求意见稿）"}, "procedure_type": {"normative_document"},
		"explanation": {"起草说明全文"}, "legal_basis": {"《中华人民共和国动物防疫法》"},
		"contact.department": {"县公安局法制大队"}, "contact.phone": {"0571-88888888"},
		"channels.email": {"yijian@example.gov.cn"}, "allow_anonymous": {"1"}, "moderation": {"1"},
		"text": {strings.ReplaceAll(shortText, "第二条", "第三条")}}

	p := b.get("/staff/consultations/new").want(t, 200, "new draft form")
	p.checkPage(t, "new draft", "zh-CN")
	p.has(t, "new draft", `<label for="title">`, `<label for="text">`, `name="action" value="preview"`)

	t.Run("Preview", func(t *testing.T) {
		f := cloneForm(form)
		f.Set("action", "preview")
		p := b.post("/staff/consultations/new", f).want(t, 200, "preview")
		p.checkPage(t, "preview", "zh-CN")
		p.has(t, "preview", "预览：识别出 2 条", "缺少第 2 条", "第一条", "为了规范养犬行为")
		list, _, _ := e.cons.List(context.Background(), auth.Principal{Role: auth.Admin}, consultationFilterAll())
		if len(list) != 0 {
			t.Errorf("preview saved %d consultations", len(list))
		}
	})
	t.Run("InvalidFields", func(t *testing.T) {
		f := cloneForm(form)
		f.Set("title", "")
		f.Set("contact.email", "not-an-email")
		f.Set("action", "save")
		p := b.post("/staff/consultations/new", f).want(t, 422, "invalid")
		p.checkPage(t, "invalid", "zh-CN")
		p.has(t, "invalid", "必填。", "电子邮箱格式无效。", `aria-invalid="true"`, "起草说明全文")
	})
	var id string
	t.Run("Save", func(t *testing.T) {
		f := cloneForm(form)
		f.Set("text", shortText)
		f.Set("action", "save")
		p := b.post("/staff/consultations/new", f).want(t, 303, "save")
		id = strings.TrimPrefix(p.Location, "/consultations/")
		if id == "" || strings.Contains(id, "/") {
			t.Fatalf("after save: Location %q", p.Location)
		}
		p = b.get(p.Location).want(t, 200, "draft page")
		p.checkPage(t, "draft page", "zh-CN")
		p.has(t, "draft page", "部门操作", `href="/staff/consultations/`+id+`/publish"`)
		p.lacks(t, "draft page", "发布前尚需补充")
	})
	t.Run("MissingItems", func(t *testing.T) {
		body := draftBody(shortText)
		delete(body, "channels")
		draft := e.want(e.do("POST", "/api/v1/consultations", w.staffA, body), 201, "draft").str("id")
		b.get("/consultations/"+draft).want(t, 200, "incomplete draft").has(t, "incomplete draft", "发布前尚需补充", "意见反馈渠道（信函或电子邮箱）")
		p := b.post("/staff/consultations/"+draft+"/publish", url.Values{"closes_at": {"2026-12-31"}}).want(t, 422, "publish incomplete")
		p.has(t, "publish incomplete", "尚缺少以下内容，不能发布")
	})
	t.Run("Publish", func(t *testing.T) {
		p := b.get("/staff/consultations/"+id+"/publish").want(t, 200, "publish form")
		p.checkPage(t, "publish", "zh-CN")
		p.has(t, "publish", "行政规范性文件的法定最短征求意见期限为 7 个工作日。", `name="closes_at" value="2026-12-10"`)
		p.lacks(t, "publish", `name="shortening_reason"`)
		// Too short: the form comes back asking for a reason.
		p = b.post("/staff/consultations/"+id+"/publish", url.Values{"opens_at": {"2026-12-01"}, "closes_at": {"2026-12-05"}}).want(t, 422, "too short")
		p.has(t, "too short", `name="shortening_reason"`, "缩短理由", `value="2026-12-05"`)
		p = b.post("/staff/consultations/"+id+"/publish", url.Values{"opens_at": {"2026-12-01"}, "closes_at": {"2026-12-05"},
			"shortening_reason": {"汛期临近，须尽快出台。"}}).want(t, 303, "publish with reason")
		p = b.get(p.Location).want(t, 200, "open")
		p.has(t, "open", "征求意见中", "缩短期限的理由", "汛期临近，须尽快出台。", "还剩 5 天")
		b.get("/staff/consultations/"+id+"/publish").want(t, 409, "publish twice")
	})
	t.Run("Dashboard", func(t *testing.T) {
		p := b.get("/staff/").want(t, 200, "dashboard")
		p.checkPage(t, "dashboard", "zh-CN")
		p.has(t, "dashboard", `href="/consultations/`+id+`"`, `href="/staff/consultations/new"`)
	})
	t.Run("OtherDepartment", func(t *testing.T) {
		o := e.browser()
		o.login("staffb", "password-staffb")
		draft := e.want(e.do("POST", "/api/v1/consultations", w.staffA, draftBody(shortText)), 201, "draft").str("id")
		o.get("/staff/consultations/"+draft+"/publish").want(t, 404, "other department's draft")
		o.post("/staff/consultations/"+draft+"/publish", url.Values{"closes_at": {"2026-12-31"}}).want(t, 404, "other department publishes")
	})
}

func TestRolePages(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.world()
	anon, resident, legal := e.browser(), e.browser(), e.browser()
	resident.login("resident", "password-resident")
	legal.login("legal", "password-legal")
	for _, path := range []string{"/staff/", "/staff/consultations/new", "/legal/", "/admin/"} {
		anon.get(path).want(t, 401, "anonymous "+path).has(t, path, "请先登录。", `href="/login?next=`)
		resident.get(path).want(t, 403, "resident "+path).has(t, path, "您无权执行此操作。")
	}
	p := legal.get("/legal/").want(t, 200, "legal queue")
	p.checkPage(t, "legal", "zh-CN")
	p.has(t, "legal", "待审查", `href="/legal/"`)
	legal.get("/admin/").want(t, 403, "legal on admin")
}

func TestAdminPages(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	b := e.browser()
	b.login("admin", "admin-password-1")
	p := b.get("/admin/").want(t, 200, "admin")
	p.checkPage(t, "admin", "zh-CN")
	p.has(t, "admin", "县公安局", "staffa", "部门工作人员", "2026", `enctype="multipart/form-data"`)

	b.post("/admin/departments", url.Values{"name": {"县民政局"}}).want(t, 303, "add department")
	b.get("/admin/?done=department").has(t, "added", "部门已添加。", "县民政局")
	b.post("/admin/departments", url.Values{"name": {"县民政局"}}).want(t, 422, "duplicate department")

	p = b.post("/admin/users", url.Values{"username": {"staffc"}, "password": {"password-staffc"}, "role": {"staff"}, "department_id": {w.deptB}}).want(t, 303, "add user")
	o := e.browser()
	o.login("staffc", "password-staffc")
	p = b.post("/admin/users", url.Values{"username": {"x"}, "password": {"short"}, "role": {"staff"}}).want(t, 422, "bad user")
	p.has(t, "bad user", "用户名须为", `aria-invalid="true"`, `id="error-summary"`, `<a href="#u-name">`, `<a href="#u-pass">`)
	if strings.Index(p.Body, `id="error-summary"`) > strings.Index(p.Body, `id="dept-h"`) {
		t.Error("the admin page's error summary is not at the top")
	}

	cal := []byte(`{"year": 2027, "holidays": ["2027-01-01"], "workdays": []}`)
	b.postFile("/admin/calendar", "calendar", "cn-2027.json", cal, url.Values{"_csrf": {b.csrf()}}).want(t, 303, "calendar")
	b.get("/admin/").has(t, "calendar", "2027")
	b.postFile("/admin/calendar", "calendar", "bad.json", []byte(`{"year": "x"}`), url.Values{"_csrf": {b.csrf()}}).want(t, 422, "bad calendar").has(t, "bad calendar", "节假日安排文件有误")
}

func TestCSRF(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.world()
	b := e.browser()
	b.login("admin", "admin-password-1")
	count := func() int {
		list, err := e.auth.Store.Departments(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	before := count()
	for _, tc := range []struct {
		name  string
		token string
	}{{"Missing", ""}, {"Wrong", strings.Repeat("A", 43)}} {
		t.Run(tc.name, func(t *testing.T) {
			f := url.Values{"name": {"县文旅局"}}
			if tc.token != "" {
				f.Set("_csrf", tc.token)
			}
			p := b.postRaw("/admin/departments", f).want(t, 403, "forged post")
			p.has(t, "forged", "表单已过期或来源不明")
			p.checkPage(t, "csrf", "zh-CN")
		})
	}
	t.Run("OtherOrigin", func(t *testing.T) {
		req := url.Values{"name": {"县文旅局"}, "_csrf": {b.csrf()}}
		r := b.sendForm("/admin/departments", req, "Origin", "https://evil.example")
		r.want(t, 403, "cross-origin post")
	})
	t.Run("English", func(t *testing.T) {
		b.lang = "en"
		b.postRaw("/logout", nil).want(t, 403, "forged logout").has(t, "en", "The form has expired")
		b.lang = ""
	})
	if got := count(); got != before {
		t.Errorf("departments: %d after refused posts, want %d", got, before)
	}
	// Still logged in: the forged logout did nothing.
	b.get("/admin/").want(t, 200, "still logged in")
	// Login also needs the token (login CSRF).
	o := e.browser()
	o.postRaw("/login", url.Values{"username": {"admin"}, "password": {"admin-password-1"}}).want(t, 403, "login without token")
}

func cloneForm(f url.Values) url.Values {
	out := url.Values{}
	for k, v := range f {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func consultationFilterAll() consultation.ListFilter { return consultation.ListFilter{Limit: 100} }
