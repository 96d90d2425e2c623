package web

import (
	"github.com/gofiber/fiber/v2"

	"yugongkai/auth"
)

// Account administration and one's own password (auth/admin.go).

func init() {
	registerOperations(
		apiOperation{Method: "PATCH", Path: "/users/{id}", ID: "updateAccount", Auth: "admin",
			Summary: "Disable or enable an account (its tokens stop working at once), change its role or department", Request: auth.AccountForm{}, Response: auth.User{}},
		apiOperation{Method: "POST", Path: "/users/{id}/password-reset", ID: "resetPassword", Auth: "admin",
			Summary: "Give an account a new random password, shown once; the user must change it at the next login", Response: PasswordResetResponse{}},
		apiOperation{Method: "POST", Path: "/me/password", ID: "changePassword", Auth: "login",
			Summary: "Change one's own password (the old one is required); every token of the account stops working", Request: PasswordForm{}, Status: 204},
		apiOperation{Method: "PATCH", Path: "/departments/{id}", ID: "renameDepartment", Auth: "admin",
			Summary: "Rename a department", Request: departmentForm{}, Response: auth.Department{}},
	)
}

// PasswordResetResponse carries the new password, shown this once.
type PasswordResetResponse struct {
	TemporaryPassword string `json:"temporary_password"`
}

// PasswordForm changes one's own password.
type PasswordForm struct {
	OldPassword string `json:"old_password" jsonschema:"required"`
	NewPassword string `json:"new_password" jsonschema:"required"`
}

func (s *Server) updateAccount(c *fiber.Ctx) error {
	var f auth.AccountForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	u, err := s.cfg.Auth.UpdateAccount(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

func (s *Server) resetPassword(c *fiber.Ctx) error {
	pw, err := s.cfg.Auth.ResetPassword(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(PasswordResetResponse{TemporaryPassword: pw})
}

func (s *Server) changePassword(c *fiber.Ctx) error {
	p, err := requireLogin(c)
	if err != nil {
		return err
	}
	var f PasswordForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	if err := s.cfg.Auth.ChangePassword(c.UserContext(), p, f.OldPassword, f.NewPassword); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) renameDepartment(c *fiber.Ctx) error {
	var f departmentForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	d, err := s.cfg.Auth.RenameDepartment(c.UserContext(), principal(c), c.Params("id"), f.Name)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

// mustChangePasswordAllows lists what an account whose password was reset
// may still do: see itself, change the password, log out.
var mustChangePasswordAllows = map[string]bool{
	"/api/v1/me": true, "/api/v1/me/password": true, "/api/v1/auth/logout": true, "/api/v1/auth/login": true,
	"/me/password": true, "/logout": true,
}
