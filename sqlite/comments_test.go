package sqlite

import (
	"context"
	"database/sql"
	"testing"

	"yugongkai/comments"
	"yugongkai/storetest"
)

func TestCommentsContract(t *testing.T) {
	storetest.RunComments(t, func(t *testing.T) comments.Store { return OpenTemp(t).Comments() })
}

// TestAtomic: every command takes full effect or none whichever write fails,
// and racing commands leave a consistent record (storetest.RunAtomic).
func TestAtomic(t *testing.T) {
	storetest.RunAtomic(t, func(t *testing.T, f *storetest.Faults) storetest.AtomicStores {
		db := OpenTemp(t, WithFaults(f.Hook))
		return storetest.AtomicStores{Auth: db.Auth(), Consultations: db.Consultations(), Comments: db.Comments(), Queue: db.Search(), Outbox: db, AllPairs: true, Blobs: db.Blobs(),
			Surveys: db.Surveys()}
	})
}

// TestContactKeys: lost receipts are found by the contact keys, which go
// with the contacts, and a database of before migration 0023 gets them at
// open (storetest.RunContactKeys).
func TestContactKeys(t *testing.T) {
	storetest.RunContactKeys(t, func(t *testing.T) storetest.ContactKeyStores {
		dir := t.TempDir()
		open := func(t *testing.T) (*DB, storetest.AtomicStores) {
			db, err := Open(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			return db, storetest.AtomicStores{Auth: db.Auth(), Consultations: db.Consultations(), Comments: db.Comments(), Queue: db.Search(), Outbox: db, Blobs: db.Blobs(),
				Surveys: db.Surveys()}
		}
		db, stores := open(t)
		t.Cleanup(func() { db.Close() })
		return storetest.ContactKeyStores{AtomicStores: stores,
			// As a database of before 0023 holds its comments once the
			// migration added the columns: no keys, the backfill to do.
			ForgetKeys: func(t *testing.T) {
				err := db.write(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
					if _, err := tx.ExecContext(ctx, "UPDATE comments SET contact_email_key = NULL, contact_phone_key = NULL"); err != nil {
						return err
					}
					_, err := tx.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ('contact_keys_backfill', X'')")
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
			},
			Reopen: func(t *testing.T) storetest.AtomicStores {
				if err := db.Close(); err != nil {
					t.Fatal(err)
				}
				db, stores = open(t)
				return stores
			},
		}
	})
}

// TestContactKeysBulkPath: a bulk load of bulkInserts comments (its own
// insert path) writes their contact keys.
func TestContactKeysBulkPath(t *testing.T) {
	storetest.CommentsByContactBulk(t, OpenTemp(t).Comments(), bulkInserts)
}
