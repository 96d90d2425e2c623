package web_test

import (
	"net/url"
	"strings"
	"testing"

	"yugongkai/consultation"
	"yugongkai/workcal"
)

// TestDepartmentDraftsInterpretation, on both stores: the department
// drafts the 政策解读 while its draft is in review, the legal office reads it
// (also in the review package) but cannot write it; a finalization without
// one publishes the department's text, one with its own replaces it; an
// invalid Q&A is refused with finalization's own localized message, and
// nothing changes once the decision is published.
func TestDepartmentDraftsInterpretation(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		first := e.openAndClose(&w, "normative_document", shortText)
		second := e.openAndClose(&w, "normative_document", shortText)
		today := workcal.DateOf(e.clock.Now()).String()
		text := "本办法明确了犬只登记的办理时限和收费标准。"
		draft := map[string]any{"interpretation": text, "qa": []map[string]string{{"question": "登记期限从何时起算？", "answer": "自取得犬只之日起算。"}}}
		for _, id := range []string{first, second} {
			base := "/api/v1/consultations/" + id
			e.want(e.do("POST", base+"/review", w.staffA, map[string]any{}), 200, "submit")
			e.want(e.do("PUT", base+"/interpretation", w.staffA, draft), 200, "the department drafts during the review")
		}
		base := "/api/v1/consultations/" + first
		e.want(e.do("PUT", base+"/interpretation", w.legal, draft), 403, "the legal office writes")
		e.want(e.do("PUT", base+"/interpretation", w.staffB, draft), 403, "another department writes")
		e.want(e.do("PUT", base+"/interpretation", w.resident, draft), 403, "a resident writes")
		e.want(e.do("GET", base+"/interpretation", w.resident, nil), 403, "a resident reads")
		if r := e.want(e.do("GET", base+"/interpretation", w.legal, nil), 200, "the legal office reads"); r.str("interpretation") != text || len(r.JSON["qa"].([]any)) != 1 {
			t.Errorf("the legal office reads %s", r.Body)
		}
		pkg := e.want(e.do("GET", base+"/review", w.legal, nil), 200, "package")
		if d, _ := pkg.JSON["consultation"].(map[string]any)["interpretation_draft"].(map[string]any); d["interpretation"] != text {
			t.Errorf("the review package lacks the draft: %v", pkg.JSON["consultation"].(map[string]any)["interpretation_draft"])
		}
		if strings.Contains(string(e.want(e.do("GET", base, "", nil), 200, "public view").Body), text) {
			t.Error("the public view of the consultation shows the draft")
		}
		if strings.Contains(string(e.want(e.do("GET", base+"/archive", "", nil), 200, "public archive").Body), text) {
			t.Error("the public archive shows the draft before publication")
		}

		bad := map[string]any{"interpretation": text, "qa": []map[string]string{{"question": "何时施行？", "answer": ""}}}
		refused := e.want(e.do("PUT", base+"/interpretation", w.staffA, bad), 422, "a question without its answer").field("qa")
		refusedEN := e.want(e.do("PUT", base+"/interpretation", w.staffA, bad, "Accept-Language", "en"), 422, "in English").field("qa")
		if refused != "每个问答都需要问题和回答。" || refusedEN != "Each Q&A needs a question and an answer." {
			t.Errorf("refusal %q / %q, want finalization's message in each language", refused, refusedEN)
		}
		for _, id := range []string{first, second} {
			e.want(e.do("POST", "/api/v1/consultations/"+id+"/review/opinion", w.legal, map[string]string{"outcome": "lawful", "opinion": "合法。"}), 200, "lawful")
		}
		fin := map[string]any{"document_number": "某政规〔2027〕7号", "registration_number": "ZJSD-7", "adopted_on": today, "effective_on": today, "qa": bad["qa"]}
		if got := e.want(e.do("POST", base+"/finalize", w.legal, fin), 422, "finalize with the same bad Q&A").field("qa"); got != refused {
			t.Errorf("finalize refuses the Q&A with %q, the draft with %q", got, refused)
		}

		// Without an interpretation of its own, the department's is published.
		delete(fin, "qa")
		e.want(e.do("POST", base+"/finalize", w.legal, fin), 200, "finalize without an interpretation")
		final := e.want(e.do("GET", base, "", nil), 200, "decision").JSON["final"].(map[string]any)
		if final["interpretation"] != text || len(final["qa"].([]any)) != 1 {
			t.Errorf("published %v, want the department's text and Q&A", final)
		}
		raw := e.want(e.do("GET", base+"/archive", "", nil), 200, "archive").Body
		head := e.want(e.do("GET", base, "", nil), 200, "decision").str("history_head")
		if v, err := consultation.VerifyArchive(raw, head); err != nil || !v.OK {
			t.Errorf("VerifyArchive = %+v, %v", v, err)
		}
		archive := string(raw)
		for _, want := range []string{`"interpretation.drafted"`, `"interpretation_source":"department"`, "自取得犬只之日起算。"} {
			if !strings.Contains(archive, want) {
				t.Errorf("the archive lacks %s", want)
			}
		}
		e.want(e.do("PUT", base+"/interpretation", w.staffA, draft), 409, "drafting after publication")

		// The legal office's own interpretation replaces the department's.
		fin["document_number"], fin["registration_number"], fin["interpretation"] = "某政规〔2027〕8号", "ZJSD-8", "司法局修改后的解读。"
		e.want(e.do("POST", "/api/v1/consultations/"+second+"/finalize", w.legal, fin), 200, "finalize with an interpretation")
		final = e.want(e.do("GET", "/api/v1/consultations/"+second, "", nil), 200, "second decision").JSON["final"].(map[string]any)
		if final["interpretation"] != "司法局修改后的解读。" || final["qa"] != nil {
			t.Errorf("published %v, want the legal office's text without the department's Q&A", final)
		}
		hist := string(e.want(e.do("GET", "/api/v1/consultations/"+second+"/history", "", nil), 200, "history").Body)
		if !strings.Contains(hist, `"interpretation_source":"finalize"`) {
			t.Error("the finalized event does not say the legal office's interpretation was used")
		}
	})
}

