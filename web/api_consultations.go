package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/consultation"
	"yugongkai/workcal"
)

// ConsultationView is a consultation as the API shows it, with what the
// rules derive from it.
type ConsultationView struct {
	*consultation.Consultation
	AcceptingComments bool                 `json:"accepting_comments"`
	MinimumPeriod     consultation.Minimum `json:"minimum_period"`
	Period            *consultation.Length `json:"period,omitempty"`
	MissingItems      []string             `json:"missing_items,omitempty"`
	// CalendarMissingYears lists years of the period without an official
	// holiday schedule loaded: their working days are counted Mon–Fri.
	CalendarMissingYears []int `json:"calendar_missing_years,omitempty"`
}

func (s *Server) view(c *fiber.Ctx, x *consultation.Consultation) ConsultationView {
	if p := principal(c); !consultation.CanSeeInternal(p, x) && !consultation.CanFinalize(p) {
		x = x.PublicCopy() // no internal account ids, no internal step records
	}
	v := ConsultationView{Consultation: x, AcceptingComments: x.AcceptsComments(s.cfg.Now().UTC()),
		MinimumPeriod: consultation.MinimumPeriod(x.ProcedureType, x.MarketRelated)}
	if x.OpensAt != nil && x.ClosesAt != nil {
		cal := s.cfg.Consultations.Calendar(c.UserContext())
		l := consultation.Measure(*x.OpensAt, *x.ClosesAt, cal)
		v.Period = &l
		v.CalendarMissingYears = cal.MissingYears(workcal.DateOf(*x.OpensAt), workcal.DateOf(x.ClosesAt.Add(-time.Millisecond)))
	}
	if x.State == consultation.Draft && consultation.CanManage(principal(c), x) {
		v.MissingItems = s.cfg.Consultations.MissingItems(x)
	}
	return v
}

// Page is a page of a cursor-paginated list.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

func (s *Server) listConsultations(c *fiber.Ctx) error {
	f := consultation.ListFilter{
		Status:        consultation.State(c.Query("status")),
		DepartmentID:  c.Query("department"),
		ProcedureType: consultation.ProcedureType(c.Query("procedure_type")),
		Cursor:        c.Query("cursor"),
	}
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			return apperr.New(apperr.Invalid, "error.bad_param", "limit")
		}
		f.Limit = n
	}
	list, next, err := s.cfg.Consultations.List(c.UserContext(), principal(c), f)
	if err != nil {
		return err
	}
	page := Page[ConsultationView]{Items: make([]ConsultationView, 0, len(list)), NextCursor: next}
	for _, x := range list {
		page.Items = append(page.Items, s.view(c, x))
	}
	return c.JSON(page)
}

func (s *Server) createConsultation(c *fiber.Ctx) error {
	var f consultation.DraftForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	x, err := s.cfg.Consultations.Create(c.UserContext(), principal(c), f)
	if err != nil {
		return err
	}
	c.Location("/api/v1/consultations/" + x.ID)
	return c.Status(fiber.StatusCreated).JSON(s.view(c, x))
}

func (s *Server) getConsultation(c *fiber.Ctx) error {
	x, err := s.cfg.Consultations.Get(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(s.view(c, x))
}

func (s *Server) updateConsultation(c *fiber.Ctx) error {
	var f consultation.DraftForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	x, err := s.cfg.Consultations.Update(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	return c.JSON(s.view(c, x))
}

func (s *Server) publishConsultation(c *fiber.Ctx) error {
	var f consultation.PublishForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	x, err := s.cfg.Consultations.Publish(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	return c.JSON(s.view(c, x))
}

func (s *Server) extendConsultation(c *fiber.Ctx) error {
	var f consultation.ExtendForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	x, err := s.cfg.Consultations.Extend(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	return c.JSON(s.view(c, x))
}

func (s *Server) closeConsultation(c *fiber.Ctx) error {
	var f consultation.CloseForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	x, err := s.cfg.Consultations.Close(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	return c.JSON(s.view(c, x))
}

func (s *Server) withdrawConsultation(c *fiber.Ctx) error {
	var f consultation.ReasonForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	x, err := s.cfg.Consultations.Withdraw(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	return c.JSON(s.view(c, x))
}

// VersionSummary is a version without its text, for lists.
type VersionSummary struct {
	Number       int                      `json:"number"`
	Kind         consultation.VersionKind `json:"kind"`
	Title        string                   `json:"title"`
	SHA256       string                   `json:"sha256"`
	Note         string                   `json:"note,omitempty"`
	CreatedAt    time.Time                `json:"created_at"`
	Frozen       bool                     `json:"frozen"`
	Public       bool                     `json:"public"`
	ArticleCount int                      `json:"article_count"`
}

func (s *Server) listVersions(c *fiber.Ctx) error {
	list, err := s.cfg.Consultations.Versions(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	out := make([]VersionSummary, 0, len(list))
	for _, v := range list {
		out = append(out, VersionSummary{Number: v.Number, Kind: v.Kind, Title: v.Title, SHA256: v.SHA256, Note: v.Note,
			CreatedAt: v.CreatedAt, Frozen: v.Frozen, Public: v.Public, ArticleCount: len(v.Articles())})
	}
	return c.JSON(List[VersionSummary]{Items: out})
}

func (s *Server) getVersion(c *fiber.Ctx) error {
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil || n < 1 {
		return apperr.ErrNotFound
	}
	v, err := s.cfg.Consultations.Version(c.UserContext(), principal(c), c.Params("id"), n)
	if err != nil {
		return err
	}
	return c.JSON(versionResponse(v))
}

func (s *Server) getCalendar(c *fiber.Ctx) error {
	return c.JSON(s.cfg.Consultations.Calendar(c.UserContext()))
}

func (s *Server) loadCalendar(c *fiber.Ctx) error {
	if !utf8Valid(c.Body()) {
		return apperr.New(apperr.BadRequest, "error.bad_utf8")
	}
	cal, err := s.cfg.Consultations.LoadCalendar(c.UserContext(), principal(c), c.Body())
	if err != nil {
		return err
	}
	return c.JSON(cal)
}
