package sqlite

import (
	"context"
	"testing"
)

// OpenTemp opens a fresh database in a temporary directory for a test or
// benchmark of this or another package, and closes it when tb ends.
func OpenTemp(tb testing.TB, opts ...Option) *DB {
	tb.Helper()
	db, err := Open(context.Background(), tb.TempDir(), opts...)
	if err != nil {
		tb.Fatalf("sqlite.OpenTemp: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("sqlite: close: %v", err)
		}
	})
	return db
}
