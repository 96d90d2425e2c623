// Package sqlite is the embedded default store: it implements auth.Store and
// consultation.Store over one SQLite database file, using the pure-Go driver
// modernc.org/sqlite (no cgo).
//
// Each domain store is a small type over the shared *DB, returned by an
// accessor ([DB.Auth], [DB.Consultations]), so that stores added later (the
// comments store) cannot collide on method names and each lives in its own
// file with its own migration.
//
// # Connections
//
// The database runs in WAL mode: readers never block the writer and the
// writer never blocks readers. One *sql.DB holds a small pool of connections
// (see [WithMaxConns]). Reads run on any connection in parallel. Writes are
// serialized inside the process: one writer goroutine owns one connection
// (its page cache stays warm) and commits queued writes in batches, each
// write in a savepoint of its own (group commit, see groupcommit.go). Every
// write transaction starts with BEGIN IMMEDIATE
// (_txlock=immediate), so a write transaction never has to upgrade a read
// lock — the case in which SQLite fails at once with SQLITE_BUSY instead of
// waiting. busy_timeout (5 s) remains for locks held by other processes, such
// as a backup run with the sqlite3 shell.
//
// # Durability
//
// synchronous=FULL makes SQLite fsync the WAL on every commit, so a
// committed write — a comment for which a receipt was shown — survives a
// power cut, not only a crash of the process. A write returns only after the
// commit of its batch.
//
// # Storage shape
//
// A consultation or a version is stored as the encoding/json encoding of the
// domain struct in a "record" column, next to indexed columns holding only
// what is filtered, sorted or made unique. Times in columns are UTC text in
// a fixed-width layout, so text order is time order. Users and events are
// stored field by field: auth.User hides its password hash from JSON, and
// event payloads must come back byte for byte as they were hashed.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"yugongkai/apperr"
	"yugongkai/vcode"
)

// FileName is the name of the database file inside the data directory.
const FileName = "yugongkai.db"

// DB is an open database. It is safe for concurrent use.
// busyTimeout is every connection's busy_timeout: how long a statement
// waits for a lock another connection or process holds.
const busyTimeout = 5 * time.Second

type DB struct {
	sql  *readPool
	path string
	now  func() time.Time

	// writes is the one writer: it runs queued writes in batches on its own
	// connection (group commit).
	writes *writer

	// fault, when set (tests only, WithFaults), is asked before every
	// statement that writes inside a commit and fails it with its error.
	fault func(op string) error

	// noLog skips the comments' transparency log (benchmark baseline only).
	noLog bool

	// contactKeys hashes the comments' contacts for their index
	// (contactkeys.go), under the key migration 0023 made.
	contactKeys vcode.Hasher

	// stopBackground ends the checkpointer.
	stopBackground context.CancelFunc

	// walRestartFrames is the log's length (frames) from which the writer
	// is asked to restart it (groupcommit.go).
	walRestartFrames atomic.Int64
}

// Option configures Open.
type Option func(*options)

type options struct {
	maxConns int
	now      func() time.Time
	bulk     bool
	fault    func(op string) error
}

// WithFaults makes every write statement of a commit first call fault with
// the statement; an error fails the statement (and so rolls the commit
// back). Tests use it to fail the k-th write of a command.
func WithFaults(fault func(op string) error) Option {
	return func(o *options) { o.fault = fault }
}

// WithBulkLoad turns off fsync at commit (synchronous=OFF) for loading
// benchmark and test fixtures quickly. Never use it for real data: a crash
// may lose writes that were acknowledged, receipts included.
func WithBulkLoad() Option {
	return func(o *options) { o.bulk = true }
}

// WithMaxConns sets how many connections the pool may open (at least 2:
// one for the writer and one for readers). The default is the number of
// CPUs plus one, at least 4; more connections only help concurrent reads.
func WithMaxConns(n int) Option {
	return func(o *options) { o.maxConns = max(n, 2) }
}

