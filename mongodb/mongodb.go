// Package mongodb implements the auth and consultation stores on MongoDB
// with the official v2 driver.
//
// # No transactions
//
// The store never uses multi-document transactions, so it also runs on
// servers that lack them (FerretDB, used by the tests). Every write that
// must be atomic touches a single document; the rest is ordered so that a
// crash between two writes leaves the least harm:
//
//   - CreateConsultation inserts the first version before the consultation,
//     so a crash leaves at most an orphan version nobody can reach.
//   - UpdateConsultation first replaces the consultation under a
//     compare-and-swap on Rev, then appends the events. Because the CAS
//     serializes writers, only the winner writes the next seq. A crash (or
//     an event refused as a duplicate) after the replace leaves the state
//     change stored with an event missing; history.Verify of the chain
//     reports the gap against the consultation's HistorySeq.
//
// Transactional reports false so callers (and the contract tests) know.
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

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
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
}

var (
	_ auth.Store         = (*DB)(nil)
	_ consultation.Store = (*DB)(nil)
)

type config struct {
	database     string
	writeConcern *writeconcern.WriteConcern
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
	cfg := config{writeConcern: DurableWriteConcern()}
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
	}
	if err := db.ensureIndexes(ctx); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("mongodb: create indexes in %s: %w", name, err)
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

// Transactional reports false: updates touching several documents are not
// atomic (see the package documentation).
func (db *DB) Transactional() bool { return false }

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
