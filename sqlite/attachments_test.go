package sqlite

import (
	"testing"

	"yugongkai/storetest"
)

// TestAttachments: files stored with their comment, refused ones leave
// nothing, publish and restrict are atomic (storetest.RunAttachments).
func TestAttachments(t *testing.T) {
	storetest.RunAttachments(t, func(t *testing.T, f *storetest.Faults) storetest.AtomicStores {
		db := OpenTemp(t, WithFaults(f.Hook))
		return storetest.AtomicStores{Auth: db.Auth(), Consultations: db.Consultations(), Comments: db.Comments(), Queue: db.Search(), Outbox: db, Blobs: db.Blobs()}
	})
}
