package sqlite

import (
	"testing"

	"yugongkai/comments"
	"yugongkai/storetest"
)

func TestCommentsContract(t *testing.T) {
	storetest.RunComments(t, func(t *testing.T) comments.Store { return OpenTemp(t).Comments() })
}

// TestAtomic: every command takes full effect or none whichever write fails,
// and racing commands leave a consistent record (storetest.RunAtomic).
func TestAtomic(t *testing.T) {
	storetest.RunAtomic(t, func(t *testing.T, f *storetest.Faults) storetest.AtomicStores {
		db := OpenTemp(t, WithFaults(f.Hook))
		return storetest.AtomicStores{Auth: db.Auth(), Consultations: db.Consultations(), Comments: db.Comments(), Queue: db.Search(), Outbox: db, AllPairs: true, Blobs: db.Blobs(),
			Surveys: db.Surveys()}
	})
}
