package sqlite

import (
	"context"
	"database/sql"

	"yugongkai/consultation"
)

// expireContacts erases, within the commit of comments.ExpireContacts,
// every contact consultation cid holds: the comments' phone and e-mail
// (removed from the JSON record), the outbox recipients (pending
// notifications cancelled: there is no one to send them to) and the
// followers' addresses.
func expireContacts(ctx context.Context, t *txn, cid string) error {
	if _, err := t.ExecContext(ctx, `UPDATE comments SET record = json_remove(record, '$.contact_phone', '$.contact_email'),
		contact_email_key = NULL, contact_phone_key = NULL WHERE consultation_id = ? AND (json_extract(record, '$.contact_phone') IS NOT NULL OR json_extract(record, '$.contact_email') IS NOT NULL)`, cid); err != nil {
		return classify(err, "expire contacts: comments")
	}
	if _, err := t.ExecContext(ctx, `UPDATE outbox SET recipient = '', state = CASE WHEN state = ? THEN ? ELSE state END
		WHERE consultation_id = ? AND (recipient <> '' OR state = ?)`, consultation.NotifyPending, consultation.NotifyCancelled, cid, consultation.NotifyPending); err != nil {
		return classify(err, "expire contacts: outbox")
	}
	return expireFollowers(ctx, t, cid)
}

// ContactHolders counts the outbox recipients and followers consultation
// cid still holds (comments.ContactHolders).
func (db *DB) ContactHolders(ctx context.Context, cid string) (notifications, followers int, err error) {
	if err := db.sql.QueryRowContext(ctx, "SELECT count(*) FROM outbox WHERE consultation_id = ? AND recipient <> ''", cid).Scan(&notifications); err != nil {
		return 0, 0, classify(err, "count outbox recipients")
	}
	followers, err = countFollowers(ctx, db.sql.DB, cid)
	return notifications, followers, err
}

// expireFollowers removes the followers of consultation cid.
func expireFollowers(ctx context.Context, t *txn, cid string) error {
	_, err := t.ExecContext(ctx, "DELETE FROM followers WHERE consultation_id = ?", cid)
	return classify(err, "expire contacts: followers")
}

func countFollowers(ctx context.Context, q *sql.DB, cid string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT count(*) FROM followers WHERE consultation_id = ?", cid).Scan(&n)
	return n, classify(err, "count followers")
}
