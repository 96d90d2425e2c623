package mongodb

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// settingDoc is one stored setting; Value holds opaque bytes (often JSON).
type settingDoc struct {
	Key   string `bson:"_id"`
	Value []byte `bson:"value"`
}

// Setting returns a stored setting or apperr.ErrNotFound.
func (db *DB) Setting(ctx context.Context, key string) ([]byte, error) {
	var s settingDoc
	if err := db.settings.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&s); err != nil {
		return nil, storeErr(err, "find setting")
	}
	return s.Value, nil
}

// PutSetting stores a setting, replacing any previous value.
func (db *DB) PutSetting(ctx context.Context, key string, value []byte) error {
	put := func() error {
		_, err := db.settings.ReplaceOne(ctx, bson.D{{Key: "_id", Value: key}},
			settingDoc{Key: key, Value: value}, options.Replace().SetUpsert(true))
		return err
	}
	err := put()
	if isDuplicateKey(err) {
		// Two upserts of a new key raced and the other inserted first;
		// now the document exists and the replace matches it.
		err = put()
	}
	return storeErr(err, "put setting")
}
