// Package vcode is the one home of verification codes: a short-lived
// six-digit code sent to an email address or a phone number proves that
// whoever types it back controls that contact. Sign-up, password reset,
// attaching a receipt to an account, sending lost receipts and erasing a
// comment's contact all use it.
//
// Codes are kept only as keyed hashes (HMAC-SHA256 under Service.Key), the
// contact only as a keyed hash of its normalized form; a code lives TTL
// (10 minutes), allows MaxAttempts wrong tries (5) and is used once. New
// codes are limited per contact (Service.PerContact); the web layer limits
// them per client IP as well.
//
// Codes are sent directly through a Sender, not through the notification
// outbox: the outbox keeps a message's parameters in clear text until it is
// sent and retries for hours, while a code must not be stored readable and
// is worthless after ten minutes. A failed send is the requester's error
// ("try again"), not a retry.
package vcode

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strings"
	"time"

	"yugongkai/apperr"
	"yugongkai/ratelimit"
)

// Purpose is what a code proves control of a contact for. A code of one
// purpose is never accepted for another.
type Purpose string

const (
	Signup        Purpose = "signup"
	PasswordReset Purpose = "password_reset"
	AttachReceipt Purpose = "attach_receipt"
	EraseContact  Purpose = "erase_contact"
	// LostReceipts sends no code: the receipt codes of the comments
	// submitted with the contact (comments.Service.SendLostReceipts).
	LostReceipts Purpose = "lost_receipts"
)

// Channels of a contact.
const (
	Email = "email"
	SMS   = "sms"
)

// Contact is a normalized email address or phone number.
type Contact struct {
	Channel string // Email or SMS
	Address string // lower-case address, or digits of the number
}

var (
	emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	phonePattern = regexp.MustCompile(`^[0-9]{6,15}$`)
)

// Parse reads an email address (anything with an @) or a phone number
// (digits; spaces, dashes, dots and parentheses dropped; a +86 / 0086
// country prefix of an 11-digit mainland number dropped). Errors: Invalid
// (field "contact").
func Parse(s string) (Contact, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "@") {
		a := strings.ToLower(s)
		if len(a) > 254 || !emailPattern.MatchString(a) {
			return Contact{}, invalid("contact", "field.email")
		}
		return Contact{Channel: Email, Address: a}, nil
	}
	digits := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.', '(', ')':
			return -1
		}
		return r
	}, s)
	digits = strings.TrimPrefix(digits, "+")
	for _, p := range []string{"0086", "86"} {
		if len(digits) == len(p)+11 && strings.HasPrefix(digits, p) {
			digits = digits[len(p):]
		}
	}
	if s == "" {
		return Contact{}, invalid("contact", "field.required")
	}
	if !phonePattern.MatchString(digits) {
		return Contact{}, invalid("contact", "field.phone")
	}
	return Contact{Channel: SMS, Address: digits}, nil
}

// MustParse is Parse for contacts already validated; an invalid one
// yields the zero Contact.
func MustParse(s string) Contact {
	c, _ := Parse(s)
	return c
}

func invalid(field, key string) error {
	var f apperr.Fields
	f.Add(field, key)
	return f.Err()
}

// Hasher keys the hashes of contacts and codes.
type Hasher struct{ Key []byte }

func (h Hasher) mac(parts ...string) string {
	m := hmac.New(sha256.New, h.Key)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return hex.EncodeToString(m.Sum(nil))
}

// ContactKey is the keyed hash of a normalized contact: how stores find
// records by contact without keeping it readable (comment contact index,
// codes). The zero Contact has the key "".
func (h Hasher) ContactKey(c Contact) string {
	if c.Address == "" {
		return ""
	}
	return h.mac("contact", c.Channel, c.Address)
}

