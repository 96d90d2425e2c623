package mongodb

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/history"
)

// eventDoc is how a history.Event is stored. The _id repeats the unique
// (consultation, seq) pair so a second writer of the same seq is refused
// even before the secondary index exists. Payload is kept as the
// canonical JSON text, byte for byte, so the hash chain still verifies and
// the log stays readable in the shell.
type eventDoc struct {
	ID           string    `bson:"_id"`
	Consultation string    `bson:"consultation"`
	Seq          int64     `bson:"seq"`
	At           time.Time `bson:"at"`
	ActorRole    string    `bson:"actor_role"`
	ActorID      string    `bson:"actor_id,omitempty"`
	Type         string    `bson:"type"`
	Public       bool      `bson:"public"`
	Payload      string    `bson:"payload,omitempty"`
	PrevHash     string    `bson:"prev_hash"`
	Hash         string    `bson:"hash"`
	Applied      int64     `bson:"applied,omitempty"` // log position, see apply.go
	// V is the hash format (history.Event.V); documents written before
	// formats were numbered have none and are format 1.
	V int `bson:"v,omitempty"`
}

func eventID(consultationID string, seq int64) string {
	return fmt.Sprintf("%s/%d", consultationID, seq)
}

func toEventDoc(e history.Event) eventDoc {
	return eventDoc{
		ID:           eventID(e.Consultation, e.Seq),
		Consultation: e.Consultation,
		Seq:          e.Seq,
		At:           e.At,
		ActorRole:    e.ActorRole,
		ActorID:      e.ActorID,
		Type:         e.Type,
		Public:       e.Public,
		Payload:      string(e.Payload),
		PrevHash:     e.PrevHash,
		Hash:         e.Hash,
		V:            e.V,
	}
}

func (d eventDoc) event() history.Event {
	e := history.Event{
		Consultation: d.Consultation,
		Seq:          d.Seq,
		At:           d.At,
		ActorRole:    d.ActorRole,
		ActorID:      d.ActorID,
		Type:         d.Type,
		Public:       d.Public,
		PrevHash:     d.PrevHash,
		Hash:         d.Hash,
		V:            d.V,
	}
	if d.Payload != "" {
		e.Payload = json.RawMessage(d.Payload)
	}
	return e
}

// Events returns the consultation's events in seq order; none for an
// unknown consultation.
func (db *DB) Events(ctx context.Context, consultationID string) ([]history.Event, error) {
	if err := db.catchUp(ctx, consultationID); err != nil {
		return nil, err
	}
	cur, err := db.events.Find(ctx, bson.D{{Key: "consultation", Value: consultationID}},
		options.Find().SetSort(bson.D{{Key: "seq", Value: 1}}))
	if err != nil {
		return nil, storeErr(err, "find events")
	}
	var docs []eventDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storeErr(err, "read events")
	}
	var events []history.Event
	for _, d := range docs {
		events = append(events, d.event())
	}
	return events, nil
}
