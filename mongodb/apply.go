package mongodb

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/apperr"
)

// Rolling the log forward. Write i of commit seq is applied at position
// logPos(seq, i); every projection document keeps in "applied" the position
// that last wrote it, and every write is filtered by "applied before this
// position". So replaying a commit does nothing more, and an applier that
// stalled cannot overwrite what a later commit wrote.

func logPos(seq int64, write int) int64 { return seq<<16 | int64(write) }

// before matches documents last written before pos (or never by the log).
func before(pos int64) bson.E {
	return bson.E{Key: "applied", Value: bson.D{{Key: "$not", Value: bson.D{{Key: "$gte", Value: pos}}}}}
}

// withApplied returns doc stamped with the position that writes it.
func withApplied(doc bson.Raw, pos int64) (bson.D, error) {
	var d bson.D
	if err := bson.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	return append(d, bson.E{Key: "applied", Value: pos}), nil
}

// apply carries out the writes of rec in order, releases its claims and
// marks it applied; every earlier record of the consultation must be
// applied already. It may run again, or concurrently, with the same result.
func (db *DB) apply(ctx context.Context, rec *commitDoc) error {
	if len(rec.Writes) >= 1<<16 {
		return apperr.Wrap(fmt.Errorf("commit %s has %d writes", rec.ID, len(rec.Writes)), "mongodb: apply")
	}
	for i, w := range rec.Writes {
		if err := db.applyWrite(ctx, w, logPos(rec.Seq, i+1)); err != nil {
			return fmt.Errorf("mongodb: apply %s write %d (%s %s): %w", rec.ID, i+1, w.Op, w.Coll, err)
		}
	}
	if len(rec.Claims) > 0 {
		if err := db.write("delete " + claimsCollection); err != nil {
			return err
		}
		var or bson.A
		for _, c := range rec.Claims {
			or = append(or, bson.D{{Key: "_id", Value: c.ID}, {Key: "token", Value: c.Token}})
		}
		if _, err := db.claims.DeleteMany(ctx, bson.D{{Key: "$or", Value: or}}); err != nil {
			return storeErr(err, "release claims")
		}
	}
	if err := db.write("update " + commitsCollection); err != nil {
		return err
	}
	if _, err := db.commits.UpdateOne(ctx, bson.D{{Key: "_id", Value: rec.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "applied", Value: true}}}}); err != nil {
		return storeErr(err, "mark commit applied")
	}
	if rec.Seq == 1 {
		return nil
	}
	// The log is a write-ahead log: the writes of applied records are of
	// no further use, but the records stay as stubs. Their _id is the
	// serialization point: a process that read the tail before record
	// seq-1 existed plans seq-1 again, and only an existing seq-1 makes
	// its insert fail; deleting it would let a record planned against an
	// old state in (a comment given a leaf index already taken).
	if err := db.write("update " + commitsCollection); err != nil {
		return err
	}
	_, err := db.commits.UpdateMany(ctx, bson.D{{Key: "consultation", Value: rec.Consultation},
		{Key: "seq", Value: bson.D{{Key: "$lt", Value: rec.Seq}}}, {Key: "writes", Value: bson.D{{Key: "$exists", Value: true}}}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "writes", Value: ""}, {Key: "claims", Value: ""}}}})
	return storeErr(err, "trim commit log")
}

// applyWrite carries out one write of a commit at position pos.
func (db *DB) applyWrite(ctx context.Context, w logWrite, pos int64) error {
	coll := db.db.Collection(w.Coll)
	if err := db.write(w.Op + " " + w.Coll); err != nil {
		return err
	}
	switch w.Op {
	case "insert":
		docs := make([]any, len(w.Docs))
		for i, raw := range w.Docs {
			d, err := withApplied(raw, pos)
			if err != nil {
				return apperr.Wrap(err, "mongodb: decode logged document")
			}
			docs[i] = d
		}
		_, err := coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
		if err == nil {
			return nil
		}
		// A duplicate _id is a document an earlier application inserted;
		// any other duplicate is a unique key the commit should have
		// claimed, and the log stops here for an operator to look at.
		// The index queue has no key but _id, and its documents are
		// consumed: one another process inserted may be drained (deleted)
		// before it is looked up here.
		var bwe mongo.BulkWriteException
		if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
			return storeErr(err, "insert into "+w.Coll)
		}
		for _, we := range bwe.WriteErrors {
			if we.Code != 11000 && we.Code != 11001 && we.Code != 12582 {
				return storeErr(err, "insert into "+w.Coll)
			}
			id := w.Docs[we.Index].Lookup("_id")
			found, ferr := exists(ctx, coll, bson.D{{Key: "_id", Value: id}})
			if ferr != nil {
				return ferr
			}
			if !found && w.Coll != searchQueueCollection {
				return apperr.Wrap(fmt.Errorf("unique key of %v taken: %w", id, err), "mongodb: insert into "+w.Coll)
			}
		}
		return nil
	case "replace":
		d, err := withApplied(w.Docs[0], pos)
		if err != nil {
			return apperr.Wrap(err, "mongodb: decode logged document")
		}
		id := w.Docs[0].Lookup("_id")
		_, err = coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}, before(pos)}, d, options.Replace().SetUpsert(true))
		if isDuplicateKey(err) {
			// Either written already (the filter missed, the upsert hit
			// the _id), or a unique key the commit should have claimed.
			found, ferr := exists(ctx, coll, bson.D{{Key: "_id", Value: id}, {Key: "applied", Value: bson.D{{Key: "$gte", Value: pos}}}})
			if ferr != nil || found {
				return ferr
			}
		}
		return storeErr(err, "replace in "+w.Coll)
	case "update":
		filter := bson.D{}
		switch {
		case w.Group != nil:
			filter = append(filter, bson.E{Key: "consultation_id", Value: w.Group.ConsultationID}, bson.E{Key: "group_id", Value: w.Group.GroupID})
		case len(w.Match) > 0 && len(w.IDs) == 0:
			if err := bson.Unmarshal(w.Match, &filter); err != nil {
				return apperr.Wrap(err, "mongodb: decode logged filter")
			}
		default:
			filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$in", Value: w.IDs}}})
		}
		filter = append(filter, before(pos))
		set := bson.D{}
		if len(w.Set) > 0 {
			if err := bson.Unmarshal(w.Set, &set); err != nil {
				return apperr.Wrap(err, "mongodb: decode logged update")
			}
		}
		update := bson.D{{Key: "$set", Value: append(set, bson.E{Key: "applied", Value: pos})}}
		if len(w.Push) > 0 {
			update = append(update, bson.E{Key: "$push", Value: w.Push})
		}
		_, err := coll.UpdateMany(ctx, filter, update)
		return storeErr(err, "update "+w.Coll)
	}
	return apperr.Wrap(fmt.Errorf("unknown logged operation %q", w.Op), "mongodb: apply")
}

