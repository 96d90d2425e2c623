package web

import (
	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/consultation"
)

// The hearing API (consultation/hearing.go, comments/hearing.go).

func init() {
	registerOperations(
		apiOperation{Method: "POST", Path: "/consultations/{id}/hearings", ID: "announceHearing", Auth: "staff",
			Summary: "Announce a hearing (听证会): when and where, the matters heard, how to apply and the deadline, the seats to fill; a public hearing.announced event",
			Request: consultation.HearingForm{}, Status: 201, Response: consultation.HearingNotice{}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/hearings", ID: "listHearings",
			Summary:  "The hearings of a consultation: notice, application counts by stance, the participants selected (names masked) and the record",
			Response: List[consultation.HearingNotice]{}},
		apiOperation{Method: "POST", Path: "/consultations/{id}/hearings/{hid}/applications", ID: "applyForHearing",
			Summary: "Apply to take part in a hearing (name, contact, stance, reason; with an account, or without one where anonymous comments are allowed; rate-limited). The contact is seen by the department only; the chain records a salted digest of it",
			Request: consultation.ApplicationForm{}, Status: 201, Response: applicationReceipt{}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/hearings/{hid}/applications", ID: "listHearingApplications", Auth: "staff",
			Summary:  "The applications to a hearing, in the order received, with contacts (the department, the legal office and administrators)",
			Response: List[consultation.HearingApplication]{}},
		apiOperation{Method: "POST", Path: "/consultations/{id}/hearings/{hid}/selection", ID: "selectHearingParticipants", Auth: "staff",
			Summary: "Select the participants and close applications: by lot (a random seed, recorded in the hearing.selected event, from which anyone can redo the draw) or by stance balance (seats go round oppose, support, neutral, earliest first)",
			Request: consultation.SelectionForm{}, Response: consultation.Selection{}},
		apiOperation{Method: "POST", Path: "/consultations/{id}/hearings/{hid}/record", ID: "recordHearing", Auth: "staff",
			Summary: "Enter the record of the hearing held: its summary (a public hearing step) and its statements, each stored as a comment of channel hearing to be answered like any other",
			Request: consultation.HearingRecordForm{}, Status: 201, Response: consultation.HearingRecord{}},
	)
}

// applicationReceipt acknowledges an application without echoing the
// personal data sent.
type applicationReceipt struct {
	ID      string `json:"id"`
	Hearing string `json:"hearing"`
	Seq     int    `json:"seq"`
	Stance  string `json:"stance"`
}

func (s *Server) hearingRoutes(api fiber.Router) {
	small := limitBody(DefaultBodyLimit)
	api.Post("/consultations/:id/hearings", small, s.announceHearing)
	api.Get("/consultations/:id/hearings", s.listHearings)
	api.Post("/consultations/:id/hearings/:hid/applications", small, s.applyForHearing)
	api.Get("/consultations/:id/hearings/:hid/applications", s.listHearingApplications)
	api.Post("/consultations/:id/hearings/:hid/selection", small, s.selectHearingParticipants)
	api.Post("/consultations/:id/hearings/:hid/record", limitBody(DraftBodyLimit), s.recordHearing)
}

func (s *Server) announceHearing(c *fiber.Ctx) error {
	var f consultation.HearingForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	h, err := s.cfg.Consultations.AnnounceHearing(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(h)
}

func (s *Server) listHearings(c *fiber.Ctx) error {
	p := principal(c)
	x, err := s.cfg.Consultations.Get(c.UserContext(), p, c.Params("id"))
	if err != nil {
		return err
	}
	list := x.PublicHearings()
	if consultation.CanSeeInternal(p, x) {
		list = x.Hearings
	}
	if list == nil {
		list = []consultation.HearingNotice{}
	}
	return c.JSON(List[consultation.HearingNotice]{Items: list})
}

func (s *Server) applyForHearing(c *fiber.Ctx) error {
	if err := s.limitWrite(c); err != nil {
		return err
	}
	var f consultation.ApplicationForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	a, err := s.cfg.Consultations.ApplyForHearing(c.UserContext(), principal(c), c.Params("id"), c.Params("hid"), f)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(applicationReceipt{ID: a.ID, Hearing: a.HearingID, Seq: a.Seq, Stance: a.Stance})
}

func (s *Server) listHearingApplications(c *fiber.Ctx) error {
	list, err := s.cfg.Consultations.HearingApplications(c.UserContext(), principal(c), c.Params("id"), c.Params("hid"))
	if err != nil {
		return err
	}
	if list == nil {
		list = []*consultation.HearingApplication{}
	}
	items := make([]consultation.HearingApplication, len(list))
	for i, a := range list {
		items[i] = *a
	}
	return c.JSON(List[consultation.HearingApplication]{Items: items})
}

func (s *Server) selectHearingParticipants(c *fiber.Ctx) error {
	var f consultation.SelectionForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	sel, err := s.cfg.Consultations.SelectParticipants(c.UserContext(), principal(c), c.Params("id"), c.Params("hid"), f)
	if err != nil {
		return err
	}
	return c.JSON(sel)
}

func (s *Server) recordHearing(c *fiber.Ctx) error {
	if s.cfg.Comments == nil {
		return apperr.ErrNotFound
	}
	var f consultation.HearingRecordForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	rec, err := s.cfg.Comments.RecordHearing(c.UserContext(), principal(c), c.Params("id"), c.Params("hid"), f)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(rec)
}
