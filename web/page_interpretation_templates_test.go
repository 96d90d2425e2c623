package web

import (
	"yugongkai/consultation"
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
