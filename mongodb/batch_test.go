package mongodb_test

import (
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/mongodb"
	"yugongkai/mongodb/mongotest"
	"yugongkai/storetest"
	"yugongkai/translog"
)

// TestBatchedSubmissions submits comments to one consultation from many
// goroutines at once: those that queue behind a commit in flight share a
// record (batch.go). Every good submission is stored once with its own leaf,
// the groups, counters and log are exact, and the bad ones — a second use of
// an idempotency key, a receipt another comment holds — are refused alone,
// their batch committed without them.
func TestBatchedSubmissions(t *testing.T) {
	db := mongotest.OpenURI(t, mongotest.Start(t))
	c, v := storetest.NewConsultation(t, "d1", storetest.T0)
	mustCommit(t, create(db, c, v))
	taken := comment(c.ID, "taken", "g0", comments.Published, 0)
	mustCommit(t, insertComments(t, db, taken))

	const n = 24
	var list []*comments.Comment
	for i := range n {
		cm := comment(c.ID, fmt.Sprintf("b%02d", i), fmt.Sprintf("g%d", i%3), comments.Published, time.Duration(i+1)*time.Millisecond)
		if i%4 == 1 {
			cm.Status, cm.ArticleID = comments.Pending, "art1"
		}
		list = append(list, cm)
	}
	list[5].IdempotencyKey, list[6].IdempotencyKey = "same-key", "same-key"
	list[9].Receipt = taken.Receipt

	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, n)
	for i, cm := range list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = submitRetry(db, c.ID, cm)
		}()
	}
	close(start)
	wg.Wait()

	stored := map[string]bool{"taken": true}
	for i, err := range errs {
		switch {
		case i == 9:
			if !errors.Is(err, comments.ErrDuplicateKey) {
				t.Errorf("comment with a taken receipt: %v, want ErrDuplicateKey", err)
			}
		case i == 5 || i == 6:
			if err == nil {
				stored[list[i].ID] = true
			} else if !errors.Is(err, comments.ErrDuplicateKey) {
				t.Errorf("comment %d sharing an idempotency key: %v, want success or ErrDuplicateKey", i, err)
			}
		case err != nil:
			t.Errorf("comment %d: %v", i, err)
		default:
			stored[list[i].ID] = true
		}
	}
	if stored[list[5].ID] == stored[list[6].ID] {
		t.Errorf("of two comments with one idempotency key, %v and %v stored; want exactly one", stored[list[5].ID], stored[list[6].ID])
	}

	s := readState(t, db, c.ID, []string{"g0", "g1", "g2"})
	checkConsistent(t, s)
	leaves := map[int64]string{}
	for _, cm := range s.Comments {
		if !stored[cm.ID] {
			t.Errorf("comment %s stored, but its submission was refused", cm.ID)
		}
		if other, dup := leaves[cm.LeafIndex]; dup {
			t.Errorf("leaf %d held by %s and %s", cm.LeafIndex, other, cm.ID)
		}
		leaves[cm.LeafIndex] = cm.ID
	}
	if len(s.Comments) != len(stored) {
		t.Errorf("%d comments stored, %d submissions accepted", len(s.Comments), len(stored))
	}
	size, err := db.Comments().LogSize(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range size {
		if leaves[i] == "" {
			t.Errorf("leaf %d of %d has no comment", i, size)
		}
	}
	// Every leaf is its comment's, and the stored tree hashes are the ones
	// the leaves give (the log as one record appended them).
	got, err := comments.TreeRoot(size, comments.HashReader(ctx, db.Comments(), c.ID))
	if err != nil {
		t.Fatal(err)
	}
	var hashes []tlog.Hash
	for i := range size {
		hashes = append(hashes, tlog.RecordHash(comments.LeafOf(byLeaf(s.Comments, i))))
	}
	root := translog.RootOfHashes(hashes)
	if want := hex.EncodeToString(root[:]); got != want {
		t.Errorf("tree root %s, recomputed from the comments %s", got, want)
	}
	records, batched := db.BatchStats()
	t.Logf("%d submissions, %d of them in %d shared records", n, batched, records)
	if records == 0 || batched <= records {
		t.Errorf("no submissions shared a record (%d records, %d submissions): the batch was never used", records, batched)
	}
}

func byLeaf(list []*comments.Comment, i int64) *comments.Comment {
	for _, cm := range list {
		if cm.LeafIndex == i {
			return cm
		}
	}
	return &comments.Comment{}
}

// TestBatchingCanBeOff: WithoutBatching commits each submission alone.
func TestBatchingCanBeOff(t *testing.T) {
	db := mongotest.OpenURI(t, mongotest.Start(t), mongodb.WithoutBatching())
	c, v := storetest.NewConsultation(t, "d1", storetest.T0)
	mustCommit(t, create(db, c, v))
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cm := comment(c.ID, fmt.Sprintf("o%d", i), "g", comments.Published, time.Duration(i)*time.Millisecond)
			if err := consultation.Retry(func() error { return insertComments(t, db, cm) }); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if records, _ := db.BatchStats(); records != 0 {
		t.Errorf("%d shared records without batching", records)
	}
}
