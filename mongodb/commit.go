package mongodb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/apperr"
	"yugongkai/comments"
	"yugongkai/consultation"
)

// commitDoc is one record of a consultation's commit log: one command's
// whole change, as the list of writes that apply it. Inserting it is the
// commit (see the package documentation).
type commitDoc struct {
	ID           string `bson:"_id"` // consultation/seq
	Consultation string `bson:"consultation"`
	Seq          int64  `bson:"seq"` // 1, 2, 3… per consultation, dense
	// Rev, Exists and HistorySeq describe the consultation after this
	// commit: the tail record is what the next commit is checked against.
	Rev        int64      `bson:"rev"`
	Exists     bool       `bson:"exists"`
	HistorySeq int64      `bson:"history_seq"`
	Applied    bool       `bson:"applied"`
	At         time.Time  `bson:"at"`
	Writes     []logWrite `bson:"writes"`
	// Claims are released once the writes are applied: from then on the
	// projections' unique indexes hold the keys.
	Claims []claimRef `bson:"claims,omitempty"`
}

func commitID(consultationID string, seq int64) string {
	return fmt.Sprintf("%s/%d", consultationID, seq)
}

// logWrite is one write of a commit, replayable (see applyWrite).
type logWrite struct {
	Coll string `bson:"coll"`
	// Op is "insert" (Docs, new documents), "replace" (Docs[0], the whole
	// document, upserted) or "update" (Set and Push on the documents IDs or
	// on the members of Group).
	Op    string     `bson:"op"`
	Docs  []bson.Raw `bson:"docs,omitempty"`
	IDs   []string   `bson:"ids,omitempty"`
	Group *groupSel  `bson:"group,omitempty"`
	Set   bson.Raw   `bson:"set,omitempty"`
	Push  bson.Raw   `bson:"push,omitempty"`
	// Match, for an update of neither IDs nor Group, is its filter (the
	// erasure of a consultation's contacts, expire.go).
	Match bson.Raw `bson:"match,omitempty"`
}

// groupSel selects the members of a comment group.
type groupSel struct {
	ConsultationID string `bson:"consultation_id"`
	GroupID        string `bson:"group_id"`
}

// tail is the state the next commit of a consultation is checked against:
// its last record, or the stored consultation when it has no log yet.
type tail struct {
	seq, rev, historySeq int64
	exists               bool
}

// Tuning of the commit loop.
const (
	// commitAttempts bounds the rounds lost to other processes writing the
	// same seq; after that the command sees ErrStale and runs again.
	commitAttempts = 16
	// maxRecord leaves room under MongoDB's 16 MiB document limit.
	maxRecord = 15 << 20
)

// Commit applies a consultation command's change whole or not at all: one
// record of the consultation's commit log (see the package documentation).
func (db *DB) Commit(ctx context.Context, ch *consultation.Change) error {
	return db.commit(ctx, ch, nil)
}

// Commit applies a comment command's change, the consultation's part
// included, as one record of the consultation's commit log.
func (s *CommentStore) Commit(ctx context.Context, ch *comments.Change) error {
	// A streamed import is at most MaxImportRows rows here: it is
	// collected and committed as one record like any other change.
	if err := ch.Collect(); err != nil {
		return err
	}
	if !s.db.noBatching && batchable(ch) {
		return s.db.commitBatched(ctx, ch) // batch.go
	}
	return s.db.commit(ctx, &ch.Change, ch)
}

// commit is the one write path of a command: check the change against the
// log tail, reserve its unique keys, insert the record at tail+1, apply it.
func (db *DB) commit(ctx context.Context, ch *consultation.Change, cm *comments.Change) error {
	cid, err := db.changeConsultation(ctx, ch, cm)
	if err != nil || cid == "" {
		return err
	}
	if cm != nil && estimateInserts(cm.Insert) > maxRecord {
		// Refused before planning and claiming: a bulk import that cannot fit
		// would otherwise claim every receipt first.
		return fmt.Errorf("mongodb: %d comments in one change: %w", len(cm.Insert), comments.ErrChangeTooLarge)
	}
	// attachments: chunks and blob metadata first, unreferenced until the
	// commit record below is inserted (blobs.go).
	if err := db.writeBlobs(ctx, ch.Blobs); err != nil {
		return err
	}
	unlock := db.lock(cid)
	defer unlock()

	token := newToken()
	var held []claimRef
	heldIDs := map[string]bool{}
	var created []claimRef // given back if the commit does not happen
	release := func() { db.release(context.WithoutCancel(ctx), created) }
	var claimedAt time.Time
	for range commitAttempts {
		t, _, err := db.rollForward(ctx, cid)
		if err != nil {
			release()
			return err
		}
		p := &planner{db: db, ctx: ctx, cid: cid, tail: t}
		if err := p.plan(ch, cm); err != nil {
			release()
			return err
		}
		if len(p.rec.Writes) == 0 {
			release()
			return nil // a check and nothing to write
		}
		for _, n := range p.claims {
			if heldIDs[n.id()] {
				continue
			}
			if claimedAt.IsZero() {
				claimedAt = db.now()
			}
			ref, adopted, err := db.claim(ctx, cid, token, n)
			if err != nil {
				release()
				return err
			}
			heldIDs[n.id()] = true
			held = append(held, ref)
			if !adopted {
				created = append(created, ref)
			}
		}
		if !claimedAt.IsZero() && db.now().Sub(claimedAt) > claimLease/2 {
			// Claims older than the lease may be taken over; start again.
			release()
			return fmt.Errorf("mongodb: commit of %s outlived its claims: %w", cid, consultation.ErrStale)
		}
		rec := p.rec
		rec.Claims = held
		raw, err := bson.Marshal(rec)
		if err != nil {
			release()
			return apperr.Wrap(err, "mongodb: encode commit")
		}
		if len(raw) > maxRecord {
			release()
			return fmt.Errorf("mongodb: change of %d bytes is too large for one commit: %w", len(raw), comments.ErrChangeTooLarge)
		}
		if err := db.write("insert " + commitsCollection); err != nil {
			release()
			return err
		}
		if _, err := db.commits.InsertOne(ctx, raw); err != nil {
			if isDuplicateKey(err) {
				continue // another process took the seq: check again on the new tail
			}
			release()
			return storeErr(err, "insert commit")
		}
		// The command has happened. If applying fails, the next commit,
		// read or Repair rolls it forward.
		if err := db.apply(ctx, rec); err != nil {
			db.log.ErrorContext(ctx, "mongodb: commit stored but not yet applied", "commit", rec.ID, "err", err)
		}
		p.done(ch)
		return nil
	}
	release()
	return fmt.Errorf("mongodb: commit of %s: %d rounds lost to other writers: %w", cid, commitAttempts, consultation.ErrStale)
}

