package storetest

import (
	"strings"
	"time"

	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/surveys"
)

// The survey commands in the atomicity contract: each is one consultation
// commit (the survey's definition and report are on the record), run at
// the stage "open+survey": an open consultation with an open survey that
// has one response.

func init() {
	commands = append(commands,
		command{"survey_create", "open+survey", func(w *world, fx *fixture) error {
			_, err := w.surveys().Create(ctx, atomicStaff, fx.c.ID, surveyForm())
			return err
		}},
		command{"survey_report", "open+survey", func(w *world, fx *fixture) error {
			_, err := w.surveys().PublishReport(ctx, atomicStaff, fx.c.ID, fx.survey, surveys.ReportForm{Summary: "多数受访者赞成登记制度。"})
			return err
		}},
	)
}

func surveyForm() consultation.SurveyForm {
	return consultation.SurveyForm{Title: "养犬管理问卷", Questions: []consultation.QuestionForm{
		{Kind: consultation.SingleChoice, Text: "您是否养犬？", Required: true, Options: []string{"是", "否"}},
		{Kind: consultation.Scale, Text: "您对登记制度的态度", ScaleMax: 5},
	}}
}

// cutSurvey removes "+survey" from a stage name.
func cutSurvey(name string) (string, bool) {
	if !strings.Contains(name, "+survey") {
		return name, false
	}
	return strings.Replace(name, "+survey", "", 1), true
}

func (w *world) surveys() *surveys.Service {
	s := surveys.NewService(w.s.Surveys, w.cs)
	s.Now = func() time.Time { return T0 }
	return s
}

// surveyStage brings a fixture to stage and adds an open survey with one
// response.
func (w *world) surveyStage(stage string) *fixture {
	w.t.Helper()
	if w.s.Surveys == nil {
		w.t.Skip("the store set has no survey store")
	}
	fx := w.stage(stage)
	svc := w.surveys()
	sv, err := svc.Create(ctx, atomicStaff, fx.c.ID, surveyForm())
	w.ok(err)
	_, err = svc.Open(ctx, atomicStaff, fx.c.ID, sv.ID)
	w.ok(err)
	_, err = svc.Respond(ctx, surveys.Respondent{Actor: auth.Principal{}, Device: "device-cookie-0123456789"}, fx.c.ID, sv.ID,
		surveys.Answers{Answers: map[string][]string{"q1": {"o1"}, "q2": {"4"}}})
	w.ok(err)
	fx.survey = sv.ID
	fx.c = w.get(fx.c.ID)
	return fx
}
