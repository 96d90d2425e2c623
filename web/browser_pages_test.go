package web_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"yugongkai/workcal"
)

// tapFailures lists the visible elements matching sel that are smaller
// than 44×44 CSS px, as "text w×h".
const tapFailuresJS = `(function(sel){
  var bad = [], n = 0;
  document.querySelectorAll(sel).forEach(function(el){
    var r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) { return; } // not rendered (closed details, display:none)
    n++;
    if (r.width < 44 || r.height < 44) { bad.push(el.textContent.trim().slice(0, 20) + " " + Math.round(r.width) + "x" + Math.round(r.height)); }
  });
  return JSON.stringify({n: n, bad: bad});
})(%q)`

// narrowCells reports the table cells under sel narrower than three
// characters of body text, and whether the rows are laid out as cards.
const narrowCellsJS = `(function(sel){
  var min = 3 * parseFloat(getComputedStyle(document.body).fontSize), bad = [], n = 0, cards = true;
  document.querySelectorAll(sel + " td").forEach(function(td){
    var r = td.getBoundingClientRect(), cs = getComputedStyle(td);
    if (r.width === 0) { return; }
    n++;
    var label = cs.gridTemplateColumns.split(" ").length > 1 ? parseFloat(getComputedStyle(td, "::before").width) + parseFloat(cs.columnGap) : 0;
    var content = r.width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - label; // beside the label
    if (content < min) { bad.push((td.dataset.label || "?") + " " + Math.round(content)); }
    if (cs.display === "table-cell") { cards = false; }
  });
  return JSON.stringify({n: n, bad: bad, cards: cards, overflow: document.documentElement.scrollWidth > window.innerWidth});
})(%q)`

type measured struct {
	N        int      `json:"n"`
	Bad      []string `json:"bad"`
	Cards    bool     `json:"cards"`
	Overflow bool     `json:"overflow"`
}

func (b *headless) measure(what, js string) measured {
	b.t.Helper()
	var m measured
	if err := json.Unmarshal([]byte(b.eval(what, js)), &m); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return m
}

