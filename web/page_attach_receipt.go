package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/i18n"
)

// /me/comments: attach an earlier comment by its receipt and a code sent
// to its contact (api_attach_receipt.go).

func (s *Server) attachPageRoutes() {
	if s.cfg.Comments == nil {
		return
	}
	small := limitBody(DefaultBodyLimit)
	s.App.Post("/me/comments/attach/code", small, s.attachCodeSubmit)
	s.App.Post("/me/comments/attach", small, s.attachSubmit)
}

func (s *Server) attachForm(c *fiber.Ctx) eraseFormData {
	d := eraseFormData{codeFormData: s.codeForm(c, false, 2), Receipt: strings.TrimSpace(c.FormValue("receipt"))}
	d.Title = i18n.T(d.Lang, "page.attach.title")
	return d
}

func (s *Server) attachCodeSubmit(c *fiber.Ctx) error {
	p, err := requirePage(c, auth.Resident, auth.Staff, auth.Legal, auth.Admin)
	if err != nil {
		return err
	}
	d := s.attachForm(c)
	d.Step = 1
	if err = limit(s.cfg.Limits.CodePerIP, s.clientIP(c)); err == nil {
		err = s.cfg.Comments.RequestAttach(c.UserContext(), p, d.Receipt, d.Contact, string(d.Lang))
	}
	if err != nil {
		return s.formFailure(c, "attach_receipt", &d.codeFormData, receiptFieldErr(err), &d)
	}
	d.Step = 2
	d.Sent = s.codeSent(c).Message
	return s.render(c, fiber.StatusOK, "attach_receipt", d)
}

func (s *Server) attachSubmit(c *fiber.Ctx) error {
	p, err := requirePage(c, auth.Resident, auth.Staff, auth.Legal, auth.Admin)
	if err != nil {
		return err
	}
	d := s.attachForm(c)
	if err = limit(s.cfg.Limits.CodeCheckPerIP, s.clientIP(c)); err == nil {
		err = s.cfg.Comments.AttachByCode(c.UserContext(), p, d.Receipt, d.Contact, strings.TrimSpace(c.FormValue("code")))
	}
	if err != nil {
		return s.formFailure(c, "attach_receipt", &d.codeFormData, receiptFieldErr(err), &d)
	}
	return c.Redirect("/me/comments?attached=1", fiber.StatusSeeOther)
}

// receiptFieldErr turns an unknown receipt into an error of the form's
// receipt field.
func receiptFieldErr(err error) error {
	if apperr.Is(err, apperr.NotFound) {
		var f apperr.Fields
		f.Add("receipt", "page.receipt.not_found")
		return f.Err()
	}
	return err
}
