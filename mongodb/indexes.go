package mongodb

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// indexes lists the secondary indexes of the auth and consultation stores
// by collection name. Names are fixed so that creating them again at each
// start is a no-op.
func indexes() map[string][]mongo.IndexModel {
	return map[string][]mongo.IndexModel{
		departmentsCollection: {
			{Keys: bson.D{{Key: "name", Value: 1}}, Options: options.Index().SetName("name_unique").SetUnique(true)},
		},
		usersCollection: {
			{Keys: bson.D{{Key: "username", Value: 1}}, Options: options.Index().SetName("username_unique").SetUnique(true)},
		},
		consultationsCollection: {
			{Keys: bson.D{{Key: "department_id", Value: 1}}, Options: options.Index().SetName("department_id")},
			{Keys: bson.D{{Key: "state", Value: 1}}, Options: options.Index().SetName("state")},
			{Keys: bson.D{{Key: "procedure_type", Value: 1}}, Options: options.Index().SetName("procedure_type")},
			{Keys: bson.D{{Key: "closes_at", Value: 1}}, Options: options.Index().SetName("closes_at")},
			// The list order and its keyset cursor.
			{Keys: bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("created_at_id")},
			// A 文号 is unique among published decisions; consultations
			// without a Final are left out. Sparse rather than partial
			// because FerretDB does not implement partialFilterExpression
			// (it ignores sparse, but its SQLite unique indexes treat missing
			// values as distinct, which has the same effect).
			{Keys: bson.D{{Key: "final.document_number", Value: 1}}, Options: options.Index().SetName("final_document_number_unique").SetUnique(true).SetSparse(true)},
			{Keys: bson.D{{Key: "final.registration_number", Value: 1}}, Options: options.Index().SetName("final_registration_number_unique").SetUnique(true).SetSparse(true)},
		},
		// The log tail of a consultation, and its unapplied records.
		commitsCollection: {
			{Keys: bson.D{{Key: "consultation", Value: 1}, {Key: "seq", Value: 1}}, Options: options.Index().SetName("consultation_seq")},
			{Keys: bson.D{{Key: "applied", Value: 1}, {Key: "consultation", Value: 1}}, Options: options.Index().SetName("applied_consultation")},
		},
		// Repair releases the claims older than the lease.
		claimsCollection: {
			{Keys: bson.D{{Key: "at", Value: 1}}, Options: options.Index().SetName("at")},
		},
		versionsCollection: {
			{Keys: bson.D{{Key: "consultation_id", Value: 1}, {Key: "number", Value: 1}}, Options: options.Index().SetName("consultation_number_unique").SetUnique(true)},
		},
		eventsCollection: {
			{Keys: bson.D{{Key: "consultation", Value: 1}, {Key: "seq", Value: 1}}, Options: options.Index().SetName("consultation_seq_unique").SetUnique(true)},
		},
	}
}

// ensureIndexes creates the missing indexes (and so the collections).
//
// One command per index: FerretDB v1.24 panics on a createIndexes command
// listing several indexes of which more than one already exists (it
// deletes from a shrinking slice by the original position), which is the
// case at every start but the first.
func (db *DB) ensureIndexes(ctx context.Context) error {
	for _, all := range []map[string][]mongo.IndexModel{indexes(), commentIndexes(), searchIndexes() /* search.go */, outboxIndexes() /* notify.go */, hearingIndexes() /* hearings.go */, blobIndexes() /* blobs.go */, followerIndexes() /* follow.go */, surveyIndexes() /* surveys.go */, accountIndexes() /* accounts.go */} {
		for name, models := range all {
			for _, m := range models {
				if _, err := db.db.Collection(name).Indexes().CreateOne(ctx, m); err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
			}
		}
	}
	return nil
}
