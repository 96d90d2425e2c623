package translog

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// headPrefix is the first line of every head note; the version changes if
// the format does.
const headPrefix = "yugongkai-log/1"

// Head is a tree head: the root hash of a consultation's log when it held
// Size leaves, at time At.
type Head struct {
	Consultation string
	Size         int64
	Root         tlog.Hash
	At           time.Time
}

// Text returns the head's note text:
//
//	yugongkai-log/1
//	<consultation>
//	<size, decimal>
//	<root, standard base64 with padding>
//	<At in UTC, 2006-01-02T15:04:05.000Z>
//
// each line ending in "\n". It returns an error wrapping [ErrInvalid] if the
// consultation id is empty, is not UTF-8 or holds a control character, or
// the size is negative.
func (h Head) Text() (string, error) {
	if h.Consultation == "" || !utf8.ValidString(h.Consultation) ||
		strings.ContainsFunc(h.Consultation, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "", fmt.Errorf("%w: head consultation %q", ErrInvalid, h.Consultation)
	}
	if h.Size < 0 {
		return "", fmt.Errorf("%w: head size %d", ErrInvalid, h.Size)
	}
	return headPrefix + "\n" +
		h.Consultation + "\n" +
		strconv.FormatInt(h.Size, 10) + "\n" +
		h.Root.String() + "\n" +
		h.At.UTC().Truncate(time.Millisecond).Format(TimeFormat) + "\n", nil
}

// GenerateKey returns a new Ed25519 signer key and its verifier key in
// golang.org/x/mod/sumdb/note's encoding ("PRIVATE+KEY+name+hash+key" and
// "name+hash+key"). name identifies the log, e.g. the instance's host name;
// it must be non-empty UTF-8 holding no white space and no "+". It returns
// an error wrapping [ErrInvalid] for another name.
func GenerateKey(name string) (skey, vkey string, err error) {
	skey, vkey, err = note.GenerateKey(rand.Reader, name)
	if err == nil {
		_, err = note.NewSigner(skey) // GenerateKey does not check the name
	}
	if err != nil {
		return "", "", fmt.Errorf("%w: log key name %q: %v", ErrInvalid, name, err)
	}
	return skey, vkey, nil
}

// SignHead returns h as a signed note: [Head.Text], a blank line, and one
// signature line "— <name> <base64(key hash ‖ Ed25519 signature of the text)>".
// It returns an error wrapping [ErrInvalid] if h has no valid text or skey
// is not a signer key.
func SignHead(h Head, skey string) ([]byte, error) {
	text, err := h.Text()
	if err != nil {
		return nil, err
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return nil, fmt.Errorf("%w: log signer key: %v", ErrInvalid, err)
	}
	msg, err := note.Sign(&note.Note{Text: text}, signer)
	if err != nil {
		return nil, fmt.Errorf("%w: signing head: %v", ErrInvalid, err)
	}
	return msg, nil
}

// OpenHead verifies that msg is a head note signed by vkey and returns the
// head. It returns an error wrapping [ErrSignature] if msg carries no valid
// signature by vkey, and wrapping [ErrInvalid] if vkey is not a verifier key
// or the text is not exactly what [Head.Text] gives for the head it
// describes.
func OpenHead(msg []byte, vkey string) (Head, error) {
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return Head{}, fmt.Errorf("%w: log verifier key: %v", ErrInvalid, err)
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		var unverified *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		if errors.As(err, &unverified) || errors.As(err, &invalid) {
			return Head{}, fmt.Errorf("%w: %v", ErrSignature, err)
		}
		return Head{}, fmt.Errorf("%w: head note: %v", ErrInvalid, err)
	}
	return parseHeadText(n.Text)
}

func parseHeadText(text string) (Head, error) {
	lines := strings.SplitAfter(text, "\n")
	if len(lines) != 6 || lines[5] != "" || lines[0] != headPrefix+"\n" {
		return Head{}, fmt.Errorf("%w: head note is not %s with five lines", ErrInvalid, headPrefix)
	}
	for i := range lines {
		lines[i] = strings.TrimSuffix(lines[i], "\n")
	}
	size, err := strconv.ParseInt(lines[2], 10, 64)
	if err != nil {
		return Head{}, fmt.Errorf("%w: head size %q", ErrInvalid, lines[2])
	}
	root, err := tlog.ParseHash(lines[3])
	if err != nil {
		return Head{}, fmt.Errorf("%w: head root %q", ErrInvalid, lines[3])
	}
	at, err := time.Parse(TimeFormat, lines[4])
	if err != nil {
		return Head{}, fmt.Errorf("%w: head time %q", ErrInvalid, lines[4])
	}
	h := Head{Consultation: lines[1], Size: size, Root: root, At: at}
	if again, err := h.Text(); err != nil || again != text {
		return Head{}, fmt.Errorf("%w: head note is not in canonical form", ErrInvalid)
	}
	return h, nil
}
