// Package history keeps the 决策档案: an append-only, hash-chained log of
// everything that happens to a consultation — versions, comments,
// dispositions, review opinions, state changes — which anyone can check
// has not been altered since it was written.
//
// Each [Event] carries the SHA-256 hash of its own canonical encoding and
// the hash of the event before it, so changing, removing, inserting or
// reordering any event breaks every link after it. [Verify] recomputes the
// chain. Because someone who rewrites the whole log can also recompute all
// hashes, the hash of the last event ([Head]) should also be recorded
// outside the log — for example printed in the final publication notice —
// and compared.
//
// # Verifying without this code
//
// Export the events as JSON (Event implements json.Marshaler). For each
// event in order, in Python:
//
//	obj = json.loads(line)
//	h = obj.pop("hash")
//	if obj.get("v") == 2:                        # format 2: header and payload hash
//	    if "payload" in obj:
//	        assert sha256(canon(obj.pop("payload"))) == obj["payload_sha256"]
//	    obj.pop("withheld", None)                # a private payload withheld
//	assert sha256(canon(obj)) == h               # format 1: the whole event
//	assert obj["prev_hash"] == previous_hash     # "" for the first event
//	assert obj["seq"] == previous_seq + 1        # the first is 1
//
// with canon(v) = json.dumps(v, sort_keys=True, separators=(",", ":"),
// ensure_ascii=False).encode("utf-8"). See [Canonical] for the exact
// encoding rules, [CanonicalEncoding] for the formats and docs/ARCHIVE.md.
package history

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"
)

// ErrInvalid is wrapped by the errors Canonical and Next return for an
// event or payload that cannot be recorded.
var ErrInvalid = errors.New("history: invalid event")

// Event is one entry of a consultation's history.
type Event struct {
	Consultation string `json:"consultation"`
	// Seq numbers a consultation's events 1, 2, 3, … without gaps.
	Seq int64 `json:"seq"`
	// At is when the event happened, in UTC, truncated to milliseconds
	// because stores may drop finer precision. In JSON and in the hashed
	// encoding it is written as "2006-01-02T15:04:05.000Z".
	At time.Time `json:"at"`
	// ActorRole is resident, staff, legal, admin or system.
	ActorRole string `json:"actor_role"`
	ActorID   string `json:"actor_id,omitempty"`
	// Type names what happened, as noun.verb in lower case:
	// "consultation.published", "version.added", "comment.moderated",
	// "comment.disposed", "review.opinion", "consultation.finalized".
	Type string `json:"type"`
	// Public events are shown to everyone once the decision is published.
	Public bool `json:"public"`
	// Payload is a canonical JSON object (see Canonical): integers and
	// strings, no floats.
	Payload json.RawMessage `json:"payload,omitempty"` // absent when withheld
	// PrevHash is the Hash of the previous event, "" for seq 1.
	PrevHash string `json:"prev_hash"`
	// Hash is the lower-case hex SHA-256 of CanonicalEncoding(e).
	Hash string `json:"hash"`
	// V is the hash format: 0 for [FormatWhole] (events written before
	// formats were numbered carry no "v"), [FormatPayloadHash] (2) for the
	// events Next and After write. No other value verifies.
	V int `json:"v,omitempty"`
	// PayloadHash is the lower-case hex SHA-256 of the canonical payload
	// (format 2 only). It is what the event hash covers; a withheld event
	// carries it instead of the payload.
	PayloadHash string `json:"payload_sha256,omitempty"`
	// Withheld marks a copy of a private event without its payload (see
	// [Event.Withhold]); stored events are never withheld.
	Withheld bool `json:"withheld,omitempty"`
}

// The hash formats. An event's format is fixed when it is written and is
// part of what its hash covers (format 2 hashes "v"), so a history written
// by an earlier release verifies unchanged while new events are added in
// the current format.
const (
	// FormatWhole hashes the whole event, payload included: events written
	// before payloads were hashed separately. Its payload cannot be
	// withheld without losing the hash.
	FormatWhole = 1
	// FormatPayloadHash hashes the header and the SHA-256 of the payload,
	// so that a public copy can leave a private payload out and still be
	// verified end to end.
	FormatPayloadHash = 2
	// CurrentFormat is the format Next and After write.
	CurrentFormat = FormatPayloadHash
)