// estimateInserts is a lower bound of the bytes inserted comments take in
// a commit record: their texts, band keys, log leaves and hashes, claims.
func estimateInserts(list []*comments.Comment) int {
	n := 0
	for _, c := range list {
		n += len(c.Body) + len(c.PublicBody) + len(c.RealName) + len(c.OrganizationName) + 600
		for _, b := range c.Bands {
			n += len(b) + 8
		}
	}
	return n
}

// changeConsultation returns the id of the consultation whose log takes the
// change: a comment change without a consultation names it, or names
// comments of it.
func (db *DB) changeConsultation(ctx context.Context, ch *consultation.Change, cm *comments.Change) (string, error) {
	if ch.Consultation != nil {
		return ch.Consultation.ID, nil
	}
	if len(ch.Events) > 0 || len(ch.NewVersions) > 0 || ch.ReplaceVersion != nil {
		return "", apperr.Wrap(fmt.Errorf("events or versions without their consultation"), "mongodb: commit")
	}
	if cm == nil {
		return "", nil
	}
	if id := cm.ConsultationID(); id != "" {
		return id, nil
	}
	var named []string
	for _, m := range cm.Moderate {
		named = append(named, m.ID)
	}
	for _, d := range cm.Dispose {
		named = append(named, d.ID)
	}
	for _, r := range cm.Redact {
		named = append(named, r.ID)
	}
	for _, w := range cm.Withdraw {
		named = append(named, w.ID)
	}
	if cm.Move != nil {
		named = append(named, cm.Move.IDs...)
	}
	if len(named) == 0 {
		if cm.DisposeGroup != nil {
			return "", fmt.Errorf("mongodb: group %s of no consultation: %w", cm.DisposeGroup.GroupID, apperr.ErrNotFound)
		}
		return "", nil
	}
	var c struct {
		ConsultationID string `bson:"consultation_id"`
	}
	err := db.db.Collection(commentsCollection).FindOne(ctx, bson.D{{Key: "_id", Value: named[0]}},
		options.FindOne().SetProjection(bson.D{{Key: "consultation_id", Value: 1}})).Decode(&c)
	if err != nil {
		return "", fmt.Errorf("mongodb: comment %s: %w", named[0], storeErr(err, "find comment"))
	}
	return c.ConsultationID, nil
}

// readTail returns the tail of a consultation's log without its writes.
func (db *DB) readTail(ctx context.Context, cid string) (tail, bool, error) {
	var last commitDoc
	err := db.commits.FindOne(ctx, bson.D{{Key: "consultation", Value: cid}}, options.FindOne().
		SetSort(bson.D{{Key: "seq", Value: -1}}).SetProjection(bson.D{{Key: "writes", Value: 0}, {Key: "claims", Value: 0}})).Decode(&last)
	if err == nil {
		return tail{seq: last.Seq, rev: last.Rev, historySeq: last.HistorySeq, exists: last.Exists}, last.Applied, nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return tail{}, false, storeErr(err, "find commit log tail")
	}
	// No log yet: the stored consultation, if any, is the state.
	var c struct {
		Rev        int64 `bson:"rev"`
		HistorySeq int64 `bson:"history_seq"`
	}
	err = db.consultations.FindOne(ctx, bson.D{{Key: "_id", Value: cid}},
		options.FindOne().SetProjection(bson.D{{Key: "rev", Value: 1}, {Key: "history_seq", Value: 1}})).Decode(&c)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return tail{}, true, nil
	case err != nil:
		return tail{}, false, storeErr(err, "find consultation")
	}
	return tail{rev: c.Rev, historySeq: c.HistorySeq, exists: true}, true, nil
}

// done reports a committed change back to the command: the stored Rev,
// and the group and dispositions inserted comments took.
func (p *planner) done(ch *consultation.Change) {
	if ch.Consultation != nil {
		ch.Consultation.Rev = p.rec.Rev
	}
	for _, in := range p.inserted {
		in.caller.GroupID = in.doc.GroupID
		in.caller.Disposition, in.caller.Dispositions = in.doc.Disposition, in.doc.Dispositions
	}
}

func newToken() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}
