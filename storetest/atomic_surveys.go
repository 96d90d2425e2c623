package storetest

import (
	"strings"
	"time"

	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/ident"
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
		command{"survey_respond", "open+survey", func(w *world, fx *fixture) error {
			_, err := w.surveys().Respond(ctx, surveys.Respondent{Actor: auth.Principal{}, Device: "device-cookie-" + ident.ID()}, fx.c.ID, fx.survey,
				surveys.Answers{Answers: map[string][]string{"q1": {"o2"}, "q2": {"3"}}})
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

// surveysConsistent checks that every published 民意调查报告 counts exactly
// the responses stored for its survey: a response racing the report is
// either counted or refused, never stored after it uncounted.
func (w *world) surveysConsistent(what string, c *consultation.Consultation) {
	w.t.Helper()
	if w.s.Surveys == nil {
		return
	}
	for _, sv := range c.Surveys {
		for _, q := range sv.Questions {
			if !q.Required {
				continue
			}
			// Every response answers a required question: its keys are
			// stored with it, or it is not stored at all.
			n, err := w.s.Surveys.CountResponses(ctx, sv.ID)
			w.ok(err)
			counts, err := w.s.Surveys.CountChoices(ctx, sv.ID, []string{q.ID + ":*"})
			w.ok(err)
			if counts[q.ID+":*"] != n {
				w.t.Errorf("%s: survey %s: %d responses, %d counted under required question %s", what, sv.ID, n, counts[q.ID+":*"], q.ID)
			}
		}
		if sv.Report == nil {
			continue
		}
		n, err := w.s.Surveys.CountResponses(ctx, sv.ID)
		w.ok(err)
		if n != sv.Report.Results.Responses {
			w.t.Errorf("%s: survey %s: report counts %d responses, %d stored", what, sv.ID, sv.Report.Results.Responses, n)
		}
	}
}

// surveyState is what the store holds of one survey's responses: their ids
// and the count under each choice key.
type surveyState struct {
	IDs    []string
	Counts map[string]int
}

// surveyResponses reads the responses of every survey of c.
func (w *world) surveyResponses(c *consultation.Consultation) map[string]surveyState {
	w.t.Helper()
	if w.s.Surveys == nil || c == nil || len(c.Surveys) == 0 {
		return nil
	}
	out := map[string]surveyState{}
	for _, sv := range c.Surveys {
		var st surveyState
		for cursor := ""; ; {
			page, next, err := w.s.Surveys.Responses(ctx, sv.ID, cursor, 100)
			w.ok(err)
			for _, r := range page {
				st.IDs = append(st.IDs, r.ID)
			}
			if next == "" {
				break
			}
			cursor = next
		}
		var keys []string
		for _, q := range sv.Questions {
			keys = append(keys, q.ID+":*")
			for _, o := range q.Choices() {
				keys = append(keys, q.ID+":"+o.ID)
			}
		}
		var err error
		st.Counts, err = w.s.Surveys.CountChoices(ctx, sv.ID, keys)
		w.ok(err)
		out[sv.ID] = st
	}
	return out
}
