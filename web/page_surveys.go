package web

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"yugongkai/consultation"
	"yugongkai/i18n"
	"yugongkai/surveys"
)

// The survey page (问卷调查): the questions as a form that works without
// JavaScript (radio buttons, check boxes, text areas in fieldsets), the
// results as server-drawn SVG bar charts with their numbers in text, and
// the published 民意调查报告.

func (s *Server) surveyPageRoutes() {
	if s.cfg.Surveys == nil {
		return
	}
	s.App.Get("/consultations/:id/surveys/:sid", s.surveyPage)
	s.App.Post("/consultations/:id/surveys/:sid", limitBody(DefaultBodyLimit), s.surveySubmit)
}

// surveyQuestionView is one question as the form shows it.
type surveyQuestionView struct {
	consultation.SurveyQuestion
	No      int
	Choices []surveyChoiceView
	Text    string // a short answer as typed
	Error   string
}

type surveyChoiceView struct {
	ID, Label string
	Checked   bool
}

// surveyResultView is one question's counts with its chart.
type surveyResultView struct {
	consultation.QuestionResult
	No    int
	Chart template.HTML
}

type surveyPageData struct {
	pageBase
	C         *consultation.Consultation
	S         *consultation.Survey
	Accepting bool
	Responded bool
	Done      bool
	Questions []surveyQuestionView
	Errors    formErrors
	Results   *consultation.SurveyResults
	Charts    []surveyResultView
	Staff     bool
}

// ResultsURL is the base of the results downloads.
func (d surveyPageData) ResultsURL() string {
	return "/api/v1/consultations/" + url.PathEscape(d.C.ID) + "/surveys/" + url.PathEscape(d.S.ID)
}

func (s *Server) surveyData(c *fiber.Ctx, answers map[string][]string) (*surveyPageData, error) {
	p := principal(c)
	x, sv, err := s.cfg.Surveys.Survey(c.UserContext(), p, c.Params("id"), c.Params("sid"))
	if err != nil {
		return nil, err
	}
	d := &surveyPageData{pageBase: s.base(c, sv.Title), C: x, S: sv, Staff: consultation.CanSeeInternal(p, x) || consultation.CanFinalize(p)}
	d.Accepting = surveys.Accepting(x, sv, s.cfg.Now())
	if d.Accepting {
		d.Responded = s.cfg.Surveys.Responded(c.UserContext(), sv, surveys.Respondent{Actor: p, Device: deviceCookie(c)})
	}
	for i, q := range sv.Questions {
		qv := surveyQuestionView{SurveyQuestion: q, No: i + 1}
		picked := answers[q.ID]
		for _, o := range q.Choices() {
			checked := false
			for _, v := range picked {
				checked = checked || v == o.ID
			}
			qv.Choices = append(qv.Choices, surveyChoiceView{ID: o.ID, Label: o.Label, Checked: checked})
		}
		if q.Kind == consultation.ShortAnswer && len(picked) > 0 {
			qv.Text = picked[0]
		}
		d.Questions = append(d.Questions, qv)
	}
	if sv.Report != nil || d.Staff {
		if _, res, err := s.cfg.Surveys.Results(c.UserContext(), p, x.ID, sv.ID); err == nil {
			d.Results = res
			for i, q := range res.Questions {
				d.Charts = append(d.Charts, surveyResultView{QuestionResult: q, No: i + 1, Chart: surveyChart(q, i+1, d.Lang)})
			}
		} else {
			return nil, err
		}
	}
	return d, nil
}

func (s *Server) surveyPage(c *fiber.Ctx) error {
	ensureDeviceCookie(c)
	d, err := s.surveyData(c, nil)
	if err != nil {
		return err
	}
	d.Done = c.Query("done") == "1"
	return s.render(c, fiber.StatusOK, "survey", d)
}

// surveySubmit stores the answers and shows the page again; a bad answer
// re-renders the form with each question's message.
func (s *Server) surveySubmit(c *fiber.Ctx) error {
	if err := s.limitWrite(c); err != nil {
		return err
	}
	args := c.Request().PostArgs()
	answers := map[string][]string{}
	args.VisitAll(func(k, v []byte) {
		key := string(k)
		if strings.HasPrefix(key, "q") && len(key) < 8 {
			answers[key] = append(answers[key], strings.ReplaceAll(string(v), "\r\n", "\n"))
		}
	})
	device := ensureDeviceCookie(c)
	_, err := s.cfg.Surveys.Respond(c.UserContext(), surveys.Respondent{Actor: principal(c), Device: device}, c.Params("id"), c.Params("sid"), surveys.Answers{Answers: answers})
	if fe := fieldErrors(langOf(c), err); fe != nil {
		d, derr := s.surveyData(c, answers)
		if derr != nil {
			return derr
		}
		d.Errors = fe
		for i := range d.Questions {
			d.Questions[i].Error = fe.Err("answers." + d.Questions[i].ID)
		}
		return s.render(c, fiber.StatusUnprocessableEntity, "survey", d)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/consultations/"+url.PathEscape(c.Params("id"))+"/surveys/"+url.PathEscape(c.Params("sid"))+"?done=1", fiber.StatusSeeOther)
}

// surveyChart draws one question's counts as an SVG bar chart (as
// reportChart does): each bar has its label and number as text, the SVG a
// title and a description listing every count.
func surveyChart(q consultation.QuestionResult, no int, lang i18n.Lang) template.HTML {
	if len(q.Options) == 0 {
		return ""
	}
	max := 1
	for _, o := range q.Options {
		if o.Count > max {
			max = o.Count
		}
	}
	const rowH, labelW, barW, width = 34, 140, 170, 360
	height := rowH*len(q.Options) + 10
	id := fmt.Sprintf("sq%d", no)
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" role="img" aria-labelledby="%s-title %s-desc" viewBox="0 0 %d %d" width="%d" xmlns="http://www.w3.org/2000/svg">`, id, id, width, height, width)
	fmt.Fprintf(&sb, `<title id="%s-title">%s</title>`, id, template.HTMLEscapeString(i18n.T(lang, "page.survey.chart", no)))
	var desc []string
	for _, o := range q.Options {
		desc = append(desc, fmt.Sprintf("%s %d", o.Label, o.Count))
	}
	fmt.Fprintf(&sb, `<desc id="%s-desc">%s</desc>`, id, template.HTMLEscapeString(strings.Join(desc, "；")))
	for i, o := range q.Options {
		y := 5 + i*rowH
		w := o.Count * barW / max
		if o.Count > 0 && w < 2 {
			w = 2
		}
		label := o.Label
		if utf8.RuneCountInString(label) > 9 {
			label = string([]rune(label)[:8]) + "…"
		}
		fmt.Fprintf(&sb, `<text x="0" y="%d" class="chart-label">%s</text>`, y+21, template.HTMLEscapeString(label))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="24" class="bar-adopted"></rect>`, labelW, y+4, w)
		fmt.Fprintf(&sb, `<text x="%d" y="%d" class="chart-value">%d</text>`, labelW+w+6, y+21, o.Count)
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// surveyTimeline lists the published 民意调查报告 of x on its timeline.
func surveyTimeline(lang i18n.Lang, x *consultation.Consultation) []timelineEntry {
	var out []timelineEntry
	for _, sv := range x.Surveys {
		if sv.Report == nil {
			continue
		}
		out = append(out, timelineEntry{At: sv.Report.PublishedAt, Label: i18n.T(lang, "page.timeline.survey_report", sv.Title),
			URL: "/consultations/" + url.PathEscape(x.ID) + "/surveys/" + url.PathEscape(sv.ID)})
	}
	return out
}
