package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"yugongkai/apperr"
)

// Group commit.
//
// SQLite has one writer at a time and, with synchronous=FULL, an fsync per
// commit; committing every write alone makes each wait for the fsyncs of all
// writes queued before it. The writer goroutine instead takes every write
// queued at the moment it is free (at most maxBatch) and runs them in one
// transaction, each inside a SAVEPOINT of its own:
//
//   - a write whose fn fails is rolled back to its savepoint and answered
//     with its error; the others of the batch are not touched by it;
//   - the batch commits once (one fsync), and only then is every write in it
//     answered — a receipt is never sent before its comment is durable;
//   - if the commit fails, or the transaction is lost (SQLite rolls back a
//     whole transaction on some errors, such as a full disk), every write of
//     the batch that had succeeded is answered with that error: none of them
//     took effect, and their callers may retry.
//
// Writes run in arrival order, so a write sees every write queued before it,
// as with one transaction per write. There is no waiting for a batch to
// fill: while one batch commits the next one queues, so batches grow with
// the load and a lone write commits at once.
//
// The writer owns one connection for its whole life, so its page cache
// stays warm (a pool connection that another connection wrote behind must
// reread the pages it had cached).
//
// Savepoints cost a copy of every page a write changes (SQLite's
// sub-journal). By default that is a temporary file, written with two
// pwrite calls per page: in a profile of 16 concurrent submitters it was an
// eighth of the server's CPU. So a shared batch keeps its sub-journal in
// memory (temp_store = MEMORY). Its size is bounded by the batch: at most
// maxBatch writes that each change a few dozen pages. A write that may change
// any number of pages (a bulk import, a migration, an erasure over a whole
// consultation: writeAlone) never shares a batch: it runs in a transaction
// of its own with no savepoint, and with temporary storage in files, so its
// statement journals spill to disk instead of growing the heap.

// maxBatch bounds the writes of one transaction, so that a flood of writes
// cannot hold readers' view of the log back for long.
const maxBatch = 256

// writeReq is one queued write.
type writeReq struct {
	ctx   context.Context
	fn    func(ctx context.Context, tx *sql.Tx) error
	done  chan error
	alone bool // runs in a transaction of its own (writeAlone)
}

// writer is the one writing goroutine and its queue.
type writer struct {
	conn  *sql.Conn
	queue chan *writeReq
	stmts *stmtCache

	batches, writes atomic.Int64

	// restartWanted is set by checkpointer when the log is long; restarts
	// counts the log's restarts (restartLog).
	restartWanted atomic.Bool
	restarts      atomic.Int64

	// tempInMemory is the connection's temp_store as last set (only the
	// writer goroutine touches it).
	tempInMemory bool
	// pending are the report counters of the batch's committed writes,
	// written just before it commits (reportdeltas.go); fault is the
	// store's fault hook, asked before that write too.
	pending reportDeltas
	fault   func(op string) error

	mu      sync.Mutex
	stopped bool
	quit    chan struct{}
	exited  chan struct{}
}

// errClosed answers writes asked for after Close.
var errClosed = errors.New("sqlite: database closed")

func startWriter(ctx context.Context, db *sql.DB, fault func(op string) error) (*writer, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlite: writer connection: %w", err)
	}
	// The writer checkpoints nothing itself: a checkpoint in the commit
	// path (SQLite's default every 1000 pages) stalls every write queued
	// behind it; checkpointer does it beside the writer instead.
	if _, err := conn.ExecContext(ctx, "PRAGMA wal_autocheckpoint = 0"); err != nil {
		conn.Close()
		return nil, fmt.Errorf("sqlite: writer connection: %w", err)
	}
	w := &writer{conn: conn, queue: make(chan *writeReq, 4*maxBatch), stmts: newStmtCache(db),
		quit: make(chan struct{}), exited: make(chan struct{}), pending: reportDeltas{}, fault: fault}
	go w.loop()
	return w, nil
}

// WriteStats says how many write transactions (batches) the writer has
// committed or tried, and how many writes they held: writes/batches is the
// group commit's average batch.
func (db *DB) WriteStats() (batches, writes int64) {
	return db.writes.batches.Load(), db.writes.writes.Load()
}

// do queues fn and waits for the commit of its batch. A context that ends
// while the write waits in the queue withdraws it; once its batch has
// begun, the write runs to its end: fn is given ctx without its
// cancellation, and must write with it (an interrupted INSERT would make
// SQLite roll back the batch's whole transaction).
func (w *writer) do(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return w.enqueue(&writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)})
}

