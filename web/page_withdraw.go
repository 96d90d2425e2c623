package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"yugongkai/comments"
	"yugongkai/i18n"
)

// withdrawPageRoutes: the commenter withdraws a comment from its receipt
// page or from 我的意见 (a form with the CSRF token, like every page action).
func (s *Server) withdrawPageRoutes() {
	if s.cfg.Comments == nil {
		return
	}
	s.App.Post("/receipts/:code/withdraw", limitBody(DefaultBodyLimit), s.withdrawSubmit)
}

// withdrawSubmit withdraws the comment and goes back to where the form was
// (the receipt page, or /me/comments); a bad reason shows the receipt page
// with the error.
func (s *Server) withdrawSubmit(c *fiber.Ctx) error {
	if err := s.limitWrite(c); err != nil {
		return err
	}
	code := c.Params("code")
	reason := formText(c, "reason")
	r, err := s.cfg.Comments.WithdrawByReceipt(c.UserContext(), principal(c), code, comments.WithdrawForm{Reason: reason})
	if fe := fieldErrors(langOf(c), err); fe != nil {
		st, rerr := s.cfg.Comments.Receipt(c.UserContext(), code)
		if rerr != nil {
			return rerr
		}
		d := receiptPageData{pageBase: s.base(c, i18n.T(langOf(c), "page.receipt.title")), R: st, Errors: fe, Reason: reason}
		return s.render(c, fiber.StatusUnprocessableEntity, "receipt", d)
	}
	if err != nil {
		return err
	}
	if c.FormValue("next") == "/me/comments" {
		return c.Redirect("/me/comments", fiber.StatusSeeOther)
	}
	return c.Redirect("/receipts/"+url.PathEscape(r.Code)+"?withdrawn=1", fiber.StatusSeeOther)
}

// withdrawArgs are the arguments of the "withdrawform" partial: the page,
// the receipt code, where to go back to ("" for the receipt page), the
// reason typed and the form's errors.
func withdrawArgs(page any, code, next, reason string, errs any) map[string]any {
	fe, _ := errs.(formErrors)
	return map[string]any{"Page": page, "Code": code, "Next": next, "Reason": reason, "Errors": fe,
		"ID": "withdraw-" + code, "Max": comments.MaxWithdrawReason}
}
