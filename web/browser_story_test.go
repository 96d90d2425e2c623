package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	corpusfiles "yugongkai/internal/corpus"
	"yugongkai/workcal"
)

// TestBrowserWholeStory runs the department's story of issue 5 in headless
// Chromium on the embedded store: staff open a consultation on the animal
// epidemic prevention law; a resident on a phone comments on 第一条 and
// keeps the receipt; staff publish the comment, revise the text after the
// period, adopt the comment linked to the changed article and submit for
// review; the legal office finds it lawful and finalizes; the resident's
// receipt shows 采纳 and the new wording, and the redline shows the change.
// No page may log a console error.
func TestBrowserWholeStory(t *testing.T) {
	needBrowser(t)
	draft := corpusfiles.Read(t, "animal-epidemic-prevention-law/draft.txt")
	draft2 := corpusfiles.Read(t, "animal-epidemic-prevention-law/draft2.txt")

	e := newEnv(t, "sqlite")
	e.clock.Set(time.Now()) // cookies expire in real time; the server's clock moves on later
	e.world()
	b := startBrowser(t, e, "story-", 90*time.Second)
	base, ctx, step, eval := b.base, b.ctx, b.step, b.eval
	text := func(what string) string { return eval(what, `document.querySelector("main").innerText`) }
	login := func(name, user, pass string) {
		t.Helper()
		step(name,
			chromedp.Navigate(base+"/login?lang=zh-CN"),
			chromedp.WaitVisible(chromedp.ID("username")),
			chromedp.SendKeys(chromedp.ID("username"), user),
			chromedp.SendKeys(chromedp.ID("password"), pass),
			chromedp.Submit(chromedp.ID("password")),
			chromedp.WaitNotPresent(chromedp.ID("password")),
		)
	}
	logOut := func(name string) {
		t.Helper()
		step(name, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.ID("main")))
	}

	// 1. Staff open the consultation.
	login("01-staff-login", "staffa", "password-staffa")
	step("02-draft-preview",
		chromedp.Navigate(base+"/staff/consultations/new"),
		chromedp.WaitVisible(chromedp.ID("title")),
		chromedp.SetValue(chromedp.ID("title"), "中华人民共和国动物防疫法（修订草案征求意见稿）"),
		chromedp.SetValue(chromedp.ID("explanation"), "为贯彻落实党中央关于加强公共卫生体系建设的部署，起草本修订草案。"),
		chromedp.SetValue(chromedp.ID("legal_basis"), "《中华人民共和国立法法》"),
		chromedp.SetValue(chromedp.ID("contact-department"), "县农业农村局法规科"),
		chromedp.SetValue(chromedp.ID("contact-phone"), "0571-88888888"),
		chromedp.SetValue(chromedp.ID("channels-email"), "yijian@example.gov.cn"),
		chromedp.SetValue(chromedp.ID("text"), string(draft)),
		chromedp.Click(chromedp.CSS(`button[value="preview"]`)),
		chromedp.WaitVisible(chromedp.ID("preview-h")),
	)
	step("03-draft-saved",
		chromedp.Click(chromedp.CSS(`button[value="save"]`)),
		chromedp.WaitVisible(chromedp.ID("staff-h")),
	)
	step("04-published",
		chromedp.Click(chromedp.CSS(`#staff-h ~ p a.button[href$="/publish"]`)),
		chromedp.WaitVisible(chromedp.ID("closes_at")),
		chromedp.Click(chromedp.CSS(`form[action$="/publish"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.days.big`)),
	)
	consultationURL := eval("location", `location.origin + location.pathname`)
	id := consultationURL[strings.LastIndex(consultationURL, "/")+1:]
	logOut("05-staff-logged-out")

	// 2. A resident on a phone comments on 第一条 and keeps the receipt.
	step("06-phone-comment",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait),
		chromedp.Navigate(consultationURL+"?article=1"),
		chromedp.WaitVisible(chromedp.CSS(`.article:target`)),
		chromedp.Click(chromedp.CSS(`.article:target .art-actions a`)),
		chromedp.WaitVisible(chromedp.ID("body")),
		chromedp.SendKeys(chromedp.ID("body"), "建议在立法目的中写明维护生物安全。"),
		chromedp.SendKeys(chromedp.ID("real_name"), "张小祥"),
	)
	step("07-phone-receipt",
		chromedp.Submit(chromedp.ID("body")),
		chromedp.WaitVisible(chromedp.CSS(`.receipt-code strong`)),
	)
	code := eval("receipt", `document.querySelector(".receipt-code strong").textContent`)
	if !strings.HasPrefix(code, "YG") {
		t.Fatalf("receipt code %q", code)
	}

	// 3. Staff publish the comment from the moderation queue.
	if err := chromedp.Do(ctx, chromedp.ResetViewport(), chromedp.EmulateViewport(1280, 900, chromedp.EmulateScale(1))); err != nil {
		t.Fatal(err)
	}
	login("08-staff-login-again", "staffa", "password-staffa")
	step("09-dashboard-queue",
		chromedp.Navigate(base+"/staff/"),
		chromedp.WaitVisible(chromedp.ID("work-h")),
	)
	step("10-moderation",
		chromedp.Click(chromedp.CSS(`#work-h ~ ul a[href$="/moderation"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.mod-form`)),
	)
	if got := text("moderation"); !strings.Contains(got, "建议在立法目的中写明维护生物安全。") || !strings.Contains(got, "张小祥") {
		t.Errorf("moderation page lacks the comment or its author:\n%.500s", got)
	}
	step("11-moderated",
		chromedp.Click(chromedp.CSS(`.mod-form button[value="publish"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice-box`)),
	)

	// 4. After the period: revise with draft2, previewing the redline.
	x, err := e.cons.Get(context.Background(), adminPrincipal(), id)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Set(x.ClosesAt.Add(2 * time.Hour)) // the staff session expires with the jump
	login("12-staff-login-after-period", "staffa", "password-staffa")
	step("13-revise-preview",
		chromedp.Navigate(base+"/staff/consultations/"+id+"/revise"),
		chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.SetValue(chromedp.ID("text"), string(draft2)),
		chromedp.SetValue(chromedp.ID("note"), "根据公众意见，在立法目的中增加维护生物安全。"),
		chromedp.Click(chromedp.CSS(`button[value="preview"]`)),
		chromedp.WaitVisible(chromedp.ID("preview-h")),
	)
	if got := eval("redline", `document.querySelector("#preview .art-modified ins") ? document.querySelector("#preview .art-modified").innerText : ""`); !strings.Contains(got, "维护生物安全") {
		t.Errorf("redline preview of 第一条: %q", got)
	}
	step("14-revised",
		chromedp.Click(chromedp.CSS(`button[value="save"]`)),
		chromedp.WaitVisible(chromedp.ID("notice-h")),
	)

	// 5. Adopt the comment, linked to the changed 第一条 of the new version.
	step("15-dispositions",
		chromedp.Navigate(base+"/staff/consultations/"+id+"/dispositions"),
		chromedp.WaitVisible(chromedp.CSS(`.disp-form`)),
		chromedp.Click(chromedp.CSS(`.disp-form input[value="adopted"]`)),
	)
	// The picker finds an article by its number.
	if got := eval("find article", `(function(){var f=document.querySelector('.disp-form'); var q=f.querySelector('input[data-picker-filter]'); if (q.closest('[data-picker-search]').hidden) return "search hidden"; q.value="2"; q.dispatchEvent(new Event("input")); var shown=[]; f.querySelectorAll('.picker-list li').forEach(function(li){ if(!li.hidden) shown.push(li.textContent.trim()) }); var open=f.querySelector('details.picker').open; q.value=""; q.dispatchEvent(new Event("input")); return shown.join(",") + " " + open})()`); got != "第二条 true" {
		t.Errorf("finding article 2 in the picker: %q", got)
	}
	if got := eval("link article", `(function(){var f=document.querySelector('.disp-form'); f.querySelectorAll('input[name="changed_articles"]').forEach(function(b){ b.checked = b.labels[0].textContent === "第一条" }); var on=f.querySelectorAll('input[name="changed_articles"]:checked'); return on.length + " " + on[0].labels[0].textContent})()`); got != "1 第一条" {
		t.Fatalf("selecting the changed article: %q", got)
	}
	step("16-answered",
		chromedp.Click(chromedp.CSS(`.disp-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice-box`)),
	)

	// 6. Submit for legality review.
	step("17-review-package",
		chromedp.Navigate(base+"/staff/consultations/"+id+"/review"),
		chromedp.WaitVisible(chromedp.ID("review_days")),
	)
	if got := text("package"); !strings.Contains(got, "送审材料齐全。") {
		t.Errorf("review package page:\n%.800s", got)
	}
	step("18-submitted",
		chromedp.Click(chromedp.CSS(`form[action$="/review"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("notice-h")),
	)
	logOut("19-staff-logged-out")

	// 7. The legal office: lawful, then finalize (legal pages at /legal/…).
	login("20-legal-login", "legal", "password-legal")
	step("21-legal-review",
		chromedp.Navigate(base+"/legal/consultations/"+id+"/review"),
		chromedp.WaitVisible(chromedp.ID("opinion")),
		chromedp.Click(chromedp.ID("outcome-lawful")),
		chromedp.SetValue(chromedp.ID("opinion"), "经审查，该草案符合法定权限和程序，内容合法。"),
	)
	today := workcal.DateOf(e.clock.Now())
	step("22-finalize-form",
		chromedp.Click(chromedp.CSS(`form[action$="/review"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("document_number")),
		chromedp.SetValue(chromedp.ID("document_number"), "某农发〔2027〕3号"),
		chromedp.SetValue(chromedp.ID("registration_number"), "ZJSP00-2027-0003"),
		chromedp.SetValue(chromedp.ID("adopted_on"), today.String()),
		chromedp.SetValue(chromedp.ID("effective_on"), today.AddDays(30).String()),
		// A 规范性文件 is published with its 政策解读 (consultation/interpretation.go).
		chromedp.SetValue(chromedp.ID("interpretation"), "本办法明确了犬只免疫和登记的办理时限。"),
	)
	step("23-finalized",
		chromedp.Click(chromedp.CSS(`form[action$="/finalize"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("notice-h")),
	)
	if x, err = e.cons.Get(context.Background(), adminPrincipal(), id); err != nil || x.State != "published" {
		t.Fatalf("after finalizing: %v %v", x.State, err)
	}
	logOut("24-legal-logged-out")

	// 8. The resident checks the receipt and the redline, on the phone.
	step("25-phone-receipt-outcome",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait),
		chromedp.Navigate(base+"/receipts/"+code),
		chromedp.WaitVisible(chromedp.CSS(`.receipt-code strong`)),
	)
	if got := text("receipt"); !strings.Contains(got, "采纳") || !strings.Contains(got, "维护生物安全和公共卫生安全") {
		t.Errorf("receipt after publication lacks the outcome or the new wording:\n%.1200s", got)
	}
	step("26-phone-redline",
		chromedp.Navigate(fmt.Sprintf("%s/consultations/%s/diff?from=1&to=%d", base, id, x.CurrentVersion)),
		chromedp.WaitVisible(chromedp.CSS(`ins`)),
	)
	if got := eval("redline page", `document.body.innerText`); !strings.Contains(got, "维护生物安全") {
		t.Errorf("redline page lacks the change:\n%.800s", got)
	}
	if got := eval("overflow", `String(document.documentElement.scrollWidth <= window.innerWidth)`); got != "true" {
		t.Errorf("redline page scrolls sideways on a phone")
	}

	b.checkConsole()
}
