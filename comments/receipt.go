package comments

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"

	"yugongkai/apperr"
)

// ErrDuplicateKey is wrapped by the Conflict error a store returns when a
// receipt code or an idempotency key is already taken.
var ErrDuplicateKey = errors.New("comments: duplicate key")

// crockford is Crockford's base32 alphabet: no I, L, O, U, so a code read
// aloud or copied by hand survives.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// ReceiptChars is the number of random characters in a receipt code:
// 12 × 5 = 60 bits from crypto/rand.
const ReceiptChars = 12

const receiptPrefix = "YGK"

// NewReceiptCode returns a fresh code such as YGK-7Q4M-K2XH-9D3P.
func NewReceiptCode() string {
	var b [ReceiptChars]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("comments: crypto/rand failed: " + err.Error())
	}
	out := make([]byte, 0, len(receiptPrefix)+ReceiptChars+3)
	out = append(out, receiptPrefix...)
	for i, v := range b {
		if i%4 == 0 {
			out = append(out, '-')
		}
		out = append(out, crockford[v&31]) // 256 is a multiple of 32: uniform
	}
	return string(out)
}

// NormalizeReceiptCode returns the canonical form of a code typed by a
// person — any case, O for 0, I or L for 1, with or without the prefix,
// dashes and spaces — or false if it cannot be a code.
func NormalizeReceiptCode(s string) (string, bool) {
	var raw []byte
	for _, r := range strings.ToUpper(s) {
		switch r {
		case '-', ' ', '\t', '　', '—', '－':
			continue
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		if r > 0x7f {
			return "", false
		}
		raw = append(raw, byte(r))
	}
	if len(raw) == len(receiptPrefix)+ReceiptChars && string(raw[:3]) == receiptPrefix {
		raw = raw[3:]
	}
	if len(raw) != ReceiptChars {
		return "", false
	}
	out := make([]byte, 0, len(receiptPrefix)+ReceiptChars+3)
	out = append(out, receiptPrefix...)
	for i, c := range raw {
		if strings.IndexByte(crockford, c) < 0 {
			return "", false
		}
		if i%4 == 0 {
			out = append(out, '-')
		}
		out = append(out, c)
	}
	return string(out), true
}

// receiptComment returns the comment of a receipt code as a person typed it
// (NormalizeReceiptCode). It is the one lookup behind every use of a code:
// the receipt, its proof, withdrawal and contact erasure. Errors: NotFound.
func (s *Service) receiptComment(ctx context.Context, code string) (*Comment, error) {
	canon, ok := NormalizeReceiptCode(code)
	if !ok {
		return nil, apperr.ErrNotFound
	}
	return s.Store.CommentByReceipt(ctx, canon)
}
