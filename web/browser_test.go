package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	corpusfiles "yugongkai/internal/corpus"
)

// TestBrowserEndToEnd drives the real server in headless Chromium: a staff
// member logs in, pastes a corpus draft, previews, saves and publishes it;
// a resident on a phone opens the consultation and jumps to an article.
// Each step is saved under testdata/screenshots; no page may log an error.
func TestBrowserEndToEnd(t *testing.T) {
	needBrowser(t)
	draft := corpusfiles.Read(t, "animal-epidemic-prevention-law/draft.txt")

	e := newEnv(t, "sqlite")
	e.clock.Set(time.Now()) // the browser keeps the session cookie only until the token expires
	e.world()
	b := startBrowser(t, e, "", 60*time.Second)
	base, step, eval := b.base, b.step, b.eval

	// Staff: log in, paste the draft, preview, save, publish.
	step("01-staff-login",
		chromedp.Navigate(base+"/login?lang=zh-CN"), // Chromium asks for English; the switch keeps zh-CN
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "staffa"),
		chromedp.SendKeys(chromedp.ID("password"), "password-staffa"),
	)
	step("02-staff-dashboard",
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.ID("drafts-h")),
	)
	step("03-draft-preview",
		chromedp.Navigate(base+"/staff/consultations/new"),
		chromedp.WaitVisible(chromedp.ID("title")),
		chromedp.SetValue(chromedp.ID("title"), "中华人民共和国动物防疫法（修订草案征求意见稿）"),
		chromedp.SetValue(chromedp.ID("explanation"), "为贯彻落实党中央关于加强公共卫生体系建设的部署，起草本修订草案。\n主要修改内容如下。"),
		chromedp.SetValue(chromedp.ID("legal_basis"), "《中华人民共和国立法法》"),
		chromedp.SetValue(chromedp.ID("contact-department"), "县农业农村局法规科"),
		chromedp.SetValue(chromedp.ID("contact-phone"), "0571-88888888"),
		chromedp.SetValue(chromedp.ID("channels-email"), "yijian@example.gov.cn"),
		chromedp.SetValue(chromedp.ID("text"), string(draft)),
		chromedp.Click(chromedp.CSS(`button[value="preview"]`)),
		chromedp.WaitVisible(chromedp.ID("preview-h")),
	)
	if got := eval("preview", `document.getElementById("preview-h").textContent`); !strings.Contains(got, "识别出") {
		t.Errorf("preview heading %q", got)
	}
	step("04-draft-saved",
		chromedp.Click(chromedp.CSS(`button[value="save"]`)),
		chromedp.WaitVisible(chromedp.ID("staff-h")),
	)
	step("05-publish-form",
		chromedp.Click(chromedp.CSS(`#staff-h ~ p a.button`)),
		chromedp.WaitVisible(chromedp.ID("closes_at")),
	)
	step("06-published",
		chromedp.Click(chromedp.CSS(`form[action$="/publish"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.days.big`)),
	)
	consultationURL := eval("location", `location.href`)
	if !strings.Contains(consultationURL, "/consultations/") {
		t.Fatalf("after publishing: at %s", consultationURL)
	}
	step("07-logged-out",
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.ID("open")),
	)

	// A resident on a phone: read the consultation, jump to article 30.
	step("08-phone-consultation",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait),
		chromedp.Navigate(consultationURL),
		chromedp.WaitVisible(chromedp.ID("notice-h")),
	)
	if got := eval("overflow", `String(document.documentElement.scrollWidth) + "/" + String(window.innerWidth)`); got != "390/390" {
		t.Errorf("phone layout: scrollWidth/innerWidth = %s, want no horizontal scrolling", got)
	}
	step("09-phone-article",
		chromedp.SetValue(chromedp.ID("jump-n"), "30"),
		chromedp.Click(chromedp.CSS(`form[data-jump] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.article:target`)),
	)
	if got := eval("hash", `location.hash`); !strings.HasPrefix(got, "#art-") {
		t.Errorf("after the jump: location.hash = %q, want #art-…", got)
	}
	if got := eval("target", `(function(){var a=document.querySelector(location.hash); var r=a.getBoundingClientRect(); return a.dataset.number + (r.top >= 0 && r.top < window.innerHeight ? " visible" : " hidden")})()`); got != "30 visible" {
		t.Errorf("article after the jump: %q, want \"30 visible\"", got)
	}
	step("10-phone-comment-form",
		chromedp.Click(chromedp.CSS(`.article:target .art-actions a`)),
		chromedp.WaitVisible(chromedp.ID("body")),
		chromedp.SendKeys(chromedp.ID("body"), "建议明确重大动物疫情的认定时限。"),
		chromedp.SendKeys(chromedp.ID("real_name"), "张小祥"),
	)
	if got := eval("counter", `document.querySelector(".counter").textContent`); got != "16 / 5000" {
		t.Errorf("character counter %q, want \"16 / 5000\"", got)
	}
	step("11-phone-receipt",
		chromedp.Submit(chromedp.ID("body")),
		chromedp.WaitVisible(chromedp.CSS(`.receipt-code strong`)),
	)
	if got := eval("copy button", `String(document.querySelector("[data-copy]").hidden)`); got != "false" {
		t.Errorf("copy button hidden = %s with JavaScript on", got)
	}
	if got := eval("fonts", `String(document.fonts.check("16px 'Noto Sans CJK SC'"))`); got != "true" {
		t.Logf("Noto Sans CJK SC not available to the page (fonts-noto-cjk missing?)")
	}

	b.checkConsole()
}
