package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"yugongkai/workcal"
)

// TestMajorDecisionSteps takes a technical, risky, market-related 重大行政决策
// through its procedure steps on both stores: the legality review is refused
// until the expert review, risk assessment and fair-competition review are
// recorded, finalization until a collective decision passed it after the
// legal opinion; 修改后再议 sends it back for revision; the public sees only
// the public records.
func TestMajorDecisionSteps(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		b := draftBody(shortText)
		b["procedure_type"], b["technical"], b["high_risk"], b["market_related"] = "major_decision", true, true, true
		id := e.want(e.do("POST", "/api/v1/consultations", w.staffA, b), 201, "create").str("id")
		base := "/api/v1/consultations/" + id
		step := func(tok string, form map[string]any, status int, what string) response {
			t.Helper()
			return e.want(e.do("POST", base+"/steps", tok, form), status, what)
		}
		expert := map[string]any{"kind": "expert_review", "held_on": workcal.DateOf(e.clock.Now()).String(), "participants": "县律师协会、县畜牧兽医站",
			"summary": "专家认为登记期限宜为三十日。", "public": true}
		step(w.staffA, expert, 201, "expert review while drafting")
		end := workcal.DateOf(e.clock.Now()).AddDays(40)
		e.want(e.do("POST", base+"/publish", w.staffA, map[string]string{"closes_at": end.String()}), 200, "publish")
		e.clock.Set(workcal.EndOfDay(end).Add(time.Hour))
		e.relogin(&w)
		today := workcal.DateOf(e.clock.Now()).String()

		e.want(e.do("POST", base+"/versions", w.staffA, map[string]string{"text": shortText + "第三条　新增。\n"}), 201, "revise")
		r := e.want(e.do("POST", base+"/review", w.staffA, map[string]any{}), 422, "review without risk and fair-competition records")
		if msg := r.field("package"); !strings.Contains(msg, "风险评估") || !strings.Contains(msg, "公平竞争审查") || strings.Contains(msg, "专家论证") {
			t.Errorf("review refused with %q, want it to name 风险评估 and 公平竞争审查 and not the recorded 专家论证", msg)
		}
		step(w.staffA, map[string]any{"kind": "risk_assessment", "held_on": today, "summary": "风险可控。"}, 422, "risk without types")
		step(w.staffA, map[string]any{"kind": "risk_assessment", "held_on": today, "summary": "风险可控。", "risk_types": []string{"social_stability", "fiscal"},
			"measures": "分步实施。"}, 201, "risk assessment (internal)")
		step(w.staffA, map[string]any{"kind": "fair_competition_review", "held_on": "2099-01-01", "summary": "不排除、限制竞争。"}, 422, "future date")
		step(w.staffB, map[string]any{"kind": "fair_competition_review", "held_on": today, "summary": "x"}, 403, "another department")
		step(w.resident, map[string]any{"kind": "fair_competition_review", "held_on": today, "summary": "x"}, 403, "resident")
		step(w.staffA, map[string]any{"kind": "fair_competition_review", "held_on": today, "summary": "未发现排除、限制竞争的内容。", "public": true}, 201, "fair competition")
		decision := map[string]any{"kind": "collective_decision", "held_on": today, "participants": "县政府第12次常务会议", "summary": "通过。", "outcome": "passed", "public": true}
		step(w.staffA, decision, 409, "collective decision before the legal opinion")

		e.want(e.do("POST", base+"/review", w.staffA, map[string]any{}), 200, "submit")
		pkg := e.want(e.do("GET", base+"/review", w.legal, nil), 200, "package")
		if steps, _ := pkg.JSON["consultation"].(map[string]any)["steps"].([]any); len(steps) != 3 {
			t.Errorf("the reviewer sees %d step records, want 3 (internal ones included)", len(steps))
		}
		e.want(e.do("POST", base+"/review/opinion", w.legal, map[string]string{"outcome": "lawful", "opinion": "合法。"}), 200, "lawful")
		fin := map[string]string{"document_number": "某政发〔2026〕9号", "adopted_on": today, "effective_on": today,
			"interpretation": "本办法明确养犬登记期限为三十日，收费标准另行规定。"}
		r = e.want(e.do("POST", base+"/finalize", w.legal, fin), 422, "finalize without a collective decision")
		if msg := r.field("steps"); !strings.Contains(msg, "集体讨论决定") {
			t.Errorf("finalize refused with %q, want it to name 集体讨论决定", msg)
		}
		step(w.staffA, map[string]any{"kind": "collective_decision", "held_on": today, "participants": "常务会议", "summary": "再议。"}, 422, "decision without outcome")
		r = step(w.staffA, map[string]any{"kind": "collective_decision", "held_on": today, "participants": "县政府第12次常务会议",
			"summary": "会议认为收费标准需调整，修改后再议。", "outcome": "revise", "public": true}, 201, "修改后再议")
		if got := e.want(e.do("GET", base, w.staffA, nil), 200, "get").str("state"); got != "returned" {
			t.Fatalf("after 修改后再议 the state is %s, want returned", got)
		}
		e.want(e.do("POST", base+"/versions", w.staffA, map[string]string{"text": shortText + "第三条　收费标准另行规定。\n"}), 201, "revise again")
		e.want(e.do("POST", base+"/review", w.staffA, map[string]any{}), 200, "resubmit")
		e.want(e.do("POST", base+"/review/opinion", w.legal, map[string]string{"outcome": "lawful", "opinion": "修改后合法。"}), 200, "lawful again")
		e.want(e.do("POST", base+"/finalize", w.legal, fin), 422, "the earlier 修改后再议 does not count")
		step(w.admin, map[string]any{"kind": "collective_decision", "held_on": today, "participants": "县政府第13次常务会议",
			"summary": "会议讨论通过。", "outcome": "passed_in_principle", "public": true}, 201, "原则通过 (entered by the government office)")
		e.want(e.do("POST", base+"/finalize", w.legal, fin), 200, "finalize")

		e.browser().get("/consultations/"+id).want(t, 200, "decision page").has(t, "interpretation", "政策解读", "本办法明确养犬登记期限为三十日")
		if got := e.want(e.do("GET", base, "", nil), 200, "decision").JSON["final"].(map[string]any)["interpretation"]; got != fin["interpretation"] {
			t.Errorf("final.interpretation = %v", got)
		}
		pub := e.want(e.do("GET", base+"/steps", "", nil), 200, "public steps")
		items, _ := pub.JSON["items"].([]any)
		var kinds []string
		for _, it := range items {
			kinds = append(kinds, it.(map[string]any)["kind"].(string))
		}
		if got := strings.Join(kinds, " "); got != "expert_review fair_competition_review collective_decision collective_decision" {
			t.Errorf("public step records = %s, want the public ones only (no risk assessment)", got)
		}
		if strings.Contains(string(e.want(e.do("GET", base, "", nil), 200, "public view").Body), "分步实施") {
			t.Error("the internal risk assessment is in the public view of the consultation")
		}
		if all := e.want(e.do("GET", base+"/steps", w.legal, nil), 200, "legal steps"); len(all.JSON["items"].([]any)) != 5 {
			t.Errorf("the legal office sees %d records, want 5", len(all.JSON["items"].([]any)))
		}
		hist := e.want(e.do("GET", base+"/history/verify", "", nil), 200, "verify")
		if hist.JSON["ok"] != true {
			t.Errorf("history verify: %s", hist.Body)
		}
	})
}