// Format returns e's hash format, FormatWhole for an event without one.
func (e Event) Format() int {
	if e.V == 0 {
		return FormatWhole
	}
	return e.V
}

// Withhold returns the public copy of a private event: its header, its
// payload's hash and its own hash, without the payload. A format-1 event's
// copy keeps its hash, which can then be checked only as the link the next
// event names (see VerifyPublic).
func (e Event) Withhold() Event {
	if e.Format() >= FormatPayloadHash {
		e.PayloadHash = e.payloadHash()
	}
	e.Payload, e.Withheld = nil, true
	return e
}

// payloadHash is the SHA-256 of the canonical payload, or the recorded
// PayloadHash when the payload is withheld; "" if the payload is not a
// JSON object by Canonical's rules.
func (e Event) payloadHash() string {
	if e.Payload == nil {
		return e.PayloadHash
	}
	c, err := canonicalObject(e.Payload)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(c)
	return hex.EncodeToString(sum[:])
}

// atLayout is how At is written in JSON and in the hashed encoding.
const atLayout = "2006-01-02T15:04:05.000Z"

var (
	actorRoles  = map[string]bool{"resident": true, "staff": true, "legal": true, "admin": true, "system": true}
	typePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)
)

// hashed returns the members e's hash covers. It is the single definition
// of what is hashed; MarshalJSON adds hash, and for format 2 the payload.
func (e Event) hashed() map[string]any {
	m := map[string]any{
		"consultation": e.Consultation,
		"seq":          e.Seq,
		"at":           e.At.UTC().Format(atLayout),
		"actor_role":   e.ActorRole,
		"type":         e.Type,
		"public":       e.Public,
		"prev_hash":    e.PrevHash,
	}
	if e.ActorID != "" {
		m["actor_id"] = e.ActorID
	}
	if e.Format() == FormatWhole {
		m["payload"] = e.Payload
	} else {
		m["v"] = e.V
		m["payload_sha256"] = e.payloadHash()
	}
	return m
}

// CanonicalEncoding returns the bytes whose SHA-256 is e.Hash: the
// canonical JSON ([Canonical]) of the object with e's header members —
// actor_id left out when empty, at written as "2006-01-02T15:04:05.000Z"
// in UTC — and
//
//   - in format 2 (current): "v":2 and "payload_sha256", the hex SHA-256 of
//     the canonical payload, but not the payload itself; for example
//     {"actor_role":"system","at":"2026-01-01T00:00:00.000Z","consultation":"c",
//     "payload_sha256":"44136fa3…","prev_hash":"","public":false,"seq":1,"type":"consultation.closed","v":2}
//   - in format 1 (events written before formats were numbered): the
//     payload as a nested object and no "v"; for example
//     {"actor_id":"u42","actor_role":"staff","at":"2026-02-14T01:02:03.456Z","consultation":"c1",
//     "payload":{"days":30},"prev_hash":"","public":true,"seq":1,"type":"consultation.published"}
//
// (each on one line). It returns nil if e.Payload is not valid JSON by
// Canonical's rules; such an event never verifies.
func CanonicalEncoding(e Event) []byte {
	m := e.hashed()
	if ph, ok := m["payload_sha256"]; ok && ph == "" {
		return nil
	}
	b, err := Canonical(m)
	if err != nil {
		return nil
	}
	return b
}

func hashOf(e Event) string {
	sum := sha256.Sum256(CanonicalEncoding(e))
	return hex.EncodeToString(sum[:])
}