// TestBrowserPhonePages reads a long law on a 390×844 phone: the whole-
// draft action on the first screen, the contents' jumps there and back,
// tap targets of at least 44×44, the 大字版 switch with JavaScript off,
// the report and history tables as cards and chart text of 12 px or more.
func TestBrowserPhonePages(t *testing.T) {
	needBrowser(t)
	draft, err := os.ReadFile(filepath.Join("..", "..", "shared", "corpus", "animal-epidemic-prevention-law", "draft.txt"))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("corpus not available: %v", err)
		}
		t.Skipf("corpus not available: %v", err)
	}
	e := newEnv(t, "sqlite")
	w := e.world()
	body := draftBody(string(draft))
	body["moderation"] = false
	id := e.want(e.do("POST", "/api/v1/consultations", w.staffA, body), 201, "create").str("id")
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, map[string]string{"closes_at": "2026-12-31", "shortening_reason": "测试"}), 200, "publish")
	v := e.want(e.do("GET", "/api/v1/consultations/"+id+"/versions/1", "", nil), 200, "version")
	arts := v.JSON["articles"].([]any)
	if len(arts) < 50 {
		t.Fatalf("the corpus draft has %d articles", len(arts))
	}
	art5 := arts[4].(map[string]any)["id"].(string)
	for i := 0; i < 3; i++ {
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("关于第五条的意见"+strings.Repeat("。", i+1), "article_id", art5)), 201, "comment")
	}
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("整体赞成。")), 201, "whole")

	b := startBrowser(t, e, "phone-", 90*time.Second)
	page := b.base + "/consultations/" + id + "?lang=zh-CN"
	b.step("01-consultation",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait),
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.ID("notice-h")),
	)
	if got := b.eval("primary action", `(function(){var a=document.querySelector("a.comment-whole"); if(!a) return "none"; var r=a.getBoundingClientRect(); return a.getAttribute("href") + (r.bottom <= window.innerHeight ? " first-screen" : " below " + Math.round(r.top))})()`); got != "/consultations/"+id+"/comment first-screen" {
		t.Errorf("comment on the whole draft: %q, want its link on the first screen", got)
	}
	if m := b.measure("tap targets", sprintf(tapFailuresJS, `.tap, a.button, button:not([hidden]), .display-switch`)); m.N < 100 || len(m.Bad) > 0 {
		t.Errorf("tap targets: %d measured, too small: %v", m.N, m.Bad)
	}
	if got := b.eval("print button", `String(document.querySelector("[data-print]").hidden)`); got != "false" {
		t.Errorf("print button hidden = %s with JavaScript on", got)
	}

	// The contents: open a chapter, jump to its third article, come back.
	b.step("02-contents",
		chromedp.Click(chromedp.CSS(`.page-tools a[href="#toc"]`)),
		chromedp.WaitVisible(chromedp.ID("toc-h")),
		chromedp.Click(chromedp.CSS(`.toc-entry:nth-of-type(2) details.toc-more summary`)),
		chromedp.WaitVisible(chromedp.CSS(`.toc-entry:nth-of-type(2) .toc-art`)),
	)
	if m := b.measure("toc tap targets", sprintf(tapFailuresJS, `.toc .tap`)); len(m.Bad) > 0 {
		t.Errorf("contents tap targets too small: %v", m.Bad)
	}
	target := b.eval("toc link", `document.querySelectorAll(".toc-entry:nth-of-type(2) .toc-art")[2].getAttribute("href")`)
	b.step("03-toc-jump",
		chromedp.Click(chromedp.CSS(`.toc-entry:nth-of-type(2) li:nth-of-type(3) .toc-art`)),
		chromedp.WaitVisible(chromedp.CSS(`.article:target`)),
	)
	if got := b.eval("after the jump", `(function(){var a=document.querySelector(location.hash); var r=a.getBoundingClientRect(); return location.hash + (r.top >= 0 && r.top < window.innerHeight/2 ? " visible" : " at " + Math.round(r.top))})()`); got != target+" visible" {
		t.Errorf("after the contents jump: %q, want %q", got, target+" visible")
	}
	b.step("04-back-to-contents",
		chromedp.Click(chromedp.CSS(`.article:target a.to-toc`)),
		chromedp.WaitVisible(chromedp.ID("toc-h")),
	)
	if got := b.eval("back", `(function(){var r=document.getElementById("toc").getBoundingClientRect(); return location.hash + (r.top >= -1 && r.top < window.innerHeight/2 ? " visible" : " at " + Math.round(r.top))})()`); got != "#toc visible" {
		t.Errorf("back to the contents: %q", got)
	}
	if got := b.eval("count", `document.querySelector('.toc-art[href="#art-`+art5+`"]').textContent`); got != "第五条，已公开意见 3 条" {
		t.Errorf("contents count of 第五条: %q", got)
	}
	if got := b.eval("overflow", `String(document.documentElement.scrollWidth) + "/" + String(window.innerWidth)`); got != "390/390" {
		t.Errorf("phone layout: scrollWidth/innerWidth = %s", got)
	}

	// 大字版 with JavaScript off: a plain link, a cookie and a redirect.
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	b.step("05-large-no-js",
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.ID("notice-h")),
		chromedp.Click(chromedp.CSS(`a.display-switch`)),
		chromedp.WaitVisible(chromedp.CSS(`body.large #notice-h`)),
	)
	if got := b.eval("large", `location.pathname + location.search + " " + getComputedStyle(document.body).fontSize + " " + document.querySelector("a.display-switch").textContent`); got != "/consultations/"+id+"?lang=zh-CN 20px 退出大字版" {
		t.Errorf("大字版 without JavaScript: %q", got)
	}
	if got := b.eval("print without js", `getComputedStyle(document.querySelector("[data-print]")).display`); got != "none" {
		t.Errorf("print button without JavaScript: display %s, want none", got)
	}
	if m := b.measure("large tap targets", sprintf(tapFailuresJS, `.tap, a.button, .display-switch`)); len(m.Bad) > 0 {
		t.Errorf("大字版 tap targets too small: %v", m.Bad)
	}
	if got := b.eval("overflow large", `String(document.documentElement.scrollWidth) + "/" + String(window.innerWidth)`); got != "390/390" {
		t.Errorf("大字版 phone layout: scrollWidth/innerWidth = %s", got)
	}
	b.step("06-large-off",
		chromedp.Click(chromedp.CSS(`a.display-switch`)),
		chromedp.WaitVisible(chromedp.CSS(`#notice-h`)),
	)
	if got := b.eval("large off", `document.body.className`); got != "" {
		t.Errorf("after leaving 大字版: body class %q", got)
	}
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		t.Fatal(err)
	}

	// After the close: the report and the history as cards, the chart readable.
	e.clock.Set(workcal.EndOfDay(workcal.MustParseDate("2026-12-31")))
	b.step("07-report",
		chromedp.Navigate(b.base+"/consultations/"+id+"/report"),
		chromedp.WaitVisible(chromedp.ID("rows-h")),
	)
	if m := b.measure("report cells", sprintf(narrowCellsJS, `.report-table`)); m.N == 0 || !m.Cards || len(m.Bad) > 0 || m.Overflow {
		t.Errorf("report table at 390 px: %+v, want cards, no cell narrower than 3 characters, no overflow", m)
	}
	if got := b.eval("chart font", `(function(){var min=1e9, n=0; document.querySelectorAll(".chart text").forEach(function(t){var px=parseFloat(getComputedStyle(t).fontSize)*t.getScreenCTM().a; n++; if(px<min) min=px}); return n + " " + (min >= 12 ? "ok" : String(min))})()`); got != "10 ok" {
		t.Errorf("chart labels: %q, want 10 texts (5 labels, 5 values) of at least 12 px", got)
	}
	b.step("08-history",
		chromedp.Navigate(b.base+"/consultations/"+id+"/history"),
		chromedp.WaitVisible(chromedp.CSS(`table.history`)),
	)
	if m := b.measure("history cells", sprintf(narrowCellsJS, `table.history`)); m.N == 0 || !m.Cards || len(m.Bad) > 0 || m.Overflow {
		t.Errorf("history table at 390 px: %+v", m)
	}
	b.step("09-history-hash",
		chromedp.Click(chromedp.CSS(`table.history tr:first-child details.hash summary`)),
	)
	if got := b.eval("hash", `(function(){var d=document.querySelector("table.history tr:first-child details.hash"); return d.querySelector("summary").textContent.length + " " + d.open + " " + /[0-9a-f]{64}/.test(d.querySelector(".full code").textContent)})()`); got != "13 true true" {
		t.Errorf("short hash and its full value: %q", got)
	}
	b.checkConsole()
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// TestBrowserPrint prints (print media) the published decision as a 公文 —
// title, 文号, body, date and nothing of the site — and the adoption
// report as a table, also from a phone-sized window.
func TestBrowserPrint(t *testing.T) {
	needBrowser(t)
	e := newEnv(t, "sqlite")
	w := e.world()
	id := e.publishedConsultation(&w)
	b := startBrowser(t, e, "print-", 60*time.Second)
	printMedia := func(media string) {
		if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media}); err != nil {
			t.Fatal(err)
		}
	}
	b.step("01-decision-screen",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(b.base+"/consultations/"+id+"?lang=zh-CN"),
		chromedp.WaitVisible(chromedp.ID("decision-h")),
	)
	if got := b.eval("screen", `getComputedStyle(document.querySelector(".gongwen-head")).display`); got != "none" {
		t.Errorf("the 公文 head shows on screen: display %s", got)
	}
	printMedia("print")
	b.step("02-decision-print")
	const shown = `(function(){var out=[]; %s.forEach(function(sel){var el=document.querySelector(sel); out.push(sel + "=" + (el && el.getClientRects().length > 0 ? "shown" : "hidden"))}); return out.join(" ")})()`
	want := `.gongwen-title=shown .gongwen-docno=shown .lawtext=shown .gongwen-date=shown header.site=hidden footer.site=hidden #notice-h=hidden #decision-h=hidden .toc=hidden .art-actions=hidden .page-head=hidden`
	if got := b.eval("print", sprintf(shown, `[".gongwen-title", ".gongwen-docno", ".lawtext", ".gongwen-date", "header.site", "footer.site", "#notice-h", "#decision-h", ".toc", ".art-actions", ".page-head"]`)); got != want {
		t.Errorf("printed decision:\n got %s\nwant %s", got, want)
	}
	if got := b.eval("docno", `document.querySelector(".gongwen-docno").textContent + " " + document.querySelector(".gongwen-date").textContent`); got != "某政规〔2027〕1号 2026年12月31日" {
		t.Errorf("文号 and date: %q", got)
	}
	printMedia("")
	b.step("03-report-screen",
		chromedp.Navigate(b.base+"/consultations/"+id+"/report"),
		chromedp.WaitVisible(chromedp.ID("rows-h")),
	)
	printMedia("print")
	b.step("04-report-print")
	if got := b.eval("report print", `getComputedStyle(document.querySelector(".report-table td")).display + " " + getComputedStyle(document.querySelector(".report-table thead")).display + " " + getComputedStyle(document.querySelector("header.site")).display`); got != "table-cell table-header-group none" {
		t.Errorf("printed report: %q, want a table with its header and no site chrome", got)
	}
	printMedia("")
	b.checkConsole()
}
