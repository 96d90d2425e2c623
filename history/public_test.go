package history

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// oldChain builds n events the way the previous release wrote them (hash
// format 1: the SHA-256 of the whole event, payload included, no "v"),
// computing each hash here rather than through hashOf.
func oldChain(t *testing.T, n int) []Event {
	t.Helper()
	var out []Event
	prev := ""
	for i := range n {
		e := Event{Consultation: "c-old", Seq: int64(i + 1), At: start.Add(time.Duration(i) * time.Minute),
			ActorRole: "staff", ActorID: "u1", Type: "test.event", Public: i%2 == 0,
			Payload: json.RawMessage(`{"n":` + string(rune('0'+i%10)) + `}`), PrevHash: prev}
		m := map[string]any{"consultation": e.Consultation, "seq": e.Seq, "at": e.At.Format("2006-01-02T15:04:05.000Z"),
			"actor_role": e.ActorRole, "actor_id": e.ActorID, "type": e.Type, "public": e.Public, "payload": e.Payload, "prev_hash": prev}
		b, err := Canonical(m)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		e.Hash = hex.EncodeToString(sum[:])
		out = append(out, e)
		prev = e.Hash
	}
	return out
}

// publicCopy withholds the payload of every private event, as the public
// archive of an unpublished consultation does.
func publicCopy(events []Event) []Event {
	out := make([]Event, len(events))
	for i, e := range events {
		if !e.Public {
			e = e.Withhold()
		}
		out[i] = e
	}
	return out
}

// roundTrip exports events as JSON and reads them back, as an outside
// verifier gets them.
func roundTrip(t *testing.T, events []Event) []Event {
	t.Helper()
	b, err := json.Marshal(events)
	if err != nil {
		t.Fatal(err)
	}
	var back []Event
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	return back
}

