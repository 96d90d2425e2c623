package web_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"yugongkai/demo"
)

// axeSource is axe-core, installed from npm by .ci/run into tools/axe.
func axeSource(t *testing.T) string {
	t.Helper()
	// Tests run in the package directory; the module root is its parent.
	b, err := os.ReadFile(filepath.Join("..", "tools", "axe", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("axe-core is not installed (.ci/run installs it: cd tools/axe && npm ci): %v", err)
		}
		t.Skipf("axe-core not installed (cd tools/axe && npm ci): %v", err)
	}
	return string(b)
}

type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// runAxe injects axe-core into the current page and returns its violations.
func (b *headless) runAxe(src string) []axeViolation {
	b.t.Helper()
	js := src + `;
	axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.map(v => ({
		id: v.id, impact: v.impact || "", help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))))`
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js, func(p *runtime.EvaluateParams) { t := true; p.AwaitPromise = &t }))
	if err != nil {
		b.t.Fatalf("axe: %v", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		b.t.Fatalf("axe result: %v", err)
	}
	return vs
}

// TestAxeEveryPage runs axe-core on every page of the demo data, in both
// languages and at phone and desktop width, as the public and logged in
// as each role where a page needs it: no violation of any impact.
func TestAxeEveryPage(t *testing.T) {
	needBrowser(t)
	src := axeSource(t)
	e := newEnv(t, "sqlite")
	e.clock.Set(time.Now())
	accounts, err := demo.Load(t.Context(), demo.Services{Auth: e.auth, Consultations: e.cons, Comments: e.comments})
	if err != nil {
		t.Fatal(err)
	}
	pass := map[string]string{}
	for _, a := range accounts {
		if _, ok := pass[string(a.Role)]; !ok {
			pass[string(a.Role)] = a.Username + "\x00" + a.Password
		}
	}
	b := startBrowser(t, e, "axe-", 15*time.Minute) // every page × 2 viewports × 2 languages, on a shared machine

	// The consultations by state, as the administrator sees them.
	adminTok := e.login(strings.Split(pass["admin"], "\x00")[0], strings.Split(pass["admin"], "\x00")[1])
	list := e.want(e.do("GET", "/api/v1/consultations?limit=100", adminTok, nil), 200, "list")
	byState := map[string]string{}
	for _, it := range list.JSON["items"].([]any) {
		m := it.(map[string]any)
		if _, ok := byState[m["state"].(string)]; !ok {
			byState[m["state"].(string)] = m["id"].(string)
		}
	}
	c := func(state, rest string) string {
		id, ok := byState[state]
		if !ok {
			t.Fatalf("the demo data has no %s consultation (%v)", state, byState)
		}
		return "/consultations/" + id + rest
	}
	w := func(state, rest string) string { return "/staff" + c(state, rest) }
	l := func(state, rest string) string { return "/legal" + c(state, rest) }
	// A receipt to look up.
	cl := e.want(e.do("GET", "/api/v1/consultations/"+byState["published"]+"/comments?status=all", adminTok, nil), 200, "comments")
	receipt := ""
	items, _ := cl.JSON["items"].([]any)
	for _, it := range items {
		if code, _ := it.(map[string]any)["receipt"].(string); code != "" {
			receipt = code
			break
		}
	}
	if receipt == "" {
		t.Fatalf("no receipt in the demo's open consultation: %s", cl.Body)
	}
	openReceipt := suggestionForAxe(t, e, byState["open"], pass["resident"])           // suggest_test.go
	filesPage := commentFilesForAxe(t, e, byState["open"], pass["resident"], adminTok) // page_comment_files_test.go
	// The demo's hearing on the open consultation (hearing pages).
	hs := e.want(e.do("GET", "/api/v1/consultations/"+byState["open"]+"/hearings", "", nil), 200, "hearings").JSON["items"].([]any)
	if len(hs) == 0 {
		t.Fatal("the demo data has no hearing")
	}
	applyPage := c("open", "/hearings/"+hs[0].(map[string]any)["id"].(string)+"/apply")
	// A survey on the open consultation (page_surveys.go), answered and
	// reported on a second one so both the form and the charts are checked.
	survey := map[string]any{"title": "问卷", "questions": []map[string]any{
		{"kind": "single", "text": "是否养犬？", "required": true, "options": []string{"是", "否"}},
		{"kind": "multiple", "text": "关心的问题", "options": []string{"噪音", "卫生"}},
		{"kind": "scale", "text": "支持程度", "scale_max": 5}, {"kind": "text", "text": "建议"}}}
	var surveyPages []string
	for i := 0; i < 2; i++ {
		sbase := "/api/v1/consultations/" + byState["open"] + "/surveys"
		sid := e.want(e.do("POST", sbase, adminTok, survey), 201, "survey").str("id")
		e.want(e.do("POST", sbase+"/"+sid+"/open", adminTok, map[string]any{}), 200, "open survey")
		if i == 1 {
			e.want(e.do("POST", sbase+"/"+sid+"/report", adminTok, map[string]string{"summary": "多数支持。"}), 200, "survey report")
		}
		surveyPages = append(surveyPages, c("open", "/surveys/"+sid))
	}
	public := []string{applyPage, "/receipts/" + openReceipt, "/", "/consultations", c("open", ""), surveyPages[0], surveyPages[1], c("open", "/comment"), c("open", "/comments"), c("published", ""),
		c("published", "/comments"), c("published", "/report"), c("published", "/history"), c("published", "/diff"), "/search?q=" + url.QueryEscape("充电"),
		"/receipts", "/receipts/lost", "/receipts/" + receipt, "/login", "/no-such-page", "/register", "/password-reset"}
	roles := []struct {
		role  string
		pages []string
	}{
		{"", public},
		{"staff", []string{"/staff/", "/staff/consultations/new", w("draft", "/edit"), w("open", "/import"), w("open", "/moderation"), w("open", "/dispositions"), w("open", "/offline"), w("open", "/search?q="+url.QueryEscape("建议")), filesPage,
			w("open", "/period"), w("open", "/steps"), w("open", "/hearings"), w("open", "/notifications"), w("open", "/surveys"), w("open", "/documents"), w("open", "/interpretation"), w("closed", "/revise"), w("closed", "/review"), w("draft", "/publish")}},
		{"legal", []string{"/legal/", c("published", ""), l("closed", "/review")}},
		{"admin", []string{"/admin/"}},
		{"resident", []string{"/me/comments", "/me/password", "/me/sessions", c("open", "/comment")}},
	}
	// A probe first: axe must see a violation planted in a page.
	if err := chromedp.Do(b.ctx, chromedp.Navigate(b.base+"/"), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	b.eval("plant", `document.querySelector("main").insertAdjacentHTML("beforeend", '<img src="/static/none.png">'); "ok"`)
	planted := false
	for _, v := range b.runAxe(src) {
		planted = planted || v.ID == "image-alt"
	}
	if !planted {
		t.Fatal("axe did not report an image without alt text planted in the page: the check is not running")
	}
	type finding struct{ page, id, impact, help, nodes string }
	var found []finding
	for _, r := range roles {
		if r.role != "" {
			up := strings.Split(pass[r.role], "\x00")
			if len(up) != 2 {
				t.Fatalf("no demo account with role %s", r.role)
			}
			b.step("login-"+r.role,
				chromedp.Navigate(b.base+"/login?lang=zh-CN"),
				chromedp.WaitVisible(chromedp.ID("username")),
				chromedp.SendKeys(chromedp.ID("username"), up[0]),
				chromedp.SendKeys(chromedp.ID("password"), up[1]),
				chromedp.Submit(chromedp.ID("password")),
				chromedp.WaitNotPresent(chromedp.ID("password")))
		}
		for _, vp := range []struct {
			name   string
			w, h   int64
			mobile bool
		}{{"phone", 390, 844, true}, {"desktop", 1366, 900, false}} {
			for _, lang := range []string{"zh-CN", "en"} {
				for _, page := range r.pages {
					sep := "?"
					if strings.Contains(page, "?") {
						sep = "&"
					}
					emulate := chromedp.EmulateViewport(vp.w, vp.h)
					if vp.mobile {
						emulate = chromedp.EmulateViewport(vp.w, vp.h, chromedp.EmulateMobile, chromedp.EmulateTouch)
					}
					if err := chromedp.Do(b.ctx, emulate, chromedp.Navigate(b.base+page+sep+"lang="+lang), chromedp.WaitReady("body")); err != nil {
						t.Fatalf("%s: %v", page, err)
					}
					if st := b.eval("status", `(function(){var e=document.querySelector(".error-page"); return e ? e.dataset.status : "ok"})()`); st != "ok" && page != "/no-such-page" {
						t.Errorf("%s %s %s %s: error page %s instead of the page", r.role, vp.name, lang, page, st)
					}
					// A screenshot of every page, for a reviewer to look at.
					name := strings.Trim(strings.NewReplacer("/", "-", "?", "-", "=", "-", "%", "").Replace(page), "-")
					if name == "" {
						name = "home"
					}
					b.step(fmt.Sprintf("%s-%s-%s-%s", roleName(r.role), vp.name, lang, name))
					for _, v := range b.runAxe(src) {
						found = append(found, finding{fmt.Sprintf("%s %s %s %s", r.role, vp.name, lang, page), v.ID, v.Impact, v.Help, strings.Join(v.Nodes, " | ")})
					}
				}
			}
		}
		if r.role != "" {
			b.step("logout-"+r.role, chromedp.Navigate(b.base+"/"), chromedp.WaitReady(`form[action="/logout"]`),
				chromedp.Submit(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(`a[href="/login"]`))
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].id+found[i].page < found[j].id+found[j].page })
	for _, f := range found {
		t.Errorf("axe %s (%s) on %s: %s — %s", f.id, f.impact, f.page, f.help, f.nodes)
	}
}

func roleName(r string) string {
	if r == "" {
		return "public"
	}
	return r
}
