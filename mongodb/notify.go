package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/consultation"
	"yugongkai/notify"
)

// The outbox: a change's notifications are documents of the collection
// outbox that its commit record inserts (planNotifications), so a crash
// between the record and its projections rolls them forward like every
// other write, and a replay inserts nothing twice (idempotent by _id).
// The delivery fields are updated by the worker directly: they are not
// domain state, and the record never writes a notification again.

const outboxCollection = "outbox"

var _ notify.Store = (*DB)(nil)

func outboxIndexes() map[string][]mongo.IndexModel {
	return map[string][]mongo.IndexModel{
		outboxCollection: {
			{Keys: bson.D{{Key: "state", Value: 1}, {Key: "next_try", Value: 1}}, Options: options.Index().SetName("state_next_try")},
			{Keys: bson.D{{Key: "consultation", Value: 1}, {Key: "created_at", Value: 1}}, Options: options.Index().SetName("consultation_created_at")},
		},
	}
}

// planNotifications inserts the change's notifications with its record.
func (p *planner) planNotifications(list []consultation.Notification) error {
	if len(list) == 0 {
		return nil
	}
	docs := make([]any, len(list))
	for i, n := range list {
		if n.State == "" {
			n.State = consultation.NotifyPending
		}
		if n.NextTry.IsZero() {
			n.NextTry = n.CreatedAt
		}
		n.Attempts = 0
		docs[i] = n
	}
	return p.add(outboxCollection, "insert", docs...)
}

func (db *DB) outbox() *mongo.Collection { return db.db.Collection(outboxCollection) }

func (db *DB) findNotifications(ctx context.Context, filter bson.D, opts *options.FindOptionsBuilder) ([]*consultation.Notification, error) {
	cur, err := db.outbox().Find(ctx, filter, opts)
	if err != nil {
		return nil, storeErr(err, "outbox: find")
	}
	var out []*consultation.Notification
	if err := cur.All(ctx, &out); err != nil {
		return nil, storeErr(err, "outbox: read")
	}
	for _, n := range out {
		n.CreatedAt, n.NextTry = n.CreatedAt.UTC(), n.NextTry.UTC()
		if !n.SentAt.IsZero() {
			n.SentAt = n.SentAt.UTC()
		}
	}
	return out, nil
}

// DueNotifications implements notify.Store.
func (db *DB) DueNotifications(ctx context.Context, now time.Time, limit int) ([]*consultation.Notification, error) {
	return db.findNotifications(ctx,
		bson.D{{Key: "state", Value: consultation.NotifyPending}, {Key: "next_try", Value: bson.D{{Key: "$lte", Value: now}}}},
		options.Find().SetSort(bson.D{{Key: "next_try", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
}

// ConsultationNotifications implements notify.Store.
func (db *DB) ConsultationNotifications(ctx context.Context, consultationID string) ([]*consultation.Notification, error) {
	return db.findNotifications(ctx, bson.D{{Key: "consultation", Value: consultationID}},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}))
}

// LeaseNotification implements notify.Store: one single-document update,
// conditional on the attempts the worker read.
func (db *DB) LeaseNotification(ctx context.Context, id string, attempts int, until time.Time) (bool, error) {
	res, err := db.outbox().UpdateOne(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "state", Value: consultation.NotifyPending}, {Key: "attempts", Value: attempts}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "attempts", Value: attempts + 1}, {Key: "next_try", Value: until}}}})
	if err != nil {
		return false, storeErr(err, "outbox: lease")
	}
	return res.ModifiedCount == 1, nil
}

// RecordDelivery implements notify.Store.
func (db *DB) RecordDelivery(ctx context.Context, id string, d consultation.Delivery) error {
	set := bson.D{{Key: "state", Value: d.State}, {Key: "next_try", Value: d.NextTry}, {Key: "last_error", Value: d.LastError}}
	if !d.SentAt.IsZero() {
		set = append(set, bson.E{Key: "sent_at", Value: d.SentAt})
	}
	_, err := db.outbox().UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "attempts", Value: d.Attempts}},
		bson.D{{Key: "$set", Value: set}})
	return storeErr(err, "outbox: record delivery")
}

const optOutCollection = "outbox_optout"

// Notification implements notify.Store.
func (db *DB) Notification(ctx context.Context, id string) (*consultation.Notification, error) {
	list, err := db.findNotifications(ctx, bson.D{{Key: "_id", Value: id}}, options.Find().SetLimit(1))
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, notFoundf("notification %s", id)
	}
	return list[0], nil
}

// OptOut implements notify.Store.
func (db *DB) OptOut(ctx context.Context, key string, at time.Time) error {
	_, err := db.db.Collection(optOutCollection).UpdateOne(ctx, bson.D{{Key: "_id", Value: key}},
		bson.D{{Key: "$setOnInsert", Value: bson.D{{Key: "at", Value: at}}}}, options.UpdateOne().SetUpsert(true))
	return storeErr(err, "outbox: opt out")
}

// OptedOut implements notify.Store.
func (db *DB) OptedOut(ctx context.Context, key string) (bool, error) {
	return exists(ctx, db.db.Collection(optOutCollection), bson.D{{Key: "_id", Value: key}})
}
