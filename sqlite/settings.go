package sqlite

import (
	"context"
	"database/sql"
)

// Setting returns a stored setting (e.g. the holiday calendar) or
// apperr.ErrNotFound.
func (s *ConsultationStore) Setting(ctx context.Context, key string) ([]byte, error) {
	var value []byte
	err := s.db.sql.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&value)
	if err != nil {
		return nil, classify(err, "setting "+key)
	}
	if value == nil {
		value = []byte{}
	}
	return value, nil
}

// PutSetting stores a setting, replacing any previous value.
func (s *ConsultationStore) PutSetting(ctx context.Context, key string, value []byte) error {
	if value == nil {
		value = []byte{} // the column is NOT NULL; an empty value is still a value
	}
	return s.db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		return classify(err, "put setting "+key)
	})
}