// TestInterpretationPage drafts the 政策解读 on the workspace tab without
// JavaScript (a refused Q&A comes back with what was typed), then the
// review package shows it and the finalization form is filled with it.
func TestInterpretationPage(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id := e.openAndClose(&w, "normative_document", shortText)
	b := e.browser()
	b.login("staffa", "password-staffa")
	page := "/staff/consultations/" + id + "/interpretation"
	p := b.get(page).want(t, 200, "tab")
	p.checkPage(t, "interpretation", "zh-CN")
	p.has(t, "tab", `name="interpretation"`, `name="qa_question"`, `id="qa-q-2"`, "（重大行政决策、行政规范性文件必填）", "起草部门尚未拟定政策解读")
	b.post(page, url.Values{"interpretation": {"本办法明确了登记时限。"}, "qa_question": {"何时施行？", ""}, "qa_answer": {"", ""}}).
		want(t, 422, "a question without its answer").has(t, "refused", "每个问答都需要问题和回答。", "本办法明确了登记时限。", `value="何时施行？"`)
	b.postRaw(page, url.Values{"interpretation": {"x"}}).want(t, 403, "without the CSRF token")
	b.post(page, url.Values{"interpretation": {"本办法明确了登记时限。"}, "qa_question": {"何时施行？", "", ""}, "qa_answer": {"公布之日起施行。", "", ""}}).
		want(t, 303, "saved")
	p = b.get(page+"?done=interpretation").want(t, 200, "after")
	p.has(t, "after", "政策解读已保存。", "本办法明确了登记时限。", `value="何时施行？"`, "公布之日起施行。", `id="qa-q-3"`, "最近保存")
	if r := e.want(e.do("GET", "/api/v1/consultations/"+id+"/interpretation", w.staffA, nil), 200, "read"); r.str("interpretation") != "本办法明确了登记时限。" {
		t.Errorf("stored %s", r.Body)
	}

	e.want(e.do("POST", "/api/v1/consultations/"+id+"/review", w.staffA, map[string]any{}), 200, "submit")
	legal := e.browser()
	legal.login("legal", "password-legal")
	legal.get("/legal/consultations/"+id+"/review").want(t, 200, "review package").
		has(t, "package", "起草部门拟定的政策解读", "本办法明确了登记时限。", "公布之日起施行。")
	legal.post("/legal/consultations/"+id+"/review", url.Values{"outcome": {"lawful"}, "opinion": {"合法。"}}).want(t, 303, "lawful")
	f := legal.get("/legal/consultations/"+id+"/finalize").want(t, 200, "finalize form")
	f.has(t, "prefilled", "已按起草部门拟定的稿填好", ">本办法明确了登记时限。</textarea>", `value="何时施行？"`, ">公布之日起施行。</textarea>")
	p = b.get(page).want(t, 200, "tab while approved")
	p.has(t, "still writable", `name="interpretation"`)

	// The legal office posts the form as it came: the department's text is published.
	today := workcal.DateOf(e.clock.Now()).String()
	legal.post("/legal/consultations/"+id+"/finalize", url.Values{"document_number": {"某政规〔2027〕9号"}, "registration_number": {"ZJSD-9"},
		"adopted_on": {today}, "effective_on": {today}, "interpretation": {"本办法明确了登记时限。"},
		"qa_question": {"何时施行？", "", ""}, "qa_answer": {"公布之日起施行。", "", ""}}).want(t, 303, "finalize")
	if hist := string(e.want(e.do("GET", "/api/v1/consultations/"+id+"/history", "", nil), 200, "history").Body); !strings.Contains(hist, `"interpretation_source":"department"`) {
		t.Error("the form given back unchanged is not recorded as the department's interpretation")
	}
	b.post(page, url.Values{"interpretation": {"改。"}}).want(t, 422, "after publication").
		has(t, "refused", "不能拟定政策解读", "决定已公布、撤回或不予通过")
}
