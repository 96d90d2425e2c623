package web

import (
	"github.com/gofiber/fiber/v2"

	"yugongkai/i18n"
)

// Lost receipts: the receipt codes of the comments submitted with a
// contact are sent to that contact; the answer is the same whether or not
// any comment was (comments/lost_receipts.go).

func init() {
	registerOperations(
		apiOperation{Method: "POST", Path: "/receipts/lost", ID: "sendLostReceipts",
			Summary: "Send the receipt codes of the comments submitted with the contact (the 50 most recent) to that contact, in one message; the same answer whether or not any comment was, and nothing is sent when none was",
			Request: contactForm{}, Status: 202, Response: LostReceiptsResponse{}},
	)
}

// LostReceiptsResponse is the one answer to a lost-receipts request.
type LostReceiptsResponse struct {
	Message string `json:"message"`
}

func (s *Server) sendLostReceipts(c *fiber.Ctx) error {
	var f contactForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	if err := limit(s.cfg.Limits.CodePerIP, s.clientIP(c)); err != nil {
		return err
	}
	if err := s.cfg.Comments.SendLostReceipts(c.UserContext(), f.Contact, string(langOf(c))); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(LostReceiptsResponse{Message: i18n.T(langOf(c), "receipts.lost.sent")})
}
