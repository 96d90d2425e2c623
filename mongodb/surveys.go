package mongodb

import (
	"context"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/apperr"
	"yugongkai/consultation"
	"yugongkai/surveys"
)

const surveyResponsesCollection = "survey_responses"

// SurveyStore implements surveys.Store. A response is one document written
// by the commit record of its command (planSurveyResponses); its "rkey" (survey id, respondent) is
// unique, and a count per option is a count of the documents whose
// "choices" hold the key, over the multikey index (no $group: FerretDB v1).
type SurveyStore struct {
	db   *DB
	coll *mongo.Collection
}

// Surveys returns the store of survey responses.
func (db *DB) Surveys() *SurveyStore {
	return &SurveyStore{db: db, coll: db.db.Collection(surveyResponsesCollection)}
}

// surveyIndexes are the indexes of the responses; ensureIndexes creates them.
func surveyIndexes() map[string][]mongo.IndexModel {
	rkey := mongo.IndexModel{Keys: bson.D{{Key: "rkey", Value: 1}}, Options: options.Index().SetName("rkey_unique").SetUnique(true)}
	return map[string][]mongo.IndexModel{surveyResponsesCollection: {rkey,
		{Keys: bson.D{{Key: "survey_id", Value: 1}, {Key: "choices", Value: 1}}, Options: options.Index().SetName("survey_choices")},
		{Keys: bson.D{{Key: "survey_id", Value: 1}, {Key: "at", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("survey_at")},
	}}
}

type responseDoc struct {
	surveys.Response `bson:",inline"`
	RKey             string `bson:"rkey"`
}

func respondentKey(surveyID, respondent string) string { return surveyID + "\x00" + respondent }

// planSurveyResponses inserts the change's responses with its record (the
// commit of Respond, a CheckRev of the consultation); a respondent who
// already answered is refused here, against the state the log is applied
// to, so the unique "rkey" is never hit on the apply. A replay inserts
// nothing twice (idempotent by _id).
func (p *planner) planSurveyResponses(list []*consultation.SurveyResponse) error {
	if len(list) == 0 {
		return nil
	}
	docs := make([]any, len(list))
	keys := make([]string, len(list))
	for i, r := range list {
		keys[i] = respondentKey(r.SurveyID, r.Respondent)
		if slices.Contains(keys[:i], keys[i]) {
			return alreadyResponded()
		}
		docs[i] = responseDoc{Response: *r, RKey: keys[i]}
	}
	found, err := exists(p.ctx, p.db.db.Collection(surveyResponsesCollection), bson.D{{Key: "rkey", Value: bson.D{{Key: "$in", Value: keys}}}})
	if err != nil {
		return err
	}
	if found {
		return alreadyResponded()
	}
	return p.add(surveyResponsesCollection, "insert", docs...)
}

// planResponseCount refuses a change whose survey report counted another
// number of responses than the applied log holds (consultation.ErrStale).
func (p *planner) planResponseCount(rc *consultation.ResponseCount) error {
	if rc == nil {
		return nil
	}
	n, err := p.db.db.Collection(surveyResponsesCollection).CountDocuments(p.ctx, bson.D{{Key: "survey_id", Value: rc.SurveyID}})
	if err != nil {
		return storeErr(err, "count survey responses")
	}
	if int(n) != rc.N {
		return fmt.Errorf("mongodb: survey %s holds %d responses, the report counted %d: %w", rc.SurveyID, n, rc.N, consultation.ErrStale)
	}
	return nil
}

func alreadyResponded() error {
	return &apperr.Error{Kind: apperr.Conflict, Key: "survey.already", Cause: fmt.Errorf("mongodb: insert response: %w", surveys.ErrAlreadyResponded)}
}

// HasResponded implements surveys.Store.
func (s *SurveyStore) HasResponded(ctx context.Context, surveyID, respondent string) (bool, error) {
	return exists(ctx, s.coll, bson.D{{Key: "rkey", Value: respondentKey(surveyID, respondent)}})
}

// CountResponses implements surveys.Store.
func (s *SurveyStore) CountResponses(ctx context.Context, surveyID string) (int, error) {
	n, err := s.coll.CountDocuments(ctx, bson.D{{Key: "survey_id", Value: surveyID}})
	return int(n), storeErr(err, "count responses")
}

// CountChoices implements surveys.Store: one indexed count per key.
func (s *SurveyStore) CountChoices(ctx context.Context, surveyID string, keys []string) (map[string]int, error) {
	out := make(map[string]int, len(keys))
	for _, k := range keys {
		n, err := s.coll.CountDocuments(ctx, bson.D{{Key: "survey_id", Value: surveyID}, {Key: "choices", Value: k}})
		if err != nil {
			return nil, storeErr(err, "count choices")
		}
		out[k] = int(n)
	}
	return out, nil
}

// Responses implements surveys.Store.
func (s *SurveyStore) Responses(ctx context.Context, surveyID, cursor string, limit int) ([]*surveys.Response, string, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	filter := bson.D{{Key: "survey_id", Value: surveyID}}
	if cursor != "" {
		at, id, err := decodeCursor(cursor)
		if err != nil {
			return nil, "", err
		}
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "at", Value: bson.D{{Key: "$gt", Value: at}}}},
			bson.D{{Key: "at", Value: at}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: id}}}},
		}})
	}
	cur, err := s.coll.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit+1)))
	if err != nil {
		return nil, "", storeErr(err, "list responses")
	}
	defer cur.Close(ctx)
	var out []*surveys.Response
	for cur.Next(ctx) {
		var d responseDoc
		if err := cur.Decode(&d); err != nil {
			return nil, "", storeErr(err, "list responses")
		}
		d.Response.At = d.Response.At.UTC()
		out = append(out, &d.Response)
	}
	if err := cur.Err(); err != nil {
		return nil, "", storeErr(err, "list responses")
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = encodeCursor(last.At, last.ID)
	}
	return out, next, nil
}
