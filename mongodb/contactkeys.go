package mongodb

import (
	"context"
	"crypto/rand"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/comments"
	"yugongkai/vcode"
)

// The comments' contact keys (comments.ContactKeys): the keyed hashes of
// each comment's normalized email and phone, by which lost receipts are
// found (indexes contact_*_key_received). The key is a setting of the
// database, made by the first process that opens it, so every instance
// hashes alike. The fields of comments stored before the keys existed are
// filled at open until the setting contact_keys_backfilled says it was
// done; an erasure sets the keys to "" with the contacts, so the backfill
// never brings an erased contact's key back.

const (
	contactKeySetting      = "contact_index_key"
	contactBackfillSetting = "contact_keys_backfilled" // present: every comment has its keys
	contactBackfillBatch   = 500
)

// openContactKeys loads the key, making it if the database has none, and
// runs the backfill if it has not been done.
func (db *DB) openContactKeys(ctx context.Context) error {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	// Of two processes opening a new database at once, one inserts.
	if _, err := db.settings.InsertOne(ctx, settingDoc{Key: contactKeySetting, Value: key}); err != nil && !isDuplicateKey(err) {
		return storeErr(err, "put contact index key")
	}
	stored, err := db.Setting(ctx, contactKeySetting)
	if err != nil {
		return err
	}
	if len(stored) < 32 {
		return errors.New("contact index key too short")
	}
	db.contactKeys = vcode.Hasher{Key: stored}
	return db.backfillContactKeys(ctx)
}

// backfillContactKeys computes the keys of the comments that keep a
// contact and have no key, a batch at a time in _id order, each comment
// one update that holds only while it still has neither key (an erasure
// in between wins). Idempotent: a run cut short resumes at the next open.
func (db *DB) backfillContactKeys(ctx context.Context) error {
	if _, err := db.Setting(ctx, contactBackfillSetting); err == nil {
		return nil
	}
	coll := db.db.Collection(commentsCollection)
	noKeys := bson.D{{Key: "contact_email_key", Value: bson.D{{Key: "$exists", Value: false}}},
		{Key: "contact_phone_key", Value: bson.D{{Key: "$exists", Value: false}}}}
	hasContact := bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "contact_email", Value: bson.D{{Key: "$gt", Value: ""}}}},
		bson.D{{Key: "contact_phone", Value: bson.D{{Key: "$gt", Value: ""}}}},
	}}}
	after := ""
	for {
		filter := append(bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}}, noKeys...)
		filter = append(filter, hasContact...)
		opts := options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(contactBackfillBatch).
			SetProjection(bson.D{{Key: "contact_email", Value: 1}, {Key: "contact_phone", Value: 1}})
		cur, err := coll.Find(ctx, filter, opts)
		if err != nil {
			return storeErr(err, "contact keys backfill")
		}
		var batch []struct {
			ID    string `bson:"_id"`
			Email string `bson:"contact_email"`
			Phone string `bson:"contact_phone"`
		}
		if err := cur.All(ctx, &batch); err != nil {
			return storeErr(err, "contact keys backfill")
		}
		for _, d := range batch {
			email, phone := comments.ContactKeys(db.contactKeys, &comments.Comment{ContactEmail: d.Email, ContactPhone: d.Phone})
			set := bson.D{}
			if email != "" {
				set = append(set, bson.E{Key: "contact_email_key", Value: email})
			}
			if phone != "" {
				set = append(set, bson.E{Key: "contact_phone_key", Value: phone})
			}
			if len(set) > 0 {
				if _, err := coll.UpdateOne(ctx, append(bson.D{{Key: "_id", Value: d.ID}}, noKeys...), bson.D{{Key: "$set", Value: set}}); err != nil {
					return storeErr(err, "contact keys backfill")
				}
			}
			after = d.ID
		}
		if len(batch) < contactBackfillBatch {
			break
		}
	}
	return db.PutSetting(ctx, contactBackfillSetting, []byte{})
}
