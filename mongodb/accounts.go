package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/auth"
	"yugongkai/vcode"
)

// Self-service accounts: verification codes, sessions and accounts by
// contact. Every method is one single-document write or a simple indexed
// read (FerretDB).

const (
	codesCollection    = "verification_codes"
	sessionsCollection = "sessions"
)

var (
	_ vcode.Store       = (*DB)(nil)
	_ auth.AccountStore = (*DB)(nil)
)

func accountIndexes() map[string][]mongo.IndexModel {
	return map[string][]mongo.IndexModel{
		codesCollection: {
			{Keys: bson.D{{Key: "expires_at", Value: 1}}, Options: options.Index().SetName("expires_at")},
		},
		sessionsCollection: {
			{Keys: bson.D{{Key: "user_id", Value: 1}, {Key: "expires_at", Value: 1}}, Options: options.Index().SetName("user_expires")},
			{Keys: bson.D{{Key: "expires_at", Value: 1}}, Options: options.Index().SetName("expires_at")},
		},
		usersCollection: {
			{Keys: bson.D{{Key: "email", Value: 1}}, Options: options.Index().SetName("email")},
			{Keys: bson.D{{Key: "phone", Value: 1}}, Options: options.Index().SetName("phone")},
		},
	}
}

// PutCode implements vcode.Store.
func (db *DB) PutCode(ctx context.Context, c *vcode.Code) error {
	_, err := db.db.Collection(codesCollection).ReplaceOne(ctx, bson.D{{Key: "_id", Value: c.ID}}, c, options.Replace().SetUpsert(true))
	return storeErr(err, "put code")
}

// Code implements vcode.Store.
func (db *DB) Code(ctx context.Context, id string) (*vcode.Code, error) {
	var c vcode.Code
	if err := db.db.Collection(codesCollection).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&c); err != nil {
		return nil, storeErr(err, "find code")
	}
	c.CreatedAt, c.ExpiresAt = c.CreatedAt.UTC(), c.ExpiresAt.UTC()
	return &c, nil
}

// CountAttempt implements vcode.Store.
func (db *DB) CountAttempt(ctx context.Context, id string, max int) (bool, error) {
	res, err := db.db.Collection(codesCollection).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "attempts", Value: bson.D{{Key: "$lt", Value: max}}}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "attempts", Value: 1}}}})
	if err != nil {
		return false, storeErr(err, "count attempt")
	}
	return res.ModifiedCount == 1, nil
}

// DeleteCode implements vcode.Store.
func (db *DB) DeleteCode(ctx context.Context, id, hash string) (bool, error) {
	res, err := db.db.Collection(codesCollection).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "hash", Value: hash}})
	if err != nil {
		return false, storeErr(err, "delete code")
	}
	return res.DeletedCount == 1, nil
}

// DeleteExpiredCodes implements vcode.Store.
func (db *DB) DeleteExpiredCodes(ctx context.Context, now time.Time) (int, error) {
	res, err := db.db.Collection(codesCollection).DeleteMany(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: now}}}})
	if err != nil {
		return 0, storeErr(err, "delete expired codes")
	}
	return int(res.DeletedCount), nil
}

// CreateSession implements auth.AccountStore.
func (db *DB) CreateSession(ctx context.Context, s *auth.Session) error {
	_, err := db.db.Collection(sessionsCollection).InsertOne(ctx, s)
	return storeErr(err, "insert session")
}

func utcSession(s *auth.Session) *auth.Session {
	s.CreatedAt, s.ExpiresAt = s.CreatedAt.UTC(), s.ExpiresAt.UTC()
	return s
}

// Session implements auth.AccountStore.
func (db *DB) Session(ctx context.Context, id string) (*auth.Session, error) {
	var s auth.Session
	if err := db.db.Collection(sessionsCollection).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&s); err != nil {
		return nil, storeErr(err, "find session")
	}
	return utcSession(&s), nil
}

// UserSessions implements auth.AccountStore.
func (db *DB) UserSessions(ctx context.Context, userID string, now time.Time) ([]*auth.Session, error) {
	cur, err := db.db.Collection(sessionsCollection).Find(ctx,
		bson.D{{Key: "user_id", Value: userID}, {Key: "expires_at", Value: bson.D{{Key: "$gt", Value: now}}}},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}))
	if err != nil {
		return nil, storeErr(err, "find sessions")
	}
	var list []*auth.Session
	if err := cur.All(ctx, &list); err != nil {
		return nil, storeErr(err, "read sessions")
	}
	for _, s := range list {
		utcSession(s)
	}
	return list, nil
}

// DeleteSession implements auth.AccountStore.
func (db *DB) DeleteSession(ctx context.Context, userID, id string) (bool, error) {
	res, err := db.db.Collection(sessionsCollection).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "user_id", Value: userID}})
	if err != nil {
		return false, storeErr(err, "delete session")
	}
	return res.DeletedCount == 1, nil
}

// DeleteUserSessions implements auth.AccountStore.
func (db *DB) DeleteUserSessions(ctx context.Context, userID, except string, now time.Time) (int, error) {
	coll := db.db.Collection(sessionsCollection)
	res, err := coll.DeleteMany(ctx, bson.D{{Key: "user_id", Value: userID}, {Key: "_id", Value: bson.D{{Key: "$ne", Value: except}}}})
	if err != nil {
		return 0, storeErr(err, "delete sessions")
	}
	if _, err := coll.DeleteMany(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: now}}}}); err != nil {
		return 0, storeErr(err, "delete expired sessions")
	}
	return int(res.DeletedCount), nil
}

// UsersByContact implements auth.AccountStore.
func (db *DB) UsersByContact(ctx context.Context, email, phone string) ([]*auth.User, error) {
	filter := bson.D{{Key: "email", Value: email}}
	if email == "" {
		filter = bson.D{{Key: "phone", Value: phone}}
	}
	if email == "" && phone == "" {
		return nil, nil
	}
	cur, err := db.users.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, storeErr(err, "find users by contact")
	}
	var list []*auth.User
	if err := cur.All(ctx, &list); err != nil {
		return nil, storeErr(err, "read users by contact")
	}
	return list, nil
}
