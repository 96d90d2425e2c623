package web

import (
	"github.com/gofiber/fiber/v2"

	"yugongkai/auth"
	"yugongkai/i18n"
)

// Self-service accounts: sign-up and password reset by a code sent to an
// email address or phone number, and one's sessions (auth/signup.go,
// auth/sessions.go, package vcode).

func init() {
	registerOperations(
		apiOperation{Method: "POST", Path: "/auth/register/code", ID: "requestSignupCode",
			Summary: "Send a sign-up code to an email address or phone number (valid 10 minutes). The answer is the same whether or not the contact has an account: one that has gets a notice instead of a code",
			Request: auth.CodeRequest{}, Status: 202, Response: CodeSentResponse{}},
		apiOperation{Method: "POST", Path: "/auth/password-reset/code", ID: "requestPasswordReset",
			Summary: "Send a password reset code to the contact of an account (the same answer when no account has it)",
			Request: auth.CodeRequest{}, Status: 202, Response: CodeSentResponse{}},
		apiOperation{Method: "POST", Path: "/auth/password-reset", ID: "resetPasswordByCode",
			Summary: "Set a new password with the code; every session of the account ends", Request: auth.ResetForm{}, Status: 204},
		apiOperation{Method: "GET", Path: "/me/sessions", ID: "listSessions", Auth: "login",
			Summary: "One's live sessions (logins), newest first; the current one is marked", Response: List[*auth.Session]{}},
		apiOperation{Method: "DELETE", Path: "/me/sessions/{id}", ID: "endSession", Auth: "login",
			Summary: "End one of one's sessions: its token stops working at once", Status: 204},
		apiOperation{Method: "POST", Path: "/me/sessions/end-others", ID: "endOtherSessions", Auth: "login",
			Summary: "End every session but the current one", Response: EndedResponse{}},
	)
}

// publicAccountPaths are served with a stale token attached, like login.
var publicAccountPaths = map[string]bool{
	"/api/v1/auth/register/code": true, "/api/v1/auth/password-reset/code": true, "/api/v1/auth/password-reset": true,
}

// CodeSentResponse says a message went to the contact, if it can be used.
type CodeSentResponse struct {
	Message    string `json:"message"`
	TTLSeconds int    `json:"ttl_seconds"`
}

// EndedResponse counts the sessions ended.
type EndedResponse struct {
	Ended int `json:"ended"`
}

func (s *Server) accountRoutes(api fiber.Router) {
	small := limitBody(DefaultBodyLimit)
	api.Post("/auth/register/code", small, s.requestSignupCode)
	api.Post("/auth/password-reset/code", small, s.requestPasswordReset)
	api.Post("/auth/password-reset", small, s.resetPasswordByCode)
	api.Get("/me/sessions", s.listSessions)
	api.Delete("/me/sessions/:id", s.endSession)
	api.Post("/me/sessions/end-others", small, s.endOtherSessions)
}

func (s *Server) codeSent(c *fiber.Ctx) CodeSentResponse {
	ttl := 600
	if s.cfg.Auth.Codes != nil {
		ttl = int(s.cfg.Auth.Codes.TTL.Seconds())
	}
	return CodeSentResponse{Message: i18n.T(langOf(c), "auth.code_sent", ttl/60), TTLSeconds: ttl}
}

func (s *Server) requestSignupCode(c *fiber.Ctx) error {
	var f auth.CodeRequest
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	if err := limit(s.cfg.Limits.RegisterPerIP, s.clientIP(c)); err != nil {
		return err // sign-ups per IP
	}
	if err := s.cfg.Auth.RequestSignupCode(c.UserContext(), f.Contact, string(langOf(c))); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(s.codeSent(c))
}

func (s *Server) requestPasswordReset(c *fiber.Ctx) error {
	var f auth.CodeRequest
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	if err := limit(s.cfg.Limits.CodePerIP, s.clientIP(c)); err != nil {
		return err
	}
	if err := s.cfg.Auth.RequestPasswordReset(c.UserContext(), f.Contact, string(langOf(c))); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(s.codeSent(c))
}

func (s *Server) resetPasswordByCode(c *fiber.Ctx) error {
	var f auth.ResetForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	if err := limit(s.cfg.Limits.CodeCheckPerIP, s.clientIP(c)); err != nil {
		return err
	}
	if err := s.cfg.Auth.ResetPasswordByCode(c.UserContext(), f); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) listSessions(c *fiber.Ctx) error {
	list, err := s.cfg.Auth.Sessions(c.UserContext(), principal(c), sessionID(c))
	if err != nil {
		return err
	}
	return c.JSON(List[*auth.Session]{Items: list})
}

func (s *Server) endSession(c *fiber.Ctx) error {
	if err := s.cfg.Auth.EndSession(c.UserContext(), principal(c), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) endOtherSessions(c *fiber.Ctx) error {
	n, err := s.cfg.Auth.EndOtherSessions(c.UserContext(), principal(c), sessionID(c))
	if err != nil {
		return err
	}
	return c.JSON(EndedResponse{Ended: n})
}
