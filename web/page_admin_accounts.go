package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"yugongkai/auth"
	"yugongkai/i18n"
)

// The administrator's account actions on the admin page: disable or enable
// an account, change its role and department, reset its password, rename a
// department (auth/admin.go has the rules).

func (s *Server) adminAccountRoutes(small fiber.Handler) {
	s.App.Post("/admin/users/:id/disabled", small, s.adminDisableSubmit)
	s.App.Post("/admin/users/:id/role", small, s.adminRoleSubmit)
	s.App.Post("/admin/users/:id/password-reset", small, s.adminResetSubmit)
	s.App.Post("/admin/departments/:id/name", small, s.adminRenameSubmit)
}

// adminAccountDone re-renders the admin page after an account action, or
// shows the action's refusal there.
func (s *Server) adminAccountDone(c *fiber.Ctx, d adminPageData, err error, done string) error {
	if fe := formOrConflict(d.Lang, err, "account"); fe != nil {
		d.AccountErrors = fe
		d.options()
		return s.render(c, fiber.StatusUnprocessableEntity, "admin", d)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/?done="+url.QueryEscape(done), fiber.StatusSeeOther)
}

func (s *Server) adminDisableSubmit(c *fiber.Ctx) error {
	d, err := s.adminData(c)
	if err != nil {
		return err
	}
	disabled := c.FormValue("disabled") == "1"
	_, err = s.cfg.Auth.UpdateAccount(c.UserContext(), d.User, c.Params("id"), auth.AccountForm{Disabled: &disabled})
	done := "enabled"
	if disabled {
		done = "disabled"
	}
	return s.adminAccountDone(c, d, err, done)
}

func (s *Server) adminRoleSubmit(c *fiber.Ctx) error {
	d, err := s.adminData(c)
	if err != nil {
		return err
	}
	role, dept := auth.Role(c.FormValue("role")), c.FormValue("department_id")
	_, err = s.cfg.Auth.UpdateAccount(c.UserContext(), d.User, c.Params("id"), auth.AccountForm{Role: &role, DepartmentID: &dept})
	return s.adminAccountDone(c, d, err, "role")
}

// adminResetSubmit shows the new password on the page it answers with
// (never in a URL), this once.
func (s *Server) adminResetSubmit(c *fiber.Ctx) error {
	d, err := s.adminData(c)
	if err != nil {
		return err
	}
	pw, err := s.cfg.Auth.ResetPassword(c.UserContext(), d.User, c.Params("id"))
	if err != nil {
		return s.adminAccountDone(c, d, err, "")
	}
	for _, u := range d.Users {
		if u.ID == c.Params("id") {
			d.Reset = &passwordReset{Username: u.Username, Password: pw}
		}
	}
	d.options()
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, fiber.StatusOK, "admin", d)
}

func (s *Server) adminRenameSubmit(c *fiber.Ctx) error {
	d, err := s.adminData(c)
	if err != nil {
		return err
	}
	_, err = s.cfg.Auth.RenameDepartment(c.UserContext(), d.User, c.Params("id"), c.FormValue("name"))
	return s.adminAccountDone(c, d, err, "renamed")
}

// passwordReset is a password just reset, shown once to the administrator.
type passwordReset struct {
	Username, Password string
}

// doneMessage is the notice after an account action.
func doneMessage(lang i18n.Lang, done string) string {
	switch done {
	case "department", "user", "calendar", "disabled", "enabled", "role", "renamed":
		return i18n.T(lang, "page.admin.done_"+done)
	}
	return ""
}
