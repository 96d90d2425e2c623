// Package mongodb implements the auth, consultation and comment stores on
// MongoDB with the official v2 driver.
//
// # One write per command: the commit log
//
// The store never uses multi-document transactions, so it also runs on
// servers that lack them (FerretDB, used by the tests). A command's change
// (consultation.Change, comments.Change) is committed by inserting ONE
// document: the next record of the consultation's log in the collection
// commits, _id "<consultation id>/<seq>". The record holds every write the
// change makes, computed in full when it is built: the new consultation
// document, versions, events, comment documents, and the final state of the
// comment groups and per-article counters it touches. The unique _id makes
// two writers of the same seq a conflict; the loser reads the log again and
// re-checks its change (ErrStale if the consultation moved). The checks —
// Rev, event seqs, version numbers, comment status — are made against the
// projections after every earlier record has been applied, so a record is
// only ever written on top of the state it was checked against.
//
// Applying a record (Commit does it at once; reads, Repair and the next
// commit do it after a crash) replays its writes in order. Every projection
// document carries the log position (seq, write) that last wrote it, and
// every write is filtered by "applied before this position", so replaying
// is a no-op and a slow second applier never overwrites a later state.
// Records are applied strictly in seq order per consultation. Once a
// record is inserted the command has happened: a failure while applying is
// logged and rolled forward later.
//
// Keys unique across consultations — receipt codes, 文号, 统一登记编号 — are
// reserved in the collection claims before the record is written, so a
// projection write can never hit a unique index after the commit (which
// would wedge the log). docs/COMMIT-mongodb.md gives the whole protocol.
//
// Consultation reads (Consultation, Version, Versions, Events, by number)
// first roll the consultation's log forward; comment and group reads and
// the lists do not, and may trail an interrupted commit until the next
// commit, read or Repair of that consultation.
//
// # Durability
//
// Writes use write concern majority with journaling by default
// (see WithWriteConcern), so an acknowledged write survives the loss of the
// primary of a replica set.
package mongodb

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/vcode"
)

// DefaultDatabase is the database used when the URI names none.
const DefaultDatabase = "yugongkai"

// Collection names.
const (
	departmentsCollection   = "departments"
	usersCollection         = "users"
	consultationsCollection = "consultations"
	versionsCollection      = "versions"
	eventsCollection        = "events"
	settingsCollection      = "settings"
	commitsCollection       = "commits" // the per-consultation commit log, see commit.go
	claimsCollection        = "claims"  // keys reserved by commits in flight, see claims.go
)

// DB is a MongoDB database holding every collection of the application.
// It implements auth.Store and consultation.Store and is safe for
// concurrent use.
type DB struct {
	client *mongo.Client
	db     *mongo.Database

	departments   *mongo.Collection
	users         *mongo.Collection
	consultations *mongo.Collection
	versions      *mongo.Collection
	events        *mongo.Collection
	settings      *mongo.Collection
	commits       *mongo.Collection
	claims        *mongo.Collection

	now   func() time.Time
	log   *slog.Logger
	fault func(op string) error // tests only, see WithFaults

	// locks serialize the commits of one consultation within the process
	// (striped by id), so one instance does not race itself for a seq.
	locks [64]sync.Mutex

	// batch queues submissions to share a commit record (batch.go).
	batch      batcher
	noBatching bool

	// contactKeys hashes the comments' contacts for their index
	// (contactkeys.go), under the key kept in the settings.
	contactKeys vcode.Hasher
}

var (
	_ auth.Store         = (*DB)(nil)
	_ consultation.Store = (*DB)(nil)
)

type config struct {
	database     string
	writeConcern *writeconcern.WriteConcern
	now          func() time.Time
	log          *slog.Logger
	fault        func(op string) error
	noBatching   bool
}

// Option configures Open.
type Option func(*config)

// WithDatabase selects the database, overriding the path of the URI.
func WithDatabase(name string) Option {
	return func(c *config) { c.database = name }
}

// WithWriteConcern replaces the default write concern (majority, journaled).
// A nil wc leaves the write concern to the URI (w=…, journal=…) and the
// server's default.
func WithWriteConcern(wc *writeconcern.WriteConcern) Option {
	return func(c *config) { c.writeConcern = wc }
}

// WithFaults makes every write of a commit — claims, the log record and
// each write applying it, in Commit, in reads that roll forward and in
// Repair — first call fault with the operation ("insert commits", "update
// comments", …); an error aborts the commit right there, as a crash would.
// Tests use it to fail the k-th write of a command.
func WithFaults(fault func(op string) error) Option {
	return func(c *config) { c.fault = fault }
}

// WithClock sets the clock that dates claims and log records (time.Now by
// default); tests move it past the claim lease.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// WithLogger sets where a commit that could not be applied at once is
// reported (slog.Default by default).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.log = l }
}

