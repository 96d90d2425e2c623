package sqlite

import (
	"context"

	"yugongkai/history"
)

// insertEvents appends events within t. A seq already taken is a
// Conflict error, and the commit then stores nothing.
func insertEvents(ctx context.Context, t *txn, events []history.Event) error {
	for _, e := range events {
		var payload any // NULL for a nil payload, so that it reads back nil
		if e.Payload != nil {
			payload = []byte(e.Payload)
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO events
			(consultation_id, seq, at, actor_role, actor_id, type, public, payload, prev_hash, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Consultation, e.Seq, formatTime(e.At), e.ActorRole, e.ActorID,
			e.Type, e.Public, payload, e.PrevHash, e.Hash); err != nil {
			return classify(err, "insert event")
		}
	}
	return nil
}

// Events returns the consultation's events in seq order, none if it has
// none or does not exist.
func (s *ConsultationStore) Events(ctx context.Context, consultationID string) ([]history.Event, error) {
	rows, err := s.db.sql.QueryContext(ctx, `SELECT consultation_id, seq, at, actor_role, actor_id, type, public,
		payload, prev_hash, hash FROM events WHERE consultation_id = ? ORDER BY seq`, consultationID)
	if err != nil {
		return nil, classify(err, "events")
	}
	defer rows.Close()
	var list []history.Event
	for rows.Next() {
		var e history.Event
		var at string
		var payload []byte
		if err := rows.Scan(&e.Consultation, &e.Seq, &at, &e.ActorRole, &e.ActorID, &e.Type, &e.Public,
			&payload, &e.PrevHash, &e.Hash); err != nil {
			return nil, classify(err, "events")
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, classify(err, "events")
		}
		if payload != nil {
			e.Payload = payload
		}
		list = append(list, e)
	}
	return list, classify(rows.Err(), "events")
}
