package mongodb_test

import (
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/comments"
	"yugongkai/mongodb"
	"yugongkai/mongodb/mongotest"
	"yugongkai/storetest"
)

func TestCommentsContract(t *testing.T) {
	for _, target := range mongotest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			storetest.RunComments(t, func(t *testing.T) comments.Store {
				return mongotest.OpenURI(t, target.URI).Comments()
			})
		})
	}
}

// TestContactKeys: lost receipts are found by the contact keys, which go
// with the contacts, and comments stored before the keys existed get
// theirs at open (storetest.RunContactKeys).
func TestContactKeys(t *testing.T) {
	for _, target := range mongotest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			storetest.RunContactKeys(t, func(t *testing.T) storetest.ContactKeyStores {
				db := mongotest.OpenURI(t, target.URI)
				stores := func(db *mongodb.DB) storetest.AtomicStores {
					return storetest.AtomicStores{Auth: db, Consultations: db, Comments: db.Comments(), Queue: db.Search(), Outbox: db, Blobs: db.Blobs(), Surveys: db.Surveys()}
				}
				return storetest.ContactKeyStores{AtomicStores: stores(db),
					// The comments as stored before the keys: no key fields,
					// no record of the backfill.
					ForgetKeys: func(t *testing.T) {
						client, err := mongo.Connect(options.Client().ApplyURI(target.URI))
						if err != nil {
							t.Fatal(err)
						}
						defer client.Disconnect(ctx)
						raw := client.Database(db.Name())
						if _, err := raw.Collection("comments").UpdateMany(ctx, bson.D{}, bson.D{{Key: "$unset", Value: bson.D{
							{Key: "contact_email_key", Value: ""}, {Key: "contact_phone_key", Value: ""}}}}); err != nil {
							t.Fatal(err)
						}
						if _, err := raw.Collection("settings").DeleteOne(ctx, bson.D{{Key: "_id", Value: "contact_keys_backfilled"}}); err != nil {
							t.Fatal(err)
						}
					},
					Reopen: func(t *testing.T) storetest.AtomicStores {
						if err := db.Close(ctx); err != nil {
							t.Fatal(err)
						}
						next, err := mongodb.Open(ctx, target.URI, mongodb.WithDatabase(db.Name()))
						if err != nil {
							t.Fatal(err)
						}
						db = next
						t.Cleanup(func() { _ = next.Close(ctx) })
						return stores(db)
					},
				}
			})
		})
	}
}