// TestStepsPage enters a step record through the staff workspace without
// JavaScript; the public record appears on the public timeline, the
// internal one does not.
func TestStepsPage(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		b := draftBody(shortText)
		b["market_related"] = true
		id := e.want(e.do("POST", "/api/v1/consultations", w.staffA, b), 201, "create").str("id")
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, map[string]string{"closes_at": workcal.DateOf(e.clock.Now()).AddDays(40).String()}), 200, "publish")
		br := e.browser()
		br.login("staffa", "password-staffa")
		p := br.get("/staff/consultations/"+id+"/steps").want(t, 200, "steps page")
		p.has(t, "missing", "本决策尚缺：公平竞争审查", `name="kind"`, `value="fair_competition_review"`)
		if strings.Contains(p.Body, `value="collective_decision"`) {
			t.Error("the collective decision is offered before the legal opinion")
		}
		today := workcal.DateOf(e.clock.Now()).String()
		br.post("/staff/consultations/"+id+"/steps", url.Values{"kind": {"fair_competition_review"}, "held_on": {today}, "summary": {""}}).
			want(t, 422, "no summary").has(t, "summary error", "aria-invalid")
		br.post("/staff/consultations/"+id+"/steps", url.Values{"kind": {"fair_competition_review"}, "held_on": {today},
			"participants": {"县市场监管局"}, "summary": {"未发现排除、限制竞争的内容。"}, "public": {"1"}}).want(t, 303, "fair competition")
		br.post("/staff/consultations/"+id+"/steps", url.Values{"kind": {"risk_assessment"}, "held_on": {today},
			"summary": {"风险可控。"}, "risk_types": {"social_stability", "fiscal"}, "measures": {"内部措施甲乙丙"}}).want(t, 303, "risk (internal)")
		after := br.get("/staff/consultations/"+id+"/steps?done=step").want(t, 200, "after")
		after.has(t, "records", "程序记录已保存", "未发现排除、限制竞争的内容。", "内部措施甲乙丙", "内部")
		if strings.Contains(after.Body, "本决策尚缺") {
			t.Error("still says a step is missing after the fair-competition review")
		}
		pub := e.browser().get("/consultations/"+id).want(t, 200, "public page")
		pub.has(t, "public timeline", "公平竞争审查", "县市场监管局")
		if strings.Contains(pub.Body, "内部措施甲乙丙") {
			t.Error("the internal risk assessment is on the public page")
		}
	})
}

// TestReviewNeedsExpertReview: a technical matter goes to the legality
// review only with its 专家论证 recorded; the refusal names it, and the
// record lets the submission through (both stores).
func TestReviewNeedsExpertReview(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		b := draftBody(shortText)
		b["procedure_type"], b["technical"] = "normative_document", true
		id := e.want(e.do("POST", "/api/v1/consultations", w.staffA, b), 201, "create").str("id")
		base := "/api/v1/consultations/" + id
		end := workcal.DateOf(e.clock.Now()).AddDays(40)
		e.want(e.do("POST", base+"/publish", w.staffA, map[string]string{"closes_at": end.String()}), 200, "publish")
		e.clock.Set(workcal.EndOfDay(end).Add(time.Hour))
		e.relogin(&w)
		e.want(e.do("POST", base+"/versions", w.staffA, map[string]string{"text": shortText + "第三条　新增。\n"}), 201, "revise")
		r := e.want(e.do("POST", base+"/review", w.staffA, map[string]any{}), 422, "review without the expert review")
		if msg := r.field("package"); !strings.Contains(msg, "专家论证") || strings.Contains(msg, "风险评估") {
			t.Errorf("review refused with %q, want it to name 专家论证 only", msg)
		}
		e.want(e.do("POST", base+"/steps", w.staffA, map[string]any{"kind": "expert_review", "held_on": workcal.DateOf(e.clock.Now()).String(),
			"participants": "县律师协会", "summary": "专家同意。", "public": true}), 201, "expert review")
		e.want(e.do("POST", base+"/review", w.staffA, map[string]any{}), 200, "review with the expert review")
	})
}
