package comments

import (
	"context"
	"errors"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/vcode"
)

// A commenter may have the contact they gave with a comment erased before
// it would expire, from the receipt page, confirmed by a code sent to that
// contact (package vcode). The comment, its public copy, its leaf in the
// transparency log and its answer stay; the erasure is an event in the
// history that names the comment and counts the contacts, nothing more.

// EraseContact clears the contacts of c (email, phone) and the wish to be
// notified there, and returns how many contacts it cleared. It is the one
// place that says what erasing a comment's contact means: the erasure
// asked for by the commenter and the expiry of contacts both use it.
func EraseContact(c *Comment) int {
	n := 0
	for _, f := range []*string{&c.ContactEmail, &c.ContactPhone} {
		if *f != "" {
			n++
			*f = ""
		}
	}
	c.Notify = false
	return n
}

// HasContact reports whether contact is one c was submitted with
// (compared normalized: case of the address, spaces and +86 of the number).
func HasContact(c *Comment, contact vcode.Contact) bool {
	for _, kept := range []string{c.ContactEmail, c.ContactPhone} {
		if kept != "" && vcode.MustParse(kept) == contact {
			return true
		}
	}
	return false
}

// ContactErased is the history event of an erasure (public; counts only).
const ContactErased = "comment.contact_erased"

// EraseForm asks for, then confirms, the erasure of a comment's contact.
type EraseForm struct {
	Contact string `json:"contact" jsonschema:"required"`
	Code    string `json:"code,omitempty"` // empty: send the code
}

func (s *Service) codes() (*vcode.Service, error) {
	if s.Codes == nil {
		return nil, apperr.New(apperr.NotFound, "vcode.unavailable")
	}
	return s.Codes, nil
}

// RequestContactErasure sends a code to contact if it is one the comment
// of receipt was submitted with; otherwise it sends nothing. Either way it
// answers the same, so the holder of a receipt learns nothing of the
// contact. Errors: NotFound (receipt), Invalid (contact), RateLimited.
func (s *Service) RequestContactErasure(ctx context.Context, receipt, contact, lang string) error {
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
	if !HasContact(cm, c) {
		return nil
	}
	return codes.Issue(ctx, vcode.EraseContact, c, cm.Receipt, lang)
}

// EraseContactByCode erases the contacts of the comment of receipt, the
// code proving control of one of them, in one commit with its event.
// Returns how many contacts were erased. Errors: NotFound (receipt),
// Invalid (vcode.wrong).
func (s *Service) EraseContactByCode(ctx context.Context, receipt, contact, code string) (int, error) {
	codes, err := s.codes()
	if err != nil {
		return 0, err
	}
	first, err := s.receiptComment(ctx, receipt)
	if err != nil {
		return 0, err
	}
	c, err := vcode.Parse(contact)
	if err != nil {
		return 0, vcode.ErrWrongCode
	}
	rec, err := codes.Check(ctx, vcode.EraseContact, c, first.Receipt, code)
	if err != nil {
		return 0, err
	}
	erased, err := s.eraseContact(ctx, first.ID, func(cm *Comment) bool { return HasContact(cm, c) })
	if err != nil {
		return 0, err
	}
	_ = codes.Use(ctx, rec) // spent; the erasure holds whether or not this lands
	return erased, nil
}

// EraseContactNow erases the contacts of comment id at once, in one commit
// with its event, and returns how many it erased (0: none was left, and
// nothing is written). It checks no right: callers have (a code sent to
// the contact, the expiry of contacts). Errors: NotFound.
func (s *Service) EraseContactNow(ctx context.Context, id string) (int, error) {
	n, err := s.eraseContact(ctx, id, func(cm *Comment) bool { return cm.ContactEmail != "" || cm.ContactPhone != "" })
	if errors.Is(err, vcode.ErrWrongCode) {
		return 0, nil
	}
	return n, err
}

// eraseContact commits the erasure of comment id's contacts if still has
// it (read again on each try); ErrWrongCode when it has not.
func (s *Service) eraseContact(ctx context.Context, id string, still func(*Comment) bool) (int, error) {
	erased := 0
	err := consultation.Retry(func() error {
		cm, err := s.Store.Comment(ctx, id)
		if err != nil {
			return err
		}
		cons, err := s.Consultations.Store.Consultation(ctx, cm.ConsultationID)
		if err != nil {
			return err
		}
		if !still(cm) {
			return errAlreadyErased
		}
		erased = EraseContact(cm)
		ch := &Change{Change: consultation.Change{Consultation: cons}, EraseContacts: []string{cm.ID}}
		if err := s.Consultations.Record(&ch.Change, auth.Principal{}, ContactErased, true,
			map[string]any{"comment": cm.ID, "contacts": erased}); err != nil {
			return err
		}
		return s.commit(ctx, ch)
	})
	if errors.Is(err, errAlreadyErased) {
		return 0, vcode.ErrWrongCode
	}
	return erased, err
}

var errAlreadyErased = errors.New("comments: contact already erased")
