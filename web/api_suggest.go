package web

import (
	"github.com/gofiber/fiber/v2"
)

// Suggested wordings (comments/suggest.go): the next revision's draft.

func (s *Server) revisionDraft(c *fiber.Ctx) error {
	d, err := s.cfg.Comments.RevisionDraft(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(d)
}
