package web_test

import (
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	corpusfiles "yugongkai/internal/corpus"
	"yugongkai/workcal"
)

// corpus is the text of a file of the shared corpus (internal/corpus).
func corpus(t *testing.T, name string) string {
	t.Helper()
	return corpusfiles.Read(t, name)
}

func TestAuth(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		// Unknown user and wrong password answer alike.
		r1 := e.want(e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "nobody", "password": "whatever-123"}), 401, "unknown user")
		r2 := e.want(e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "legal", "password": "wrong-password"}), 401, "wrong password")
		if r1.errMessage() != r2.errMessage() || r1.errMessage() == "" {
			t.Errorf("login failures differ: %q vs %q", r1.errMessage(), r2.errMessage())
		}
		me := e.want(e.do("GET", "/api/v1/me", w.staffA, nil), 200, "me")
		if me.str("role") != "staff" || me.str("department_id") != w.deptA {
			t.Errorf("me = %s", me.Body)
		}
		if strings.Contains(string(me.Body), "argon2") {
			t.Error("me leaks the password hash")
		}
		e.want(e.do("GET", "/api/v1/me", "", nil), 401, "me anonymous")
		e.want(e.do("GET", "/api/v1/me", "forged.token.value", nil), 401, "forged token")
		// Tokens expire within the hour.
		e.clock.Add(61 * time.Minute)
		e.want(e.do("GET", "/api/v1/me", w.staffA, nil), 401, "expired token")
		tok := e.login("staffa", "password-staffa")
		e.want(e.do("POST", "/api/v1/auth/logout", tok, nil), 204, "logout")
		e.want(e.do("GET", "/api/v1/me", tok, nil), 401, "token after logout")
	})
}

func TestRegister(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		// The bare registration is gone: an account needs a code.
		e.want(e.do("POST", "/api/v1/auth/register", "", map[string]string{"username": "lisi", "password": "long-enough-pw"}), 422, "no code")
		r := e.want(e.do("POST", "/api/v1/auth/register", "", map[string]string{"username": "li", "password": "short", "contact": "li@example.com", "code": "123456"}), 422, "short password")
		if r.field("password") == "" || r.field("username") == "" {
			t.Errorf("errors do not name both fields: %s", r.Body)
		}
		code := e.signupCode("li@example.com")
		r = e.want(e.do("POST", "/api/v1/auth/register", "", map[string]string{"username": "lisi", "password": "long-enough-pw", "contact": "li@example.com", "code": code}), 201, "register")
		if r.str("role") != "resident" || r.str("email") != "li@example.com" {
			t.Errorf("registered %s", r.Body)
		}
		r = e.want(e.do("POST", "/api/v1/auth/register", "", map[string]string{"username": "lisi", "password": "long-enough-pw", "contact": "other@example.com", "code": "123456"}), 422, "taken")
		if !strings.Contains(r.field("username"), "已被使用") {
			t.Errorf("taken username message = %q", r.field("username"))
		}
		tok := e.login("lisi", "long-enough-pw")
		e.want(e.do("POST", "/api/v1/departments", tok, map[string]string{"name": "x"}), 403, "resident creates department")
	})
}

func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.adminToken()
	var last response
	for i := 0; i < 6; i++ {
		last = e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "wrong-password"})
	}
	if last.Status != 429 || last.Header.Get("Retry-After") == "" {
		t.Fatalf("6th failed login: status %d, Retry-After %q; want 429 with Retry-After", last.Status, last.Header.Get("Retry-After"))
	}
	// The right password is refused too while the account is limited.
	e.want(e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "admin-password-1"}), 429, "limited account")
	e.clock.Add(time.Minute)
	e.want(e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "admin-password-1"}), 200, "after the window")
}

