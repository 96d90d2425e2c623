package mongodb

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/consultation"
)

// Hearing applications: documents of their own (one per applicant, so a
// hearing with thousands of them never grows the consultation document),
// inserted by the commit record of the application's command
// (planHearingApplications) and rolled forward like every other write; a
// replay inserts nothing twice (idempotent by _id).

const hearingApplicationsCollection = "hearing_applications"

func hearingIndexes() map[string][]mongo.IndexModel {
	return map[string][]mongo.IndexModel{
		hearingApplicationsCollection: {
			{Keys: bson.D{{Key: "consultation_id", Value: 1}, {Key: "hearing_id", Value: 1}, {Key: "seq", Value: 1}},
				Options: options.Index().SetName("consultation_hearing_seq")},
		},
	}
}

// planHearingApplications inserts the change's applications with its record.
func (p *planner) planHearingApplications(list []*consultation.HearingApplication) error {
	if len(list) == 0 {
		return nil
	}
	docs := make([]any, len(list))
	for i, a := range list {
		docs[i] = a
	}
	return p.add(hearingApplicationsCollection, "insert", docs...)
}

// HearingApplications implements consultation.Store.
func (db *DB) HearingApplications(ctx context.Context, consultationID, hearingID string) ([]*consultation.HearingApplication, error) {
	cur, err := db.db.Collection(hearingApplicationsCollection).Find(ctx,
		bson.D{{Key: "consultation_id", Value: consultationID}, {Key: "hearing_id", Value: hearingID}},
		options.Find().SetSort(bson.D{{Key: "seq", Value: 1}}))
	if err != nil {
		return nil, storeErr(err, "hearing applications: find")
	}
	var out []*consultation.HearingApplication
	if err := cur.All(ctx, &out); err != nil {
		return nil, storeErr(err, "hearing applications: read")
	}
	for _, a := range out {
		a.SubmittedAt = a.SubmittedAt.UTC()
	}
	return out, nil
}