// doAlone is do for a write that may change any number of pages: it never
// shares its transaction (see the package comment above maxBatch).
func (w *writer) doAlone(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return w.enqueue(&writeReq{ctx: ctx, fn: fn, done: make(chan error, 1), alone: true})
}

func (w *writer) enqueue(req *writeReq) error {
	ctx := req.ctx
	w.mu.Lock()
	stopped := w.stopped
	w.mu.Unlock()
	if stopped {
		return apperr.Wrap(errClosed, "sqlite: write")
	}
	select {
	case w.queue <- req:
	case <-ctx.Done():
		return apperr.Wrap(ctx.Err(), "sqlite: wait to write")
	case <-w.quit:
		return apperr.Wrap(errClosed, "sqlite: write")
	}
	return <-req.done
}

// stop ends the writer after the writes already queued, then releases its
// connection.
func (w *writer) stop() {
	w.mu.Lock()
	if w.stopped {
		w.mu.Unlock()
		return
	}
	w.stopped = true
	close(w.quit)
	w.mu.Unlock()
	<-w.exited
}

func (w *writer) loop() {
	defer close(w.exited)
	defer w.conn.Close()
	defer w.stmts.close()
	batch := make([]*writeReq, 0, maxBatch)
	var held *writeReq // a write alone that ended the last batch's filling
	for {
		first := held
		held = nil
		if first == nil {
			select {
			case first = <-w.queue:
			case <-w.quit:
				// Answer what is still queued, then stop.
				for {
					select {
					case r := <-w.queue:
						w.run([]*writeReq{r})
					default:
						return
					}
				}
			}
		}
		batch = append(batch[:0], first)
	fill:
		for !first.alone && len(batch) < maxBatch {
			select {
			case r := <-w.queue:
				if r.alone {
					held = r
					break fill
				}
				batch = append(batch, r)
			default:
				break fill
			}
		}
		w.run(batch)
		if w.restartWanted.CompareAndSwap(true, false) {
			w.restartLog()
		}
	}
}

// run commits one batch and answers each of its writes.
func (w *writer) run(batch []*writeReq) {
	live := batch[:0:0]
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.done <- apperr.Wrap(err, "sqlite: wait to write")
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	w.batches.Add(1)
	w.writes.Add(int64(len(live)))
	ctx := context.Background()
	// A shared batch's sub-journal in memory; a write alone's temporary
	// storage in files (see the package comment above maxBatch). temp_store
	// is read when a transaction begins, so it is set before BeginTx.
	inMemory := !live[0].alone
	if inMemory != w.tempInMemory {
		mode := "FILE"
		if inMemory {
			mode = "MEMORY"
		}
		if _, err := w.conn.ExecContext(ctx, "PRAGMA temp_store = "+mode); err != nil {
			for _, r := range live {
				r.done <- apperr.Wrap(err, "sqlite: temp_store")
			}
			return
		}
		w.tempInMemory = inMemory
	}
	tx, err := w.conn.BeginTx(ctx, nil)
	if err != nil {
		for _, r := range live {
			r.done <- apperr.Wrap(err, "sqlite: begin")
		}
		return
	}
	results := make([]error, len(live))
	lost := error(nil) // the transaction itself failed
	if len(live) == 1 {
		// A write alone needs no savepoint: if it fails, the whole
		// transaction is rolled back, which is all it wrote.
		if results[0] = live[0].fn(context.WithoutCancel(live[0].ctx), tx); results[0] != nil {
			lost = results[0]
		}
	} else {
		for i, r := range live {
			if _, err := tx.ExecContext(ctx, "SAVEPOINT write"); err != nil {
				lost = err
				break
			}
			results[i] = r.fn(context.WithoutCancel(r.ctx), tx)
			if results[i] != nil {
				if _, err := tx.ExecContext(ctx, "ROLLBACK TO write"); err != nil {
					lost = err
					break
				}
			}
			if _, err := tx.ExecContext(ctx, "RELEASE write"); err != nil {
				lost = err
				break
			}
		}
	}
	if lost == nil {
		lost = flushReportDeltas(ctx, tx, w.stmts, w.fault, w.pending)
	}
	if lost == nil {
		lost = tx.Commit()
	} else {
		_ = tx.Rollback()
	}
	clear(w.pending)
	for i, r := range live {
		switch {
		case results[i] != nil:
			r.done <- results[i]
		case lost != nil:
			r.done <- apperr.Wrap(lost, "sqlite: commit")
		default:
			r.done <- nil
		}
	}
}