func TestAdminOnly(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		for _, tok := range []string{w.staffA, w.legal, w.resident, ""} {
			r := e.do("POST", "/api/v1/departments", tok, map[string]string{"name": "另一个局"})
			if r.Status != 403 && !(tok == "" && r.Status == 403) {
				t.Errorf("create department as non-admin: %d, want 403", r.Status)
			}
			r = e.do("POST", "/api/v1/users", tok, map[string]string{"username": "x1", "password": "password-x1", "role": "admin"})
			if r.Status != 403 {
				t.Errorf("create user as non-admin: %d, want 403", r.Status)
			}
			if r := e.do("GET", "/api/v1/users", tok, nil); r.Status != 403 {
				t.Errorf("list users as non-admin: %d, want 403", r.Status)
			}
		}
		r := e.want(e.do("POST", "/api/v1/users", w.admin, map[string]string{"username": "s3", "password": "password-s3", "role": "staff"}), 422, "staff without department")
		if r.field("department_id") == "" {
			t.Errorf("missing department not named: %s", r.Body)
		}
		e.want(e.do("POST", "/api/v1/departments", w.admin, map[string]string{"name": "县公安局"}), 409, "duplicate department")
	})
}

func TestConsultationLifecycle(t *testing.T) {
	text := corpus(t, "public-security-admin-penalties-law/draft.txt")
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		r := e.want(e.do("POST", "/api/v1/consultations", w.staffA, draftBody(text)), 201, "create")
		id := r.str("id")
		if n := r.JSON["article_count"].(float64); n != 143 {
			t.Errorf("article_count = %v, want 143", n)
		}
		if r.str("state") != "draft" || r.str("department_id") != w.deptA {
			t.Errorf("created %s", r.Body)
		}
		// Draft visibility: own department, legal, admin; 404 to others.
		for name, tok := range map[string]string{"staffA": w.staffA, "legal": w.legal, "admin": w.admin} {
			e.want(e.do("GET", "/api/v1/consultations/"+id, tok, nil), 200, "draft seen by "+name)
		}
		for name, tok := range map[string]string{"staffB": w.staffB, "resident": w.resident, "anonymous": ""} {
			e.want(e.do("GET", "/api/v1/consultations/"+id, tok, nil), 404, "draft hidden from "+name)
			e.want(e.do("GET", "/api/v1/consultations/"+id+"/versions/1", tok, nil), 404, "draft version hidden from "+name)
		}
		list := e.want(e.do("GET", "/api/v1/consultations", "", nil), 200, "public list")
		if items := list.JSON["items"].([]any); len(items) != 0 {
			t.Errorf("public list shows %d drafts", len(items))
		}
		// Only the department edits.
		e.want(e.do("PATCH", "/api/v1/consultations/"+id, w.legal, map[string]any{"title": "改"}), 403, "legal edits")
		e.want(e.do("PATCH", "/api/v1/consultations/"+id, w.staffB, map[string]any{"title": "改"}), 404, "other department edits")
		e.want(e.do("PATCH", "/api/v1/consultations/"+id, w.staffA, map[string]any{"title": "某县养犬管理办法（修改）"}), 200, "edit")
		// Staff of another department cannot create for department A.
		b := draftBody(shortText)
		b["department_id"] = w.deptA
		e.want(e.do("POST", "/api/v1/consultations", w.staffB, b), 403, "create for another department")

		// 30-day minimum for a normative document bearing on business.
		e.want(e.do("PATCH", "/api/v1/consultations/"+id, w.staffA, map[string]any{"market_related": true}), 200, "market related")
		r = e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, map[string]string{"closes_at": "2026-12-20"}), 422, "too short")
		if !strings.Contains(r.field("shortening_reason"), "30 日") {
			t.Errorf("short period message = %q", r.field("shortening_reason"))
		}
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.resident, map[string]string{"closes_at": "2026-12-31"}), 404, "resident publishes")
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.legal, map[string]string{"closes_at": "2026-12-31"}), 403, "legal publishes")
		r = e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, map[string]string{"closes_at": "2026-12-31"}), 200, "publish")
		if r.str("state") != "open" || r.JSON["accepting_comments"] != true {
			t.Errorf("published: %s", r.Body)
		}
		if got, want := r.str("closes_at"), "2026-12-31T16:00:00Z"; got != want {
			t.Errorf("closes_at = %s, want %s (24:00 Shanghai)", got, want)
		}
		r = e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, map[string]string{"closes_at": "2027-01-31"}), 409, "publish twice")
		if !strings.Contains(r.errMessage(), "征求意见中") {
			t.Errorf("wrong-state message does not name the state: %q", r.errMessage())
		}
		r = e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, map[string]string{"closes_at": "2027-01-31"}, "Accept-Language", "en"), 409, "publish twice, English")
		if !strings.Contains(r.errMessage(), "open") {
			t.Errorf("English wrong-state message: %q", r.errMessage())
		}
		// Now public.
		e.want(e.do("GET", "/api/v1/consultations/"+id, "", nil), 200, "public sees open consultation")
		v := e.want(e.do("GET", "/api/v1/consultations/"+id+"/versions/1", "", nil), 200, "public sees version 1")
		if arts := v.JSON["articles"].([]any); len(arts) != 143 {
			t.Errorf("version 1 articles = %d, want 143", len(arts))
		}
		e.want(e.do("PATCH", "/api/v1/consultations/"+id, w.staffA, map[string]any{"title": "x"}), 409, "edit after opening")

		// Extend: later date and a reason.
		r = e.want(e.do("POST", "/api/v1/consultations/"+id+"/extend", w.staffA, map[string]string{"closes_at": "2026-12-30", "reason": "x"}), 422, "extend earlier")
		if r.field("closes_at") == "" {
			t.Errorf("extend earlier: %s", r.Body)
		}
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/extend", w.staffA, map[string]string{"closes_at": "2027-01-15"}), 422, "extend without reason")
		r = e.want(e.do("POST", "/api/v1/consultations/"+id+"/extend", w.staffA, map[string]string{"closes_at": "2027-01-15", "reason": "应群众要求延长"}), 200, "extend")
		if exts := r.JSON["extensions"].([]any); len(exts) != 1 {
			t.Errorf("extensions = %v", exts)
		}
		// The period now runs into 2027, whose holidays are not loaded.
		if fmt.Sprint(r.JSON["calendar_missing_years"]) != "[2027]" {
			t.Errorf("calendar_missing_years = %v, want [2027]", r.JSON["calendar_missing_years"])
		}
		// The period ends at 24:00 Shanghai on 2027-01-15.
		end := workcal.EndOfDay(workcal.MustParseDate("2027-01-15"))
		e.clock.Set(end.Add(-time.Millisecond))
		r = e.want(e.do("GET", "/api/v1/consultations/"+id, "", nil), 200, "one ms before the end")
		if r.str("state") != "open" || r.JSON["accepting_comments"] != true {
			t.Errorf("before 24:00: state %s accepting %v", r.str("state"), r.JSON["accepting_comments"])
		}
		e.clock.Set(end)
		r = e.want(e.do("GET", "/api/v1/consultations/"+id, "", nil), 200, "at the end")
		if r.str("state") != "closed" || r.JSON["accepting_comments"] != false {
			t.Errorf("at 24:00: state %s accepting %v", r.str("state"), r.JSON["accepting_comments"])
		}
		// Weeks have passed: log in again.
		w.staffA, w.staffB = e.login("staffa", "password-staffa"), e.login("staffb", "password-staffb")
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/extend", w.staffA, map[string]string{"closes_at": "2027-02-15", "reason": "x"}), 409, "extend after the end")
		closed := e.want(e.do("GET", "/api/v1/consultations?status=closed", "", nil), 200, "closed filter")
		if items := closed.JSON["items"].([]any); len(items) != 1 {
			t.Errorf("status=closed lists %d, want 1", len(items))
		}
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/withdraw", w.staffB, map[string]string{"reason": "x"}), 403, "other department withdraws")
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/withdraw", w.staffA, map[string]string{}), 422, "withdraw without reason")
		r = e.want(e.do("POST", "/api/v1/consultations/"+id+"/withdraw", w.staffA, map[string]string{"reason": "政策调整"}), 200, "withdraw")
		if r.str("state") != "withdrawn" {
			t.Errorf("state after withdraw = %s", r.str("state"))
		}
	})
}

