package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/i18n"
	"yugongkai/workcal"
)

// The legal office's pages: the review package with the opinion form, and
// the finalization form. The service decides who may act (CanReview,
// CanFinalize); the pages only keep other roles off the forms.

// legalOpinionForm is the review opinion as posted.
type legalOpinionForm struct {
	Outcome, Opinion string
}

type legalReviewData struct {
	pageBase
	C          *consultation.Consultation
	Department string
	Statement  *consultation.ProcedureStatement
	Period     string
	Missing    []string
	Window     consultation.ReviewWindow
	// Redline is the reviewed draft against the 征求意见稿 (nil when there
	// is no revision yet).
	Redline *redlineView
	Summary *reportSummary
	Form    legalOpinionForm
	Errors  formErrors
	// CanGive shows the opinion form: legal staff, consultation in review.
	CanGive bool
	// CanFinalize links to the finalization form.
	CanFinalize bool
	Outcomes    []option
}

// legalReviewPackage loads the review package of the consultation in the address.
func (s *Server) legalReviewPackage(c *fiber.Ctx) (legalReviewData, error) {
	p, err := requirePage(c, auth.Legal, auth.Admin)
	if err != nil {
		return legalReviewData{}, err
	}
	ctx, lang := c.UserContext(), langOf(c)
	x, err := s.cfg.Consultations.Get(ctx, p, c.Params("id"))
	if err != nil {
		return legalReviewData{}, err
	}
	d := legalReviewData{pageBase: s.base(c, i18n.T(lang, "page.review.title", x.Title)), C: x,
		Window:  consultation.ReviewWindowFor(x.ProcedureType),
		CanGive: consultation.CanDo(p, x, consultation.ActOpinion), CanFinalize: consultation.CanDo(p, x, consultation.ActFinalize)}
	if dep, err := s.cfg.Auth.Store.Department(ctx, x.DepartmentID); err == nil {
		d.Department = dep.Name
	}
	if d.Statement, err = s.cfg.Consultations.Statement(ctx, x); err != nil {
		return d, err
	}
	min := consultation.MinimumPeriod(x.ProcedureType, x.MarketRelated)
	l := consultation.LengthOf(d.Statement.Period, min)
	d.Period = i18n.T(lang, l.Msg().Key, l.Msg().Args...)
	if d.Missing, err = s.cfg.Consultations.PackageMissing(ctx, x); err != nil {
		return d, err
	}
	reviewed := x.CurrentVersion
	if x.Review != nil && x.State == consultation.InReview {
		reviewed = x.Review.Version
	}
	if x.PublicVersion > 0 && reviewed > x.PublicVersion {
		r, a, b, err := s.cfg.Consultations.Redline(ctx, p, x.ID, x.PublicVersion, reviewed)
		if err != nil {
			return d, err
		}
		links, err := s.linked(c, x)
		if err != nil {
			return d, err
		}
		v := buildRedline(r, a, b, links, false)
		d.Redline = &v
	}
	if s.cfg.Comments != nil && x.PublicVersion > 0 {
		r, err := s.cfg.Comments.Summary(ctx, p, x.ID)
		if err != nil {
			return d, err
		}
		d.Summary = newReportSummary(d.pageBase, x, r)
	}
	return d, nil
}

// Interpretation is the department's draft 政策解读, shown beside the
// draft (page_interpretation.go).
func (d legalReviewData) Interpretation() interpretationView {
	return interpretationView{pageBase: d.pageBase, D: d.C.InterpretationDraft}
}

// RedlinePart is the data of the "redline" partial.
func (d legalReviewData) RedlinePart() redlinePart { return redlinePart{d.pageBase, d.Redline} }

func (d *legalReviewData) outcomes() {
	d.Outcomes = nil
	for _, o := range []string{consultation.Lawful, consultation.Revise, consultation.Unlawful} {
		d.Outcomes = append(d.Outcomes, option{o, d.T("page.review.outcome." + o), o == d.Form.Outcome})
	}
}

// legalReviewPage shows the review package and, while the consultation is in
// review, the opinion form.
func (s *Server) legalReviewPage(c *fiber.Ctx) error {
	d, err := s.legalReviewPackage(c)
	if err != nil {
		return err
	}
	d.outcomes()
	return s.render(c, fiber.StatusOK, "review", d)
}

