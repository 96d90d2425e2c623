package web

import (
	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/comments"
)

// The staff search of a consultation's comments and their files' text
// (comments.Service.StaffSearch): its department and the legal office only.

func init() {
	registerOperations(apiOperation{Method: "GET", Path: "/consultations/{id}/staff-search", ID: "staffSearch",
		Summary: "Search every comment of a consultation (any status) and the text extracted from its PDF and .docx files, for its department and the legal office; a page reads at most 2000 comments and returns the cursor to go on from (next, absent once every comment was searched). Contact details are neither searched nor returned",
		Auth:    "staff", Params: []string{"q", "cursor", "limit"}, Response: comments.StaffSearchPage{}})
}

func (s *Server) staffSearch(c *fiber.Ctx) error {
	q, err := staffSearchQuery(c)
	if err != nil {
		return err
	}
	page, err := s.cfg.Comments.StaffSearch(c.UserContext(), principal(c), c.Params("id"), q)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(page)
}

// staffSearchQuery reads q, cursor and limit.
func staffSearchQuery(c *fiber.Ctx) (comments.StaffSearchQuery, error) {
	n, err := intQuery(c, "limit", 20)
	if err != nil || n < 1 || n > 100 {
		return comments.StaffSearchQuery{}, apperr.New(apperr.Invalid, "error.bad_param", "limit")
	}
	return comments.StaffSearchQuery{Q: c.Query("q"), Cursor: c.Query("cursor"), Limit: n}, nil
}
