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

var shanghai = time.FixedZone("CST", 8*3600)

// goldenEvent and goldenEncoding pin the hashed encoding. The expected bytes
// were written by hand from the rules in Canonical's doc and checked with
// Python's json.dumps(sort_keys=True, separators=(",", ":"),
// ensure_ascii=False); the hash with sha256sum. If this test fails, the
// encoding changed and every archived history would stop verifying.
func goldenEvent(t *testing.T) Event {
	t.Helper()
	e, err := Next(nil, Event{
		Consultation: "c-2026-001",
		At:           time.Date(2026, 2, 14, 9, 2, 3, 456789000, shanghai),
		ActorRole:    "staff",
		ActorID:      "u42",
		Type:         "consultation.published",
		Public:       true,
		Payload: json.RawMessage(`{"title": "关于\u003c公共\u003e停车 \u0026 收费的决定（征求意见稿）", "period_days": 30,
			"articles": [1, -2, -0], "note": "第一行\n\"引号\"\t\\ \u2028", "empty": {}, "list": [], "none": null, "ok": false}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// goldenEncoding is format 2: the header with the payload's SHA-256
// (goldenPayloadHash, of the payload's canonical JSON) in place of the
// payload.
const goldenEncoding = `{"actor_id":"u42","actor_role":"staff","at":"2026-02-14T01:02:03.456Z","consultation":"c-2026-001",` +
	`"payload_sha256":"7d3794c01f6d174cb8962a1226793c7c44cfeb9ea56d381c61a19afa80d6b922",` +
	`"prev_hash":"","public":true,"seq":1,"type":"consultation.published","v":2}`

const goldenPayload = `{"articles":[1,-2,0],"empty":{},"list":[],"none":null,"note":"第一行\n\"引号\"\t\\ ` + "\u2028" + `",` +
	`"ok":false,"period_days":30,"title":"关于<公共>停车 & 收费的决定（征求意见稿）"}`

const (
	goldenPayloadHash = "7d3794c01f6d174cb8962a1226793c7c44cfeb9ea56d381c61a19afa80d6b922"
	goldenHash        = "4ebaf53b8d53d1a6f9864ceb040495f5528280563a6544060099663f2ddb7447"
)

// goldenV1Encoding and goldenV1Hash pin format 1, which the previous
// release wrote: the same event hashed whole, payload included, no "v".
const goldenV1Encoding = `{"actor_id":"u42","actor_role":"staff","at":"2026-02-14T01:02:03.456Z","consultation":"c-2026-001",` +
	`"payload":` + goldenPayload + `,"prev_hash":"","public":true,"seq":1,"type":"consultation.published"}`

const goldenV1Hash = "aa69b6eef20743a96d87cbe0eb366bacf84e42e46a50d9b0a28823787ee38f22"

func TestCanonicalEncodingGolden(t *testing.T) {
	e := goldenEvent(t)
	if got := string(CanonicalEncoding(e)); got != goldenEncoding {
		t.Errorf("CanonicalEncoding(golden)\n got %s\nwant %s", got, goldenEncoding)
	}
	if string(e.Payload) != goldenPayload {
		t.Errorf("Next(golden).Payload\n got %s\nwant %s", e.Payload, goldenPayload)
	}
	for _, c := range []struct{ name, data, want string }{
		{"payload", goldenPayload, goldenPayloadHash}, {"encoding", goldenEncoding, goldenHash}, {"v1 encoding", goldenV1Encoding, goldenV1Hash},
	} {
		sum := sha256.Sum256([]byte(c.data))
		if got := hex.EncodeToString(sum[:]); got != c.want {
			t.Errorf("sha256(golden %s) = %s, want %s", c.name, got, c.want)
		}
	}
	if e.Hash != goldenHash || e.PayloadHash != goldenPayloadHash || e.V != 2 {
		t.Errorf("Next(golden) = hash %s payload_sha256 %s v %d, want %s, %s, 2", e.Hash, e.PayloadHash, e.V, goldenHash, goldenPayloadHash)
	}
	if got, want := e.At, time.Date(2026, 2, 14, 1, 2, 3, 456000000, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("Next(golden).At = %v, want %v", got, want)
	}
	// The same event as the previous release stored it: format 1.
	old := e
	old.V, old.PayloadHash, old.Hash = 0, "", goldenV1Hash
	if got := string(CanonicalEncoding(old)); got != goldenV1Encoding {
		t.Errorf("CanonicalEncoding(golden, format 1)\n got %s\nwant %s", got, goldenV1Encoding)
	}
	if err := Verify([]Event{old}); err != nil {
		t.Errorf("Verify(golden, format 1) = %v", err)
	}
}

func TestCanonicalEncodingOmitsEmptyActorID(t *testing.T) {
	e := Event{Consultation: "c", Seq: 1, At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		ActorRole: "system", Type: "consultation.closed", Payload: json.RawMessage(`{}`)}
	want := `{"actor_role":"system","at":"2026-01-01T00:00:00.000Z","consultation":"c","payload":{},"prev_hash":"","public":false,"seq":1,"type":"consultation.closed"}`
	if got := string(CanonicalEncoding(e)); got != want {
		t.Errorf("CanonicalEncoding\n got %s\nwant %s", got, want)
	}
	e.Payload = json.RawMessage(`{"x":1.5}`)
	if got := CanonicalEncoding(e); got != nil {
		t.Errorf("CanonicalEncoding(float payload) = %s, want nil", got)
	}
}

var start = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

// chain builds a consultation history of n events through Next.
func chain(t *testing.T, n int) []Event {
	t.Helper()
	types := []string{"consultation.published", "comment.received", "comment.moderated", "comment.disposed",
		"version.added", "review.opinion", "consultation.finalized"}
	roles := []string{"staff", "resident", "staff", "staff", "staff", "legal", "legal"}
	var events []Event
	var prev *Event
	for i := range n {
		e, err := Next(prev, Event{
			Consultation: "c-2026-001",
			At:           start.Add(time.Duration(i) * time.Hour),
			ActorRole:    roles[i%len(roles)],
			ActorID:      "u" + string(rune('1'+i%9)),
			Type:         types[i%len(types)],
			Public:       i%2 == 0,
			Payload:      json.RawMessage(`{"n":` + string(rune('0'+i%10)) + `,"text":"第` + string(rune('0'+i%10)) + `条"}`),
		})
		if err != nil {
			t.Fatalf("Next(%d): %v", i+1, err)
		}
		events = append(events, e)
		prev = &events[len(events)-1]
	}
	return events
}

func TestNext(t *testing.T) {
	events := chain(t, 3)
	for i, e := range events {
		if want := int64(i + 1); e.Seq != want {
			t.Errorf("events[%d].Seq = %d, want %d", i, e.Seq, want)
		}
		wantPrev := ""
		if i > 0 {
			wantPrev = events[i-1].Hash
		}
		if e.PrevHash != wantPrev {
			t.Errorf("events[%d].PrevHash = %q, want %q", i, e.PrevHash, wantPrev)
		}
		if len(e.Hash) != 64 || e.Hash != hashOf(e) {
			t.Errorf("events[%d].Hash = %q, want sha256 of its encoding", i, e.Hash)
		}
	}
	// Seq, PrevHash and Hash passed in are overwritten; Consultation is inherited.
	e, err := Next(&events[2], Event{Seq: 99, PrevHash: "x", Hash: "y", At: start.Add(time.Hour * 5),
		ActorRole: "admin", Type: "consultation.extended"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Seq != 4 || e.PrevHash != events[2].Hash || e.Consultation != "c-2026-001" || string(e.Payload) != "{}" {
		t.Errorf("Next = seq %d prev %q consultation %q payload %s; want 4, events[2].Hash, c-2026-001, {}",
			e.Seq, e.PrevHash, e.Consultation, e.Payload)
	}
	if err := Verify(append(events, e)); err != nil {
		t.Errorf("Verify after Next: %v", err)
	}
}

func TestNextErrors(t *testing.T) {
	events := chain(t, 2)
	good := Event{Consultation: "c-2026-001", At: start.Add(10 * time.Hour), ActorRole: "staff",
		Type: "comment.disposed", Payload: json.RawMessage(`{"disposition":"adopted"}`)}
	tampered := events[1]
	tampered.Public = !tampered.Public
	tests := []struct {
		name   string
		prev   *Event
		modify func(*Event)
		want   string
	}{
		{"NoConsultation", nil, func(e *Event) { e.Consultation = "" }, "no consultation"},
		{"OtherConsultation", &events[1], func(e *Event) { e.Consultation = "c-2026-002" }, `consultation "c-2026-002" follows`},
		{"UnknownRole", nil, func(e *Event) { e.ActorRole = "mayor" }, `actor_role "mayor"`},
		{"NoType", nil, func(e *Event) { e.Type = "" }, `type ""`},
		{"TypeNotNounVerb", nil, func(e *Event) { e.Type = "Published" }, `type "Published"`},
		{"NoTime", nil, func(e *Event) { e.At = time.Time{} }, "no time"},
		{"PayloadArray", nil, func(e *Event) { e.Payload = json.RawMessage(`[1]`) }, "not a JSON object"},
		{"PayloadString", nil, func(e *Event) { e.Payload = json.RawMessage(`"x"`) }, "not a JSON object"},
		{"PayloadFloat", nil, func(e *Event) { e.Payload = json.RawMessage(`{"ratio":0.5}`) }, "not an integer"},
		{"PayloadInvalid", nil, func(e *Event) { e.Payload = json.RawMessage(`{`) }, "invalid"},
		{"TamperedPrev", &tampered, func(e *Event) {}, "previous event's hash does not match"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := good
			tt.modify(&e)
			got, err := Next(tt.prev, e)
			if err == nil {
				t.Fatalf("Next = %+v, want error containing %q", got, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Next error = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestVerifyOK(t *testing.T) {
	for _, n := range []int{0, 1, 2, 20} {
		events := chain(t, n)
		if err := Verify(events); err != nil {
			t.Errorf("Verify(chain of %d) = %v, want nil", n, err)
		}
	}
}

// The order of a chain is its sequence: a clock that steps back between two
// events (or two instances with skewed clocks) still writes a valid chain.
func TestVerifyClockStepBack(t *testing.T) {
	first, err := Next(nil, Event{Consultation: "c-1", At: start.Add(time.Hour), ActorRole: "staff", Type: "consultation.created"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := Next(&first, Event{At: start.Add(time.Hour - time.Millisecond), ActorRole: "staff", Type: "consultation.edited"})
	if err != nil {
		t.Fatalf("Next with a time 1 ms earlier = %v, want nil", err)
	}
	if err := Verify([]Event{first, second}); err != nil {
		t.Errorf("Verify(clock stepped back 1 ms) = %v, want nil", err)
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	rehash := func(e *Event) { e.PayloadHash = ""; e.PayloadHash = e.payloadHash(); e.Hash = hashOf(*e) } // an attacker recomputing one hash
	tests := []struct {
		name      string
		tamper    func([]Event) []Event
		wantSeq   int64
		wantIndex int
		want      string
	}{
		{"Payload", func(es []Event) []Event { es[2].Payload = json.RawMessage(`{"n":2,"text":"第9条"}`); return es }, 3, 2, "payload altered"},
		// As a store holds it: the payload's hash is not stored but recomputed.
		{"PayloadInStore", func(es []Event) []Event {
			es[2].Payload, es[2].PayloadHash = json.RawMessage(`{"n":2,"text":"第9条"}`), ""
			return es
		}, 3, 2, "hash"},
		{"PayloadHash", func(es []Event) []Event { es[2].PayloadHash = strings.Repeat("0", 64); return es }, 3, 2, "payload altered"},
		{"Format", func(es []Event) []Event { es[2].V = 0; return es }, 3, 2, "hash"},
		{"FormatUnknown", func(es []Event) []Event { es[2].V = 3; return es }, 3, 2, "format"},
		{"Withheld", func(es []Event) []Event { es[1] = es[1].Withhold(); return es }, 2, 1, "withheld"},
		{"PayloadRehashed", func(es []Event) []Event {
			es[2].Payload = json.RawMessage(`{"n":2,"text":"第9条"}`)
			rehash(&es[2])
			return es
		}, 4, 3, "prev_hash"},
		{"Type", func(es []Event) []Event { es[1].Type = "comment.deleted"; return es }, 2, 1, "hash"},
		{"At", func(es []Event) []Event { es[3].At = es[3].At.Add(time.Millisecond); return es }, 4, 3, "hash"},
		{"AtSubMillisecond", func(es []Event) []Event { es[3].At = es[3].At.Add(time.Microsecond); return es }, 4, 3, "sub-millisecond"},
		{"AtRehashed", func(es []Event) []Event { es[3].At = start; rehash(&es[3]); return es }, 5, 4, "prev_hash"},
		{"ActorRole", func(es []Event) []Event { es[4].ActorRole = "admin"; return es }, 5, 4, "hash"},
		{"ActorID", func(es []Event) []Event { es[0].ActorID = "someone-else"; return es }, 1, 0, "hash"},
		{"ActorIDRemoved", func(es []Event) []Event { es[0].ActorID = ""; return es }, 1, 0, "hash"},
		{"Public", func(es []Event) []Event { es[5].Public = !es[5].Public; return es }, 6, 5, "hash"},
		{"ConsultationOfFirst", func(es []Event) []Event { es[0].Consultation = "c-x"; return es }, 1, 0, "hash"},
		{"ConsultationOfLater", func(es []Event) []Event { es[2].Consultation = "c-x"; return es }, 3, 2, "consultation"},
		{"Hash", func(es []Event) []Event { es[2].Hash = strings.Repeat("0", 64); return es }, 3, 2, "hash"},
		{"PrevHashOfFirst", func(es []Event) []Event { es[0].PrevHash = strings.Repeat("0", 64); return es }, 1, 0, "prev_hash"},
		{"Seq", func(es []Event) []Event { es[1].Seq = 3; return es }, 3, 1, "want 2"},
		{"DeleteFirst", func(es []Event) []Event { return es[1:] }, 2, 0, "want 1"},
		{"DeleteMiddle", func(es []Event) []Event { return append(es[:2:2], es[3:]...) }, 4, 2, "want 3"},
		{"Reorder", func(es []Event) []Event { es[2], es[3] = es[3], es[2]; return es }, 4, 2, "want 3"},
		{"InsertCopy", func(es []Event) []Event {
			return append(append(es[:2:2], es[1]), es[2:]...)
		}, 2, 2, "want 3"},
		{"InsertForged", func(es []Event) []Event {
			forged, err := Next(&es[1], Event{At: es[1].At, ActorRole: "staff", Type: "comment.deleted"})
			if err != nil {
				panic(err)
			}
			return append(append(es[:2:2], forged), es[2:]...)
		}, 3, 3, "want 4"},
		{"InsertForgedRenumbered", func(es []Event) []Event {
			forged, err := Next(&es[1], Event{At: es[1].At, ActorRole: "staff", Type: "comment.deleted"})
			if err != nil {
				panic(err)
			}
			out := append(append(es[:2:2], forged), es[2:]...)
			for i := 3; i < len(out); i++ {
				out[i].Seq = int64(i + 1)
			}
			return out
		}, 4, 3, "prev_hash"},
		{"PayloadFloat", func(es []Event) []Event { es[2].Payload = json.RawMessage(`{"n":1.5}`); return es }, 3, 2, "payload"},
		{"PayloadEmpty", func(es []Event) []Event { es[2].Payload = nil; return es }, 3, 2, "payload"},
		{"UnknownRole", func(es []Event) []Event { es[2].ActorRole = "mayor"; return es }, 3, 2, "actor_role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events := tt.tamper(chain(t, 7))
			err := Verify(events)
			var broken *BrokenError
			if !errors.As(err, &broken) {
				t.Fatalf("Verify = %v, want *BrokenError", err)
			}
			if broken.Seq != tt.wantSeq || broken.Index != tt.wantIndex || !strings.Contains(broken.Reason, tt.want) {
				t.Errorf("Verify = seq %d index %d %q; want seq %d index %d, reason containing %q",
					broken.Seq, broken.Index, broken.Reason, tt.wantSeq, tt.wantIndex, tt.want)
			}
		})
	}
}

// Reformatting a stored payload (whitespace, key order) is not tampering:
// the hash covers its canonical form.
func TestVerifyAcceptsReformattedPayload(t *testing.T) {
	events := chain(t, 3)
	events[1].Payload = json.RawMessage(`{ "text" : "第1条", "n" : 1 }`)
	if err := Verify(events); err != nil {
		t.Errorf("Verify(reformatted payload) = %v, want nil", err)
	}
}

func TestHead(t *testing.T) {
	if got := Head(nil); got != "" {
		t.Errorf("Head(nil) = %q, want \"\"", got)
	}
	events := chain(t, 5)
	if got, want := Head(events), events[4].Hash; got != want {
		t.Errorf("Head = %q, want %q", got, want)
	}
	// Cutting off the tail leaves a valid chain; only the recorded head tells.
	cut := events[:4]
	if err := Verify(cut); err != nil {
		t.Fatalf("Verify(cut) = %v", err)
	}
	if Head(cut) == Head(events) {
		t.Error("Head of a truncated history equals the original head")
	}
}

func TestEventJSON(t *testing.T) {
	events := chain(t, 4)
	var lines []string
	for _, e := range events {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))

		// The outside verifier's recipe: drop "hash" and (format 2)
		// "payload", re-encode canonically.
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(b, &obj); err != nil {
			t.Fatal(err)
		}
		delete(obj, "hash")
		delete(obj, "payload")
		c, err := Canonical(obj)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := string(c), string(CanonicalEncoding(e)); got != want {
			t.Errorf("exported event without hash\n got %s\nwant %s", got, want)
		}
		if again, _ := Canonical(json.RawMessage(b)); string(again) != string(b) {
			t.Errorf("json.Marshal(event) is not canonical: %s", b)
		}
	}
	if !strings.Contains(lines[0], `"at":"2026-03-02T01:00:00.000Z"`) {
		t.Errorf("json.Marshal(event) = %s, want at with milliseconds", lines[0])
	}

	var back []Event
	if err := json.Unmarshal([]byte("["+strings.Join(lines, ",")+"]"), &back); err != nil {
		t.Fatal(err)
	}
	if err := Verify(back); err != nil {
		t.Errorf("Verify(unmarshalled events) = %v", err)
	}
	for i := range back {
		if !back[i].At.Equal(events[i].At) || back[i].Hash != events[i].Hash || string(back[i].Payload) != string(events[i].Payload) {
			t.Errorf("round trip changed event %d: %+v, want %+v", i, back[i], events[i])
		}
	}

	var e Event
	if err := json.Unmarshal([]byte(`{"at":"yesterday"}`), &e); err == nil {
		t.Error(`json.Unmarshal({"at":"yesterday"}) = nil error`)
	}
}

func TestAfterMatchesNext(t *testing.T) {
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	first, err := Next(nil, Event{Consultation: "c1", At: at, ActorRole: "staff", Type: "consultation.created", Payload: []byte(`{"b":1,"a":2}`)})
	if err != nil {
		t.Fatal(err)
	}
	viaNext, err := Next(&first, Event{At: at.Add(time.Second), ActorRole: "staff", Type: "consultation.opened", Payload: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	viaAfter, err := After(first.Seq, first.Hash, Event{Consultation: "c1", At: at.Add(time.Second), ActorRole: "staff", Type: "consultation.opened", Payload: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	if viaAfter.Hash != viaNext.Hash || viaAfter.Seq != 2 {
		t.Errorf("After = seq %d hash %s, want seq 2 hash %s", viaAfter.Seq, viaAfter.Hash, viaNext.Hash)
	}
	if err := Verify([]Event{first, viaAfter}); err != nil {
		t.Errorf("Verify(first, After) = %v", err)
	}
	if _, err := After(3, "", Event{Consultation: "c1", At: at, ActorRole: "staff", Type: "a.b"}); err == nil {
		t.Error("After(seq 3, no hash) = nil error")
	}
}
