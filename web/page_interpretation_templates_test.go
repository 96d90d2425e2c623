package web

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/i18n"
)

// addInterpretationTemplateData adds the 政策解读 tab's data to
// TestRenderEveryTemplate, and gives x a draft so the review package and
// the finalization form render it.
func addInterpretationTemplateData(data map[string]any, staff pageBase, x *consultation.Consultation) {
	at := staff.Now
	d := &consultation.InterpretationDraft{Interpretation: "本办法明确了登记期限。\n第二段。", QA: []consultation.QA{{Question: "何时施行？", Answer: "公布之日。"}},
		DraftedBy: "u1", DraftedAt: &at}
	x.InterpretationDraft = d
	data["work_interpretation"] = interpretationPageData{workBase: workBase{pageBase: staff, C: x, Tab: "interpretation"}, Draft: d, Writable: true,
		Form:   consultation.InterpretationForm{Interpretation: d.Interpretation, QA: d.QA},
		Errors: formErrors{"qa": "每个问答都需要问题和回答。", "interpretation": "x", "interpretation_exception": "y"}}
}

// TestInterpretationTabClosed: once the decision is published the tab shows
// the draft and no form, with a refusal that came back on top.
func TestInterpretationTabClosed(t *testing.T) {
	ps, err := parsePages()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	x := &consultation.Consultation{ID: "c1", Title: "某县养犬管理办法", State: consultation.Published, ProcedureType: consultation.NormativeDocument,
		InterpretationDraft: &consultation.InterpretationDraft{Interpretation: "部门拟定的解读。", QA: []consultation.QA{{Question: "何时施行？", Answer: "公布之日。"}}, DraftedAt: &at}}
	d := interpretationPageData{workBase: workBase{pageBase: pageBase{Lang: i18n.ZH, User: auth.Principal{UserID: "u1", Role: auth.Staff}, CSRF: "tok", Path: "/", Now: at}, C: x, Tab: "interpretation"},
		Draft: x.InterpretationDraft, Errors: formErrors{"state": "决定已公布，不能拟定政策解读。"}}
	var buf bytes.Buffer
	if err := ps.pages["work_interpretation"].ExecuteTemplate(&buf, "layout", d); err != nil {
		t.Fatal(err)
	}
	body := buf.String()
	for _, want := range []string{"部门拟定的解读。", "何时施行？", "公布之日。", "政策解读不能再修改", "决定已公布，不能拟定政策解读。", "最近保存"} {
		if !strings.Contains(body, want) {
			t.Errorf("the closed tab lacks %q", want)
		}
	}
	if strings.Contains(body, `name="interpretation"`) {
		t.Error("the closed tab still has the form")
	}
}
