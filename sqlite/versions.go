package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"yugongkai/apperr"
	"yugongkai/consultation"
)

// insertVersion inserts v within t. A number that exists is a Conflict.
func insertVersion(ctx context.Context, t *txn, v *consultation.Version) error {
	record, err := json.Marshal(v)
	if err != nil {
		return apperr.Wrap(err, "sqlite: encode version")
	}
	_, err = t.ExecContext(ctx, "INSERT INTO versions (consultation_id, number, frozen, created_at, record) VALUES (?, ?, ?, ?, ?)",
		v.ConsultationID, v.Number, v.Frozen, formatTime(v.CreatedAt), string(record))
	return classify(err, "insert version")
}

// replaceVersion overwrites a version that is not frozen; v may freeze it.
// Returns apperr.ErrConflict if the stored version is frozen and
// apperr.ErrNotFound if it is absent.
func replaceVersion(ctx context.Context, t *txn, v *consultation.Version) error {
	record, err := json.Marshal(v)
	if err != nil {
		return apperr.Wrap(err, "sqlite: encode version")
	}
	var frozen bool
	err = t.QueryRowContext(ctx, "SELECT frozen FROM versions WHERE consultation_id = ? AND number = ?",
		v.ConsultationID, v.Number).Scan(&frozen)
	if err != nil {
		return classify(err, "replace version")
	}
	if frozen {
		return fmt.Errorf("sqlite: replace version %d: frozen: %w", v.Number, apperr.ErrConflict)
	}
	_, err = t.ExecContext(ctx, "UPDATE versions SET frozen = ?, created_at = ?, record = ? WHERE consultation_id = ? AND number = ?",
		v.Frozen, formatTime(v.CreatedAt), string(record), v.ConsultationID, v.Number)
	return classify(err, "replace version")
}

// Version returns version n of a consultation or apperr.ErrNotFound.
func (s *ConsultationStore) Version(ctx context.Context, consultationID string, n int) (*consultation.Version, error) {
	var record []byte
	err := s.db.sql.QueryRowContext(ctx, "SELECT record FROM versions WHERE consultation_id = ? AND number = ?",
		consultationID, n).Scan(&record)
	if err != nil {
		return nil, classify(err, "version")
	}
	v, err := decodeVersion(record)
	return v, classify(err, "version")
}

// Versions returns every version of a consultation in number order, none
// if the consultation does not exist.
func (s *ConsultationStore) Versions(ctx context.Context, consultationID string) ([]*consultation.Version, error) {
	rows, err := s.db.sql.QueryContext(ctx, "SELECT record FROM versions WHERE consultation_id = ? ORDER BY number", consultationID)
	if err != nil {
		return nil, classify(err, "versions")
	}
	defer rows.Close()
	var list []*consultation.Version
	for rows.Next() {
		var record []byte
		if err := rows.Scan(&record); err != nil {
			return nil, classify(err, "versions")
		}
		v, err := decodeVersion(record)
		if err != nil {
			return nil, classify(err, "versions")
		}
		list = append(list, v)
	}
	return list, classify(rows.Err(), "versions")
}

func decodeVersion(record []byte) (*consultation.Version, error) {
	var v consultation.Version
	if err := json.Unmarshal(record, &v); err != nil {
		return nil, fmt.Errorf("decode version: %w", err)
	}
	return &v, nil
}
