package web

import (
	"bytes"
	"encoding/csv"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/consultation"
	"yugongkai/i18n"
	"yugongkai/spreadsheet"
	"yugongkai/surveys"
)

// Surveys (问卷调查) of a consultation: the API (page_surveys.go has the
// pages). Responses to a survey kept one per device carry the device
// cookie (deviceCookieName), which the survey page sets.

// SurveyResultsView is a survey with its counts.
type SurveyResultsView struct {
	Survey  consultation.Survey        `json:"survey"`
	Results consultation.SurveyResults `json:"results"`
}

// SurveyResponseView acknowledges a response.
type SurveyResponseView struct {
	ID string `json:"id"`
	At string `json:"at"`
}

func (s *Server) surveyRoutes(api fiber.Router) {
	if s.cfg.Surveys == nil {
		return
	}
	small := limitBody(DefaultBodyLimit)
	api.Get("/consultations/:id/surveys", s.listSurveys)
	api.Post("/consultations/:id/surveys", small, s.createSurvey)
	api.Get("/consultations/:id/surveys/:sid", s.getSurvey)
	api.Put("/consultations/:id/surveys/:sid", small, s.updateSurvey)
	api.Post("/consultations/:id/surveys/:sid/open", small, s.openSurvey)
	api.Post("/consultations/:id/surveys/:sid/responses", small, s.respondSurvey)
	api.Get("/consultations/:id/surveys/:sid/results", s.surveyResults)
	api.Get("/consultations/:id/surveys/:sid/results.csv", s.surveyResultsFile(false))
	api.Get("/consultations/:id/surveys/:sid/results.xlsx", s.surveyResultsFile(true))
	api.Get("/consultations/:id/surveys/:sid/responses.csv", s.surveyResponsesFile(false))
	api.Get("/consultations/:id/surveys/:sid/responses.xlsx", s.surveyResponsesFile(true))
	api.Post("/consultations/:id/surveys/:sid/report", small, s.publishSurveyReport)
}

