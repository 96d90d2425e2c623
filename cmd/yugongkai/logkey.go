package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// logKeyName names the instance's log key in its signed tree heads.
const logKeyName = "yugongkai-log"

// logKey returns the Ed25519 key that signs the comments' tree heads (a
// golang.org/x/mod/sumdb/note signer key) and its verifier key: from
// YUGONGKAI_LOG_KEY (every instance of a deployment needs the same key), or
// generated once into the data directory (log.key, 0600) like the JWT
// secret.
func logKey(cfg config, log *slog.Logger) (signer note.Signer, vkey string, err error) {
	skey := strings.TrimSpace(cfg.logKey)
	if skey == "" {
		if cfg.mongoURI != "" {
			log.Warn("YUGONGKAI_LOG_KEY is not set: using a log key kept in the data directory; every instance needs the same key")
		}
		if err := os.MkdirAll(cfg.dataDir, 0o700); err != nil {
			return nil, "", err
		}
		path := filepath.Join(cfg.dataDir, "log.key")
		b, err := os.ReadFile(path)
		switch {
		case err == nil:
			skey = strings.TrimSpace(string(b))
		case errors.Is(err, os.ErrNotExist):
			if skey, _, err = note.GenerateKey(rand.Reader, logKeyName); err != nil {
				return nil, "", err
			}
			if err := os.WriteFile(path, []byte(skey+"\n"), 0o600); err != nil {
				return nil, "", err
			}
			log.Info("generated the log key that signs tree heads", "path", path)
		default:
			return nil, "", err
		}
	}
	if signer, err = note.NewSigner(skey); err != nil {
		return nil, "", fmt.Errorf("log key: %w", err)
	}
	vkey, err = verifierKey(skey)
	return signer, vkey, err
}

// verifierKey derives the public verifier key from a note signer key
// ("PRIVATE+KEY+name+hash+base64(0x01 ‖ Ed25519 seed)").
func verifierKey(skey string) (string, error) {
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 {
		return "", errors.New("log key: malformed")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return "", errors.New("log key: not an Ed25519 note key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(parts[2], pub)
}

// headSigner signs a tree head's text into a note.
func headSigner(s note.Signer) func(text string) (string, error) {
	return func(text string) (string, error) {
		msg, err := note.Sign(&note.Note{Text: text}, s)
		return string(msg), err
	}
}
