// Package translog keeps the transparency log of a consultation's comments:
// an RFC 6962 / RFC 9162 Merkle tree with one leaf per comment as received,
// signed tree heads in the style of the Go checksum database, inclusion
// proofs for receipts and consistency proofs between heads.
//
// The tree arithmetic is golang.org/x/mod/sumdb/tlog's: a store keeps the
// "stored hashes" [Append] returns, indexed by tlog.StoredHashIndex, and
// answers tlog.HashReader with them, so a head or a proof costs O(log n)
// reads. The proof verifiers ([InclusionProof.Verify],
// [ConsistencyProof.Verify]) are written from RFC 9162 directly, so they
// check tlog's output rather than repeat it.
//
// The package holds no state and does no I/O: it is called from the stores'
// write path and from the verifiers. docs/ARCHIVE-log.md describes every
// byte so that the log can be checked without this code.
package translog

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"yugongkai/history"
)

// Errors wrapped by this package's functions.
var (
	// ErrInvalid: an argument or an encoded value is malformed (a leaf that
	// is not canonical, an index outside the tree, a head note that does not
	// parse).
	ErrInvalid = errors.New("translog: invalid input")
	// ErrProof: a proof, or a leaf, does not agree with the tree.
	ErrProof = errors.New("translog: proof does not verify")
	// ErrSignature: a signed head is not signed by the expected key.
	ErrSignature = errors.New("translog: head signature does not verify")
)

// TimeFormat is how times are written in leaves and heads: UTC with
// milliseconds, always three digits and a literal Z.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// Leaf is a comment as received (RFC 6962 leaf data). Its encoding,
// [Leaf.Bytes], is what the log commits to; a comment whose stored body or
// metadata no longer give the same bytes has been altered.
type Leaf struct {
	Consultation string    // consultation id
	Receipt      string    // receipt code
	BodySHA256   string    // lowercase hex SHA-256 of the body as submitted
	ArticleID    string    // "" = whole draft
	Channel      string    // online, letter, ...
	ReceivedAt   time.Time // UTC, ms precision; encoded as "2006-01-02T15:04:05.000Z"
	// Attachments are the lowercase hex SHA-256 of the comment's attached
	// files, in order. The member "attachments" is present only when there
	// are some, so leaves of comments without files (all older leaves)
	// keep their encoding.
	Attachments []string
}

// leafJSON is the leaf's JSON shape, for [ParseLeaf]; history.Canonical of
// it is the encoding [Leaf.Bytes] writes directly (TestLeafBytesAreCanonical).
type leafJSON struct {
	ArticleID    string   `json:"article_id"`
	Attachments  []string `json:"attachments,omitempty"`
	BodySHA256   string   `json:"body_sha256"`
	Channel      string   `json:"channel"`
	Consultation string   `json:"consultation"`
	Receipt      string   `json:"receipt"`
	ReceivedAt   string   `json:"received_at"`
}

// Bytes returns the leaf in the project's canonical JSON (history.Canonical):
//
//	{"article_id":"…","body_sha256":"…","channel":"…","consultation":"…","receipt":"…","received_at":"2026-03-01T08:00:00.000Z"}
//
// Every member is present, even when empty, except "attachments"
// (["<sha256>", …], sorted with the others), present only for a comment with
// files; ReceivedAt is converted to UTC and truncated to milliseconds.
//
// The bytes are written directly, members in Canonical's order, strings by
// history.WriteString: a bulk import encodes one leaf a row, and going
// through encoding/json and Canonical's re-encoding cost ~90 allocations
// a leaf.
func (l Leaf) Bytes() []byte {
	var at [len(TimeFormat) + 8]byte // room for a year past 9999
	received := l.ReceivedAt.UTC().Truncate(time.Millisecond).AppendFormat(at[:0], TimeFormat)
	n := len(`{"article_id":"","body_sha256":"","channel":"","consultation":"","receipt":"","received_at":""}`) +
		len(l.ArticleID) + len(l.BodySHA256) + len(l.Channel) + len(l.Consultation) + len(l.Receipt) + len(received)
	if len(l.Attachments) > 0 {
		n += len(`"attachments":[],`)
		for _, a := range l.Attachments {
			n += len(a) + len(`"",`)
		}
	}
	buf := bytes.NewBuffer(make([]byte, 0, n)) // strings with escapes grow it
	buf.WriteString(`{"article_id":`)
	history.WriteString(buf, l.ArticleID)
	if len(l.Attachments) > 0 { // omitted when empty, as ",omitempty" did
		buf.WriteString(`,"attachments":[`)
		for i, a := range l.Attachments {
			if i > 0 {
				buf.WriteByte(',')
			}
			history.WriteString(buf, a)
		}
		buf.WriteByte(']')
	}
	buf.WriteString(`,"body_sha256":`)
	history.WriteString(buf, l.BodySHA256)
	buf.WriteString(`,"channel":`)
	history.WriteString(buf, l.Channel)
	buf.WriteString(`,"consultation":`)
	history.WriteString(buf, l.Consultation)
	buf.WriteString(`,"receipt":`)
	history.WriteString(buf, l.Receipt)
	buf.WriteString(`,"received_at":"`)
	buf.Write(received) // digits, '-', ':', '.', 'T', 'Z': nothing to escape
	buf.WriteString(`"}`)
	return buf.Bytes()
}