// A history written by the previous release verifies unchanged, and new
// events chain onto it in the current format.
func TestOldHistoryStillVerifies(t *testing.T) {
	old := oldChain(t, 4)
	if err := Verify(old); err != nil {
		t.Fatalf("Verify(format-1 chain) = %v", err)
	}
	next, err := Next(&old[3], Event{At: start.Add(time.Hour), ActorRole: "staff", Type: "comment.entered", Payload: json.RawMessage(`{"channel":"letter"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if next.V != CurrentFormat || next.PrevHash != old[3].Hash {
		t.Errorf("Next after a format-1 event = v %d prev %s, want v %d prev %s", next.V, next.PrevHash, CurrentFormat, old[3].Hash)
	}
	mixed := append(old, next)
	back := roundTrip(t, mixed)
	if err := Verify(back); err != nil {
		t.Errorf("Verify(format-1 then format-2, through JSON) = %v", err)
	}
	b, _ := json.Marshal(old[0])
	if strings.Contains(string(b), `"v"`) || strings.Contains(string(b), "payload_sha256") || !strings.Contains(string(b), `"payload":{"n":0}`) {
		t.Errorf("format-1 event exported as %s, want its payload and no v or payload_sha256", b)
	}
	// Tampering with a format-1 event is still caught.
	back[1].Payload = json.RawMessage(`{"n":9}`)
	var be *BrokenError
	if err := Verify(back); !errors.As(err, &be) || be.Seq != 2 {
		t.Errorf("Verify(format-1 payload altered) = %v, want seq 2 broken", err)
	}
}

func TestVerifyPublic(t *testing.T) {
	events := chain(t, 7) // events 2, 4, 6 are private
	pub := roundTrip(t, publicCopy(events))
	for i, e := range pub {
		if e.Public == (e.Payload == nil) || e.Withheld == e.Public {
			t.Errorf("public copy of event %d: public %v, payload %s, withheld %v", i+1, e.Public, e.Payload, e.Withheld)
		}
	}
	unbound, err := VerifyPublic(pub)
	if err != nil || unbound != 0 {
		t.Fatalf("VerifyPublic(public copy) = %d, %v; want 0, nil", unbound, err)
	}
	if Head(pub) != Head(events) {
		t.Errorf("public copy's head %s, want %s", Head(pub), Head(events))
	}
	if err := Verify(pub); err == nil || !strings.Contains(err.Error(), "withheld") {
		t.Errorf("Verify(public copy) = %v, want the withheld payloads named", err)
	}
	b, _ := json.Marshal(pub[1])
	if strings.Contains(string(b), `"payload":`) || !strings.Contains(string(b), `"withheld":true`) || !strings.Contains(string(b), `"payload_sha256":"`+events[1].PayloadHash+`"`) {
		t.Errorf("withheld event exported as %s", b)
	}

	tests := []struct {
		name    string
		tamper  func([]Event) []Event
		wantSeq int64
		want    string
	}{
		{"WithheldPayloadHash", func(es []Event) []Event { es[1].PayloadHash = strings.Repeat("ab", 32); return es }, 2, "hash"},
		{"WithheldPayloadHashMalformed", func(es []Event) []Event { es[3].PayloadHash = "x"; return es }, 4, "withheld payload's hash"},
		{"WithheldHeader", func(es []Event) []Event { es[3].Type = "comment.deleted"; return es }, 4, "hash"},
		{"WithheldMadePublic", func(es []Event) []Event { es[1].Public = true; return es }, 2, "public event withheld"},
		{"PublicPayload", func(es []Event) []Event { es[2].Payload = json.RawMessage(`{"n":2,"text":"第9条"}`); return es }, 3, "payload altered"},
		{"PublicPayloadRehashed", func(es []Event) []Event {
			es[2].Payload = json.RawMessage(`{"n":2,"text":"第9条"}`)
			es[2].PayloadHash = ""
			es[2].PayloadHash = es[2].payloadHash()
			es[2].Hash = hashOf(es[2])
			return es
		}, 4, "prev_hash"},
		{"PublicWithheld", func(es []Event) []Event { es[2] = es[2].Withhold(); return es }, 3, "public event withheld"},
		{"WithheldUnmarked", func(es []Event) []Event { es[1].Withheld = false; return es }, 2, "not marked withheld"},
		{"WithheldRemoved", func(es []Event) []Event { return append(es[:1:1], es[2:]...) }, 3, "want 2"},
		{"WithheldRemovedRenumbered", func(es []Event) []Event {
			out := append(es[:1:1], es[2:]...)
			for i := range out {
				out[i].Seq = int64(i + 1)
			}
			return out
		}, 2, "prev_hash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := VerifyPublic(tt.tamper(roundTrip(t, publicCopy(events))))
			var be *BrokenError
			if !errors.As(err, &be) || be.Seq != tt.wantSeq || !strings.Contains(be.Reason, tt.want) {
				t.Errorf("VerifyPublic = %v; want seq %d broken, reason containing %q", err, tt.wantSeq, tt.want)
			}
		})
	}
}

// A private format-1 event cannot be withheld without losing what its hash
// covers: the public copy still links, but the events up to it are not
// bound to the head, and VerifyPublic says up to which seq.
func TestVerifyPublicFormat1Withheld(t *testing.T) {
	old := oldChain(t, 4) // 2 and 4 private
	next, err := Next(&old[3], Event{At: start.Add(time.Hour), ActorRole: "staff", Type: "comment.entered", Payload: json.RawMessage(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	pub := roundTrip(t, publicCopy(append(old, next)))
	unbound, err := VerifyPublic(pub)
	if err != nil || unbound != 4 {
		t.Errorf("VerifyPublic(format-1 private events withheld) = %d, %v; want 4, nil", unbound, err)
	}
	pub[3].Hash = strings.Repeat("0", 64)
	if _, err := VerifyPublic(pub); err == nil || !strings.Contains(err.Error(), "seq 5") {
		t.Errorf("VerifyPublic(withheld format-1 hash altered) = %v, want seq 5's link broken", err)
	}
}