func TestPublishRequiresNoticeItems(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		r := e.want(e.do("POST", "/api/v1/consultations", w.staffA, map[string]any{"title": "空草案", "procedure_type": "rule"}), 201, "bare draft")
		id := r.str("id")
		r = e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, map[string]string{"closes_at": "2027-01-31"}), 422, "publish bare draft")
		msg := r.field("consultation")
		for _, item := range []string{"草案全文", "起草说明", "制定依据", "意见反馈渠道", "联系部门"} {
			if !strings.Contains(msg, item) {
				t.Errorf("missing-items message %q does not name %s", msg, item)
			}
		}
		r = e.want(e.do("GET", "/api/v1/consultations/"+id, w.staffA, nil), 200, "get")
		if m := r.JSON["missing_items"].([]any); len(m) != 5 {
			t.Errorf("missing_items = %v, want 5", m)
		}
		// A shorter period is allowed with a public reason.
		e.want(e.do("PATCH", "/api/v1/consultations/"+id, w.staffA, draftBody(shortText)), 200, "fill in")
		r = e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, map[string]string{"closes_at": "2026-12-10", "shortening_reason": "汛期将至，需尽快实施"}), 200, "short with reason")
		if r.str("shortening_reason") != "汛期将至，需尽快实施" {
			t.Errorf("shortening reason not kept: %s", r.Body)
		}
		e.want(e.do("GET", "/api/v1/consultations/"+id, "", nil), 200, "public sees it")
	})
}