// legalReviewSubmit records the opinion: lawful leads to the finalization form,
// anything else back to the queue.
func (s *Server) legalReviewSubmit(c *fiber.Ctx) error {
	d, err := s.legalReviewPackage(c)
	if err != nil {
		return err
	}
	d.Form = legalOpinionForm{Outcome: c.FormValue("outcome"), Opinion: c.FormValue("opinion")}
	x, err := s.cfg.Consultations.GiveOpinion(c.UserContext(), d.User, d.C.ID,
		consultation.OpinionForm{Outcome: d.Form.Outcome, Opinion: d.Form.Opinion})
	if fe := fieldErrors(d.Lang, err); fe != nil {
		d.Errors = fe
		d.outcomes()
		return s.render(c, fiber.StatusUnprocessableEntity, "review", d)
	}
	if err != nil {
		return err
	}
	if consultation.CanDo(d.User, x, consultation.ActFinalize) {
		return c.Redirect("/legal/consultations/"+url.PathEscape(x.ID)+"/finalize", fiber.StatusSeeOther)
	}
	return c.Redirect("/legal/", fiber.StatusSeeOther)
}

// legalFinalizeForm is the record of publication as posted.
type legalFinalizeForm struct {
	DocumentNumber, RegistrationNumber, AdoptedOn, EffectiveOn, EffectiveException, Interpretation string
	// The 政策解读's exception reason and Q&A rows (page_finalize_qa.go).
	InterpretationException string
	QA                      []consultation.QA
}

type legalFinalizeData struct {
	pageBase
	C      *consultation.Consultation
	Form   legalFinalizeForm
	Errors formErrors
	// NeedsRegistration: 行政规范性文件 carry a 统一登记编号.
	NeedsRegistration bool
	// IsRule: 规章 take effect 30 days after publication at the earliest.
	IsRule bool
}

// legalFinalizeLoad checks before showing the form what Finalize checks: the
// viewer may finalize and the decision is approved.
func (s *Server) legalFinalizeLoad(c *fiber.Ctx) (legalFinalizeData, error) {
	p, err := requirePage(c, auth.Legal, auth.Admin)
	if err != nil {
		return legalFinalizeData{}, err
	}
	x, err := s.cfg.Consultations.Get(c.UserContext(), p, c.Params("id"))
	if err != nil {
		return legalFinalizeData{}, err
	}
	if !x.Allows(consultation.ActFinalize) {
		return legalFinalizeData{}, consultation.WrongState(x.State, string(consultation.ActFinalize))
	}
	d := legalFinalizeData{pageBase: s.base(c, i18n.T(langOf(c), "page.finalize.title")), C: x,
		NeedsRegistration: x.ProcedureType == consultation.NormativeDocument, IsRule: x.ProcedureType == consultation.Rule}
	today := workcal.DateOf(d.Now)
	d.Form = legalFinalizeForm{AdoptedOn: today.String()}
	if x := x.InterpretationDraft; x != nil { // the department's draft (page_interpretation.go)
		d.Form.Interpretation, d.Form.InterpretationException, d.Form.QA = x.Interpretation, x.InterpretationException, x.QA
	}
	d.Form.QA = qaRows(d.Form.QA)
	return d, nil
}

func (s *Server) legalFinalizePage(c *fiber.Ctx) error {
	d, err := s.legalFinalizeLoad(c)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "review_finalize", d)
}

func (s *Server) legalFinalizeSubmit(c *fiber.Ctx) error {
	d, err := s.legalFinalizeLoad(c)
	if err != nil {
		return err
	}
	v := func(k string) string { return c.FormValue(k) }
	d.Form = legalFinalizeForm{DocumentNumber: v("document_number"), RegistrationNumber: v("registration_number"),
		AdoptedOn: v("adopted_on"), EffectiveOn: v("effective_on"), EffectiveException: v("effective_exception"), Interpretation: formText(c, "interpretation")}
	d.Form.InterpretationException, d.Form.QA = formText(c, "interpretation_exception"), postedQA(c)
	x, err := s.cfg.Consultations.Finalize(c.UserContext(), d.User, d.C.ID, consultation.FinalizeForm{
		DocumentNumber: d.Form.DocumentNumber, RegistrationNumber: d.Form.RegistrationNumber,
		AdoptedOn: d.Form.AdoptedOn, EffectiveOn: d.Form.EffectiveOn, EffectiveException: d.Form.EffectiveException,
		Interpretation: d.Form.Interpretation, InterpretationException: d.Form.InterpretationException, QA: d.Form.QA})
	d.Form.QA = qaRows(d.Form.QA)
	if fe := fieldErrors(d.Lang, err); fe != nil {
		d.Errors = fe
		return s.render(c, fiber.StatusUnprocessableEntity, "review_finalize", d)
	}
	if err != nil {
		return err
	}
	return c.Redirect(consultationURL(x.ID), fiber.StatusSeeOther)
}
