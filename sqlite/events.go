package sqlite

import (
	"context"

	"yugongkai/history"
)

// insertEvents appends events within t, each with its hash format
// (column v: 1 for the events stored before formats were numbered). A seq already taken is a
// Conflict error, and the commit then stores nothing.
func insertEvents(ctx context.Context, t *txn, events []history.Event) error {
	for _, e := range events {
		var payload any // NULL for a nil payload, so that it reads back nil
		if e.Payload != nil {
			payload = []byte(e.Payload)
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO events
			(consultation_id, seq, at, actor_role, actor_id, type, public, payload, prev_hash, hash, v)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Consultation, e.Seq, formatTime(e.At), e.ActorRole, e.ActorID,
			e.Type, e.Public, payload, e.PrevHash, e.Hash, e.Format()); err != nil {
			return classify(err, "insert event")
		}
	}
	return nil
}

// Events returns the consultation's events in seq order, none if it has
// none or does not exist.
func (s *ConsultationStore) Events(ctx context.Context, consultationID string) ([]history.Event, error) {
	rows, err := s.db.sql.QueryContext(ctx, `SELECT consultation_id, seq, at, actor_role, actor_id, type, public,
		payload, prev_hash, hash, v FROM events WHERE consultation_id = ? ORDER BY seq`, consultationID)
	if err != nil {
		return nil, classify(err, "events")
	}
	defer rows.Close()
	var list []history.Event
	for rows.Next() {
		var e history.Event
		var at string
		var payload []byte
		var v int
		if err := rows.Scan(&e.Consultation, &e.Seq, &at, &e.ActorRole, &e.ActorID, &e.Type, &e.Public,
			&payload, &e.PrevHash, &e.Hash, &v); err != nil {
			return nil, classify(err, "events")
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, classify(err, "events")
		}
		if payload != nil {
			e.Payload = payload
		}
		if v != history.FormatWhole { // format 1 is V 0, as in JSON
			e.V = v
		}
		list = append(list, e)
	}
	return list, classify(rows.Err(), "events")
}
