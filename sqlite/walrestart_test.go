package sqlite

import (
	"context"
	"database/sql"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestLogRestartsUnderSteadyLoad: with writes and reads going on all the
// time, the write-ahead log is restarted by the checkpointer, so it stays
// near walRestartFrames instead of growing with everything ever written
// (with PASSIVE checkpoints alone it grew to 5 GB in an isolation run).
func TestLogRestartsUnderSteadyLoad(t *testing.T) {
	ctx := context.Background()
	db := OpenTemp(t)
	db.walRestartFrames.Store(64)
	if err := db.writes.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "CREATE TABLE wal_load (x BLOB)")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	// spin runs op in n goroutines until stop, counting its successes.
	spin := func(n int, count *atomic.Int64, op func() error) {
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					if err := op(); err != nil {
						t.Error(err)
						return
					}
					count.Add(1)
				}
			}()
		}
	}
	var writes, reads atomic.Int64
	blob := make([]byte, 3000)
	spin(4, &writes, func() error { // writers, so that the writer is never idle
		return db.writes.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO wal_load (x) VALUES (?)", blob)
			return err
		})
	})
	spin(3, &reads, func() error { // readers of a page of the newest rows, one short read transaction after another
		var n int64
		return db.sql.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT 1 FROM wal_load ORDER BY rowid DESC LIMIT 20)").Scan(&n)
	})
	// Run on until the log has been restarted twice (at most 10 s), and
	// stop at once: the log then holds only what was written since.
	for deadline := time.Now().Add(10 * time.Second); db.WALRestarts() < 2 && time.Now().Before(deadline); {
		time.Sleep(2 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	var busy, frames, copied int64
	if err := db.sql.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(db.path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d writes, %d reads, %d restarts; log now %d frames, file %d KiB", writes.Load(), reads.Load(), db.WALRestarts(), frames, fi.Size()>>10)
	if db.WALRestarts() < 2 {
		t.Errorf("the log was restarted %d times in a steady load of %d writes, want at least 2", db.WALRestarts(), writes.Load())
	}
	// Each write stores a row of its own page (3,000 bytes), so a log never
	// restarted holds at least one frame a write.
	if frames >= writes.Load()/4 {
		t.Errorf("the log holds %d frames after %d writes: it was not restarted", frames, writes.Load())
	}
}
