package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/attachment"
	"yugongkai/consultation"
)

// The procedure steps page of the staff workspace: the records entered so
// far and the form for the next (consultation/steps.go has the rules).

type stepsPageData struct {
	workBase
	Steps    []consultation.Step
	Missing  string // the steps the next action still needs, named
	Kinds    []option
	Risks    []option
	Outcomes []option
	Form     consultation.StepForm
	Errors   formErrors
	// Files are the limits of a record's files (the form's file input).
	Files attachment.Limits
}

func (s *Server) stepsPageRoutes() {
	s.App.Get("/staff/consultations/:id/steps", s.workStepsPage)
	// A record may carry files (multipart, page_attachments.go).
	s.App.Post("/staff/consultations/:id/steps", attachmentLimit(attachment.ForStep, DefaultBodyLimit), s.workStepsSubmit)
}

func (s *Server) stepsData(c *fiber.Ctx, f consultation.StepForm) (stepsPageData, error) {
	w, err := s.workData(c, "steps", "page.steps.title")
	if err != nil {
		return stepsPageData{}, err
	}
	d := stepsPageData{workBase: w, Steps: w.C.Steps, Form: f, Files: attachment.Table[attachment.ForStep]}
	next := consultation.ActSubmit
	if w.C.State == consultation.Approved {
		next = consultation.ActFinalize
	}
	var missing []string
	for _, m := range w.C.MissingSteps(next) {
		missing = append(missing, w.T(m))
	}
	d.Missing = strings.Join(missing, "、")
	for _, o := range []string{consultation.DecisionPassed, consultation.DecisionPassedInPrinciple, consultation.DecisionRevise, consultation.DecisionRejected} {
		d.Outcomes = append(d.Outcomes, option{o, w.T("step.outcome." + o), o == f.Outcome})
	}
	for _, k := range consultation.StepKinds {
		act := consultation.ActStep
		if k == consultation.CollectiveDecision {
			act = consultation.ActDecide
		}
		if w.C.Allows(act) {
			d.Kinds = append(d.Kinds, option{string(k), w.T("step.kind." + string(k)), k == f.Kind})
		}
	}
	for _, r := range consultation.RiskTypes {
		checked := false
		for _, x := range f.RiskTypes {
			checked = checked || x == r
		}
		d.Risks = append(d.Risks, option{r, w.T("step.risk." + r), checked})
	}
	return d, nil
}

func (s *Server) workStepsPage(c *fiber.Ctx) error {
	d, err := s.stepsData(c, consultation.StepForm{Public: true})
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "work_steps", d)
}

func (s *Server) workStepsSubmit(c *fiber.Ctx) error {
	f := consultation.StepForm{Kind: consultation.StepKind(c.FormValue("kind")), HeldOn: c.FormValue("held_on"),
		Participants: formText(c, "participants"), Summary: formText(c, "summary"), Outcome: c.FormValue("outcome"),
		Measures: formText(c, "measures"), Public: c.FormValue("public") == "1"}
	if isMultipart(c) { // the form carries files
		if form, err := c.MultipartForm(); err == nil {
			for _, v := range form.Value["risk_types"] {
				f.RiskTypes = append(f.RiskTypes, strings.Clone(v))
			}
		}
	} else {
		for _, v := range c.Context().PostArgs().PeekMulti("risk_types") {
			f.RiskTypes = append(f.RiskTypes, string(v))
		}
	}
	d, err := s.stepsData(c, f)
	if err != nil {
		return err
	}
	if f.Files, err = pageFiles(c); err == nil {
		_, err = s.cfg.Consultations.RecordStep(c.UserContext(), d.User, d.C.ID, f)
	}
	if apperr.Is(err, apperr.TooLarge) {
		var status int
		d.Errors, status = attachmentFieldErrors(d.Lang, err)
		return s.render(c, status, "work_steps", d)
	}
	if fe := formOrConflict(d.Lang, err, "kind"); fe != nil {
		d.Errors = fe
		return s.render(c, fiber.StatusUnprocessableEntity, "work_steps", d)
	}
	if err != nil {
		return err
	}
	return redirectWork(c, d.C.ID, "steps", "step", "")
}