// BodyHash returns the lowercase hex SHA-256 of a comment body, the value
// of Leaf.BodySHA256.
func BodyHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// ParseLeaf decodes leaf bytes. It returns an error wrapping [ErrInvalid]
// unless b is exactly what [Leaf.Bytes] gives for the decoded leaf, so a
// leaf has a single accepted encoding.
func ParseLeaf(b []byte) (Leaf, error) {
	var j leafJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return Leaf{}, fmt.Errorf("%w: leaf: %v", ErrInvalid, err)
	}
	at, err := time.Parse(TimeFormat, j.ReceivedAt)
	if err != nil {
		return Leaf{}, fmt.Errorf("%w: leaf received_at %q", ErrInvalid, j.ReceivedAt)
	}
	l := Leaf{
		Consultation: j.Consultation,
		Receipt:      j.Receipt,
		BodySHA256:   j.BodySHA256,
		ArticleID:    j.ArticleID,
		Channel:      j.Channel,
		ReceivedAt:   at,
		Attachments:  j.Attachments,
	}
	if string(l.Bytes()) != string(b) {
		return Leaf{}, fmt.Errorf("%w: leaf is not in canonical form", ErrInvalid)
	}
	return l, nil
}

// LeafHash returns the RFC 6962 leaf hash SHA-256(0x00 || leaf).
func LeafHash(leaf []byte) tlog.Hash { return tlog.RecordHash(leaf) }

// Append returns the hashes a store must keep, alongside the leaf, when leaf
// becomes record n (0-based) of a log that holds records 0..n-1: the leaf
// hash and the hash of every complete subtree that record n completes, in
// the order of tlog.StoredHashIndex(level, …) starting at
// tlog.StoredHashIndex(0, n). r must answer for the hashes stored for
// records 0..n-1. Appends to one log must be serialized (a batch may be
// computed in one go by the one writer that assigns indexes).
func Append(n int64, leaf []byte, r tlog.HashReader) ([]tlog.Hash, error) {
	if n < 0 {
		return nil, fmt.Errorf("%w: record %d", ErrInvalid, n)
	}
	return tlog.StoredHashes(n, leaf, r)
}

// TreeHash returns the root hash of the first size records, reading
// O(log size) stored hashes from r. The empty tree's root is SHA-256("").
func TreeHash(size int64, r tlog.HashReader) (tlog.Hash, error) {
	if size < 0 {
		return tlog.Hash{}, fmt.Errorf("%w: tree size %d", ErrInvalid, size)
	}
	return tlog.TreeHash(size, r)
}

// MemoryHashes is a tlog.HashReader over a slice indexed by stored-hash
// index, for tests and for verifiers that rebuild a whole log in memory.
type MemoryHashes []tlog.Hash

// ReadHashes implements tlog.HashReader.
func (m MemoryHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m)) {
			return nil, fmt.Errorf("%w: stored hash %d not present (have %d)", ErrInvalid, x, len(m))
		}
		out[i] = m[x]
	}
	return out, nil
}

// BuildHashes returns the stored hashes of a log holding leaves, appended
// in order as a store's write path does.
func BuildHashes(leaves [][]byte) (MemoryHashes, error) {
	var m MemoryHashes
	for n, leaf := range leaves {
		hs, err := Append(int64(n), leaf, m)
		if err != nil {
			return nil, err
		}
		m = append(m, hs...)
	}
	return m, nil
}
