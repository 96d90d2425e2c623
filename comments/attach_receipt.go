package comments

import (
	"context"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/vcode"
)

// A resident attaches a comment they submitted without being logged in to
// their account (then 我的意见 lists it), by its receipt code and a code
// sent to the contact the comment was submitted with. The code is bound
// to the receipt and the account asking.

// RequestAttach sends a code to contact if it is one the comment of
// receipt was submitted with and the comment belongs to no account yet;
// otherwise nothing, with the same answer. Errors: Unauthorized, NotFound
// (receipt), Invalid (contact), RateLimited.
func (s *Service) RequestAttach(ctx context.Context, actor auth.Principal, receipt, contact, lang string) error {
	if actor.Anonymous() {
		return apperr.New(apperr.Unauthorized, "error.unauthorized")
	}
	codes, err := s.codes()
	if err != nil {
		return err
	}
	cm, err := s.receiptComment(ctx, receipt)
	if err != nil {
		return err
	}
	c, err := vcode.Parse(contact)
	if err != nil {
		return err
	}
	if cm.UserID != "" || !HasContact(cm, c) {
		return nil
	}
	return codes.Issue(ctx, vcode.AttachReceipt, c, cm.Receipt+"\x00"+actor.UserID, lang)
}

// AttachByCode makes the comment of receipt actor's own. Errors:
// Unauthorized, NotFound (receipt), Invalid (vcode.wrong, also when the
// comment belongs to an account meanwhile).
func (s *Service) AttachByCode(ctx context.Context, actor auth.Principal, receipt, contact, code string) error {
	if actor.Anonymous() {
		return apperr.New(apperr.Unauthorized, "error.unauthorized")
	}
	codes, err := s.codes()
	if err != nil {
		return err
	}
	first, err := s.receiptComment(ctx, receipt)
	if err != nil {
		return err
	}
	c, err := vcode.Parse(contact)
	if err != nil {
		return vcode.ErrWrongCode
	}
	rec, err := codes.Check(ctx, vcode.AttachReceipt, c, first.Receipt+"\x00"+actor.UserID, code)
	if err != nil {
		return err
	}
	err = consultation.Retry(func() error {
		cm, err := s.Store.Comment(ctx, first.ID)
		if err != nil {
			return err
		}
		if cm.UserID != "" || !HasContact(cm, c) {
			return vcode.ErrWrongCode
		}
		cons, err := s.Consultations.Store.Consultation(ctx, cm.ConsultationID)
		if err != nil {
			return err
		}
		return s.commit(ctx, &Change{Change: consultation.Change{Consultation: cons, Write: consultation.CheckRev},
			Attach: []Attached{{ID: cm.ID, UserID: actor.UserID}}})
	})
	if err != nil {
		return err
	}
	_ = codes.Use(ctx, rec)
	return nil
}