// Code is a verification code as stored: no code, no contact in clear.
type Code struct {
	// ID is derived from purpose, contact key and subject, so a new code
	// for the same thing replaces the earlier one.
	ID         string    `json:"id" bson:"_id"`
	Purpose    Purpose   `json:"purpose" bson:"purpose"`
	ContactKey string    `json:"contact_key" bson:"contact_key"`
	Subject    string    `json:"subject,omitempty" bson:"subject,omitempty"` // e.g. the receipt code
	Hash       string    `json:"hash" bson:"hash"`                           // keyed hash of the code
	Attempts   int       `json:"attempts" bson:"attempts"`                   // wrong tries so far
	CreatedAt  time.Time `json:"created_at" bson:"created_at"`
	ExpiresAt  time.Time `json:"expires_at" bson:"expires_at"`
}

// Store keeps verification codes. Every method is one atomic write or read.
type Store interface {
	// PutCode stores c, replacing any code with its ID.
	PutCode(ctx context.Context, c *Code) error
	// Code returns the code with id. Errors: NotFound.
	Code(ctx context.Context, id string) (*Code, error)
	// CountAttempt adds one wrong try to code id if it has fewer than max,
	// and reports whether it did (false: no such code, or none left).
	CountAttempt(ctx context.Context, id string, max int) (bool, error)
	// DeleteCode removes code id if its hash is still hash, and reports
	// whether it did: of two requests using one code, one wins.
	DeleteCode(ctx context.Context, id, hash string) (bool, error)
	// DeleteExpiredCodes removes codes expired before now.
	DeleteExpiredCodes(ctx context.Context, now time.Time) (int, error)
}

// Message is a code (or a notice without one) to send to a contact.
type Message struct {
	ID      string // unique per message
	Purpose Purpose
	Contact Contact
	Lang    string
	// Code is the code to type back; "" for a notice (Notice).
	Code string
	// Notice names the catalogue key of a message without a code (the
	// contact already has an account, has no receipts, …).
	Notice string
	Params []any // of the notice
	// Lines follow the notice, one paragraph each, already in the
	// message's language (a list: the lost receipts).
	Lines []string
	TTL   time.Duration
}

// Sender delivers a Message now (package notify renders and sends it).
type Sender interface {
	SendCode(ctx context.Context, m Message) error
}

// Service issues and checks codes.
type Service struct {
	Store  Store
	Hasher Hasher
	Sender Sender // nil: nothing can be sent (Issue fails Unavailable)
	Now    func() time.Time
	// TTL is how long a code is valid (10 min); MaxAttempts the wrong tries
	// it allows (5).
	TTL         time.Duration
	MaxAttempts int
	// PerContact limits the messages sent to one contact (by its key);
	// nil: 5 per hour.
	PerContact *ratelimit.Limiter
}

// New returns a Service with the defaults.
func New(st Store, key []byte, sender Sender, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	l := ratelimit.New(5, time.Hour)
	l.Now = now
	return &Service{Store: st, Hasher: Hasher{Key: key}, Sender: sender, Now: now, TTL: 10 * time.Minute, MaxAttempts: 5, PerContact: l}
}

// ErrWrongCode is the one answer to a code that is wrong, expired, used,
// out of tries or for something else: the caller learns nothing more.
var ErrWrongCode = apperr.New(apperr.Invalid, "vcode.wrong")

func (s *Service) id(p Purpose, key, subject string) string {
	return s.Hasher.mac("code-id", string(p), key, subject)[:40]
}

func (s *Service) codeHash(id, code string) string { return s.Hasher.mac("code", id, code) }

func newCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1000000))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return fmt.Sprintf("%06d", n.Int64())
}

func (s *Service) allow(c Contact) error {
	if s.Sender == nil {
		return &apperr.Error{Kind: apperr.Internal, Key: "vcode.unavailable", Cause: errors.New("vcode: no sender configured")}
	}
	if s.PerContact != nil {
		if ok, wait := s.PerContact.Allow(s.Hasher.ContactKey(c)); !ok {
			secs := int(math.Ceil(wait.Seconds()))
			return apperr.New(apperr.RateLimited, "error.rate_limited", max(secs, 1))
		}
	}
	return nil
}

