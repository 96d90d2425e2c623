package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	"yugongkai/consultation"
	"yugongkai/notify"
)

// Followers (migration 0018) and the notifications written outside a
// command's commit: confirmation mails and the expansion of fan-out rows.

var _ notify.FollowerStore = (*DB)(nil)

// Enqueue implements notify.FollowerStore.
func (db *DB) Enqueue(ctx context.Context, list []consultation.Notification) error {
	return db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, n := range list {
			params, err := json.Marshal(n.Params)
			if err != nil {
				return classify(err, "outbox: encode params")
			}
			next := n.NextTry
			if next.IsZero() {
				next = n.CreatedAt
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (id, consultation_id, comment_id, kind, channel, recipient, lang, params, created_at, state, attempts, next_try)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?) ON CONFLICT (id) DO NOTHING`,
				n.ID, n.Consultation, n.Comment, n.Kind, n.Channel, n.To, n.Lang, string(params), nanos(n.CreatedAt), consultation.NotifyPending, next.UnixNano()); err != nil {
				return classify(err, "outbox: enqueue")
			}
		}
		return nil
	})
}

// AddFollower implements notify.FollowerStore.
func (db *DB) AddFollower(ctx context.Context, f notify.Follower) (bool, error) {
	added := false
	err := db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM followers WHERE id = ?", f.ID).Scan(&n); err != nil {
			return classify(err, "followers: look up")
		}
		if n > 0 {
			return nil
		}
		added = true
		_, err := tx.ExecContext(ctx, "INSERT INTO followers (id, consultation_id, email, lang, key, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (consultation_id, key) DO NOTHING",
			f.ID, f.Consultation, f.Email, f.Lang, f.Key, nanos(f.CreatedAt))
		return classify(err, "followers: insert")
	})
	return added, err
}

// Followers implements notify.FollowerStore.
func (db *DB) Followers(ctx context.Context, consultationID string) ([]notify.Follower, error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT id, consultation_id, email, lang, key, created_at FROM followers WHERE consultation_id = ? ORDER BY created_at, id", consultationID)
	if err != nil {
		return nil, classify(err, "followers: list")
	}
	defer rows.Close()
	var out []notify.Follower
	for rows.Next() {
		var f notify.Follower
		var at int64
		if err := rows.Scan(&f.ID, &f.Consultation, &f.Email, &f.Lang, &f.Key, &at); err != nil {
			return nil, classify(err, "followers: scan")
		}
		f.CreatedAt = fromNanos(at)
		out = append(out, f)
	}
	return out, classify(rows.Err(), "followers: read")
}