func TestCloseEarly(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id := e.want(e.do("POST", "/api/v1/consultations", w.staffA, draftBody(shortText)), 201, "create").str("id")
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, map[string]string{"closes_at": "2026-12-31"}), 200, "publish")
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/close", w.staffA, map[string]string{"reason": " "}), 422, "close without reason")
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/close", w.staffA, map[string]string{"reason": "上级决定暂停"}), 422, "close below the minimum without a shortening reason")
	r := e.want(e.do("POST", "/api/v1/consultations/"+id+"/close", w.staffA, map[string]string{"reason": "上级决定暂停", "shortening_reason": "上级政策调整，需尽快出台"}), 200, "close")
	if r.str("state") != "closed" || r.JSON["accepting_comments"] != false {
		t.Errorf("closed early: %s", r.Body)
	}
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/close", w.staffA, map[string]string{"reason": "x"}), 409, "close twice")
}

func TestBadInput(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		count := func() int {
			r := e.want(e.do("GET", "/api/v1/consultations", w.admin, nil), 200, "count")
			return len(r.JSON["items"].([]any))
		}
		cases := []struct {
			name   string
			body   any
			header []string
			status int
			code   string
		}{
			{"malformed JSON", `{"title":`, nil, 400, "bad_request"},
			{"unknown field", `{"title":"x","procedure_type":"rule","colour":"red"}`, nil, 400, "bad_request"},
			{"invalid UTF-8", []byte("{\"title\":\"\xff\xfe\",\"procedure_type\":\"rule\"}"), nil, 400, "bad_request"},
			{"two values", `{"title":"x","procedure_type":"rule"} {}`, nil, 400, "bad_request"},
			{"wrong type", `{"title":5,"procedure_type":"rule"}`, nil, 422, "invalid"},
			{"missing fields", `{}`, nil, 422, "invalid"},
			{"bad procedure type", `{"title":"x","procedure_type":"law"}`, nil, 422, "invalid"},
			{"control characters", `{"title":"x\u0007","procedure_type":"rule"}`, nil, 422, "invalid"},
			{"no articles", `{"title":"x","procedure_type":"rule","text":"只是一段话，没有条文。"}`, nil, 422, "invalid"},
			{"over 2 MiB", `{"title":"x","procedure_type":"rule","text":"` + strings.Repeat("条", 1<<20) + `"}`, nil, 413, "too_large"},
		}
		for _, c := range cases {
			r := e.do("POST", "/api/v1/consultations", w.staffA, c.body, c.header...)
			if r.Status != c.status || r.errCode() != c.code || r.errMessage() == "" {
				t.Errorf("%s: %d %s %q; want %d %s with a message", c.name, r.Status, r.errCode(), r.errMessage(), c.status, c.code)
			}
		}
		r := e.do("POST", "/api/v1/consultations", w.staffA, `{"title":"x","procedure_type":"rule"}`, "Content-Type", "text/plain")
		if r.Status != 400 {
			t.Errorf("text/plain body: %d, want 400", r.Status)
		}
		r = e.do("POST", "/api/v1/consultations", w.staffA, `{}`, "Accept-Language", "en-US,en;q=0.9")
		if r.field("title") != "Required." {
			t.Errorf("English field message = %q", r.field("title"))
		}
		if n := count(); n != 0 {
			t.Errorf("failed requests stored %d consultations", n)
		}
		id := e.want(e.do("POST", "/api/v1/consultations", w.staffA, draftBody(shortText)), 201, "create").str("id")
		big := `{"closes_at":"2027-01-31","shortening_reason":"` + strings.Repeat("a", 70<<10) + `"}`
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, big), 413, "64 KiB limit")
		// The same body without a length (chunked): the limit reads the body.
		chunked := httptest.NewRequest("POST", "/api/v1/consultations/"+id+"/publish", io.MultiReader(strings.NewReader(big)))
		chunked.TransferEncoding = []string{"chunked"}
		chunked.Header.Set("Content-Type", "application/json")
		chunked.Header.Set("Authorization", "Bearer "+w.staffA)
		if chunked.ContentLength != -1 {
			t.Fatalf("chunked request has length %d", chunked.ContentLength)
		}
		if res, err := e.srv.App.Test(chunked, -1); err != nil {
			t.Errorf("chunked body over 64 KiB: %v", err)
		} else if res.StatusCode != 413 {
			t.Errorf("chunked body over 64 KiB: status %d, want 413", res.StatusCode)
		}
		r = e.want(e.do("GET", "/api/v1/consultations/"+id, w.staffA, nil), 200, "still draft")
		if r.str("state") != "draft" {
			t.Errorf("state after refused publish = %s", r.str("state"))
		}
		e.want(e.do("GET", "/api/v1/consultations?status=nonsense", "", nil), 422, "bad status filter")
		e.want(e.do("GET", "/api/v1/consultations?cursor=%25%25", "", nil), 400, "bad cursor")
		e.want(e.do("GET", "/api/v1/nowhere", "", nil), 404, "unknown route")
	})
}

