package mongodb_test

import (
	"testing"

	"yugongkai/mongodb"
	"yugongkai/mongodb/mongotest"
	"yugongkai/storetest"
)

// TestAttachments: files stored as chunks with their comment, refused ones
// leave nothing, publish and restrict are atomic (storetest.RunAttachments).
func TestAttachments(t *testing.T) {
	for _, target := range mongotest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			storetest.RunAttachments(t, func(t *testing.T, f *storetest.Faults) storetest.AtomicStores {
				db := mongotest.OpenURI(t, target.URI, mongodb.WithFaults(f.Hook))
				return storetest.AtomicStores{Auth: db, Consultations: db, Comments: db.Comments(), Queue: db.Search(), Outbox: db, Blobs: db.Blobs(),
					Recover: func(t *testing.T) {
						if _, err := db.Repair(ctx); err != nil {
							t.Fatalf("Repair: %v", err)
						}
					}}
			})
		})
	}
}
