package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"
)

// scratch creates a table for writes that are only about the writer.
func scratch(t *testing.T, db *DB) {
	t.Helper()
	if err := db.write(t.Context(), func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "CREATE TABLE scratch (k TEXT PRIMARY KEY, v INTEGER NOT NULL)")
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func insertScratch(db *DB, ctx context.Context, k string) error {
	return db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO scratch (k, v) VALUES (?, 1)", k)
		return err
	})
}

func scratchKeys(t *testing.T, db *DB) []string {
	t.Helper()
	rows, err := db.sql.QueryContext(t.Context(), "SELECT k FROM scratch ORDER BY k")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	return keys
}

// holdWriter occupies the writer until release is called, so that writes
// asked for meanwhile queue up and commit as one batch.
func holdWriter(t *testing.T, db *DB) (release func()) {
	t.Helper()
	started, done := make(chan struct{}), make(chan struct{})
	go func() {
		_ = db.write(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
			close(started)
			<-done
			return nil
		})
	}()
	<-started
	return func() { close(done) }
}

// waitQueued waits until n writes are queued behind the held writer.
func waitQueued(t *testing.T, db *DB, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(db.writes.queue) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued, want %d", len(db.writes.queue), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestGroupCommitBatches: writes queued together commit in one transaction,
// each is answered only after it, and every one is stored.
func TestGroupCommitBatches(t *testing.T) {
	db := OpenTemp(t)
	scratch(t, db)
	release := holdWriter(t, db)
	b0, w0 := db.WriteStats()
	const n = 40
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = insertScratch(db, t.Context(), fmt.Sprintf("k%02d", i)) }()
	}
	waitQueued(t, db, n)
	release()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("write %d: %v", i, err)
		}
	}
	b1, w1 := db.WriteStats()
	// The held write's batch was counted when it began; the n writes
	// queued behind it commit in one batch.
	if got := b1 - b0; got != 1 {
		t.Errorf("batches = %d for %d queued writes, want 1 (one group commit)", got, n)
	}
	if got := w1 - w0; got != n {
		t.Errorf("writes = %d, want %d", got, n)
	}
	if got := len(scratchKeys(t, db)); got != n {
		t.Errorf("%d rows stored, want %d", got, n)
	}
}

// TestGroupCommitWriteAlone: a write that may touch any number of pages
// (writeAlone) never shares a batch: the writes queued before it commit
// together, it commits on its own, and those after it together again. A
// shared batch keeps its savepoints' journal in memory; a write alone keeps
// temporary storage in files (so a huge import cannot grow the heap), and a
// lone failing write leaves nothing.
func TestGroupCommitWriteAlone(t *testing.T) {
	db := OpenTemp(t)
	scratch(t, db)
	tempStore := func(ctx context.Context, tx *sql.Tx) (int, error) {
		var mode int
		err := tx.QueryRowContext(ctx, "PRAGMA temp_store").Scan(&mode)
		return mode, err
	}
	const file, memory = 1, 2
	release := holdWriter(t, db)
	b0, w0 := db.WriteStats()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	modes := make(chan string, 8)
	queue := func(name string, alone bool, n int) {
		write := db.write
		if alone {
			write = db.writeAlone
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- write(t.Context(), func(ctx context.Context, tx *sql.Tx) error {
				mode, err := tempStore(ctx, tx)
				if err != nil {
					return err
				}
				modes <- fmt.Sprintf("%s:%d", name, mode)
				_, err = tx.ExecContext(ctx, "INSERT INTO scratch (k, v) VALUES (?, 1)", name)
				return err
			})
		}()
		waitQueued(t, db, n)
	}
	queue("a", false, 1)
	queue("b", false, 2)
	queue("x", true, 3)
	queue("c", false, 4)
	queue("d", false, 5)
	release()
	wg.Wait()
	close(errs)
	close(modes)
	for err := range errs {
		if err != nil {
			t.Errorf("write: %v", err)
		}
	}
	var got []string
	for m := range modes {
		got = append(got, m)
	}
	sort.Strings(got)
	if want := fmt.Sprintf("[a:%d b:%d c:%d d:%d x:%d]", memory, memory, memory, memory, file); fmt.Sprint(got) != want {
		t.Errorf("temp_store seen by the writes = %v, want %s", got, want)
	}
	b1, w1 := db.WriteStats()
	if got := b1 - b0; got != 3 {
		t.Errorf("batches = %d, want 3 ([a b], [x] alone, [c d])", got)
	}
	if got := w1 - w0; got != 5 {
		t.Errorf("writes = %d, want 5", got)
	}
	if keys := fmt.Sprint(scratchKeys(t, db)); keys != "[a b c d x]" {
		t.Errorf("stored %s, want [a b c d x]", keys)
	}

	boom := errors.New("boom")
	err := db.writeAlone(t.Context(), func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO scratch (k, v) VALUES ('half', 1)"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("failing write alone = %v, want boom", err)
	}
	if keys := fmt.Sprint(scratchKeys(t, db)); keys != "[a b c d x]" {
		t.Errorf("after a failed write alone: stored %s, want [a b c d x] (nothing of it)", keys)
	}
}

