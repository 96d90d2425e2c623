package web

import (
	"github.com/gofiber/fiber/v2"
)

// A commenter has the contact of their comment erased, by its receipt code
// and a code sent to that contact (comments/erase_contact.go).

func init() {
	registerOperations(
		apiOperation{Method: "POST", Path: "/receipts/{code}/erase-contact/code", ID: "requestContactErasure",
			Summary: "Send a code to the contact the comment was submitted with, to confirm its erasure (the same answer when the contact is not the comment's: nothing is sent then)",
			Request: contactForm{}, Status: 202, Response: CodeSentResponse{}},
		apiOperation{Method: "POST", Path: "/receipts/{code}/erase-contact", ID: "eraseContact",
			Summary: "Erase the comment's contacts with the code; the comment, its public copy and its answer stay, and the history records the erasure (counts only)",
			Request: eraseForm{}, Response: ErasedResponse{}},
	)
}

type contactForm struct {
	Contact string `json:"contact" jsonschema:"required"`
}

type eraseForm struct {
	Contact string `json:"contact" jsonschema:"required"`
	Code    string `json:"code" jsonschema:"required"`
}

// ErasedResponse counts the contacts erased.
type ErasedResponse struct {
	Erased int `json:"erased"`
}

func (s *Server) eraseContactRoutes(api fiber.Router) {
	if s.cfg.Comments == nil {
		return
	}
	small := limitBody(DefaultBodyLimit)
	api.Post("/receipts/:code/erase-contact/code", small, s.requestContactErasure)
	api.Post("/receipts/:code/erase-contact", small, s.eraseContact)
	api.Post("/receipts/lost", small, s.sendLostReceipts) // api_lost_receipts.go
}

func (s *Server) requestContactErasure(c *fiber.Ctx) error {
	var f contactForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	if err := limit(s.cfg.Limits.CodePerIP, s.clientIP(c)); err != nil {
		return err
	}
	if err := s.cfg.Comments.RequestContactErasure(c.UserContext(), c.Params("code"), f.Contact, string(langOf(c))); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(s.codeSent(c))
}

func (s *Server) eraseContact(c *fiber.Ctx) error {
	var f eraseForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	if err := limit(s.cfg.Limits.CodeCheckPerIP, s.clientIP(c)); err != nil {
		return err
	}
	n, err := s.cfg.Comments.EraseContactByCode(c.UserContext(), c.Params("code"), f.Contact, f.Code)
	if err != nil {
		return err
	}
	return c.JSON(ErasedResponse{Erased: n})
}