func init() {
	registerOperations(
		apiOperation{Method: "GET", Path: "/consultations/{id}/surveys", ID: "listSurveys", Summary: "The consultation's surveys (问卷调查): open and closed ones for everyone, drafts too for the department, legal and admin", Response: List[consultation.Survey]{}},
		apiOperation{Method: "POST", Path: "/consultations/{id}/surveys", ID: "createSurvey", Summary: "Write a draft survey: single choice, multiple choice, scale and short-answer questions (while the consultation is a draft or open)", Auth: "staff", Request: consultation.SurveyForm{}, Status: 201, Response: consultation.Survey{}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/surveys/{sid}", ID: "getSurvey", Summary: "One survey with its questions", Response: consultation.Survey{}},
		apiOperation{Method: "PUT", Path: "/consultations/{id}/surveys/{sid}", ID: "updateSurvey", Summary: "Replace a draft survey's title and questions", Auth: "staff", Request: consultation.SurveyForm{}, Response: consultation.Survey{}},
		apiOperation{Method: "POST", Path: "/consultations/{id}/surveys/{sid}/open", ID: "openSurvey", Summary: "Publish a draft survey: answers are accepted while the comment period runs", Auth: "staff", Request: struct{}{}, Response: consultation.Survey{}},
		apiOperation{Method: "POST", Path: "/consultations/{id}/surveys/{sid}/responses", ID: "respondSurvey", Summary: "Answer a survey, once per account (once_per account, logged in) or per device (once_per device: the ygk_device cookie the survey page sets)", Request: surveys.Answers{}, Status: 201, Response: SurveyResponseView{}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/surveys/{sid}/results", ID: "surveyResults", Summary: "Counts per option: for the department, legal and admin at any time, for everyone once the 民意调查报告 is published (its counts)", Response: SurveyResultsView{}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/surveys/{sid}/results.csv", ID: "surveyResultsCSV", Summary: "The counts as CSV (UTF-8 with BOM)", Media: []string{"text/csv"}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/surveys/{sid}/results.xlsx", ID: "surveyResultsXLSX", Summary: "The counts as .xlsx", Media: []string{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/surveys/{sid}/responses.csv", ID: "surveyResponsesCSV", Summary: "Every response as CSV, short answers as written (department, legal and admin)", Auth: "staff", Media: []string{"text/csv"}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/surveys/{sid}/responses.xlsx", ID: "surveyResponsesXLSX", Summary: "Every response as .xlsx (department, legal and admin)", Auth: "staff", Media: []string{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}},
		apiOperation{Method: "POST", Path: "/consultations/{id}/surveys/{sid}/report", ID: "publishSurveyReport", Summary: "Publish the 民意调查报告 (summary and the counts as they stand), closing the survey: a public record in the chain and on the consultation's timeline, before the decision", Auth: "staff", Request: surveys.ReportForm{}, Response: consultation.Survey{}},
	)
}

func (s *Server) listSurveys(c *fiber.Ctx) error {
	list, err := s.cfg.Surveys.List(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(List[consultation.Survey]{Items: list})
}

func (s *Server) createSurvey(c *fiber.Ctx) error {
	var f consultation.SurveyForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	sv, err := s.cfg.Surveys.Create(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(sv)
}

func (s *Server) getSurvey(c *fiber.Ctx) error {
	_, sv, err := s.cfg.Surveys.Survey(c.UserContext(), principal(c), c.Params("id"), c.Params("sid"))
	if err != nil {
		return err
	}
	return c.JSON(sv)
}

func (s *Server) updateSurvey(c *fiber.Ctx) error {
	var f consultation.SurveyForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	sv, err := s.cfg.Surveys.Update(c.UserContext(), principal(c), c.Params("id"), c.Params("sid"), f)
	if err != nil {
		return err
	}
	return c.JSON(sv)
}

func (s *Server) openSurvey(c *fiber.Ctx) error {
	var f struct{}
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	sv, err := s.cfg.Surveys.Open(c.UserContext(), principal(c), c.Params("id"), c.Params("sid"))
	if err != nil {
		return err
	}
	return c.JSON(sv)
}

func (s *Server) respondSurvey(c *fiber.Ctx) error {
	if err := s.limitWrite(c); err != nil {
		return err
	}
	var f surveys.Answers
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	r, err := s.cfg.Surveys.Respond(c.UserContext(), surveys.Respondent{Actor: principal(c), Device: deviceCookie(c)}, c.Params("id"), c.Params("sid"), f)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(SurveyResponseView{ID: r.ID, At: r.At.Format("2006-01-02T15:04:05.000Z07:00")})
}

func (s *Server) surveyResults(c *fiber.Ctx) error {
	sv, res, err := s.cfg.Surveys.Results(c.UserContext(), principal(c), c.Params("id"), c.Params("sid"))
	if err != nil {
		return err
	}
	return c.JSON(SurveyResultsView{Survey: *sv, Results: *res})
}

func (s *Server) publishSurveyReport(c *fiber.Ctx) error {
	var f surveys.ReportForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	sv, err := s.cfg.Surveys.PublishReport(c.UserContext(), principal(c), c.Params("id"), c.Params("sid"), f)
	if err != nil {
		return err
	}
	return c.JSON(sv)
}

func (s *Server) surveyResultsFile(xlsx bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		_, res, err := s.cfg.Surveys.Results(c.UserContext(), principal(c), c.Params("id"), c.Params("sid"))
		if err != nil {
			return err
		}
		lang := langOf(c)
		return sendTable(c, "survey-results-"+safeFileName(c.Params("sid")), i18n.T(lang, "survey.sheet_results"), surveys.ResultsTable(res, lang), xlsx, surveys.ResultsNumeric...)
	}
}

func (s *Server) surveyResponsesFile(xlsx bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		lang := langOf(c)
		rows, err := s.cfg.Surveys.ResponsesTable(c.UserContext(), principal(c), c.Params("id"), c.Params("sid"), lang)
		if err != nil {
			return err
		}
		return sendTable(c, "survey-responses-"+safeFileName(c.Params("sid")), i18n.T(lang, "survey.sheet_responses"), rows, xlsx, 0)
	}
}

// sendTable sends rows as a CSV (UTF-8 with BOM) or .xlsx download.
func sendTable(c *fiber.Ctx, name, sheet string, rows [][]string, xlsx bool, numeric ...int) error {
	var buf bytes.Buffer
	if xlsx {
		if err := spreadsheet.Write(&buf, sheet, rows, numeric...); err != nil {
			return apperr.Wrap(err, "write xlsx")
		}
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.xlsx"`)
	} else {
		buf.WriteString("\ufeff")
		w := csv.NewWriter(&buf)
		if err := w.WriteAll(rows); err != nil {
			return apperr.Wrap(err, "write csv")
		}
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.csv"`)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// deviceCookieName is the cookie that keeps a survey to one response per
// browser: 128 random bits, HttpOnly, a year long. Only its SHA-256 is
// stored with a response.
const deviceCookieName = "ygk_device"

func deviceCookie(c *fiber.Ctx) string {
	return string([]byte(c.Cookies(deviceCookieName))) // copied: it outlives the handler in the store call
}

// ensureDeviceCookie sets the device cookie if the browser has none and
// returns its value.
func ensureDeviceCookie(c *fiber.Ctx) string {
	if v := deviceCookie(c); len(v) >= 16 {
		return v
	}
	v := newCSRFToken()
	c.Cookie(&fiber.Cookie{Name: deviceCookieName, Value: v, Path: "/", HTTPOnly: true, Secure: secure(c), SameSite: "Lax", MaxAge: 365 * 24 * 3600})
	return v
}
