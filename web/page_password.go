package web

import (
	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/i18n"
)

// passwordPageData is the form to change one's own password.
type passwordPageData struct {
	pageBase
	// Forced says an administrator reset the password: it must be changed
	// before anything else.
	Forced bool
	Errors formErrors
}

func (s *Server) passwordPageRoutes() {
	s.App.Get("/me/password", s.passwordPage)
	s.App.Post("/me/password", limitBody(DefaultBodyLimit), s.passwordSubmit)
	s.App.Get("/me/comments", s.minePage) // page_mine.go
}

func (s *Server) passwordData(c *fiber.Ctx) (passwordPageData, auth.Principal, error) {
	p, err := requirePage(c, auth.Resident, auth.Staff, auth.Legal, auth.Admin)
	if err != nil {
		return passwordPageData{}, p, err
	}
	d := passwordPageData{pageBase: s.base(c, i18n.T(langOf(c), "page.password.title"))}
	if u, err := s.cfg.Auth.Store.User(c.UserContext(), p.UserID); err == nil {
		d.Forced = u.MustChangePassword
	}
	return d, p, nil
}

func (s *Server) passwordPage(c *fiber.Ctx) error {
	d, _, err := s.passwordData(c)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "password", d)
}

// passwordSubmit changes the password; every session of the account ends
// with it, so the user logs in again with the new one.
func (s *Server) passwordSubmit(c *fiber.Ctx) error {
	d, p, err := s.passwordData(c)
	if err != nil {
		return err
	}
	var f apperr.Fields
	if c.FormValue("new_password") != c.FormValue("confirm_password") {
		f.Add("confirm_password", "page.password.mismatch")
		err = f.Err()
	} else {
		err = s.cfg.Auth.ChangePassword(c.UserContext(), p, c.FormValue("old_password"), c.FormValue("new_password"))
		if apperr.Is(err, apperr.Unauthorized) {
			f.Add("old_password", "page.password.wrong_old")
			err = f.Err()
		}
	}
	if fe := fieldErrors(d.Lang, err); fe != nil {
		d.Errors = fe
		return s.render(c, fiber.StatusUnprocessableEntity, "password", d)
	}
	if err != nil {
		return err
	}
	clearSessionCookie(c)
	return c.Redirect("/login?changed=1", fiber.StatusSeeOther)
}
