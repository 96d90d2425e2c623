package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"yugongkai/i18n"
)

// The "find my receipt codes" page, /receipts/lost: the contact, then the
// same notice whatever it is (api_lost_receipts.go,
// comments/lost_receipts.go). Linked from the receipt lookup page.

func (s *Server) lostReceiptsForm(c *fiber.Ctx) codeFormData {
	lang := langOf(c)
	return codeFormData{pageBase: s.base(c, i18n.T(lang, "page.lost.title")), Step: 1, Contact: strings.TrimSpace(c.FormValue("contact"))}
}

func (s *Server) lostReceiptsPage(c *fiber.Ctx) error {
	d := s.lostReceiptsForm(c)
	d.Contact = ""
	return s.render(c, fiber.StatusOK, "lost_receipts", d)
}

func (s *Server) lostReceiptsSubmit(c *fiber.Ctx) error {
	d := s.lostReceiptsForm(c)
	err := limit(s.cfg.Limits.CodePerIP, s.clientIP(c))
	if err == nil {
		err = s.cfg.Comments.SendLostReceipts(c.UserContext(), d.Contact, string(d.Lang))
	}
	if err != nil {
		return s.formFailure(c, "lost_receipts", &d, err)
	}
	// The page after the request is the same for every contact: the form
	// comes back empty under the one notice.
	d.Contact, d.Sent = "", i18n.T(d.Lang, "receipts.lost.sent")
	return s.render(c, fiber.StatusOK, "lost_receipts", d)
}
