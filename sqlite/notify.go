package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"yugongkai/consultation"
	"yugongkai/notify"
)

// The outbox (migration 0010): commit writes the notifications of a
// change in its transaction (insertNotifications); the worker reads and
// updates their delivery through these methods.

var _ notify.Store = (*DB)(nil)

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// insertNotifications writes the outbox entries of a change within t.
func insertNotifications(ctx context.Context, t *txn, list []consultation.Notification) error {
	for _, n := range list {
		params, err := json.Marshal(n.Params)
		if err != nil {
			return classify(err, "outbox: encode params")
		}
		state := n.State
		if state == "" {
			state = consultation.NotifyPending
		}
		next := n.NextTry
		if next.IsZero() {
			next = n.CreatedAt
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO outbox (id, consultation_id, comment_id, kind, channel, recipient, lang, params, created_at, state, attempts, next_try)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
			n.ID, n.Consultation, n.Comment, n.Kind, n.Channel, n.To, n.Lang, string(params), nanos(n.CreatedAt), state, next.UnixNano()); err != nil {
			return classify(err, "outbox: insert")
		}
	}
	return nil
}

const outboxColumns = "id, consultation_id, comment_id, kind, channel, recipient, lang, params, created_at, state, attempts, next_try, sent_at, last_error"

func scanNotifications(rows *sql.Rows) ([]*consultation.Notification, error) {
	defer rows.Close()
	var out []*consultation.Notification
	for rows.Next() {
		var n consultation.Notification
		var params string
		var created, next, sent int64
		if err := rows.Scan(&n.ID, &n.Consultation, &n.Comment, &n.Kind, &n.Channel, &n.To, &n.Lang, &params, &created,
			&n.State, &n.Attempts, &next, &sent, &n.LastError); err != nil {
			return nil, classify(err, "outbox: scan")
		}
		if err := json.Unmarshal([]byte(params), &n.Params); err != nil {
			return nil, classify(err, "outbox: decode params")
		}
		n.CreatedAt, n.NextTry, n.SentAt = fromNanos(created), fromNanos(next), fromNanos(sent)
		out = append(out, &n)
	}
	return out, classify(rows.Err(), "outbox: read")
}

// DueNotifications implements notify.Store.
func (db *DB) DueNotifications(ctx context.Context, now time.Time, limit int) ([]*consultation.Notification, error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT "+outboxColumns+" FROM outbox WHERE state = ? AND next_try <= ? ORDER BY next_try, id LIMIT ?",
		consultation.NotifyPending, now.UnixNano(), limit)
	if err != nil {
		return nil, classify(err, "outbox: due")
	}
	return scanNotifications(rows)
}

// ConsultationNotifications implements notify.Store.
func (db *DB) ConsultationNotifications(ctx context.Context, consultationID string) ([]*consultation.Notification, error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT "+outboxColumns+" FROM outbox WHERE consultation_id = ? ORDER BY created_at, id", consultationID)
	if err != nil {
		return nil, classify(err, "outbox: list")
	}
	return scanNotifications(rows)
}

// LeaseNotification implements notify.Store.
func (db *DB) LeaseNotification(ctx context.Context, id string, attempts int, until time.Time) (bool, error) {
	var taken bool
	err := db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE outbox SET attempts = attempts + 1, next_try = ? WHERE id = ? AND state = ? AND attempts = ?",
			until.UnixNano(), id, consultation.NotifyPending, attempts)
		if err != nil {
			return classify(err, "outbox: lease")
		}
		n, err := res.RowsAffected()
		taken = n == 1
		return classify(err, "outbox: lease")
	})
	return taken, err
}

// RecordDelivery implements notify.Store.
func (db *DB) RecordDelivery(ctx context.Context, id string, d consultation.Delivery) error {
	return db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE outbox SET state = ?, next_try = ?, sent_at = ?, last_error = ? WHERE id = ? AND attempts = ?",
			d.State, nanos(d.NextTry), nanos(d.SentAt), d.LastError, id, d.Attempts)
		return classify(err, "outbox: record delivery")
	})
}

// Notification implements notify.Store.
func (db *DB) Notification(ctx context.Context, id string) (*consultation.Notification, error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT "+outboxColumns+" FROM outbox WHERE id = ?", id)
	if err != nil {
		return nil, classify(err, "outbox: get")
	}
	list, err := scanNotifications(rows)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, classify(sql.ErrNoRows, "outbox: notification "+id)
	}
	return list[0], nil
}

// OptOut implements notify.Store.
func (db *DB) OptOut(ctx context.Context, key string, at time.Time) error {
	return db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO outbox_optout (recipient_key, at) VALUES (?, ?) ON CONFLICT DO NOTHING", key, at.UnixNano())
		return classify(err, "outbox: opt out")
	})
}

// OptedOut implements notify.Store.
func (db *DB) OptedOut(ctx context.Context, key string) (bool, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, "SELECT count(*) FROM outbox_optout WHERE recipient_key = ?", key).Scan(&n)
	return n > 0, classify(err, "outbox: opted out")
}
