package mongodb_test

import (
	"testing"

	"yugongkai/mongodb"
	"yugongkai/mongodb/mongotest"
	"yugongkai/storetest"
)

// TestAtomic runs the atomicity contract (storetest.RunAtomic): every command
// with each of its writes failing in turn, then the log rolled forward as a
// restart does (Repair); and racing commands on one consultation.
func TestAtomic(t *testing.T) {
	for _, target := range mongotest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			storetest.RunAtomic(t, func(t *testing.T, f *storetest.Faults) storetest.AtomicStores {
				db := mongotest.OpenURI(t, target.URI, mongodb.WithFaults(f.Hook))
				// Races run once each. On a real MongoDB every pair of
				// commands of a stage races (AllPairs); on FerretDB, which
				// scans, the listed pairs (storetest races): the 168 pairs
				// of every stage took most of the package's 24 minutes.
				// SQLite races every pair on each run (sqlite/comments_test.go).
				return storetest.AtomicStores{Auth: db, Consultations: db, Comments: db.Comments(), Queue: db.Search(), IndexAtLeastOnce: true, Outbox: db, RaceTrials: 1, AllPairs: target.Name != "ferretdb", Blobs: db.Blobs(),
					Surveys:  db.Surveys(),
					Snapshot: func(t *testing.T) func(t *testing.T) { return mongodb.Snapshot(t, db) },
					Recover: func(t *testing.T) {
						if _, err := db.Repair(ctx); err != nil {
							t.Fatalf("Repair: %v", err)
						}
					}}
			})
		})
	}
}