// DurableWriteConcern is the default write concern: acknowledged by a
// majority of the replica set and written to the journal.
func DurableWriteConcern() *writeconcern.WriteConcern {
	wc := writeconcern.Majority()
	journal := true
	wc.Journal = &journal
	return wc
}

// Open connects to the MongoDB server at uri and creates the indexes the
// store needs if they are missing. The database is the path of the URI
// ("mongodb://host/dbname"), DefaultDatabase if it has none, unless
// WithDatabase names another.
func Open(ctx context.Context, uri string, opts ...Option) (*DB, error) {
	cfg := config{writeConcern: DurableWriteConcern(), now: time.Now, log: slog.Default()}
	for _, o := range opts {
		o(&cfg)
	}
	cs, err := connstring.ParseAndValidate(uri)
	if err != nil {
		return nil, fmt.Errorf("mongodb: parse uri: %w", err)
	}
	name := cfg.database
	if name == "" {
		name = cs.Database
	}
	if name == "" {
		name = DefaultDatabase
	}

	// The driver's defaults already give what the domain round trips need:
	// times decode as UTC (BSON datetimes keep milliseconds, the precision
	// the domain truncates to), nil slices and maps are stored as null and
	// decode as nil, empty ones decode as empty. They are spelled out so a
	// change of default cannot slip in unnoticed.
	copts := options.Client().ApplyURI(uri).SetBSONOptions(&options.BSONOptions{
		UseLocalTimeZone: false,
		NilSliceAsEmpty:  false,
		NilMapAsEmpty:    false,
	})
	client, err := mongo.Connect(copts)
	if err != nil {
		return nil, fmt.Errorf("mongodb: connect: %w", err)
	}
	dbOpts := options.Database()
	if cfg.writeConcern != nil {
		dbOpts.SetWriteConcern(cfg.writeConcern)
	}
	mdb := client.Database(name, dbOpts)
	db := &DB{
		client:        client,
		db:            mdb,
		departments:   mdb.Collection(departmentsCollection),
		users:         mdb.Collection(usersCollection),
		consultations: mdb.Collection(consultationsCollection),
		versions:      mdb.Collection(versionsCollection),
		events:        mdb.Collection(eventsCollection),
		settings:      mdb.Collection(settingsCollection),
		commits:       mdb.Collection(commitsCollection),
		claims:        mdb.Collection(claimsCollection),
		now:           cfg.now,
		log:           cfg.log,
		fault:         cfg.fault,
		batch:         batcher{queues: map[string][]*batchReq{}, leading: map[string]bool{}},
		noBatching:    cfg.noBatching,
	}
	if err := db.ensureIndexes(ctx); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("mongodb: create indexes in %s: %w", name, err)
	}
	if err := db.openContactKeys(ctx); err != nil { // contactkeys.go
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("mongodb: contact keys in %s: %w", name, err)
	}
	return db, nil
}

// Name returns the name of the database.
func (db *DB) Name() string { return db.db.Name() }

// Close disconnects from the server.
func (db *DB) Close(ctx context.Context) error {
	return db.client.Disconnect(ctx)
}

// Ping reports whether the primary is reachable.
func (db *DB) Ping(ctx context.Context) error {
	return storeErr(db.client.Ping(ctx, nil), "ping")
}

// storeErr maps driver errors to domain errors: no document is NotFound, a
// duplicate key is Conflict, anything else is Internal with the cause kept
// for the logs.
func storeErr(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return apperr.ErrNotFound
	case isDuplicateKey(err):
		return apperr.ErrConflict
	}
	return apperr.Wrap(err, "mongodb: "+what)
}

// isDuplicateKey reports whether err is a unique index violation. MongoDB
// reports them with code 11000 (and kin). FerretDB v1 does so for inserts,
// but an update that violates a unique index comes back as InternalError
// carrying SQLite's message, which is recognised here.
func isDuplicateKey(err error) bool {
	if mongo.IsDuplicateKeyError(err) {
		return true
	}
	var se mongo.ServerError
	return errors.As(err, &se) && se.HasErrorMessage("UNIQUE constraint failed")
}

// exists reports whether coll holds a document matching filter.
func exists(ctx context.Context, coll *mongo.Collection, filter any) (bool, error) {
	err := coll.FindOne(ctx, filter, options.FindOne().SetProjection(map[string]int{"_id": 1})).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, apperr.Wrap(err, "mongodb: find "+coll.Name())
	}
	return true, nil
}

// write is called before every write of the commit and apply paths; it
// returns the injected fault, if any (WithFaults).
func (db *DB) write(op string) error {
	if db.fault == nil {
		return nil
	}
	if err := db.fault(op); err != nil {
		return apperr.Wrap(err, "mongodb: "+op)
	}
	return nil
}

// lock takes the in-process lock of consultation id and returns its unlock.
func (db *DB) lock(id string) func() {
	h := fnv.New32a()
	h.Write([]byte(id))
	mu := &db.locks[h.Sum32()%uint32(len(db.locks))]
	mu.Lock()
	return mu.Unlock
}