// WithClock sets the clock that stamps applied migrations. It defaults to
// time.Now.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// Open creates the data directory dir (mode 0700) if needed, opens or
// creates dir/yugongkai.db and applies the migrations it has not applied
// yet. The caller must Close the DB.
func Open(ctx context.Context, dir string, opts ...Option) (*DB, error) {
	o := options{maxConns: max(runtime.NumCPU()+1, 4), now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	if dir == "" {
		return nil, errors.New("sqlite: no data directory")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: create data directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	// The driver splits the DSN at the first '?', so the path must not hold one.
	if strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("sqlite: data directory %q contains '?'", dir)
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", fmt.Sprintf("journal_size_limit(%d)", walSizeLimit))
	if o.bulk {
		q.Add("_pragma", "synchronous(OFF)")
	} else {
		q.Add("_pragma", "synchronous(FULL)")
	}
	q.Add("_pragma", "foreign_keys(ON)")
	q.Set("_txlock", "immediate")
	sqlDB, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	sqlDB.SetMaxOpenConns(o.maxConns)
	sqlDB.SetMaxIdleConns(o.maxConns)
	// Connections are cheap to keep and costly to reopen (each re-runs the
	// pragmas and loses its page cache), so they are never retired.
	sqlDB.SetConnMaxLifetime(0)
	sqlDB.SetConnMaxIdleTime(0)

	db := &DB{sql: newReadPool(sqlDB), path: path, now: o.now, fault: o.fault}
	if db.writes, err = startWriter(ctx, sqlDB, o.fault); err != nil {
		sqlDB.Close()
		return nil, err
	}
	bg, stop := context.WithCancel(context.Background())
	db.stopBackground = stop
	db.walRestartFrames.Store(walRestartFrames)
	go db.checkpointer(bg)
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.openContactKeys(ctx); err != nil { // contactkeys.go
		db.Close()
		return nil, err
	}
	if err := db.rebuildSearch(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close stops the writer and closes every connection. Pending writes have
// committed or failed by the time their calls returned, so nothing is lost;
// a write asked for after Close fails.
func (db *DB) Close() error {
	db.stopBackground()
	db.writes.stop()
	return db.sql.Close()
}

// Path returns the path of the database file.
func (db *DB) Path() string { return db.path }

// Ping reports whether the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.sql.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return apperr.Wrap(err, "sqlite: ping")
	}
	return nil
}

// write runs fn in a write transaction and returns once its effect is
// durable, or nothing of it is stored: fn's error is returned unchanged (fn
// classifies it). Writes are group-committed (see groupcommit.go): fn may
// share one transaction, and so one fsync, with writes queued at the same
// moment, inside a savepoint of its own.
func (db *DB) write(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return db.writes.do(ctx, fn)
}

// writeAlone is write for a write that may change any number of pages (a
// bulk import, a migration, a rebuild): it commits in a transaction of its
// own, not shared with other writes (groupcommit.go).
func (db *DB) writeAlone(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return db.writes.doAlone(ctx, fn)
}

// txn is a write transaction of a commit: its ExecContext passes through
// the fault hook. Commit code writes only through ExecContext.
type txn struct {
	*sql.Tx
	fault func(op string) error
	noLog bool
	stmts *stmtCache
	keys  vcode.Hasher // of the comments' contacts (contactkeys.go)
	// bound holds the writer's statements as bound to this transaction,
	// once each: sql.Tx.StmtContext makes a new statement at every call and
	// keeps it until the transaction ends (a 100,000-row import would hold
	// hundreds of thousands).
	bound map[string]*sql.Stmt
	// inserted are the report counters of the comments this write
	// inserted (reportdeltas.go).
	inserted reportDeltas
}

// stmt returns query's prepared statement bound to t, or nil.
func (t *txn) stmt(ctx context.Context, query string) *sql.Stmt {
	if st, ok := t.bound[query]; ok {
		return st
	}
	st := t.stmts.in(ctx, t.Tx, query)
	if st != nil {
		if t.bound == nil {
			t.bound = map[string]*sql.Stmt{}
		}
		t.bound[query] = st
	}
	return st
}

// ExecContext runs a write statement, failing it first if the hook says so.
func (t *txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if t.fault != nil {
		if err := t.fault(query); err != nil {
			return nil, err
		}
	}
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

// QueryRowContext runs a one-row query of the commit with a prepared statement.
func (t *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

// queryContext runs a query of the commit with a prepared statement.
func (t *txn) queryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

// commitTx runs fn in one write transaction (see write) as a txn; alone
// for a change that may touch any number of pages (writeAlone).
func (db *DB) commitTx(ctx context.Context, alone bool, fn func(ctx context.Context, t *txn) error) error {
	write := db.write
	if alone {
		write = db.writeAlone
	}
	return write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		t := &txn{Tx: tx, fault: db.fault, noLog: db.noLog, stmts: db.writes.stmts, keys: db.contactKeys}
		if err := fn(ctx, t); err != nil {
			return err
		}
		// Only a write that succeeded counts its comments (reportdeltas.go);
		// this runs on the writer's goroutine, within its batch.
		db.writes.pending.merge(t.inserted)
		return nil
	})
}

// classify turns a driver error into a domain error: no row is NotFound, a
// UNIQUE or PRIMARY KEY violation is Conflict, a FOREIGN KEY violation is
// NotFound (the record referred to is absent), anything else Internal.
// what says what was being done, for the logs.
func classify(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: %s: %w", what, apperr.ErrNotFound)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("sqlite: %s: %v: %w", what, err, apperr.ErrConflict)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("sqlite: %s: %v: %w", what, err, apperr.ErrNotFound)
		}
	}
	return apperr.Wrap(err, "sqlite: "+what)
}

// timeLayout writes times as fixed-width UTC text with nanoseconds, so that
// comparing two texts compares the instants and a round trip is exact.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// formatTime returns t as stored in a time column.
func formatTime(t time.Time) string {
	return t.UTC().Format(timeLayout)
}

// formatTimePtr returns t as stored in a nullable time column.
func formatTimePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return formatTime(*t)
}

// parseTime reads a time column back as a UTC time.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

// Checkpoint copies the write-ahead log into the database file and truncates
// it (PRAGMA wal_checkpoint(TRUNCATE)). SQLite checkpoints on its own; this
// is for after a bulk load, so that reads do not wade through a large log.
func (db *DB) Checkpoint(ctx context.Context) error {
	_, err := db.sql.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}
