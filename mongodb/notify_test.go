package mongodb_test

import (
	"testing"

	"yugongkai/mongodb"
	"yugongkai/mongodb/mongotest"
	"yugongkai/storetest"
)

// TestOutbox: commands write their notifications with their commit record,
// and the delivery worker's leases and outcomes (storetest.RunOutbox).
func TestOutbox(t *testing.T) {
	for _, target := range mongotest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			storetest.RunOutbox(t, func(t *testing.T, f *storetest.Faults) storetest.AtomicStores {
				db := mongotest.OpenURI(t, target.URI, mongodb.WithFaults(f.Hook))
				return storetest.AtomicStores{Auth: db, Consultations: db, Comments: db.Comments(), Queue: db.Search(), Outbox: db}
			})
		})
	}
}
