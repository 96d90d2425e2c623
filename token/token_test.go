package token

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

func TestIssueVerify(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	s, err := NewSigner(secret, time.Hour, clock)
	if err != nil {
		t.Fatal(err)
	}
	raw, exp, err := s.Issue("u1", 7)
	if err != nil {
		t.Fatal(err)
	}
	if !exp.Equal(now.Add(time.Hour)) {
		t.Errorf("expiry = %v, want %v", exp, now.Add(time.Hour))
	}
	got, err := s.Verify(raw)
	if err != nil {
		t.Fatalf("Verify(fresh) = %v", err)
	}
	if got.UserID != "u1" || got.TokenVersion != 7 || got.ID == "" {
		t.Errorf("claims = %+v", got)
	}
	raw2, _, _ := s.Issue("u1", 7)
	if c2, _ := s.Verify(raw2); c2.ID == got.ID {
		t.Error("two tokens share a jti")
	}

	other, _ := NewSigner([]byte("another-secret-another-secret-xx"), time.Hour, clock)
	forged, _, _ := other.Issue("u1", 7)
	expired := func() string {
		past, _ := NewSigner(secret, time.Hour, func() time.Time { return now.Add(-2 * time.Hour) })
		r, _, _ := past.Issue("u1", 7)
		return r
	}()
	none := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"sub": "u1", "iss": Issuer, "aud": Audience, "exp": now.Add(time.Hour).Unix(), "jti": "x"})
		r, _ := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
		return r
	}()
	wrongAud := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "u1", "iss": Issuer, "aud": "other", "exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "jti": "x"})
		r, _ := tok.SignedString(secret)
		return r
	}()
	tooLong := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "u1", "iss": Issuer, "aud": Audience, "exp": now.Add(48 * time.Hour).Unix(), "iat": now.Unix(), "jti": "x"})
		r, _ := tok.SignedString(secret)
		return r
	}()
	noIssuedAt := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "u1", "iss": Issuer, "aud": Audience, "exp": now.Add(time.Hour).Unix(), "jti": "x"})
		r, _ := tok.SignedString(secret)
		return r
	}()
	parts := strings.Split(raw, ".")
	tampered := parts[0] + "." + strings.TrimRight(parts[1], "A") + "B." + parts[2]
	for name, bad := range map[string]string{
		"forged": forged, "expired": expired, "alg none": none, "wrong audience": wrongAud,
		"lifetime over an hour": tooLong, "tampered": tampered, "garbage": "abc", "empty": "",
		"no iat": noIssuedAt,
	} {
		if _, err := s.Verify(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("Verify(%s) = %v, want ErrInvalid", name, err)
		}
	}
}

func TestShortSecretRefused(t *testing.T) {
	if _, err := NewSigner([]byte("short"), time.Hour, nil); err == nil {
		t.Error("NewSigner(short secret) = nil error")
	}
}
