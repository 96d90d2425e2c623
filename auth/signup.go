package auth

import (
	"context"
	"strings"
	"unicode/utf8"

	"yugongkai/apperr"
	"yugongkai/vcode"
)

// Self-service accounts: a resident signs up with a code sent to an email
// address or a phone number, and resets a forgotten password the same way.
// Neither step tells the requester whether the contact has an account: a
// sign-up request for a contact that has one sends that contact a notice
// instead of a code, a reset request for a contact without one sends a
// notice too, and both answer the same. Codes: package vcode.

// CodeRequest asks for a code to be sent to a contact.
type CodeRequest struct {
	Contact string `json:"contact" jsonschema:"required"` // email address or phone number
}

// SignupForm creates a resident account with a code.
type SignupForm struct {
	Username string `json:"username" jsonschema:"required"`
	Password string `json:"password" jsonschema:"required,minLength=10"`
	Contact  string `json:"contact" jsonschema:"required"`
	Code     string `json:"code" jsonschema:"required"`
}

// ResetForm sets a new password with a code. Username is needed only when
// several accounts share the contact.
type ResetForm struct {
	Contact     string `json:"contact" jsonschema:"required"`
	Code        string `json:"code" jsonschema:"required"`
	Username    string `json:"username"`
	NewPassword string `json:"new_password" jsonschema:"required,minLength=10"`
}

func (s *Service) codes() (*vcode.Service, error) {
	if s.Codes == nil || s.Accounts == nil {
		return nil, apperr.New(apperr.NotFound, "vcode.unavailable")
	}
	return s.Codes, nil
}

func (s *Service) usersByContact(ctx context.Context, c vcode.Contact) ([]*User, error) {
	if c.Channel == vcode.Email {
		return s.Accounts.UsersByContact(ctx, c.Address, "")
	}
	return s.Accounts.UsersByContact(ctx, "", c.Address)
}

// RequestSignupCode sends a sign-up code to contact, or, when an account
// already has that contact, a notice saying so (use password reset).
// Errors: Invalid (contact), RateLimited (this contact), Internal (send).
func (s *Service) RequestSignupCode(ctx context.Context, contact, lang string) error {
	codes, err := s.codes()
	if err != nil {
		return err
	}
	c, err := vcode.Parse(contact)
	if err != nil {
		return err
	}
	users, err := s.usersByContact(ctx, c)
	if err != nil {
		return err
	}
	if len(users) > 0 {
		return codes.Notice(ctx, vcode.Signup, c, lang, "vcode.notice.account_exists")
	}
	return codes.Issue(ctx, vcode.Signup, c, "", lang)
}

// Signup creates a resident account whose contact the code proves. The
// code is spent before the account is created, after the username was
// found free: a failure then costs a new code, never a second account.
// Errors: Invalid (fields; vcode.wrong for any bad code; a username
// taken).
func (s *Service) Signup(ctx context.Context, f SignupForm) (*User, error) {
	codes, err := s.codes()
	if err != nil {
		return nil, err
	}
	f.Username = strings.TrimSpace(f.Username)
	var fe apperr.Fields
	validateAccount(&fe, f.Username, f.Password, "", "")
	c, cerr := vcode.Parse(f.Contact)
	if cerr != nil {
		fe.Add("contact", "field.invalid")
	}
	if strings.TrimSpace(f.Code) == "" {
		fe.Add("code", "field.required")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if _, err := s.Store.UserByName(ctx, f.Username); err == nil {
		fe.Add("username", "auth.username_taken")
		return nil, fe.Err()
	} else if !apperr.Is(err, apperr.NotFound) {
		return nil, err
	}
	rec, err := codes.Check(ctx, vcode.Signup, c, "", f.Code)
	if err != nil {
		return nil, err
	}
	if users, err := s.usersByContact(ctx, c); err != nil {
		return nil, err
	} else if len(users) > 0 {
		return nil, vcode.ErrWrongCode // signed up meanwhile with another code
	}
	if err := codes.Use(ctx, rec); err != nil {
		return nil, err
	}
	phone, email := "", ""
	if c.Channel == vcode.Email {
		email = c.Address
	} else {
		phone = c.Address
	}
	return s.create(ctx, f.Username, f.Password, Resident, "", phone, email)
}

// RequestPasswordReset sends a reset code to contact when an account has
// it, and otherwise a notice that none has. Errors as RequestSignupCode.
func (s *Service) RequestPasswordReset(ctx context.Context, contact, lang string) error {
	codes, err := s.codes()
	if err != nil {
		return err
	}
	c, err := vcode.Parse(contact)
	if err != nil {
		return err
	}
	users, err := s.usersByContact(ctx, c)
	if err != nil {
		return err
	}
	if len(users) == 0 {
		return codes.Notice(ctx, vcode.PasswordReset, c, lang, "vcode.notice.no_account")
	}
	return codes.Issue(ctx, vcode.PasswordReset, c, "", lang)
}

// ResetPasswordByCode sets a new password on the account whose contact the
// code proves, ends its sessions (token version) and clears a
// must-change-password flag. Errors: Invalid (vcode.wrong; the password;
// username when several accounts share the contact and none is named).
func (s *Service) ResetPasswordByCode(ctx context.Context, f ResetForm) error {
	codes, err := s.codes()
	if err != nil {
		return err
	}
	var fe apperr.Fields
	c, cerr := vcode.Parse(f.Contact)
	if cerr != nil {
		fe.Add("contact", "field.invalid")
	}
	switch {
	case f.NewPassword == "":
		fe.Add("new_password", "field.required")
	case utf8.RuneCountInString(f.NewPassword) < MinPasswordLength:
		fe.Add("new_password", "field.too_short", MinPasswordLength)
	case len(f.NewPassword) > 256:
		fe.Add("new_password", "field.too_long", 256)
	}
	if err := fe.Err(); err != nil {
		return err
	}
	rec, err := codes.Check(ctx, vcode.PasswordReset, c, "", f.Code)
	if err != nil {
		return err
	}
	users, err := s.usersByContact(ctx, c)
	if err != nil {
		return err
	}
	var u *User
	switch name := strings.TrimSpace(f.Username); {
	case len(users) == 1 && (name == "" || name == users[0].Username):
		u = users[0]
	case len(users) > 1 && name != "":
		for _, x := range users {
			if x.Username == name {
				u = x
			}
		}
	}
	if u == nil {
		if len(users) == 0 {
			return vcode.ErrWrongCode
		}
		fe = apperr.Fields{}
		fe.Add("username", "auth.username_for_contact")
		return fe.Err()
	}
	if err := codes.Use(ctx, rec); err != nil {
		return err
	}
	if u.PasswordHash, err = s.hash(f.NewPassword); err != nil {
		return apperr.Wrap(err, "hash password")
	}
	u.TokenVersion++
	u.MustChangePassword = false
	return s.Store.UpdateUser(ctx, u)
}
