package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yugongkai/consultation"
	"yugongkai/surveys"
)

// The surveys page of the staff workspace: the consultation's surveys, a
// form to write one (questions one per line, see parseQuestions), and the
// buttons to open a draft and to publish a 民意调查报告.

type workSurveysData struct {
	workBase
	Surveys   []consultation.Survey
	Title     string
	Intro     string
	Once      string
	Questions string
	Report    string // the report form's summary as typed
	ReportFor string // the survey whose report form failed
	Errors    formErrors
}

func (s *Server) workSurveyRoutes() {
	if s.cfg.Surveys == nil {
		return
	}
	small := limitBody(DefaultBodyLimit)
	s.App.Get("/staff/consultations/:id/surveys", s.workSurveysPage)
	s.App.Post("/staff/consultations/:id/surveys", small, s.workSurveyCreate)
	s.App.Post("/staff/consultations/:id/surveys/:sid/open", small, s.workSurveyOpen)
	s.App.Post("/staff/consultations/:id/surveys/:sid/report", small, s.workSurveyReport)
}

func (s *Server) workSurveysData(c *fiber.Ctx) (*workSurveysData, error) {
	w, err := s.workData(c, "surveys", "page.work.surveys_title")
	if err != nil {
		return nil, err
	}
	return &workSurveysData{workBase: w, Surveys: w.C.Surveys, Once: string(consultation.PerDevice)}, nil
}

func (s *Server) workSurveysPage(c *fiber.Ctx) error {
	d, err := s.workSurveysData(c)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "work_surveys", d)
}

func (s *Server) workSurveyCreate(c *fiber.Ctx) error {
	d, err := s.workSurveysData(c)
	if err != nil {
		return err
	}
	d.Title, d.Intro, d.Once, d.Questions = c.FormValue("title"), formText(c, "intro"), c.FormValue("once_per"), formText(c, "questions")
	form := consultation.SurveyForm{Title: d.Title, Intro: d.Intro, Once: consultation.OncePer(d.Once), Questions: parseQuestions(d.Questions)}
	_, err = s.cfg.Surveys.Create(c.UserContext(), d.User, d.C.ID, form)
	if fe := fieldErrors(d.Lang, err); fe != nil {
		// Errors of one question (questions.2.options) are shown on the
		// questions box, numbered as its lines.
		d.Errors = formErrors{}
		var lines []string
		for k, v := range fe {
			if rest, ok := strings.CutPrefix(k, "questions."); ok {
				n, _, _ := strings.Cut(rest, ".")
				if i, err := strconv.Atoi(n); err == nil {
					lines = append(lines, d.T("page.work.survey_line", i+1, v))
					continue
				}
			}
			if k == "questions" {
				lines = append(lines, v)
				continue
			}
			d.Errors[k] = v
		}
		if len(lines) > 0 {
			d.Errors["questions"] = strings.Join(lines, " ")
		}
		return s.render(c, fiber.StatusUnprocessableEntity, "work_surveys", d)
	}
	if err != nil {
		return err
	}
	return c.Redirect(d.WorkURL("surveys")+"?done=saved", fiber.StatusSeeOther)
}

func (s *Server) workSurveyOpen(c *fiber.Ctx) error {
	d, err := s.workSurveysData(c)
	if err != nil {
		return err
	}
	if _, err := s.cfg.Surveys.Open(c.UserContext(), d.User, d.C.ID, c.Params("sid")); err != nil {
		return err
	}
	return c.Redirect(d.WorkURL("surveys")+"?done=saved", fiber.StatusSeeOther)
}

func (s *Server) workSurveyReport(c *fiber.Ctx) error {
	d, err := s.workSurveysData(c)
	if err != nil {
		return err
	}
	d.Report, d.ReportFor = formText(c, "summary"), c.Params("sid")
	_, err = s.cfg.Surveys.PublishReport(c.UserContext(), d.User, d.C.ID, c.Params("sid"), surveys.ReportForm{Summary: d.Report})
	if fe := fieldErrors(d.Lang, err); fe != nil {
		d.Errors = fe
		return s.render(c, fiber.StatusUnprocessableEntity, "work_surveys", d)
	}
	if err != nil {
		return err
	}
	return c.Redirect(d.WorkURL("surveys")+"?done=saved", fiber.StatusSeeOther)
}

// parseQuestions reads the questions box: one question a line,
// "kind：text｜option｜option", kind 单选 (single), 多选 (multiple), 量表 or
// 量表N (a scale to N, default 5), 简答 (text), and a * after the kind for a
// required question; the ASCII ":" and "|" work too. A line without a kind
// is a short answer.
func parseQuestions(box string) []consultation.QuestionForm {
	var out []consultation.QuestionForm
	for _, line := range strings.Split(box, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		line = strings.ReplaceAll(line, "｜", "|")
		kind, rest, ok := strings.Cut(strings.Replace(line, "：", ":", 1), ":")
		q := consultation.QuestionForm{Kind: consultation.ShortAnswer}
		if ok {
			kind = strings.TrimSpace(kind)
			if k, req := strings.CutSuffix(kind, "*"); req {
				kind, q.Required = strings.TrimSpace(k), true
			}
			switch {
			case kind == "单选" || kind == "single":
				q.Kind = consultation.SingleChoice
			case kind == "多选" || kind == "multiple":
				q.Kind = consultation.MultipleChoice
			case strings.HasPrefix(kind, "量表") || strings.HasPrefix(kind, "scale"):
				q.Kind = consultation.Scale
				n := strings.TrimPrefix(strings.TrimPrefix(kind, "量表"), "scale")
				q.ScaleMax, _ = strconv.Atoi(strings.TrimSpace(n))
			case kind == "简答" || kind == "text":
			default:
				rest, q.Required = line, false
			}
		} else {
			rest = line
		}
		parts := strings.Split(rest, "|")
		q.Text = strings.TrimSpace(parts[0])
		for _, o := range parts[1:] {
			q.Options = append(q.Options, strings.TrimSpace(o))
		}
		out = append(out, q)
	}
	return out
}