// rollForward applies, in seq order, every record of the consultation's
// log not yet applied, and returns the tail and how many it applied. The
// caller holds the consultation's lock, or is in a commit of another
// consultation (applying is safe to run twice at once).
func (db *DB) rollForward(ctx context.Context, cid string) (tail, int, error) {
	t, applied, err := db.readTail(ctx, cid)
	if err != nil || applied {
		return t, 0, err
	}
	// Records are applied in order, so the unapplied ones are the last.
	cur, err := db.commits.Find(ctx, bson.D{{Key: "consultation", Value: cid}, {Key: "applied", Value: false}},
		options.Find().SetSort(bson.D{{Key: "seq", Value: 1}}))
	if err != nil {
		return t, 0, storeErr(err, "find unapplied commits")
	}
	var recs []*commitDoc
	if err := cur.All(ctx, &recs); err != nil {
		return t, 0, storeErr(err, "read unapplied commits")
	}
	for i, rec := range recs {
		if err := db.apply(ctx, rec); err != nil {
			return t, i, err
		}
	}
	return t, len(recs), nil
}

// catchUp rolls consultation id forward if its log has a record not yet
// applied (one indexed query when it has none).
func (db *DB) catchUp(ctx context.Context, id string) error {
	pending, err := exists(ctx, db.commits, bson.D{{Key: "applied", Value: false}, {Key: "consultation", Value: id}})
	if err != nil || !pending {
		return err
	}
	unlock := db.lock(id)
	defer unlock()
	_, _, err = db.rollForward(ctx, id)
	return err
}

// Repair rolls forward every consultation whose log has records not yet
// applied (a process died between a commit and its application) and
// releases the claims older than the lease that no commit in flight can
// still use. It returns how many commits it applied. Run it at start;
// it is safe to run while other processes commit.
func (db *DB) Repair(ctx context.Context) (int, error) {
	cur, err := db.commits.Find(ctx, bson.D{{Key: "applied", Value: false}},
		options.Find().SetProjection(bson.D{{Key: "consultation", Value: 1}}))
	if err != nil {
		return 0, storeErr(err, "find unapplied commits")
	}
	var pending []struct {
		Consultation string `bson:"consultation"`
	}
	if err := cur.All(ctx, &pending); err != nil {
		return 0, storeErr(err, "read unapplied commits")
	}
	n := 0
	seen := map[string]bool{}
	rollForward := func(cid string) error {
		if seen[cid] {
			return nil
		}
		seen[cid] = true
		unlock := db.lock(cid)
		defer unlock()
		_, k, err := db.rollForward(ctx, cid)
		n += k
		return err
	}
	for _, p := range pending {
		if err := rollForward(p.Consultation); err != nil {
			return n, err
		}
	}
	cur, err = db.claims.Find(ctx, bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: db.now().Add(-claimLease)}}}})
	if err != nil {
		return n, storeErr(err, "find old claims")
	}
	var old []claimDoc
	if err := cur.All(ctx, &old); err != nil {
		return n, storeErr(err, "read old claims")
	}
	for _, c := range old {
		// Once its consultation is rolled forward, a claim is either held
		// by a projection's unique index or was never committed.
		if err := rollForward(c.Consultation); err != nil {
			return n, err
		}
		if err := db.write("delete " + claimsCollection); err != nil {
			return n, err
		}
		if _, err := db.claims.DeleteOne(ctx, bson.D{{Key: "_id", Value: c.ID}, {Key: "token", Value: c.Token}}); err != nil {
			return n, storeErr(err, "release claim")
		}
	}
	if _, err := db.SweepBlobChunks(ctx); err != nil { // blobs.go
		return n, err
	}
	return n, nil
}