// Allow counts a message to c against the per-contact limit, for a
// caller that sends with Deliver (or decides to send nothing) after it:
// the limit then holds whether or not a message goes out. Errors as Issue.
func (s *Service) Allow(c Contact) error { return s.allow(c) }

// Deliver sends m now, without a code and without counting it: the
// caller has called Allow. Errors: Internal with key vcode.send_failed.
func (s *Service) Deliver(ctx context.Context, m Message) error { return s.send(ctx, m) }

// Issue makes a new code for (purpose, contact, subject), replacing an
// earlier one, and sends it. Errors: TooManyRequests (per contact),
// Internal with key vcode.unavailable (no sender configured) or
// vcode.send_failed.
func (s *Service) Issue(ctx context.Context, p Purpose, c Contact, subject, lang string) error {
	if err := s.allow(c); err != nil {
		return err
	}
	now := s.Now().UTC().Truncate(time.Millisecond)
	key := s.Hasher.ContactKey(c)
	id := s.id(p, key, subject)
	code := newCode()
	rec := &Code{ID: id, Purpose: p, ContactKey: key, Subject: subject, Hash: s.codeHash(id, code),
		CreatedAt: now, ExpiresAt: now.Add(s.TTL)}
	if err := s.Store.PutCode(ctx, rec); err != nil {
		return err
	}
	return s.send(ctx, Message{Purpose: p, Contact: c, Lang: lang, Code: code, TTL: s.TTL})
}

// Notice sends a message without a code under the same per-contact limit
// (so that answering "you already have an account" costs what a code
// costs). Errors as Issue.
func (s *Service) Notice(ctx context.Context, p Purpose, c Contact, lang, key string, params ...any) error {
	if err := s.allow(c); err != nil {
		return err
	}
	return s.send(ctx, Message{Purpose: p, Contact: c, Lang: lang, Notice: key, Params: params})
}

func (s *Service) send(ctx context.Context, m Message) error {
	m.ID = newID()
	if err := s.Sender.SendCode(ctx, m); err != nil {
		return &apperr.Error{Kind: apperr.Internal, Key: "vcode.send_failed", Cause: fmt.Errorf("send code: %w", err)}
	}
	return nil
}

func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Check tells whether code is the live code for (purpose, contact,
// subject), counting a wrong try. It does not use the code up: call Use
// after the action it allows has succeeded. Errors: ErrWrongCode.
func (s *Service) Check(ctx context.Context, p Purpose, c Contact, subject, code string) (*Code, error) {
	id := s.id(p, s.Hasher.ContactKey(c), subject)
	rec, err := s.Store.Code(ctx, id)
	if apperr.Is(err, apperr.NotFound) {
		return nil, ErrWrongCode
	} else if err != nil {
		return nil, err
	}
	if !s.Now().Before(rec.ExpiresAt) || rec.Attempts >= s.MaxAttempts {
		return nil, ErrWrongCode
	}
	code = strings.TrimSpace(code)
	if subtle.ConstantTimeCompare([]byte(s.codeHash(id, code)), []byte(rec.Hash)) == 1 {
		return rec, nil
	}
	if _, err := s.Store.CountAttempt(ctx, id, s.MaxAttempts); err != nil {
		return nil, err
	}
	return nil, ErrWrongCode
}

// Use spends a code Check accepted. Errors: ErrWrongCode when another
// request spent it first.
func (s *Service) Use(ctx context.Context, rec *Code) error {
	ok, err := s.Store.DeleteCode(ctx, rec.ID, rec.Hash)
	if err != nil {
		return err
	}
	if !ok {
		return ErrWrongCode
	}
	return nil
}

// Redeem is Check then Use, for actions that may follow the spending of
// the code (their failure costs a new code, never a second use).
func (s *Service) Redeem(ctx context.Context, p Purpose, c Contact, subject, code string) error {
	rec, err := s.Check(ctx, p, c, subject, code)
	if err != nil {
		return err
	}
	return s.Use(ctx, rec)
}
