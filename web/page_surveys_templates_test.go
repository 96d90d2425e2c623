package web

import (
	"time"

	"yugongkai/consultation"
)

// addSurveyTemplateData gives the survey page representative data: an open
// survey with every kind of question, an error, results and a report.
func addSurveyTemplateData(data map[string]any, base pageBase, x *consultation.Consultation) {
	now := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	form := consultation.SurveyForm{Title: "问卷", Intro: "说明。", Questions: []consultation.QuestionForm{
		{Kind: consultation.SingleChoice, Text: "是否养犬？", Required: true, Options: []string{"是", "否"}},
		{Kind: consultation.MultipleChoice, Text: "关心的问题", Options: []string{"噪音", "卫生"}},
		{Kind: consultation.Scale, Text: "支持程度", ScaleMax: 5},
		{Kind: consultation.ShortAnswer, Text: "建议"},
	}}
	sv, err := form.Validate(func() string { return "x" })
	if err != nil {
		panic(err)
	}
	sv.ID, sv.State = "s1", consultation.SurveyClosed
	res := consultation.SurveyResults{SurveyID: "s1", Responses: 3}
	for _, q := range sv.Questions {
		qr := consultation.QuestionResult{ID: q.ID, Kind: q.Kind, Text: q.Text, Answered: 2}
		for _, o := range q.Choices() {
			qr.Options = append(qr.Options, consultation.OptionCount{ID: o.ID, Label: o.Label, Count: 1})
		}
		res.Questions = append(res.Questions, qr)
	}
	sv.Report = &consultation.SurveyReport{Summary: "多数支持。", Results: res, PublishedAt: now}
	d := surveyPageData{pageBase: base, C: x, S: &sv, Accepting: true, Errors: formErrors{"answers.q1": "此题为必答题。"}, Results: &res}
	for i, q := range sv.Questions {
		qv := surveyQuestionView{SurveyQuestion: q, No: i + 1}
		for _, o := range q.Choices() {
			qv.Choices = append(qv.Choices, surveyChoiceView{ID: o.ID, Label: o.Label})
		}
		d.Questions = append(d.Questions, qv)
	}
	d.Questions[0].Error = "此题为必答题。"
	for i, q := range res.Questions {
		d.Charts = append(d.Charts, surveyResultView{QuestionResult: q, No: i + 1, Chart: surveyChart(q, i+1, base.Lang)})
	}
	data["survey"] = d
	draft := sv
	draft.ID, draft.State, draft.Report = "s2", consultation.SurveyDraft, nil
	data["work_surveys"] = workSurveysData{workBase: workBase{pageBase: base, C: x, Tab: "surveys"},
		Surveys: []consultation.Survey{sv, draft}, Title: "问卷", Questions: "单选*：是否养犬？｜是｜否", Once: "device",
		Errors: formErrors{"questions": "第 1 行：选择题须有 2 至 20 个选项。"}}
}