func TestListPaginationAndFilters(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	for i := 0; i < 5; i++ {
		b := draftBody(shortText)
		b["title"] = fmt.Sprintf("草案%d", i)
		if i%2 == 0 {
			b["procedure_type"] = "rule"
		}
		id := e.want(e.do("POST", "/api/v1/consultations", w.staffA, b), 201, "create").str("id")
		if i < 3 {
			e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, map[string]string{"closes_at": "2027-02-28"}), 200, "publish")
		}
		e.clock.Add(time.Second)
	}
	seen := map[string]bool{}
	cursor := ""
	for i := 0; i < 5; i++ {
		r := e.want(e.do("GET", "/api/v1/consultations?limit=2&cursor="+cursor, "", nil), 200, "page")
		for _, it := range r.JSON["items"].([]any) {
			seen[it.(map[string]any)["title"].(string)] = true
		}
		cursor = r.str("next_cursor")
		if cursor == "" {
			break
		}
	}
	if len(seen) != 3 {
		t.Errorf("public pages show %v, want the 3 open ones", seen)
	}
	r := e.want(e.do("GET", "/api/v1/consultations?procedure_type=rule", w.staffA, nil), 200, "type filter")
	if n := len(r.JSON["items"].([]any)); n != 3 {
		t.Errorf("rule filter for staff = %d, want 3 (2 open + 1 own draft)", n)
	}
	r = e.want(e.do("GET", "/api/v1/consultations?department="+w.deptB, w.admin, nil), 200, "department filter")
	if n := len(r.JSON["items"].([]any)); n != 0 {
		t.Errorf("department B has %d", n)
	}
}

func TestHealthAndHeaders(t *testing.T) {
	e := newEnv(t, "sqlite")
	r := e.want(e.do("GET", "/healthz", "", nil), 200, "healthz")
	ready := e.want(e.do("GET", "/readyz", "", nil), 200, "readyz")
	if q, ok := ready.JSON["queues"].(map[string]any); !ok || q["search_index"] != float64(0) {
		t.Errorf("readyz does not show the search index queue: %s", ready.Body)
	}
	for _, h := range []string{"X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy", "Referrer-Policy"} {
		if r.Header.Get(h) == "" {
			t.Errorf("missing security header %s", h)
		}
	}
}