// stmtCache keeps the writer's statements prepared: SQLite spends as long
// compiling a small INSERT as running it. Statements are prepared on the
// writer's connection and bound to each transaction (sql.Tx.StmtContext).
// Texts built for a number of values (IN lists, multi-row INSERTs) are
// cached too, up to maxStmts distinct texts; beyond that they are compiled
// each time.
type stmtCache struct {
	db *sql.DB
	m  map[string]*sql.Stmt
}

const maxStmts = 512

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}}
}

// in returns query's statement bound to tx, or nil to run query unprepared.
// Only the writer goroutine calls it.
func (c *stmtCache) in(ctx context.Context, tx *sql.Tx, query string) *sql.Stmt {
	st, ok := c.m[query]
	if !ok {
		if len(c.m) >= maxStmts {
			return nil
		}
		var err error
		// Prepared on the pool (not on the connection): sql.Tx.StmtContext
		// reuses a pool statement's driver statement on the connection it
		// was prepared on, but prepares a connection's statement again.
		if st, err = c.db.PrepareContext(ctx, query); err != nil {
			return nil // the statement itself reports the error
		}
		c.m[query] = st
	}
	return tx.StmtContext(ctx, st)
}

func (c *stmtCache) close() {
	for _, st := range c.m {
		st.Close()
	}
}

// checkpointEvery is how often checkpointer copies the log into the
// database file.
const checkpointEvery = 500 * time.Millisecond

// The log is restarted (written again from its start) only when a write
// begins while the whole log has been copied into the database and no
// reader still reads from the log. Under a steady load of writes and reads
// that moment never comes, so with PASSIVE checkpoints alone the log grew
// without bound: 5 GB beside a 778 MB database in one isolation run, every
// frame already copied, and writes and reads slowed as it grew. So when a
// passive checkpoint has left at most walRestartBacklog frames to copy and
// the log holds more than walRestartFrames, checkpointer asks the writer for a RESTART
// checkpoint between two batches (writer.restartLog): it copies what was
// written since and waits for the readers of the log to finish, so that the
// next write starts the log afresh (and truncates the file to walSizeLimit,
// the journal_size_limit set in Open). It waits at most walRestartWait for
// the readers and then gives up until the next tick, so writes never wait
// longer than that plus the copy for it. (A test lowers one DB's
// walRestartFrames.)
const (
	walRestartFrames = 16384 // 64 MiB of 4 KiB pages
	walRestartWait   = 20 * time.Millisecond
)

// walRestartBacklog: the writer is asked to restart the log only when the
// passive checkpoint left at most this many frames to copy, so that the
// copy the restart does on the writer's connection is short (16 MiB at
// most); after a bulk import's commit the passive checkpoints copy the bulk
// of it first, beside the writer.
const walRestartBacklog = 4096

// walSizeLimit is the journal_size_limit: the size the log file is cut to
// when it is restarted.
const walSizeLimit = 64 << 20

// checkpointer copies the write-ahead log back into the database file in
// the background (PASSIVE: it never waits for, nor blocks, the writer or the
// readers), so that the log stays short without a checkpoint in any
// commit's path, and restarts a long log (see walRestartFrames). It stops
// when ctx ends.
func (db *DB) checkpointer(ctx context.Context) {
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			var busy, frames, copied int64
			err := db.sql.DB.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied)
			if err == nil && frames > db.walRestartFrames.Load() && frames-copied <= walRestartBacklog {
				db.writes.restartWanted.Store(true)
			}
		}
	}
}

// WALRestarts says how many times the log has been restarted.
func (db *DB) WALRestarts() int64 { return db.writes.restarts.Load() }

// restartLog runs a RESTART checkpoint on the writer's connection, between
// two batches: no write of ours holds the write lock then, so the
// checkpoint gets it at once (from another connection it almost never got
// it between two batches). It waits at most walRestartWait for the log's
// readers, then gives up until checkpointer asks again.
func (w *writer) restartLog() {
	ctx := context.Background()
	if _, err := w.conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", walRestartWait.Milliseconds())); err != nil {
		return
	}
	defer w.conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", busyTimeout.Milliseconds()))
	var busy, frames, copied int64
	if err := w.conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(RESTART)").Scan(&busy, &frames, &copied); err == nil && busy == 0 {
		w.restarts.Add(1)
	}
}