// TestGroupCommitIsolatesFailures: a write that fails in the middle of a
// batch leaves nothing of itself and nothing is lost of the others.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	db := OpenTemp(t)
	scratch(t, db)
	release := holdWriter(t, db)
	boom := errors.New("boom")
	results := make(chan error, 3)
	go func() { results <- insertScratch(db, t.Context(), "a") }()
	waitQueued(t, db, 1)
	go func() {
		results <- db.write(t.Context(), func(ctx context.Context, tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, "INSERT INTO scratch (k, v) VALUES ('half', 1)"); err != nil {
				return err
			}
			return boom // after a write: the savepoint must undo it
		})
	}()
	waitQueued(t, db, 2)
	go func() { results <- insertScratch(db, t.Context(), "a") }() // a duplicate key: its own error
	waitQueued(t, db, 3)
	go func() { results <- insertScratch(db, t.Context(), "c") }()
	waitQueued(t, db, 4)
	release()
	var got []string
	for range 4 {
		switch err := <-results; {
		case err == nil:
			got = append(got, "ok")
		case errors.Is(err, boom):
			got = append(got, "boom")
		default:
			got = append(got, "conflict")
		}
	}
	sort.Strings(got)
	if fmt.Sprint(got) != "[boom conflict ok ok]" {
		t.Errorf("answers = %v, want one boom, one conflict, two ok", got)
	}
	if keys := fmt.Sprint(scratchKeys(t, db)); keys != "[a c]" {
		t.Errorf("stored %s, want [a c] (nothing of the failed writes)", keys)
	}
}

// TestGroupCommitLostTransaction: when the batch's transaction itself is
// lost, no write of the batch took effect and each is told so.
func TestGroupCommitLostTransaction(t *testing.T) {
	db := OpenTemp(t)
	scratch(t, db)
	release := holdWriter(t, db)
	results := make(chan error, 3)
	go func() { results <- insertScratch(db, t.Context(), "a") }()
	waitQueued(t, db, 1)
	go func() {
		results <- db.write(t.Context(), func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "ROLLBACK") // as SQLite does itself on a full disk
			return err
		})
	}()
	waitQueued(t, db, 2)
	go func() { results <- insertScratch(db, t.Context(), "b") }()
	waitQueued(t, db, 3)
	release()
	for range 3 {
		if err := <-results; err == nil {
			t.Error("a write of a lost batch was answered as stored")
		}
	}
	if keys := scratchKeys(t, db); len(keys) != 0 {
		t.Errorf("stored %v after a lost batch, want nothing", keys)
	}
	// The writer goes on.
	if err := insertScratch(db, t.Context(), "after"); err != nil {
		t.Fatal(err)
	}
	if keys := fmt.Sprint(scratchKeys(t, db)); keys != "[after]" {
		t.Errorf("stored %s, want [after]", keys)
	}
}

// TestGroupCommitWithdrawnWhileQueued: a write whose context ends while it
// waits is not applied.
func TestGroupCommitWithdrawnWhileQueued(t *testing.T) {
	db := OpenTemp(t)
	scratch(t, db)
	release := holdWriter(t, db)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- insertScratch(db, ctx, "gone") }()
	waitQueued(t, db, 1)
	cancel()
	release()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("write cancelled in the queue: %v, want context.Canceled", err)
	}
	if keys := scratchKeys(t, db); len(keys) != 0 {
		t.Errorf("stored %v, want nothing", keys)
	}
}

// TestClosedWrites: a write after Close fails instead of hanging.
func TestClosedWrites(t *testing.T) {
	db, err := Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := insertScratch(db, t.Context(), "x"); err == nil {
		t.Error("write after Close succeeded")
	}
}
