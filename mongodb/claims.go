package mongodb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"yugongkai/apperr"
	"yugongkai/comments"
	"yugongkai/consultation"
)

// Claims reserve, for the time a commit is in flight, the keys that are
// unique across consultations — receipt codes, 文号 and 统一登记编号 — which
// one consultation's log cannot serialize. A commit inserts its claims
// before its record; once the record is applied, the projections' unique
// indexes hold the keys and the claims are deleted. So at any moment a key
// in use is held by a claim or by a projection, and a commit that gets its
// claim and finds no projection holding the key may use it.
//
// A claim left by a process that died before writing its record is taken
// over once older than claimLease (or released by Repair). A commit
// refuses to write its record once its claims are half that old, so a
// claim is never taken over from a commit that can still succeed.
const claimLease = time.Minute

// claimDoc is one reservation.
type claimDoc struct {
	ID           string    `bson:"_id"`   // kind:key
	Owner        string    `bson:"owner"` // the comment (receipt) or the consultation (numbers)
	Consultation string    `bson:"consultation"`
	Token        string    `bson:"token"` // the Commit call that holds it
	At           time.Time `bson:"at"`
}

// claimRef names a claim held by a commit.
type claimRef struct {
	ID    string `bson:"id"`
	Token string `bson:"token"`
}

// Kinds of claims.
const (
	receiptClaim = "receipt"
	docNoClaim   = "docno"
	regNoClaim   = "regno"
)

// claimNeed is a key a change needs.
type claimNeed struct {
	kind, key, owner string
}

func (n claimNeed) id() string { return n.kind + ":" + n.key }

// taken is the error of a key in use by someone else.
func (n claimNeed) taken() error {
	switch n.kind {
	case receiptClaim:
		return &apperr.Error{Kind: apperr.Conflict, Key: "error.conflict",
			Cause: fmt.Errorf("mongodb: receipt %s is taken: %w", n.key, comments.ErrDuplicateKey)}
	case docNoClaim:
		return fmt.Errorf("mongodb: 文号 %s is taken: %w", n.key, consultation.ErrDocumentNumberTaken)
	}
	return fmt.Errorf("mongodb: 统一登记编号 %s is taken: %w", n.key, consultation.ErrRegistrationNumberTaken)
}

// claim reserves n for the commit token of consultation cid, or returns
// n.taken(). Adopted reports a claim the owner already held (left by an
// earlier attempt of the same command, or held by a concurrent commit of
// the same consultation, which the log serializes): the commit gives such
// a claim back only by applying, never on failure, since the other attempt
// may still be applying with it.
func (db *DB) claim(ctx context.Context, cid, token string, n claimNeed) (ref claimRef, adopted bool, err error) {
	ref = claimRef{ID: n.id(), Token: token}
	for range 3 {
		if err := db.write("insert " + claimsCollection); err != nil {
			return ref, false, err
		}
		_, err := db.claims.InsertOne(ctx, claimDoc{ID: ref.ID, Owner: n.owner, Consultation: cid, Token: token, At: db.now()})
		if err == nil {
			return ref, false, db.checkFree(ctx, cid, ref, n)
		}
		if !isDuplicateKey(err) {
			return ref, false, storeErr(err, "insert claim")
		}
		var old claimDoc
		err = db.claims.FindOne(ctx, bson.D{{Key: "_id", Value: ref.ID}}).Decode(&old)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue // released meanwhile
		}
		if err != nil {
			return ref, false, storeErr(err, "find claim")
		}
		if old.Owner == n.owner {
			// Take it with a fresh lease.
			if err := db.write("update " + claimsCollection); err != nil {
				return ref, false, err
			}
			res, err := db.claims.UpdateOne(ctx, bson.D{{Key: "_id", Value: ref.ID}, {Key: "token", Value: old.Token}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "token", Value: token}, {Key: "consultation", Value: cid}, {Key: "at", Value: db.now()}}}})
			if err != nil {
				return ref, false, storeErr(err, "take claim")
			}
			if res.MatchedCount == 1 {
				if err := db.checkFree(ctx, cid, ref, n); err != nil {
					return ref, false, err
				}
				return ref, true, nil
			}
			continue
		}
		// Someone else's: in use if its commit happened or may still.
		if _, _, err := db.rollForward(ctx, old.Consultation); err != nil {
			return ref, false, err
		}
		holds, err := db.holds(ctx, n.kind, n.key, old.Owner)
		if err != nil {
			return ref, false, err
		}
		if holds || db.now().Sub(old.At) < claimLease {
			return ref, false, n.taken()
		}
		if err := db.write("delete " + claimsCollection); err != nil {
			return ref, false, err
		}
		if _, err := db.claims.DeleteOne(ctx, bson.D{{Key: "_id", Value: ref.ID}, {Key: "token", Value: old.Token}}); err != nil {
			return ref, false, storeErr(err, "take over claim")
		}
	}
	return ref, false, n.taken()
}

// checkFree makes sure no projection holds the key just claimed (data
// stored before claims existed, or a claim taken over); if one does, the
// claim is given back.
func (db *DB) checkFree(ctx context.Context, cid string, ref claimRef, n claimNeed) error {
	var filter bson.D
	coll := db.consultations
	switch n.kind {
	case receiptClaim:
		coll = db.db.Collection(commentsCollection)
		filter = bson.D{{Key: "receipt", Value: n.key}, {Key: "_id", Value: bson.D{{Key: "$ne", Value: n.owner}}}}
	case docNoClaim:
		filter = bson.D{{Key: "final.document_number", Value: n.key}, {Key: "_id", Value: bson.D{{Key: "$ne", Value: cid}}}}
	default:
		filter = bson.D{{Key: "final.registration_number", Value: n.key}, {Key: "_id", Value: bson.D{{Key: "$ne", Value: cid}}}}
	}
	found, err := exists(ctx, coll, filter)
	if err != nil {
		return err
	}
	if found {
		db.release(context.WithoutCancel(ctx), []claimRef{ref})
		return n.taken()
	}
	return nil
}

// holds reports whether the projections give key to owner.
func (db *DB) holds(ctx context.Context, kind, key, owner string) (bool, error) {
	switch kind {
	case receiptClaim:
		return exists(ctx, db.db.Collection(commentsCollection), bson.D{{Key: "_id", Value: owner}, {Key: "receipt", Value: key}})
	case docNoClaim:
		return exists(ctx, db.consultations, bson.D{{Key: "_id", Value: owner}, {Key: "final.document_number", Value: key}})
	}
	return exists(ctx, db.consultations, bson.D{{Key: "_id", Value: owner}, {Key: "final.registration_number", Value: key}})
}

// release deletes claims a commit that did not happen held (best effort:
// what is left is taken over after the lease or released by Repair).
func (db *DB) release(ctx context.Context, refs []claimRef) {
	for _, r := range refs {
		if db.write("delete "+claimsCollection) != nil {
			return
		}
		_, _ = db.claims.DeleteOne(ctx, bson.D{{Key: "_id", Value: r.ID}, {Key: "token", Value: r.Token}})
	}
}
