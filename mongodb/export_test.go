package mongodb

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Snapshot saves every document of every collection of db and returns a
// function that puts them back (for storetest.AtomicStores.Snapshot).
func Snapshot(t *testing.T, db *DB) func(t *testing.T) {
	ctx := context.Background()
	names, err := db.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	saved := map[string][]any{}
	for _, n := range names {
		cur, err := db.db.Collection(n).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		var docs []bson.Raw
		if err := cur.All(ctx, &docs); err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			saved[n] = append(saved[n], d)
		}
	}
	return func(t *testing.T) {
		now, err := db.db.ListCollectionNames(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range now {
			if _, err := db.db.Collection(n).DeleteMany(ctx, bson.D{}); err != nil {
				t.Fatal(err)
			}
			if docs := saved[n]; len(docs) > 0 {
				if _, err := db.db.Collection(n).InsertMany(ctx, docs); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// DropReportCounts deletes the report counters of a consultation, as a
// database from before them holds it.
func DropReportCounts(t *testing.T, db *DB, consultationID string) {
	t.Helper()
	_, err := db.db.Collection(reportCountsCollection).DeleteOne(context.Background(), bson.D{{Key: "_id", Value: consultationID}})
	if err != nil {
		t.Fatal(err)
	}
}

// SetNearChunkBytes bounds the chunks of stored near-duplicate proposals
// to n encoded bytes for the rest of t.
func SetNearChunkBytes(t *testing.T, n int) {
	old := nearChunkBytes
	nearChunkBytes = n
	t.Cleanup(func() { nearChunkBytes = old })
}
