package web_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestPageInjection puts script payloads in every user-supplied field the
// pages show and checks each page escapes them: the raw payload never
// appears, its escaped form does.
func TestPageInjection(t *testing.T) {
	const (
		script = `<script>alert(1)</script>`
		img    = `"><img src=x onerror=alert(1)>`
		jsURL  = `javascript:alert(1)`
	)
	escaped := map[string]string{
		script: `&lt;script&gt;alert(1)&lt;/script&gt;`,
		img:    `&#34;&gt;&lt;img src=x onerror=alert(1)&gt;`,
	}
	e := newEnv(t, "sqlite")
	w := e.world()
	evilDept := e.want(e.do("POST", "/api/v1/departments", w.admin, map[string]string{"name": "局" + img}), 201, "department").str("id")
	e.want(e.do("POST", "/api/v1/users", w.admin, map[string]string{"username": "evilstaff", "password": "password-evilstaff", "role": "staff", "department_id": evilDept}), 201, "user")
	staff := e.login("evilstaff", "password-evilstaff")

	text := "标题" + script + "\n\n第一章　总则" + img + "\n\n第一条　" + script + "\n第二条　" + img + "\n（一）" + jsURL + "；\n"
	body := map[string]any{
		"title": "办法" + script, "procedure_type": "normative_document",
		"explanation": "说明" + img + "\n" + jsURL, "legal_basis": "依据" + script,
		"contact":  map[string]string{"department": "联系" + script, "phone": img, "email": "a" + img + "@x.cn", "address": jsURL},
		"channels": map[string]any{"email": jsURL + "@x.cn", "postal_address": "地址" + script},
		"text":     text,
	}
	id := e.want(e.do("POST", "/api/v1/consultations", staff, body), 201, "create").str("id")
	draftOnly := e.want(e.do("POST", "/api/v1/consultations", staff, body), 201, "create").str("id")
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", staff, map[string]string{"closes_at": "2026-12-31", "shortening_reason": "理由" + script}), 200, "publish")

	check := func(t *testing.T, what string, p page, payloads ...string) {
		t.Helper()
		if p.Status != 200 && p.Status != 401 && p.Status != 422 {
			t.Fatalf("%s: status %d", what, p.Status)
		}
		for _, s := range []string{"<script>alert", "<img src=x", `href="javascript:`, `src="javascript:`} {
			if strings.Contains(p.Body, s) {
				t.Errorf("%s: raw %q in the page", what, s)
			}
		}
		for _, pl := range payloads {
			if strings.Contains(p.Body, pl) {
				t.Errorf("%s: raw payload %q in the page", what, pl)
			}
			if esc, ok := escaped[pl]; ok && !strings.Contains(p.Body, esc) {
				t.Errorf("%s: escaped form %q of %q not in the page", what, esc, pl)
			}
		}
	}

	anon := e.browser()
	b := e.browser()
	b.login("evilstaff", "password-evilstaff")
	admin := e.browser()
	admin.login("admin", "admin-password-1")

	t.Run("Consultation", func(t *testing.T) {
		for _, who := range []*browser{anon, b} {
			p := who.get("/consultations/" + id)
			check(t, "consultation", p, script, img)
			// Every field is on the page, escaped.
			for _, s := range []string{"办法&lt;script&gt;", "说明&#34;&gt;&lt;img", "依据&lt;script&gt;", "联系&lt;script&gt;", "地址&lt;script&gt;",
				"理由&lt;script&gt;", "局&#34;&gt;&lt;img", "第一章 总则&#34;&gt;&lt;img", "（一）javascript:alert(1)；", "<title>办法&lt;script&gt;"} {
				if !strings.Contains(p.Body, s) {
					t.Errorf("consultation: lacks escaped %q", s)
				}
			}
		}
	})
	t.Run("Lists", func(t *testing.T) {
		check(t, "home", anon.get("/"), script, img)
		check(t, "list", anon.get("/consultations"), script, img)
		check(t, "search", anon.get("/consultations?q="+url.QueryEscape(script)), script)
		check(t, "dashboard", b.get("/staff/"), script, img)
		check(t, "draft", b.get("/consultations/"+draftOnly), script, img)
	})
	t.Run("Forms", func(t *testing.T) {
		f := url.Values{"title": {script}, "procedure_type": {img}, "explanation": {img}, "legal_basis": {script},
			"contact.department": {script}, "contact.email": {img}, "channels.postal_address": {img}, "text": {text}, "action": {"preview"}}
		check(t, "preview", b.post("/staff/consultations/new", f), script, img)
		f.Set("action", "save")
		check(t, "invalid draft", b.post("/staff/consultations/new", f), script, img)
		check(t, "publish form", b.post("/staff/consultations/"+draftOnly+"/publish", url.Values{"opens_at": {img}, "closes_at": {script}, "shortening_reason": {script}}), script, img)
		check(t, "login", anon.post("/login", url.Values{"username": {img}, "password": {"x"}, "next": {"/" + img}}))
		check(t, "admin", admin.get("/admin/"), img)
		check(t, "admin user form", admin.post("/admin/users", url.Values{"username": {img}, "password": {"password-long-enough"}, "role": {"staff"}}), img)
		check(t, "admin department form", admin.post("/admin/departments", url.Values{"name": {"局" + img}}), img)
	})
	t.Run("Comments", func(t *testing.T) {
		check(t, "comment form", anon.get("/consultations/"+id+"/comment?article="+url.QueryEscape(img)), script)
		bad := url.Values{"body": {script}, "real_name": {img}, "organization_name": {script}, "contact_email": {img}, "key": {"x1"}}
		check(t, "invalid comment", anon.post("/consultations/"+id+"/comment", bad), script, img)
		ok := url.Values{"body": {script + img}, "real_name": {"张三"}, "commenter_type": {"individual"}, "display": {"masked"}, "key": {"x2"}}
		p := anon.post("/consultations/"+id+"/comment", ok)
		if p.Status != 303 {
			t.Fatalf("comment: %d %s", p.Status, p.Body)
		}
		check(t, "receipt", anon.get(p.Location), script)
		check(t, "receipt lookup", anon.get("/receipts?code="+url.QueryEscape(img)), img)
	})
}
