package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"yugongkai/auth"
)

type loginForm struct {
	Username string `json:"username" jsonschema:"required"`
	Password string `json:"password" jsonschema:"required"`
}

// TokenResponse is what login returns.
type TokenResponse struct {
	Token     string     `json:"token"`
	ExpiresAt time.Time  `json:"expires_at"`
	User      *auth.User `json:"user"`
}

func (s *Server) login(c *fiber.Ctx) error {
	var f loginForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	u, err := s.loginAttempt(c, f.Username, f.Password)
	if err != nil {
		return err
	}
	tok, exp, err := s.issueSession(c, u) // sessions.go
	if err != nil {
		return err
	}
	return c.JSON(TokenResponse{Token: tok, ExpiresAt: exp, User: u})
}

// register creates a resident account with a code sent to its contact
// (POST /auth/register/code first; api_signup.go).
func (s *Server) register(c *fiber.Ctx) error {
	var f auth.SignupForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	if err := limit(s.cfg.Limits.CodeCheckPerIP, s.clientIP(c)); err != nil {
		return err
	}
	u, err := s.cfg.Auth.Signup(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(u)
}

func (s *Server) logout(c *fiber.Ctx) error {
	p, err := requireLogin(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Auth.Logout(c.UserContext(), p); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) me(c *fiber.Ctx) error {
	p, err := requireLogin(c)
	if err != nil {
		return err
	}
	u, err := s.cfg.Auth.Store.User(c.UserContext(), p.UserID)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

type departmentForm struct {
	Name string `json:"name" jsonschema:"required"`
}

func (s *Server) createDepartment(c *fiber.Ctx) error {
	var f departmentForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	d, err := s.cfg.Auth.CreateDepartment(c.UserContext(), principal(c), f.Name)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(d)
}

func (s *Server) listDepartments(c *fiber.Ctx) error {
	list, err := s.cfg.Auth.Store.Departments(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(List[*auth.Department]{Items: list})
}

func (s *Server) createUser(c *fiber.Ctx) error {
	var f auth.NewUser
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	u, err := s.cfg.Auth.CreateUser(c.UserContext(), principal(c), f)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(u)
}

func (s *Server) listUsers(c *fiber.Ctx) error {
	list, err := s.cfg.Auth.Users(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	return c.JSON(List[*auth.User]{Items: list})
}
