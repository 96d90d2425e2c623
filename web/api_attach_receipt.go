package web

import (
	"github.com/gofiber/fiber/v2"
)

// A resident attaches an earlier comment to their account by its receipt
// and a code sent to its contact (comments/attach_receipt.go).

func init() {
	registerOperations(
		apiOperation{Method: "POST", Path: "/me/comments/attach/code", ID: "requestAttach", Auth: "login",
			Summary: "Send a code to the contact a comment was submitted with, to attach the comment to one's account (the same answer when the contact is not the comment's, or the comment has an account: nothing is sent then)",
			Request: attachForm{}, Status: 202, Response: CodeSentResponse{}},
		apiOperation{Method: "POST", Path: "/me/comments/attach", ID: "attachComment", Auth: "login",
			Summary: "Attach the comment to one's account with the code; it is then listed under GET /me/comments", Request: attachForm{}, Status: 204},
	)
}

type attachForm struct {
	Receipt string `json:"receipt" jsonschema:"required"`
	Contact string `json:"contact" jsonschema:"required"`
	Code    string `json:"code,omitempty"`
}

func (s *Server) attachRoutes(api fiber.Router) {
	if s.cfg.Comments == nil {
		return
	}
	small := limitBody(DefaultBodyLimit)
	api.Post("/me/comments/attach/code", small, s.requestAttach)
	api.Post("/me/comments/attach", small, s.attachComment)
}

func (s *Server) requestAttach(c *fiber.Ctx) error {
	var f attachForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	if err := limit(s.cfg.Limits.CodePerIP, s.clientIP(c)); err != nil {
		return err
	}
	if err := s.cfg.Comments.RequestAttach(c.UserContext(), principal(c), f.Receipt, f.Contact, string(langOf(c))); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(s.codeSent(c))
}

func (s *Server) attachComment(c *fiber.Ctx) error {
	var f attachForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	if err := limit(s.cfg.Limits.CodeCheckPerIP, s.clientIP(c)); err != nil {
		return err
	}
	if err := s.cfg.Comments.AttachByCode(c.UserContext(), principal(c), f.Receipt, f.Contact, f.Code); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
