package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters (RFC 9106 second recommended option, lighter memory).
type hashParams struct {
	time    uint32
	memory  uint32 // KiB
	threads uint8
	keyLen  uint32
}

var defaultParams = hashParams{time: 3, memory: 64 * 1024, threads: 2, keyLen: 32}

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(password string) (string, error) {
	return hashWith(password, defaultParams)
}

func hashWith(password string, p hashParams) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, p.keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// LightHashPassword hashes with minimal argon2id cost. Only for tests and
// benchmarks that create many accounts; CheckPassword reads its parameters
// from the hash, so both kinds verify the same way.
func LightHashPassword(password string) (string, error) {
	return hashWith(password, hashParams{time: 1, memory: 1024, threads: 1, keyLen: 32})
}

// CheckPassword reports whether password matches the PHC-encoded hash.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var p hashParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when a username does not exist, so that a
// failed login takes the same time whether or not the account exists. It is
// made on first use: hashing costs 64 MiB and a good part of a second, which
// every process start (the health check subcommand too) would otherwise pay.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not-a-real-password-for-timing")
	return h
})
