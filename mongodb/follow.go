package mongodb

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/consultation"
	"yugongkai/notify"
)

// Followers (collection followers) and the notifications written outside
// a command's commit record: confirmation mails and the expansion of
// fan-out rows, each a single-document insert, idempotent by _id.

const followersCollection = "followers"

var _ notify.FollowerStore = (*DB)(nil)

func followerIndexes() map[string][]mongo.IndexModel {
	return map[string][]mongo.IndexModel{
		followersCollection: {
			{Keys: bson.D{{Key: "consultation", Value: 1}, {Key: "key", Value: 1}}, Options: options.Index().SetName("consultation_key").SetUnique(true)},
		},
	}
}

// Enqueue implements notify.FollowerStore.
func (db *DB) Enqueue(ctx context.Context, list []consultation.Notification) error {
	if len(list) == 0 {
		return nil
	}
	docs := make([]any, len(list))
	for i, n := range list {
		n.State, n.Attempts = consultation.NotifyPending, 0
		if n.NextTry.IsZero() {
			n.NextTry = n.CreatedAt
		}
		docs[i] = n
	}
	if err := db.write("insert " + outboxCollection); err != nil {
		return err
	}
	_, err := db.outbox().InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	if err != nil && errors.As(err, &bwe) && bwe.WriteConcernError == nil {
		for _, we := range bwe.WriteErrors {
			if we.Code != 11000 && we.Code != 11001 && we.Code != 12582 {
				return storeErr(err, "outbox: enqueue")
			}
		}
		return nil // the ones stored already (an expansion repeated)
	}
	return storeErr(err, "outbox: enqueue")
}

// AddFollower implements notify.FollowerStore.
func (db *DB) AddFollower(ctx context.Context, f notify.Follower) (bool, error) {
	coll := db.db.Collection(followersCollection)
	if err := db.write("insert " + followersCollection); err != nil {
		return false, err
	}
	_, err := coll.InsertOne(ctx, f)
	if err == nil {
		return true, nil
	}
	if !isDuplicateKey(err) {
		return false, storeErr(err, "followers: insert")
	}
	// Either this link was used (same _id) or the address follows already.
	used, ferr := exists(ctx, coll, bson.D{{Key: "_id", Value: f.ID}})
	if ferr != nil {
		return false, ferr
	}
	return !used, nil
}

// Followers implements notify.FollowerStore; erased followers (email "")
// are left out.
func (db *DB) Followers(ctx context.Context, consultationID string) ([]notify.Follower, error) {
	cur, err := db.db.Collection(followersCollection).Find(ctx, bson.D{{Key: "consultation", Value: consultationID}},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, storeErr(err, "followers: find")
	}
	var all []notify.Follower
	if err := cur.All(ctx, &all); err != nil {
		return nil, storeErr(err, "followers: read")
	}
	out := all[:0]
	for _, f := range all {
		if f.Email != "" {
			f.CreatedAt = f.CreatedAt.UTC()
			out = append(out, f)
		}
	}
	return out, nil
}
