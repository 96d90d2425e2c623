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
				// Every pair of commands of a stage races (AllPairs), once
				// each: FerretDB scans, so more trials cost minutes.
				return storetest.AtomicStores{Auth: db, Consultations: db, Comments: db.Comments(), Queue: db.Search(), Outbox: db, RaceTrials: 1, AllPairs: true, Blobs: db.Blobs(),
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
