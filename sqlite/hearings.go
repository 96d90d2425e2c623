package sqlite

import (
	"context"
	"encoding/json"

	"yugongkai/consultation"
)

// Hearing applications (migration 0016): one row each, written by the
// commit of the application's command (insertHearingApplications).

// insertHearingApplications writes the applications of a change within t.
func insertHearingApplications(ctx context.Context, t *txn, list []*consultation.HearingApplication) error {
	for _, a := range list {
		rec, err := json.Marshal(a)
		if err != nil {
			return classify(err, "hearing application: encode")
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO hearing_applications (id, consultation_id, hearing_id, seq, record)
			VALUES (?, ?, ?, ?, ?)`, a.ID, a.ConsultationID, a.HearingID, a.Seq, string(rec)); err != nil {
			return classify(err, "hearing application: insert")
		}
	}
	return nil
}

// HearingApplications implements consultation.Store.
func (s *ConsultationStore) HearingApplications(ctx context.Context, consultationID, hearingID string) ([]*consultation.HearingApplication, error) {
	rows, err := s.db.sql.QueryContext(ctx, `SELECT record FROM hearing_applications
		WHERE consultation_id = ? AND hearing_id = ? ORDER BY seq`, consultationID, hearingID)
	if err != nil {
		return nil, classify(err, "hearing applications")
	}
	defer rows.Close()
	var out []*consultation.HearingApplication
	for rows.Next() {
		var rec string
		if err := rows.Scan(&rec); err != nil {
			return nil, classify(err, "hearing applications")
		}
		var a consultation.HearingApplication
		if err := json.Unmarshal([]byte(rec), &a); err != nil {
			return nil, classify(err, "hearing applications: decode")
		}
		a.SubmittedAt = a.SubmittedAt.UTC()
		out = append(out, &a)
	}
	return out, classify(rows.Err(), "hearing applications")
}
