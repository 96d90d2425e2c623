package mongodb

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"sync/atomic"

	"yugongkai/comments"
	"yugongkai/consultation"
)

// Batched submissions: the MongoDB side of group commit (the SQLite store
// batches in its writer, sqlite/groupcommit.go).
//
// Every commit of a consultation serializes on its log: one record per
// command, each costing a roll-forward read, the record insert, the applying
// writes, the release of claims and the mark. Under a campaign, submissions
// queue behind the consultation's lock one at a time. Here, submissions that
// arrive while a commit of the same consultation is in flight wait in a
// queue; the submission that finds no commit in flight becomes the leader
// and commits everything queued at that moment (at most maxBatch) as ONE
// record: the comments are inserted by one unordered bulk insert, their
// groups and counters written once, their claims released at once. Each
// caller is answered only after that record is inserted, so a receipt still
// means the comment is committed.
//
// Only lone submissions are batched (batchable): a change that checks the
// consultation it read (CheckRev) and writes nothing but comment inserts,
// their index jobs, notifications and files. Such changes commute: merged,
// they plan and apply exactly as they would one after the other against the
// same Rev. If the merged record is refused because another command moved
// the Rev, every caller gets ErrStale (as each alone would) and reads
// again; if it is refused for another reason (a duplicate idempotency key
// or receipt, too large a record), its halves are committed on their own,
// down to single changes, so one bad submission never fails another and
// each caller gets its own answer.
// Changes that read another Rev, or share an idempotency key, receipt or
// comment id with one already in the batch, wait for the next batch.
//
// Batching is per process: several instances each batch their own callers,
// and their records serialize on the log as before.

// maxBatch bounds the submissions of one record, well under the record's
// size limit for comments of ordinary length (a larger merged change is
// refused with ErrChangeTooLarge and committed one by one).
const maxBatch = 64

// batchReq is one queued submission.
type batchReq struct {
	ch   *comments.Change
	done chan error
}

// batcher holds the queues of submissions by consultation.
type batcher struct {
	mu      sync.Mutex
	queues  map[string][]*batchReq
	leading map[string]bool

	records, batched atomic.Int64
}

// WithoutBatching commits every submission as a record of its own (the
// benchmark's baseline).
func WithoutBatching() Option {
	return func(c *config) { c.noBatching = true }
}

// BatchStats reports how many commit records carried merged submissions
// and how many submissions they carried.
func (db *DB) BatchStats() (records, submissions int64) {
	return db.batch.records.Load(), db.batch.batched.Load()
}

// mergeable are the fields a batchable change may set.
var mergeable = map[string]bool{"Consultation": true, "Write": true, "Index": true, "Notify": true, "Blobs": true,
	"Change": true, "Insert": true}

// batchable reports whether ch is a lone submission: every field but the
// mergeable ones is zero. New fields of either Change are not batchable
// until listed there.
func batchable(ch *comments.Change) bool {
	if ch.Consultation == nil || ch.Write != consultation.CheckRev || len(ch.Insert) == 0 {
		return false
	}
	return onlyMergeable(reflect.ValueOf(*ch)) && onlyMergeable(reflect.ValueOf(ch.Change))
}

func onlyMergeable(v reflect.Value) bool {
	t := v.Type()
	for i := range t.NumField() {
		if !mergeable[t.Field(i).Name] && !v.Field(i).IsZero() {
			return false
		}
	}
	return true
}

// commitBatched commits ch with the submissions of the same consultation
// queued beside it.
func (db *DB) commitBatched(ctx context.Context, ch *comments.Change) error {
	cid := ch.Consultation.ID
	r := &batchReq{ch: ch, done: make(chan error, 1)}
	b := &db.batch
	b.mu.Lock()
	b.queues[cid] = append(b.queues[cid], r)
	if b.leading[cid] {
		b.mu.Unlock()
		return <-r.done
	}
	b.leading[cid] = true
	b.mu.Unlock()
	// The leader commits for others too: its caller going away must not
	// cancel their commit.
	ctx = context.WithoutCancel(ctx)
	if db.lead(ctx, cid) {
		go func() {
			for db.lead(ctx, cid) {
			}
		}()
	}
	return <-r.done
}

// lead commits what is queued for cid now and reports whether more is
// queued; when nothing is, it gives up the lead.
func (db *DB) lead(ctx context.Context, cid string) bool {
	b := &db.batch
	b.mu.Lock()
	queue := b.queues[cid]
	n := min(len(queue), maxBatch)
	take := append([]*batchReq(nil), queue[:n]...)
	b.queues[cid] = append(queue[:0:0], queue[n:]...)
	b.mu.Unlock()

	db.commitMany(ctx, take)

	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.queues[cid]) > 0 {
		return true
	}
	delete(b.queues, cid)
	delete(b.leading, cid)
	return false
}

// commitMany commits list, merged where it can be, and answers each.
func (db *DB) commitMany(ctx context.Context, list []*batchReq) {
	for len(list) > 0 {
		merged, rest := pickMergeable(list)
		list = rest
		db.commitMerged(ctx, merged)
	}
}

// commitMerged commits list (changes that can share a record) as one
// record. If that is refused because the Rev moved, every change would be:
// each caller gets ErrStale and reads again. If it is refused for another
// reason — one change's duplicate key, a record too large — each half is
// tried on its own, down to single changes, so the good ones still share
// records and the bad one gets its own error.
func (db *DB) commitMerged(ctx context.Context, list []*batchReq) {
	if len(list) == 1 {
		r := list[0]
		r.done <- db.commit(ctx, &r.ch.Change, r.ch)
		return
	}
	c := *list[0].ch.Consultation
	all := &comments.Change{Change: consultation.Change{Consultation: &c, Write: consultation.CheckRev}}
	for _, r := range list {
		all.Insert = append(all.Insert, r.ch.Insert...)
		all.Index = append(all.Index, r.ch.Index...)
		all.Notify = append(all.Notify, r.ch.Notify...)
		all.Blobs = append(all.Blobs, r.ch.Blobs...)
	}
	err := db.commit(ctx, &all.Change, all)
	switch {
	case err == nil:
		db.batch.records.Add(1)
		db.batch.batched.Add(int64(len(list)))
		// The inserted comments are the callers' own (Change.Insert holds
		// their pointers): done has given them their group and
		// disposition; the Rev of a CheckRev is unchanged.
		for _, r := range list {
			r.ch.Consultation.Rev = c.Rev
			r.done <- nil
		}
	case errors.Is(err, consultation.ErrStale):
		for _, r := range list {
			r.done <- err
		}
	default:
		half := len(list) / 2
		db.commitMerged(ctx, list[:half])
		db.commitMerged(ctx, list[half:])
	}
}

// pickMergeable splits list into the changes that can share one record
// with the first (same Rev; no idempotency key, receipt or comment id
// given twice) and the rest, each list in arrival order.
func pickMergeable(list []*batchReq) (merged, rest []*batchReq) {
	rev := list[0].ch.Consultation.Rev
	seen := map[string]bool{}
	for _, r := range list {
		ok := r.ch.Consultation.Rev == rev
		var keys []string
		for _, cm := range r.ch.Insert {
			keys = append(keys, "id:"+cm.ID, "receipt:"+cm.Receipt)
			if cm.IdempotencyKey != "" {
				keys = append(keys, "idem:"+cm.IdempotencyKey)
			}
		}
		for _, k := range keys {
			ok = ok && !seen[k]
		}
		if !ok {
			rest = append(rest, r)
			continue
		}
		for _, k := range keys {
			seen[k] = true
		}
		merged = append(merged, r)
	}
	return merged, rest
}
