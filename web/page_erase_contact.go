package web

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yugongkai/i18n"
)

// The receipt page's "erase my contact": the contact, then the code sent
// to it (api_erase_contact.go, comments/erase_contact.go).

func (s *Server) eraseContactPageRoutes() {
	if s.cfg.Comments == nil {
		return
	}
	small := limitBody(DefaultBodyLimit)
	s.App.Post("/receipts/:code/erase-contact/code", small, s.eraseCodeSubmit)
	s.App.Post("/receipts/:code/erase-contact", small, s.eraseSubmit)
}

// eraseFormData is the second step: the code.
type eraseFormData struct {
	codeFormData
	Receipt string
}

func (s *Server) eraseForm(c *fiber.Ctx) eraseFormData {
	d := eraseFormData{codeFormData: s.codeForm(c, false, 2), Receipt: string([]byte(c.Params("code")))}
	d.Title = i18n.T(d.Lang, "page.erase.title")
	return d
}

func (s *Server) eraseCodeSubmit(c *fiber.Ctx) error {
	d := s.eraseForm(c)
	d.Step = 1
	err := limit(s.cfg.Limits.CodePerIP, s.clientIP(c))
	if err == nil {
		err = s.cfg.Comments.RequestContactErasure(c.UserContext(), d.Receipt, d.Contact, string(d.Lang))
	}
	if err != nil {
		return s.eraseFailure(c, &d, err)
	}
	d.Step = 2
	d.Sent = s.codeSent(c).Message
	return s.render(c, fiber.StatusOK, "erase_contact", d)
}

func (s *Server) eraseSubmit(c *fiber.Ctx) error {
	d := s.eraseForm(c)
	err := limit(s.cfg.Limits.CodeCheckPerIP, s.clientIP(c))
	if err == nil {
		_, err = s.cfg.Comments.EraseContactByCode(c.UserContext(), d.Receipt, d.Contact, strings.TrimSpace(c.FormValue("code")))
	}
	if err != nil {
		return s.eraseFailure(c, &d, err)
	}
	return c.Redirect("/receipts/"+url.PathEscape(d.Receipt)+"?erased=1", fiber.StatusSeeOther)
}

// eraseFailure shows the user's errors on the erasure form (formFailure).
func (s *Server) eraseFailure(c *fiber.Ctx, d *eraseFormData, err error) error {
	return s.formFailure(c, "erase_contact", &d.codeFormData, err, d)
}
