package web

import (
	"github.com/gofiber/fiber/v2"

	"yugongkai/consultation"
)

// The 政策解读 tab of the staff workspace: the department drafts the
// interpretation (text, Q&A rows, or the reason for publishing none) any
// time before finalization (consultation/interpretation_draft.go); the
// legal office finds it on the review package and, prefilled, on the
// finalization form. Plain form, no JS: the Q&A offers blank rows after
// the saved ones, so a longer Q&A grows with each save.

type interpretationPageData struct {
	workBase
	// Form is what the form shows: the saved draft, or what was posted.
	Form   consultation.InterpretationForm
	Errors formErrors
	// Draft is the saved draft, nil when there is none.
	Draft *consultation.InterpretationDraft
	// Writable: the lifecycle allows drafting now (before finalization).
	Writable bool
}

func init() {
	// The tab, shown while the lifecycle allows drafting, and its confirmation.
	workTabs["interpretation"] = []consultation.Action{consultation.ActInterpret}
	workDone["interpretation"] = "page.work.done_interpretation"
}

func (s *Server) interpretationPageRoutes() {
	s.App.Get("/staff/consultations/:id/interpretation", s.workInterpretationPage)
	s.App.Post("/staff/consultations/:id/interpretation", limitBody(interpretationBodyLimit), s.workInterpretationSubmit)
}

func (s *Server) interpretationData(c *fiber.Ctx) (interpretationPageData, error) {
	w, err := s.workData(c, "interpretation", "page.work.interpretation_title")
	if err != nil {
		return interpretationPageData{}, err
	}
	d := interpretationPageData{workBase: w, Draft: w.C.InterpretationDraft, Writable: w.C.Allows(consultation.ActInterpret)}
	if x := d.Draft; x != nil {
		d.Form = consultation.InterpretationForm{Interpretation: x.Interpretation, QA: x.QA, InterpretationException: x.InterpretationException}
	}
	return d, nil
}

// Fields is the data of the "interpretationfields" partial.
func (d interpretationPageData) Fields() interpretationFields {
	return interpretationFields{pageBase: d.pageBase, Interpretation: d.Form.Interpretation, Exception: d.Form.InterpretationException,
		QA: qaRows(d.Form.QA), Errors: d.Errors, Needs: consultation.NeedsInterpretation(d.C.ProcedureType)}
}

// View is the saved draft as the page shows it.
func (d interpretationPageData) View() interpretationView {
	return interpretationView{pageBase: d.pageBase, D: d.Draft}
}

// interpretationView is the data of the "interpretationdraft" partial: a
// saved draft shown (the review package, the tab once it is closed).
type interpretationView struct {
	pageBase
	D *consultation.InterpretationDraft
}

// SavedAt is when the draft was last saved, "" without one.
func (v interpretationView) SavedAt() string {
	if v.D == nil || v.D.DraftedAt == nil {
		return ""
	}
	return v.DateTime(*v.D.DraftedAt)
}

func (s *Server) workInterpretationPage(c *fiber.Ctx) error {
	d, err := s.interpretationData(c)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "work_interpretation", d)
}

func (s *Server) workInterpretationSubmit(c *fiber.Ctx) error {
	d, err := s.interpretationData(c)
	if err != nil {
		return err
	}
	d.Form = consultation.InterpretationForm{Interpretation: formText(c, "interpretation"), QA: postedQA(c),
		InterpretationException: formText(c, "interpretation_exception")}
	_, err = s.cfg.Consultations.DraftInterpretation(c.UserContext(), d.User, d.C.ID, d.Form)
	// A refusal for the state (published meanwhile) is no field's: the
	// summary shows it above the page.
	if fe := formOrConflict(d.Lang, err, "state"); fe != nil {
		d.Errors = fe
		return s.render(c, fiber.StatusUnprocessableEntity, "work_interpretation", d)
	}
	if err != nil {
		return err
	}
	return redirectWork(c, d.C.ID, "interpretation", "interpretation", "")
}
