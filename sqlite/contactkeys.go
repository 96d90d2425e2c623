package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"yugongkai/apperr"
	"yugongkai/comments"
	"yugongkai/vcode"
)

// The comments' contact keys (migration 0023, comments.ContactKeys): the
// keyed hashes of each comment's normalized email and phone, by which lost
// receipts are found. The key is a setting of the store, made by the
// migration, so every process opening the database hashes alike and no
// configuration can split them.

const (
	contactKeySetting      = "contact_index_key"
	contactBackfillSetting = "contact_keys_backfill" // present: comments of before 0023 may lack their keys
	contactBackfillBatch   = 500
)

// openContactKeys loads the key and, while the backfill setting is
// present, fills the keys of the comments stored before migration 0023.
func (db *DB) openContactKeys(ctx context.Context) error {
	var key []byte
	if err := db.sql.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", contactKeySetting).Scan(&key); err != nil {
		return apperr.Wrap(err, "sqlite: contact index key")
	}
	if len(key) < 32 {
		return apperr.Wrap(errors.New("too short"), "sqlite: contact index key")
	}
	db.contactKeys = vcode.Hasher{Key: key}
	return db.backfillContactKeys(ctx)
}

// backfillContactKeys computes the contact keys of the comments that keep
// a contact and have no key, a batch of rows per write transaction in id
// order, then drops the backfill setting. Its writes are not a commit's
// (no fault hook: the contract counts the writes of commits). It is idempotent: a run cut
// short resumes at the next open, skipping the rows already done.
func (db *DB) backfillContactKeys(ctx context.Context) error {
	var pending int
	if err := db.sql.QueryRowContext(ctx, "SELECT count(*) FROM settings WHERE key = ?", contactBackfillSetting).Scan(&pending); err != nil {
		return classify(err, "contact keys backfill")
	}
	if pending == 0 {
		return nil
	}
	after := ""
	for done := false; !done; {
		var last string
		err := db.writeAlone(ctx, func(ctx context.Context, tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT id, record FROM comments WHERE id > ? AND contact_email_key IS NULL AND contact_phone_key IS NULL
				AND (json_extract(record, '$.contact_email') IS NOT NULL OR json_extract(record, '$.contact_phone') IS NOT NULL)
				ORDER BY id LIMIT ?`, after, contactBackfillBatch)
			if err != nil {
				return classify(err, "contact keys backfill")
			}
			type row struct{ id, email, phone string }
			var todo []row
			for rows.Next() {
				var id string
				var record []byte
				if err := rows.Scan(&id, &record); err != nil {
					rows.Close()
					return classify(err, "contact keys backfill")
				}
				c, err := decodeComment(record)
				if err != nil {
					rows.Close()
					return classify(err, "contact keys backfill")
				}
				email, phone := comments.ContactKeys(db.contactKeys, c)
				todo = append(todo, row{id, email, phone})
				last = id
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return classify(err, "contact keys backfill")
			}
			for _, r := range todo {
				if _, err := tx.ExecContext(ctx, "UPDATE comments SET contact_email_key = ?, contact_phone_key = ? WHERE id = ?",
					nullable(r.email), nullable(r.phone), r.id); err != nil {
					return classify(err, "contact keys backfill")
				}
			}
			if done = len(todo) < contactBackfillBatch; done {
				_, err := tx.ExecContext(ctx, "DELETE FROM settings WHERE key = ?", contactBackfillSetting)
				return classify(err, "contact keys backfill")
			}
			return nil
		})
		if err != nil {
			return err
		}
		after = last
	}
	return nil
}
