package web

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/consultation"
	"yugongkai/i18n"
	"yugongkai/notify"
)

// Following a consultation by e-mail (notify/follow.go): the form on the
// consultation page, the confirmation link's page (a GET only asks: mail
// scanners follow links), and the API.

func init() {
	registerOperations(
		apiOperation{Method: "POST", Path: "/consultations/{id}/followers", ID: "followConsultation", Request: notify.FollowForm{}, Status: 202,
			Summary:  "Follow a consultation by e-mail, without an account (double opt-in): a confirmation mail is sent; the address follows once its link is opened",
			Response: FollowResponse{}},
		apiOperation{Method: "POST", Path: "/followers/confirm", ID: "confirmFollow", Params: []string{"n", "t"},
			Summary:  "Confirm following (the link of the confirmation mail; single use, expires after 48 hours)",
			Response: FollowResponse{}},
	)
}

// FollowResponse says where a follow request stands.
type FollowResponse struct {
	// Pending: a confirmation mail is on its way; Following: confirmed.
	Pending   bool `json:"pending,omitempty"`
	Following bool `json:"following,omitempty"`
	// ExpiresInHours is how long the confirmation link works.
	ExpiresInHours int `json:"expires_in_hours,omitempty"`
}

func (s *Server) followRoutes(api fiber.Router) {
	api.Post("/consultations/:id/followers", limitBody(DefaultBodyLimit), s.apiFollow)
	api.Post("/followers/confirm", limitBody(DefaultBodyLimit), s.apiConfirmFollow)
	s.App.Post("/consultations/:id/follow", limitBody(DefaultBodyLimit), s.followSubmit)
	s.App.Get("/follow/confirm", s.followConfirmPage)
	s.App.Post("/follow/confirm", limitBody(DefaultBodyLimit), s.followConfirmSubmit)
}

func (s *Server) apiFollow(c *fiber.Ctx) error {
	if err := s.limitWrite(c); err != nil {
		return err
	}
	var f notify.FollowForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	if f.Lang == "" {
		f.Lang = string(langOf(c))
	}
	if err := s.cfg.Notify.Follow(c.UserContext(), c.Params("id"), f); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(FollowResponse{Pending: true, ExpiresInHours: int(notify.FollowLinkTTL / time.Hour)})
}

func (s *Server) apiConfirmFollow(c *fiber.Ctx) error {
	if err := s.limitWrite(c); err != nil {
		return err
	}
	if err := s.cfg.Notify.ConfirmFollow(c.UserContext(), c.Query("n"), c.Query("t")); err != nil {
		return err
	}
	return c.JSON(FollowResponse{Following: true})
}

type followPageData struct {
	pageBase
	C         *consultation.Consultation
	Heading   string
	Message   string
	Failed    bool
	Ask       bool
	ID, Token string
}

func (s *Server) followSubmit(c *fiber.Ctx) error {
	if err := s.limitWrite(c); err != nil {
		return err
	}
	lang := langOf(c)
	d := followPageData{pageBase: s.base(c, i18n.T(lang, "follow.title")), Heading: "follow.title"}
	x, err := s.cfg.Consultations.Get(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	d.C = x
	err = s.cfg.Notify.Follow(c.UserContext(), x.ID, notify.FollowForm{Email: c.FormValue("email"), Lang: string(lang)})
	status := fiber.StatusOK
	switch {
	case err == nil:
		d.Message = i18n.T(lang, "follow.sent", int(notify.FollowLinkTTL/time.Hour))
	case apperr.Is(err, apperr.Invalid) || apperr.Is(err, apperr.Conflict):
		d.Failed, status = true, fiber.StatusUnprocessableEntity
		if apperr.Is(err, apperr.Conflict) {
			status = fiber.StatusConflict
		}
		d.Message = errorMessage(lang, err)
	default:
		return err
	}
	return s.render(c, status, "follow", d)
}

func (s *Server) followConfirmPage(c *fiber.Ctx) error {
	lang := langOf(c)
	d := followPageData{pageBase: s.base(c, i18n.T(lang, "follow.confirm_title")), Heading: "follow.confirm_title",
		ID: c.Query("n"), Token: c.Query("t"), Ask: true}
	if d.ID == "" || !s.cfg.Notify.Links.ValidFollow(d.ID, d.Token) {
		d.Ask, d.Failed, d.Message = false, true, i18n.T(lang, "notify.bad_link")
		return s.render(c, fiber.StatusNotFound, "follow", d)
	}
	return s.render(c, fiber.StatusOK, "follow", d)
}

func (s *Server) followConfirmSubmit(c *fiber.Ctx) error {
	if err := s.limitWrite(c); err != nil {
		return err
	}
	lang := langOf(c)
	d := followPageData{pageBase: s.base(c, i18n.T(lang, "follow.confirm_title")), Heading: "follow.confirm_title"}
	err := s.cfg.Notify.ConfirmFollow(c.UserContext(), c.FormValue("n"), c.FormValue("t"))
	status := fiber.StatusOK
	switch {
	case err == nil:
		d.Message = i18n.T(lang, "follow.confirmed")
	case apperr.Is(err, apperr.NotFound):
		d.Failed, d.Message, status = true, i18n.T(lang, "notify.bad_link"), fiber.StatusNotFound
	case apperr.Is(err, apperr.Conflict):
		d.Failed, d.Message, status = true, errorMessage(lang, err), fiber.StatusConflict
	default:
		return err
	}
	return s.render(c, status, "follow", d)
}

// errorMessage is a domain error's message in lang, its one field error's
// when it has one.
func errorMessage(lang i18n.Lang, err error) string {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return i18n.T(lang, "error.internal")
	}
	if len(ae.Fields) == 1 {
		return i18n.T(lang, ae.Fields[0].Key, ae.Fields[0].Args...)
	}
	return i18n.T(lang, ae.Key, ae.Args...)
}
