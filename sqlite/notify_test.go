package sqlite

import (
	"testing"

	"yugongkai/storetest"
)

// TestOutbox: commands write their notifications in their commit, and the
// delivery worker's leases and outcomes (storetest.RunOutbox).
func TestOutbox(t *testing.T) {
	storetest.RunOutbox(t, func(t *testing.T, f *storetest.Faults) storetest.AtomicStores {
		db := OpenTemp(t, WithFaults(f.Hook))
		return storetest.AtomicStores{Auth: db.Auth(), Consultations: db.Consultations(), Comments: db.Comments(), Queue: db.Search(), Outbox: db}
	})
}
