// Package token issues and verifies the API's bearer tokens (JWT, HS256).
// It wraps golang-jwt so that no other package depends on it.
package token

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"yugongkai/ident"
)

const (
	// Issuer and Audience are checked on every token.
	Issuer   = "yugongkai"
	Audience = "yugongkai-api"
	// MaxTTL is the longest a token may live.
	MaxTTL = time.Hour
)

// Claims are what a verified token says.
type Claims struct {
	UserID       string
	TokenVersion int64
	ID           string // jti
	ExpiresAt    time.Time
}

// Issuer signs and verifies tokens with one secret.
type Signer struct {
	secret []byte
	ttl    time.Duration
	now    func() time.Time
}

// ErrInvalid is returned for any token that must not be accepted.
var ErrInvalid = errors.New("token: invalid")

// NewSigner returns a Signer. The secret must be at least 32 bytes; ttl is
// capped at MaxTTL.
func NewSigner(secret []byte, ttl time.Duration, now func() time.Time) (*Signer, error) {
	if len(secret) < 32 {
		return nil, fmt.Errorf("token: secret must be at least 32 bytes, got %d", len(secret))
	}
	if ttl <= 0 || ttl > MaxTTL {
		ttl = MaxTTL
	}
	if now == nil {
		now = time.Now
	}
	return &Signer{secret: secret, ttl: ttl, now: now}, nil
}

type claims struct {
	jwt.RegisteredClaims
	Version int64 `json:"ver"`
}

// Issue returns a signed token for the user and its expiry.
func (s *Signer) Issue(userID string, tokenVersion int64) (string, time.Time, error) {
	return s.IssueSession(userID, tokenVersion, ident.ID(), s.Expiry())
}

// Expiry is when a token issued now expires.
func (s *Signer) Expiry() time.Time { return s.now().UTC().Truncate(time.Second).Add(s.ttl) }

// IssueSession returns a signed token whose jti is the session id and
// which expires at exp (at most the Signer's lifetime from now).
func (s *Signer) IssueSession(userID string, tokenVersion int64, sessionID string, exp time.Time) (string, time.Time, error) {
	now := s.now().UTC().Truncate(time.Second)
	if exp = exp.UTC().Truncate(time.Second); exp.After(now.Add(s.ttl)) || !exp.After(now) {
		exp = now.Add(s.ttl)
	}
	c := claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   userID,
			Audience:  jwt.ClaimStrings{Audience},
			ExpiresAt: jwt.NewNumericDate(exp),
			NotBefore: jwt.NewNumericDate(now),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        sessionID,
		},
		Version: tokenVersion,
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(s.secret)
	return signed, exp, err
}

// Verify checks signature, algorithm, issuer, audience, expiry and not-before,
// and returns the claims. Any failure is ErrInvalid (wrapping the reason).
func (s *Signer) Verify(raw string) (Claims, error) {
	var c claims
	_, err := jwt.ParseWithClaims(raw, &c, func(t *jwt.Token) (any, error) { return s.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(s.now),
	)
	if err != nil {
		return Claims{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if c.Subject == "" || c.ID == "" {
		return Claims{}, fmt.Errorf("%w: missing sub or jti", ErrInvalid)
	}
	// WithIssuedAt checks iat only when present; every token we issue has
	// one and the lifetime check below needs it.
	if c.IssuedAt == nil {
		return Claims{}, fmt.Errorf("%w: missing iat", ErrInvalid)
	}
	if c.ExpiresAt.Sub(c.IssuedAt.Time) > MaxTTL {
		return Claims{}, fmt.Errorf("%w: lifetime over %v", ErrInvalid, MaxTTL)
	}
	return Claims{UserID: c.Subject, TokenVersion: c.Version, ID: c.ID, ExpiresAt: c.ExpiresAt.Time}, nil
}
