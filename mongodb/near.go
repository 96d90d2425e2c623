package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"yugongkai/comments"
)

// nearRunsCollection holds one document per consultation: its
// near-duplicate pass (comments.NearRun, comments/near_job.go).
const nearRunsCollection = "near_runs"

type nearRunDoc struct {
	ID        string            `bson:"_id"`
	Running   bool              `bson:"running"`
	Owner     string            `bson:"owner"`
	Until     time.Time         `bson:"until"`
	StartedAt time.Time         `bson:"started_at"`
	DoneAt    time.Time         `bson:"done_at"`
	Comments  int               `bson:"comments"`
	Error     string            `bson:"error"`
	Proposals []nearProposalDoc `bson:"proposals"`
}

type nearProposalDoc struct {
	GroupIDs   []string `bson:"group_ids"`
	Count      int      `bson:"count"`
	Similarity float64  `bson:"similarity"`
	Sample     string   `bson:"sample"`
}

// ClaimNear implements comments.Store with single-document writes: the
// first claim inserts the document; later ones update it only where the
// filter finds no claim holding (not running, or its lease over).
func (s *CommentStore) ClaimNear(ctx context.Context, consultationID, owner string, now, until time.Time) (bool, error) {
	now, until = now.UTC().Truncate(time.Millisecond), until.UTC().Truncate(time.Millisecond)
	col := s.db.db.Collection(nearRunsCollection)
	_, err := col.InsertOne(ctx, nearRunDoc{ID: consultationID, Running: true, Owner: owner, Until: until, StartedAt: now, Proposals: []nearProposalDoc{}})
	if err == nil {
		return true, nil
	}
	if !isDuplicateKey(err) {
		return false, storeErr(err, "claim near-duplicate pass")
	}
	res, err := col.UpdateOne(ctx, bson.D{{Key: "_id", Value: consultationID}, {Key: "$or", Value: bson.A{
		bson.D{{Key: "running", Value: false}},
		bson.D{{Key: "until", Value: bson.D{{Key: "$lte", Value: now}}}},
	}}}, bson.D{{Key: "$set", Value: bson.D{{Key: "running", Value: true}, {Key: "owner", Value: owner},
		{Key: "until", Value: until}, {Key: "started_at", Value: now}}}})
	if err != nil {
		return false, storeErr(err, "claim near-duplicate pass")
	}
	return res.MatchedCount == 1, nil
}

// FinishNear implements comments.Store: one update filtered on the owner's
// claim.
func (s *CommentStore) FinishNear(ctx context.Context, r *comments.NearRun) (bool, error) {
	set := bson.D{{Key: "running", Value: false}, {Key: "owner", Value: ""}, {Key: "error", Value: r.Error}}
	if r.Error == "" {
		props := make([]nearProposalDoc, len(r.Proposals))
		for i, p := range r.Proposals {
			props[i] = nearProposalDoc{GroupIDs: p.GroupIDs, Count: p.Count, Similarity: p.Similarity, Sample: p.Sample}
		}
		set = append(set, bson.E{Key: "done_at", Value: r.DoneAt.UTC().Truncate(time.Millisecond)},
			bson.E{Key: "comments", Value: r.Comments}, bson.E{Key: "proposals", Value: props})
	}
	res, err := s.db.db.Collection(nearRunsCollection).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: r.ConsultationID}, {Key: "running", Value: true}, {Key: "owner", Value: r.Owner}},
		bson.D{{Key: "$set", Value: set}})
	if err != nil {
		return false, storeErr(err, "finish near-duplicate pass")
	}
	return res.MatchedCount == 1, nil
}

// NearRun implements comments.Store.
func (s *CommentStore) NearRun(ctx context.Context, consultationID string) (*comments.NearRun, error) {
	var d nearRunDoc
	if err := s.db.db.Collection(nearRunsCollection).FindOne(ctx, bson.D{{Key: "_id", Value: consultationID}}).Decode(&d); err != nil {
		return nil, storeErr(err, "near-duplicate pass")
	}
	r := &comments.NearRun{ConsultationID: d.ID, Running: d.Running, Owner: d.Owner, Until: d.Until.UTC(), StartedAt: d.StartedAt.UTC(),
		Comments: d.Comments, Error: d.Error, Proposals: make([]comments.Proposal, len(d.Proposals))}
	if !d.DoneAt.IsZero() && d.DoneAt.Unix() > 0 {
		r.DoneAt = d.DoneAt.UTC()
	}
	for i, p := range d.Proposals {
		r.Proposals[i] = comments.Proposal{GroupIDs: p.GroupIDs, Count: p.Count, Similarity: p.Similarity, Sample: p.Sample}
	}
	return r, nil
}
