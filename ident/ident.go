// Package ident makes unguessable identifiers.
package ident

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

// alphabet is Crockford-like: no I, L, O, U, easy to read aloud.
const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"

var enc = base32.NewEncoding(alphabet).WithPadding(base32.NoPadding)

// New returns a random identifier of n characters (5 bits each).
func New(n int) string {
	b := make([]byte, (n*5+7)/8)
	if _, err := rand.Read(b); err != nil {
		panic("ident: crypto/rand failed: " + err.Error())
	}
	return enc.EncodeToString(b)[:n]
}

// ID returns a 16-character (80-bit) random id for stored records.
func ID() string { return New(16) }

// Short returns an 8-character (40-bit) id, unique enough within one
// consultation (article ids).
func Short() string { return New(8) }

// Valid reports whether s uses only the id alphabet and has length 1..64.
func Valid(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune(alphabet, r) {
			return false
		}
	}
	return true
}
