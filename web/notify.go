package web

import (
	"github.com/gofiber/fiber/v2"
	"yugongkai/notify"

	"yugongkai/apperr"
	"yugongkai/i18n"
)

// Notifications: the delivery state staff see per consultation, and the
// unsubscribe link every notification carries (page and RFC 8058
// one-click POST).

func (s *Server) notifyRoutes(api fiber.Router) {
	if s.cfg.Notify == nil {
		return
	}
	api.Get("/consultations/:id/notifications", s.notificationStatus)
	s.followRoutes(api) // page_follow.go
	api.Post("/notifications/unsubscribe", limitBody(DefaultBodyLimit), s.oneClickUnsubscribe)
}

func init() {
	registerOperations(
		apiOperation{Method: "GET", Path: "/consultations/{id}/notifications", ID: "notificationStatus", Auth: "staff",
			Summary:  "Delivery state of the consultation's notifications to commenters: a count per state (pending, sent, failed, cancelled) and each notification without recipient or content",
			Response: notify.Status{}},
		apiOperation{Method: "POST", Path: "/notifications/unsubscribe", ID: "oneClickUnsubscribe", Params: []string{"n", "t"},
			Summary:  "One-click unsubscribe (RFC 8058), the List-Unsubscribe address of every notification; no login, the signed link is the authority",
			Response: UnsubscribeResponse{}},
	)
}

func (s *Server) notificationStatus(c *fiber.Ctx) error {
	st, err := s.cfg.Notify.Status(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (s *Server) oneClickUnsubscribe(c *fiber.Ctx) error {
	if err := s.limitWrite(c); err != nil {
		return err
	}
	if err := s.cfg.Notify.Unsubscribe(c.UserContext(), c.Query("n"), c.Query("t")); err != nil {
		return err
	}
	return c.JSON(UnsubscribeResponse{Unsubscribed: true})
}

// UnsubscribeResponse confirms a one-click unsubscribe.
type UnsubscribeResponse struct {
	Unsubscribed bool `json:"unsubscribed"`
}

type unsubscribePage struct {
	pageBase
	ID, Token string
	Done, Bad bool
}

func (s *Server) notifyPageRoutes() {
	if s.cfg.Notify == nil {
		return
	}
	s.notificationsPageRoutes() // page_notifications.go
	s.App.Get("/notifications/unsubscribe", s.unsubscribePage)
	s.App.Post("/notifications/unsubscribe", limitBody(DefaultBodyLimit), s.unsubscribeSubmit)
}

// unsubscribePage asks for a confirmation: a GET changes nothing (mail
// scanners follow links).
func (s *Server) unsubscribePage(c *fiber.Ctx) error {
	d := unsubscribePage{pageBase: s.base(c, i18n.T(langOf(c), "page.notify.title")), ID: c.Query("n"), Token: c.Query("t")}
	d.Bad = d.ID == "" || !s.cfg.Notify.Links.Valid(d.ID, d.Token)
	status := fiber.StatusOK
	if d.Bad {
		status = fiber.StatusNotFound
	}
	return s.render(c, status, "unsubscribe", d)
}

func (s *Server) unsubscribeSubmit(c *fiber.Ctx) error {
	if err := s.limitWrite(c); err != nil {
		return err
	}
	d := unsubscribePage{pageBase: s.base(c, i18n.T(langOf(c), "page.notify.title")), ID: c.FormValue("n"), Token: c.FormValue("t")}
	err := s.cfg.Notify.Unsubscribe(c.UserContext(), d.ID, d.Token)
	if apperr.Is(err, apperr.NotFound) {
		d.Bad = true
		return s.render(c, fiber.StatusNotFound, "unsubscribe", d)
	}
	if err != nil {
		return err
	}
	d.Done = true
	return s.render(c, fiber.StatusOK, "unsubscribe", d)
}

// notify is the comment form's opt-in: nil (on when a contact is given)
// unless the box was shown and left unticked.
func (f commentPageForm) notify() *bool {
	if f.NoNotify {
		no := false
		return &no
	}
	return nil
}