// Next returns e completed as the event that follows prev (nil for the
// first event of a consultation): it sets Seq and PrevHash, truncates At to
// milliseconds in UTC, canonicalizes Payload (an empty payload becomes {})
// and sets V (CurrentFormat), PayloadHash and Hash. An empty
// e.Consultation is taken from prev.
//
// Next returns an error wrapping [ErrInvalid] if e has no consultation or
// belongs to another one than prev, has an unknown ActorRole, a Type that
// is not noun.verb, a zero At, or a payload that is
// not a JSON object by Canonical's rules; and a [*BrokenError] if prev's
// own hash does not match its content.
func Next(prev *Event, e Event) (Event, error) {
	e.Seq, e.PrevHash, e.Hash = 1, "", ""
	e.V, e.PayloadHash, e.Withheld = CurrentFormat, "", false
	if prev != nil {
		if h := hashOf(*prev); h != prev.Hash {
			return Event{}, &BrokenError{Seq: prev.Seq, Index: -1, Reason: "previous event's hash does not match its content"}
		}
		if e.Consultation == "" {
			e.Consultation = prev.Consultation
		}
		if e.Consultation != prev.Consultation {
			return Event{}, fmt.Errorf("%w: consultation %q follows an event of consultation %q", ErrInvalid, e.Consultation, prev.Consultation)
		}
		e.Seq, e.PrevHash = prev.Seq+1, prev.Hash
	}
	e.At = e.At.UTC().Truncate(time.Millisecond)
	if err := checkFields(e); err != nil {
		return Event{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	payload, err := canonicalObject(e.Payload)
	if err != nil {
		return Event{}, fmt.Errorf("payload of %s: %w", e.Type, err)
	}
	e.Payload = payload
	e.PayloadHash = e.payloadHash()
	e.Hash = hashOf(e)
	return e, nil
}

// checkFields checks the fields that do not depend on other events.
func checkFields(e Event) error {
	switch {
	case e.Consultation == "":
		return errors.New("no consultation")
	case !actorRoles[e.ActorRole]:
		return fmt.Errorf("actor_role %q: want resident, staff, legal, admin or system", e.ActorRole)
	case !typePattern.MatchString(e.Type):
		return fmt.Errorf("type %q: want noun.verb in lower case, such as comment.disposed", e.Type)
	case e.At.IsZero():
		return errors.New("no time (at)")
	case !e.At.Equal(e.At.Truncate(time.Millisecond)):
		return errors.New("at has sub-millisecond precision")
	}
	return nil
}

// BrokenError reports the first event at which a history fails to verify.
type BrokenError struct {
	// Seq is the seq the bad event carries.
	Seq int64
	// Index is the bad event's position in the slice given to Verify
	// (-1 for the prev argument of Next).
	Index int
	// Reason says what is wrong, in English, for logs and reports.
	Reason string
}

func (e *BrokenError) Error() string {
	return fmt.Sprintf("history: event seq %d (index %d): %s", e.Seq, e.Index, e.Reason)
}

// Verify checks that events is the complete, unaltered history of one
// consultation from its first event, in order, every payload present. It
// returns nil for an empty history, or a [*BrokenError] naming the first
// event that is bad, for the first of these reasons that applies:
//
//   - its consultation differs from the first event's;
//   - its seq is not its position (1, 2, 3, …): an event is missing,
//     inserted or out of order;
//   - its prev_hash is not the previous event's hash ("" for the first);
//   - a field is invalid (as Next checks), or its hash format (v) is
//     unknown. Times may go backwards (a clock step, instances with skewed
//     clocks): the order is the sequence;
//   - its payload is withheld, or is not a JSON object by Canonical's
//     rules (it need not be byte-for-byte canonical: the hash covers its
//     canonical form, so a store may reformat it);
//   - (format 2) its payload does not hash to the payload_sha256 it
//     carries;
//   - its hash does not match its content.
//
// Verify cannot tell that events were cut off at the end, or that the
// whole history was rewritten and rehashed: compare [Head] with a head
// recorded elsewhere for that.
func Verify(events []Event) error {
	_, err := verify(events, false)
	return err
}

// VerifyPublic is Verify for the public copy of a history, in which
// private events may be withheld ([Event.Withhold]): such an event carries
// its header, payload_sha256 and hash but no payload, and its hash is
// recomputed from them, so the chain still verifies end to end. A public
// event must carry its payload.
//
// A withheld format-1 event's hash covers the payload it lacks, so it
// cannot be recomputed: VerifyPublic checks only that the next event links
// to it, and returns its seq as unbound — the events up to it are checked
// among themselves but are not bound to the head. unbound is the highest
// such seq, 0 when the whole chain is bound.
func VerifyPublic(events []Event) (unbound int64, err error) {
	return verify(events, true)
}

func verify(events []Event, public bool) (unbound int64, err error) {
	for i, e := range events {
		broken := func(format string, args ...any) error {
			return &BrokenError{Seq: e.Seq, Index: i, Reason: fmt.Sprintf(format, args...)}
		}
		prevHash := ""
		if i > 0 {
			prevHash = events[i-1].Hash
		}
		switch want := int64(i + 1); {
		case e.Consultation != events[0].Consultation:
			return 0, broken("consultation %q, want %q", e.Consultation, events[0].Consultation)
		case e.Seq != want:
			return 0, broken("seq %d at position %d, want %d: event missing, inserted or out of order", e.Seq, i+1, want)
		case e.PrevHash != prevHash:
			return 0, broken("prev_hash %q does not match the previous event's hash %q", e.PrevHash, prevHash)
		case e.V != 0 && e.V != FormatPayloadHash:
			return 0, broken("unknown hash format v=%d", e.V)
		}
		if err := checkFields(e); err != nil {
			return 0, broken("%v", err)
		}
		if e.Payload == nil && !e.Withheld {
			return 0, broken("payload missing, and the event is not marked withheld")
		}
		if e.Withheld {
			switch {
			case !public:
				return 0, broken("payload withheld")
			case e.Public:
				return 0, broken("public event withheld: its payload is missing")
			case e.Payload != nil:
				return 0, broken("withheld event carries a payload")
			case e.Format() == FormatWhole:
				if !hexHash(e.Hash) {
					return 0, broken("hash %q is not a hex SHA-256", e.Hash)
				}
				unbound = e.Seq
				continue
			case !hexHash(e.PayloadHash):
				return 0, broken("withheld payload's hash %q is not a hex SHA-256", e.PayloadHash)
			}
		} else {
			if _, err := canonicalObject(e.Payload); err != nil || len(e.Payload) == 0 {
				return 0, broken("payload is not a JSON object by Canonical's rules")
			}
			if ph := e.payloadHash(); e.Format() >= FormatPayloadHash && e.PayloadHash != "" && e.PayloadHash != ph {
				return 0, broken("payload altered: its SHA-256 is %q, the event records payload_sha256 %q", ph, e.PayloadHash)
			}
		}
		if h := hashOf(e); h != e.Hash {
			return 0, broken("hash %q does not match the content (want %q)", e.Hash, h)
		}
	}
	return unbound, nil
}

func hexHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return true
}

// Head returns the hash of the last event, which commits to the whole
// history, or "" if there are no events.
func Head(events []Event) string {
	if len(events) == 0 {
		return ""
	}
	return events[len(events)-1].Hash
}

// MarshalJSON writes e as canonical JSON: the members of
// [CanonicalEncoding] plus "hash", and in format 2 the payload (unless
// withheld) and "withheld":true for a withheld copy. Removing "hash",
// "withheld" and (format 2) "payload" from the result and re-encoding
// canonically gives back exactly the hashed bytes.
func (e Event) MarshalJSON() ([]byte, error) {
	m := e.hashed()
	m["hash"] = e.Hash
	if e.Withheld {
		m["withheld"] = true
		delete(m, "payload")
	} else if e.Format() >= FormatPayloadHash {
		m["payload"] = e.Payload
	}
	return Canonical(m)
}

// UnmarshalJSON reads an event written by MarshalJSON. at may have any
// RFC 3339 precision; the payload bytes are kept as they are, so Verify
// sees exactly what was stored.
func (e *Event) UnmarshalJSON(data []byte) error {
	type plain Event // no methods: avoids recursion
	var aux struct {
		plain
		At string `json:"at"`
	}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	*e = Event(aux.plain)
	e.At = time.Time{}
	if aux.At != "" {
		at, err := time.Parse(time.RFC3339Nano, aux.At)
		if err != nil {
			return fmt.Errorf("history: event at %q: %v", aux.At, err)
		}
		e.At = at.UTC()
	}
	return nil
}
