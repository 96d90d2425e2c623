package history

import (
	"fmt"
	"time"
)

// After chains e onto a history whose last event is known only by its seq
// and hash (the head a store keeps beside the record), without loading that
// event. seq 0 starts a new chain. Unlike Next it cannot check the previous
// event's content or time; Verify does that over the whole chain.
func After(seq int64, hash string, e Event) (Event, error) {
	if seq < 0 || (seq == 0) != (hash == "") {
		return Event{}, fmt.Errorf("%w: head seq %d with hash %q", ErrInvalid, seq, hash)
	}
	e.Seq, e.PrevHash, e.Hash = seq+1, hash, ""
	e.V, e.PayloadHash, e.Withheld = CurrentFormat, "", false
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
