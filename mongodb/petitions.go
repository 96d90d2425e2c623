package mongodb

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/comments"
)

// addSignatories adds to n, a count of the comments matching filter, the
// extra signatories of the petitions among them (comments/petition.go). No
// $group (FerretDB v1): the few petitions (signatories > 1, index
// consultation_signatories) are read with only that field and summed here.
func (s *CommentStore) addSignatories(ctx context.Context, n int, filter bson.D) (int, error) {
	f := append(bson.D{}, filter...)
	f = append(f, bson.E{Key: "signatories", Value: bson.D{{Key: "$gt", Value: 1}}})
	cur, err := s.comments.Find(ctx, f, options.Find().SetProjection(bson.D{{Key: "signatories", Value: 1}}))
	if err != nil {
		return 0, storeErr(err, "count signatories")
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var row struct {
			Signatories int `bson:"signatories"`
		}
		if err := cur.Decode(&row); err != nil {
			return 0, storeErr(err, "count signatories")
		}
		n += row.Signatories - 1
	}
	return n, storeErr(cur.Err(), "count signatories")
}

// CountByCategory implements comments.Store without $group (FerretDB v1):
// one indexed count per category of the domain's table, then the few
// petitions read with their category and signatories.
func (s *CommentStore) CountByCategory(ctx context.Context, consultationID string) (map[comments.CommenterType]comments.CategoryCount, error) {
	out := map[comments.CommenterType]comments.CategoryCount{}
	for _, c := range comments.Categories {
		n, err := s.comments.CountDocuments(ctx, bson.D{{Key: "consultation_id", Value: consultationID}, {Key: "commenter_type", Value: c.Type},
			{Key: "status", Value: bson.D{{Key: "$ne", Value: string(comments.Withdrawn)}}}})
		if err != nil {
			return nil, storeErr(err, "count by category")
		}
		if n > 0 {
			out[c.Type] = comments.CategoryCount{Comments: int(n), People: int(n)}
		}
	}
	cur, err := s.comments.Find(ctx, bson.D{{Key: "consultation_id", Value: consultationID}, {Key: "signatories", Value: bson.D{{Key: "$gt", Value: 1}}},
		{Key: "status", Value: bson.D{{Key: "$ne", Value: string(comments.Withdrawn)}}}},
		options.Find().SetProjection(bson.D{{Key: "commenter_type", Value: 1}, {Key: "signatories", Value: 1}}))
	if err != nil {
		return nil, storeErr(err, "count by category")
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var row struct {
			Type        comments.CommenterType `bson:"commenter_type"`
			Signatories int                    `bson:"signatories"`
		}
		if err := cur.Decode(&row); err != nil {
			return nil, storeErr(err, "count by category")
		}
		c := out[row.Type]
		c.People += row.Signatories - 1
		out[row.Type] = c
	}
	return out, storeErr(cur.Err(), "count by category")
}
