package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"yugongkai/workcal"
)

// TestBrowserMajorDecisionStory runs the 重大行政决策 story in headless
// Chromium, the steps a person does on a page in the browser and the
// others through the API: the expert review and risk assessment are
// recorded (the risk assessment on the steps page), the staff announce a
// hearing, a resident applies from the consultation page, the staff select
// by lot and enter the record with a statement; the comments are answered,
// the text revised and reviewed, the collective decision says 修改后再议,
// the text is revised and reviewed again and passed; the department drafts
// its 政策解读 and a Q&A on the workspace tab, and the legal office
// publishes it from the finalize form filled with that draft (marked
// required on the form; the refusal without one is
// TestMajorDecisionWithHearing's); the decision page shows it with the
// hearing on its timeline. No page may log a console error.
func TestBrowserMajorDecisionStory(t *testing.T) {
	needBrowser(t)
	e := newEnv(t, "sqlite")
	e.clock.Set(time.Now())
	w := e.world()
	b := startBrowser(t, e, "hearing-", 90*time.Second)
	base, step, eval := b.base, b.step, b.eval
	text := func(what string) string { return eval(what, `document.querySelector("main").innerText`) }
	login := func(name, user, pass string) {
		t.Helper()
		step(name, chromedp.Navigate(base+"/login?lang=zh-CN"), chromedp.WaitVisible(chromedp.ID("username")),
			chromedp.SendKeys(chromedp.ID("username"), user), chromedp.SendKeys(chromedp.ID("password"), pass),
			chromedp.Submit(chromedp.ID("password")), chromedp.WaitNotPresent(chromedp.ID("password")))
	}
	logOut := func(name string) {
		t.Helper()
		step(name, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.ID("main")))
	}
	today := func() string { return workcal.DateOf(e.clock.Now()).String() }

	bd := draftBody(shortText)
	bd["procedure_type"], bd["technical"], bd["high_risk"] = "major_decision", true, true
	id := e.want(e.do("POST", "/api/v1/consultations", w.staffA, bd), 201, "create").str("id")
	api := "/api/v1/consultations/" + id
	e.want(e.do("POST", api+"/steps", w.staffA, map[string]any{"kind": "expert_review", "held_on": today(), "participants": "县律师协会",
		"summary": "专家论证认为可行。", "public": true}), 201, "expert review")
	end := workcal.DateOf(e.clock.Now()).AddDays(40)
	e.want(e.do("POST", api+"/publish", w.staffA, map[string]string{"closes_at": end.String()}), 200, "publish")

	// 1. Staff record the risk assessment and announce the hearing.
	login("01-staff-login", "staffa", "password-staffa")
	work := base + "/staff/consultations/" + id
	step("02-risk-assessment",
		chromedp.Navigate(work+"/steps"), chromedp.WaitVisible(chromedp.ID("kind")),
		chromedp.SetValue(chromedp.ID("kind"), "risk_assessment"),
		chromedp.SetValue(chromedp.ID("held_on"), today()),
		chromedp.SetValue(chromedp.ID("summary"), "社会稳定风险可控。"),
		chromedp.Click(chromedp.CSS(`input[name="risk_types"][value="social_stability"]`)),
		chromedp.Click(chromedp.CSS(`form[action$="/steps"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice-box`)))
	sh := workcal.Shanghai()
	held := e.clock.Now().Add(20 * 24 * time.Hour).In(sh).Format("2006-01-02T15:04")
	by := e.clock.Now().Add(10 * 24 * time.Hour).In(sh).Format("2006-01-02T15:04")
	step("03-hearing-announced",
		chromedp.Navigate(work+"/hearings"), chromedp.WaitVisible(chromedp.ID("held_at")),
		chromedp.SetValue(chromedp.ID("held_at"), held),
		chromedp.SetValue(chromedp.ID("place"), "县政府第一会议室"),
		chromedp.SetValue(chromedp.ID("matters"), "养犬登记期限和收费标准"),
		chromedp.SetValue(chromedp.ID("how_to_apply"), "在本页在线报名"),
		chromedp.SetValue(chromedp.ID("apply_by"), by),
		chromedp.SetValue(chromedp.ID("seats"), "2"),
		chromedp.Click(chromedp.CSS(`form[action$="/hearings"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice-box`)))
	logOut("04-staff-logged-out")

	// 2. A resident applies from the consultation page.
	step("05-consultation-page", chromedp.Navigate(base+"/consultations/"+id+"?lang=zh-CN"), chromedp.WaitVisible(chromedp.ID("hearings-h")))
	step("06-apply-form", chromedp.Click(chromedp.CSS(`.hearings a.button`)), chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SetValue(chromedp.ID("name"), "张三丰"), chromedp.SetValue(chromedp.ID("contact"), "13911112222"),
		chromedp.Click(chromedp.ID("stance-oppose")), chromedp.SetValue(chromedp.ID("reason"), "我家养犬，关心登记期限。"),
		chromedp.Click(chromedp.CSS(`form[action$="/apply"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice-box`)))
	if got := text("applied"); !strings.Contains(got, "报名序号 1") {
		t.Errorf("after applying the page says %q", got)
	}

	// 3. Staff select by lot and enter the record.
	login("07-staff-login", "staffa", "password-staffa")
	step("08-applications", chromedp.Navigate(work+"/hearings"), chromedp.WaitVisible(chromedp.CSS(`form[action$="/selection"]`)))
	if got := text("applications"); !strings.Contains(got, "13911112222") {
		t.Errorf("the staff page does not list the application's contact: %q", got)
	}
	step("09-selected", chromedp.Click(chromedp.CSS(`form[action$="/selection"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/record"]`)))
	if got := text("selected"); !strings.Contains(got, "随机抽签") || !strings.Contains(got, "张*丰") {
		t.Errorf("after the selection the page says %q", got)
	}
	step("10-record",
		chromedp.SetValue(chromedp.CSS(`form[action$="/record"] input[name="held_on"]`), today()),
		chromedp.SetValue(chromedp.CSS(`form[action$="/record"] textarea[name="summary"]`), "听证会如期举行，参加人充分发表了意见。"),
		chromedp.SetValue(chromedp.CSS(`form[action$="/record"] textarea[name="st_body"]`), "建议登记期限延长至六十日。"),
		chromedp.Click(chromedp.CSS(`form[action$="/record"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice-box`)))
	// The department drafts the 政策解读 on its tab (page_interpretation.go).
	step("10b-interpretation",
		chromedp.Navigate(work+"/interpretation"), chromedp.WaitVisible(chromedp.ID("interpretation")),
		chromedp.SetValue(chromedp.ID("interpretation"), "本办法明确养犬登记期限为三十日。"),
		chromedp.SetValue(chromedp.ID("qa-q-0"), "登记期限从何时起算？"),
		chromedp.SetValue(chromedp.ID("qa-a-0"), "自取得犬只之日起算。"),
		chromedp.Click(chromedp.CSS(`form[action$="/interpretation"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice-box`)))
	logOut("11-staff-logged-out")

	// 4. Through the API: answers, revision, review, 修改后再议, again, 通过.
	e.relogin(&w) // logging out in the browser ended the API sessions too
	list := e.want(e.do("GET", api+"/comments?status=pending", w.staffA, nil), 200, "comments")
	statements := 0
	for _, it := range list.JSON["items"].([]any) {
		cm := it.(map[string]any)
		if cm["channel"] == "hearing" {
			statements++
		}
		cid := cm["id"].(string)
		e.want(e.do("POST", "/api/v1/comments/"+cid+"/moderation", w.staffA, map[string]string{"action": "publish"}), 200, "publish comment")
		e.want(e.do("POST", "/api/v1/comments/"+cid+"/disposition", w.staffA, map[string]string{"status": "not_adopted", "reason": "登记期限维持三十日。"}), 200, "answer")
	}
	if statements != 1 {
		t.Fatalf("%d hearing statements among the comments, want 1", statements)
	}
	e.clock.Set(workcal.EndOfDay(end).Add(time.Hour))
	e.relogin(&w)
	decide := func(outcome, summary string) {
		e.want(e.do("POST", api+"/versions", w.staffA, map[string]string{"text": shortText + "第三条　" + summary + "\n"}), 201, "revise")
		e.want(e.do("POST", api+"/review", w.staffA, map[string]any{}), 200, "submit")
		e.want(e.do("POST", api+"/review/opinion", w.legal, map[string]string{"outcome": "lawful", "opinion": "合法。"}), 200, "lawful")
		e.want(e.do("POST", api+"/steps", w.staffA, map[string]any{"kind": "collective_decision", "held_on": today(), "participants": "县政府常务会议",
			"summary": summary, "outcome": outcome, "public": true}), 201, outcome)
	}
	decide("revise", "收费标准需调整，修改后再议。")
	decide("passed", "会议讨论通过。")

	// 5. The legal office publishes it with its 政策解读 (refused without).
	login("12-legal-login", "legal", "password-legal")
	step("13-finalize-form", chromedp.Navigate(base+"/legal/consultations/"+id+"/finalize"), chromedp.WaitVisible(chromedp.ID("document_number")),
		chromedp.SetValue(chromedp.ID("document_number"), "某政发〔2027〕5号"),
		chromedp.SetValue(chromedp.ID("adopted_on"), today()),
		chromedp.SetValue(chromedp.ID("effective_on"), today()))
	if got := text("finalize form"); !strings.Contains(got, "重大行政决策、行政规范性文件必填") {
		t.Errorf("the finalize form does not say the interpretation is required: %q", got)
	}
	// The form is filled with the department's draft.
	if got := eval("prefilled", `document.getElementById("interpretation").value + "|" + document.getElementById("qa-a-0").value`); got != "本办法明确养犬登记期限为三十日。|自取得犬只之日起算。" {
		t.Errorf("the finalize form holds %q, want the department's draft", got)
	}
	step("14-finalized",
		chromedp.Click(chromedp.CSS(`form[action$="/finalize"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("interp-h")))
	got := text("decision")
	for _, want := range []string{"本办法明确养犬登记期限为三十日。", "登记期限从何时起算？", "自取得犬只之日起算。", "发布听证会公告", "听证会如期举行", "修改后再议", "专家论证"} {
		if !strings.Contains(got, want) {
			t.Errorf("the decision page lacks %q", want)
		}
	}
	if strings.Contains(got, "13911112222") || strings.Contains(got, "张三丰") {
		t.Error("the decision page shows the applicant")
	}
	b.checkConsole()
}
