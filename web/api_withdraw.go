package web

import (
	"github.com/gofiber/fiber/v2"

	"yugongkai/comments"
)

// Withdrawal by the commenter (comments/withdraw.go): the receipt code is
// the commenter's proof, as for the receipt itself.

func init() {
	registerOperations(
		apiOperation{Method: "POST", Path: "/receipts/{code}/withdraw", ID: "withdrawComment",
			Summary: "Withdraw one's own comment while the period is open, by its receipt code, with an optional reason; it stays in the record as withdrawn, leaves the public list and the counts and needs no answer",
			Request: comments.WithdrawForm{}, Response: ReceiptView{}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/revision-draft", ID: "revisionDraft", Auth: "staff",
			Summary:  "The text the next revision starts from: the newest version with the wordings accepted since then applied to their articles, and which comments each applied wording comes from",
			Response: comments.RevisionDraft{}},
	)
}

func (s *Server) withdrawRoutes(api fiber.Router) {
	if s.cfg.Comments == nil {
		return
	}
	api.Post("/receipts/:code/withdraw", limitBody(DefaultBodyLimit), s.withdrawComment)
	api.Get("/consultations/:id/revision-draft", s.revisionDraft) // api_suggest.go
}

func (s *Server) withdrawComment(c *fiber.Ctx) error {
	if err := s.limitWrite(c); err != nil {
		return err
	}
	var f comments.WithdrawForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	r, err := s.cfg.Comments.WithdrawByReceipt(c.UserContext(), principal(c), c.Params("code"), f)
	if err != nil {
		return err
	}
	changes, err := s.contributions(c, r)
	if err != nil {
		return err
	}
	return c.JSON(ReceiptView{ReceiptStatus: r, Changes: changes})
}
