package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

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
	key := idKey([]byte(password), salt, p, p.keyLen)
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
	got := idKey([]byte(password), salt, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// hashSlots is how many argon2id computations run at once: half the
// cores (each computation uses p = 2 threads), at least 1 and at most 4.
// Every computation holds m KiB (64 MiB by default) until it ends, so
// without the bound each concurrent login added 64 MiB to the server: six
// at once took its resident size from 120 to 440 MiB, and a flood of
// logins was a way to exhaust its memory. More at once would not finish
// sooner either, with the cores already busy. A login waiting for a slot
// waits in line; the login rate limit keeps that line short.
var hashSlots = make(chan struct{}, min(max(runtime.NumCPU()/2, 1), 4))

// hashing counts the computations running and the most seen at once
// (for the tests).
var hashing struct{ now, most atomic.Int32 }

// idKey is argon2.IDKey in one of hashSlots.
func idKey(password, salt []byte, p hashParams, keyLen uint32) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	n := hashing.now.Add(1)
	defer hashing.now.Add(-1)
	for m := hashing.most.Load(); n > m && !hashing.most.CompareAndSwap(m, n); m = hashing.most.Load() {
	}
	return argon2.IDKey(password, salt, p.time, p.memory, p.threads, keyLen)
}

// dummyHash is checked against when a username does not exist, so that a
// failed login takes the same time whether or not the account exists. It is
// made on first use: hashing costs 64 MiB and a good part of a second, which
// every process start (the health check subcommand too) would otherwise pay.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not-a-real-password-for-timing")
	return h
})