func TestVersionsAfterEdit(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id := e.want(e.do("POST", "/api/v1/consultations", w.staffA, draftBody(shortText)), 201, "create").str("id")
	e.want(e.do("PATCH", "/api/v1/consultations/"+id, w.staffA, map[string]any{"text": shortText + "第三条　本办法自2027年1月1日起施行。\n"}), 200, "edit text")
	r := e.want(e.do("GET", "/api/v1/consultations/"+id+"/versions", w.staffA, nil), 200, "versions")
	items := r.JSON["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["article_count"].(float64) != 3 {
		t.Errorf("a draft edit must replace the working version: %s", r.Body)
	}
}

func TestCalendarUpload(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		// A hypothetical 2027 New Year block: 2027-01-01 (Fri) to 01-03 off.
		cal := `{"year":2027,"name":"2027年部分节假日安排（测试）","holidays":["2027-01-01","2027-01-02","2027-01-03"],"workdays":[]}`
		e.want(e.do("PUT", "/api/v1/calendar", w.staffA, cal), 403, "staff loads a calendar")
		r := e.want(e.do("PUT", "/api/v1/calendar", w.admin, `{"year":2027,"holidays":["2027-02-30"],"workdays":[]}`), 422, "bad date")
		if !strings.Contains(r.field("calendar"), "2027-02-30") {
			t.Errorf("calendar error does not name the entry: %s", r.Body)
		}
		e.want(e.do("PUT", "/api/v1/calendar", w.admin, `{"year":2027,"holidays":["2027-01-04"],"workdays":["2027-01-05"]}`), 422, "a weekday listed as make-up workday")
		e.want(e.do("PUT", "/api/v1/calendar", w.admin, cal), 200, "load 2027")
		got := e.want(e.do("GET", "/api/v1/calendar", "", nil), 200, "calendar")
		if !strings.Contains(string(got.Body), "2027-01-01") || !strings.Contains(string(got.Body), "2026-10-07") {
			t.Errorf("calendar after loading 2027 lacks a year: %s", got.Body)
		}
		// The loaded holiday now shortens a 规范性文件 period: 2026-12-28 (Mon)
		// to 2027-01-05 has 6 working days once 2027-01-01 is a holiday.
		e.clock.Set(workcal.MustParseDate("2026-12-28").In(workcal.Shanghai()))
		e.relogin(&w)
		id := e.want(e.do("POST", "/api/v1/consultations", w.staffA, draftBody(shortText)), 201, "create").str("id")
		r = e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, map[string]string{"opens_at": "2026-12-28", "closes_at": "2027-01-05"}), 422, "6 working days")
		if !strings.Contains(r.field("shortening_reason"), "6 个工作日") {
			t.Errorf("period message = %q", r.field("shortening_reason"))
		}
		r = e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, map[string]string{"opens_at": "2026-12-28", "closes_at": "2027-01-06"}), 200, "7 working days")
		if _, warned := r.JSON["calendar_missing_years"]; warned {
			t.Errorf("2027 is loaded, yet the view warns: %v", r.JSON["calendar_missing_years"])
		}
	})
}

func TestPerIPLimits(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.adminToken()
	// Logins for many different accounts from one address.
	var last response
	for i := 0; i < 21; i++ {
		last = e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": fmt.Sprintf("guess%d", i), "password": "wrong-password"})
	}
	if last.Status != 429 {
		t.Errorf("21st login from one IP: %d, want 429", last.Status)
	}
	// Guessing receipt codes.
	for i := 0; i < 31; i++ {
		last = e.do("GET", fmt.Sprintf("/api/v1/receipts/YGK-0000-0000-%04d", i), "", nil)
	}
	if last.Status != 429 || last.Header.Get("Retry-After") == "" {
		t.Errorf("31st receipt lookup from one IP: %d, want 429 with Retry-After", last.Status)
	}
}
