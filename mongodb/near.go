package mongodb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/apperr"
	"yugongkai/comments"
	"yugongkai/ident"
)

// nearRunsCollection holds one document per consultation: its
// near-duplicate pass (comments.NearRun, comments/near_job.go). The
// proposals of the last result are in nearProposalsCollection, in chunks
// of at most nearChunkBytes, because the proposals of a million comments
// can pass MongoDB's 16 MB document limit: the run document names the run
// (Run) and how many chunks it has.
const (
	nearRunsCollection      = "near_runs"
	nearProposalsCollection = "near_proposals"
)

// nearChunkBytes bounds the encoded proposals of one chunk document (a
// quarter of the 16 MB limit: the estimate of nearPieceBytes is an upper
// bound, and an update never has to carry more than one chunk).
var nearChunkBytes = 4 << 20

type nearRunDoc struct {
	ID        string    `bson:"_id"`
	Running   bool      `bson:"running"`
	Owner     string    `bson:"owner"`
	Until     time.Time `bson:"until"`
	StartedAt time.Time `bson:"started_at"`
	DoneAt    time.Time `bson:"done_at"`
	Comments  int       `bson:"comments"`
	Error     string    `bson:"error"`
	// Run names the chunks of the last result ("": none stored that way;
	// Proposals holds it, as documents written before the chunks do).
	Run       string            `bson:"run,omitempty"`
	Chunks    int               `bson:"chunks,omitempty"`
	Proposals []nearProposalDoc `bson:"proposals"`
}

type nearProposalDoc struct {
	GroupIDs   []string `bson:"group_ids"`
	Count      int      `bson:"count"`
	Similarity float64  `bson:"similarity"`
	Sample     string   `bson:"sample"`
	// Cont marks the continuation of the previous proposal (in a chunk, a
	// proposal whose groups do not fit in one chunk goes on in the next):
	// only GroupIDs is set.
	Cont bool `bson:"cont,omitempty"`
}

// nearChunkDoc is one chunk of a run's proposals.
type nearChunkDoc struct {
	ID           string            `bson:"_id"`
	Consultation string            `bson:"consultation"`
	Run          string            `bson:"run"`
	Seq          int               `bson:"seq"`
	Proposals    []nearProposalDoc `bson:"proposals"`
}

// nearPieceBytes bounds the BSON size of a proposal piece without its
// group ids, and nearIDBytes that of one id: an array element is a type
// byte, its index as a key (up to 7 digits and a NUL) and the string
// (length, bytes, NUL).
const (
	nearPieceBytes = 128
	nearIDBytes    = 13
)

// nearChunks cuts proposals into chunks of at most limit encoded bytes,
// splitting a proposal whose groups do not fit.
func nearChunks(props []comments.Proposal, limit int) [][]nearProposalDoc {
	var chunks [][]nearProposalDoc
	var cur []nearProposalDoc
	size := 0
	flush := func() {
		if len(cur) > 0 {
			chunks = append(chunks, cur)
		}
		cur, size = nil, 0
	}
	for _, p := range props {
		piece := nearProposalDoc{Count: p.Count, Similarity: p.Similarity, Sample: p.Sample}
		need := nearPieceBytes + len(p.Sample)
		if size+need+nearIDBytes+len(p.GroupIDs[0]) > limit {
			flush()
		}
		size += need
		start := 0
		for k, id := range p.GroupIDs {
			if size+nearIDBytes+len(id) > limit && k > start {
				piece.GroupIDs = p.GroupIDs[start:k]
				cur = append(cur, piece)
				flush()
				piece, start, size = nearProposalDoc{Cont: true}, k, nearPieceBytes
			}
			size += nearIDBytes + len(id)
		}
		piece.GroupIDs = p.GroupIDs[start:]
		cur = append(cur, piece)
	}
	flush()
	return chunks
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

// FinishNear implements comments.Store without a transaction: the
// proposals go first into chunks of a new run, then one update filtered on
// the owner's claim points the run document at them (readers see the old
// result or the new one, whole), then the chunks of every other run of the
// consultation are deleted (the last result's, and those of a pass that
// died between its chunks and its update). A refused update deletes the
// new chunks.
func (s *CommentStore) FinishNear(ctx context.Context, r *comments.NearRun) (bool, error) {
	set := bson.D{{Key: "running", Value: false}, {Key: "owner", Value: ""}, {Key: "error", Value: r.Error}}
	var run string
	if r.Error == "" {
		run = ident.ID()
		chunks := nearChunks(r.Proposals, nearChunkBytes)
		col := s.db.db.Collection(nearProposalsCollection)
		for k, props := range chunks {
			d := nearChunkDoc{ID: r.ConsultationID + "/" + run + "/" + fmt.Sprint(k), Consultation: r.ConsultationID, Run: run, Seq: k, Proposals: props}
			if _, err := col.InsertOne(ctx, d); err != nil {
				s.dropNearChunks(ctx, r.ConsultationID, bson.D{{Key: "run", Value: run}})
				return false, storeErr(err, "store near-duplicate proposals")
			}
		}
		set = append(set, bson.E{Key: "done_at", Value: r.DoneAt.UTC().Truncate(time.Millisecond)},
			bson.E{Key: "comments", Value: r.Comments}, bson.E{Key: "run", Value: run},
			bson.E{Key: "chunks", Value: len(chunks)}, bson.E{Key: "proposals", Value: bson.A{}})
	}
	res, err := s.db.db.Collection(nearRunsCollection).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: r.ConsultationID}, {Key: "running", Value: true}, {Key: "owner", Value: r.Owner}},
		bson.D{{Key: "$set", Value: set}})
	if err == nil && res.MatchedCount == 0 {
		err = errNotOwner
	}
	if err != nil {
		if run != "" {
			s.dropNearChunks(ctx, r.ConsultationID, bson.D{{Key: "run", Value: run}})
		}
		if errors.Is(err, errNotOwner) {
			return false, nil
		}
		return false, storeErr(err, "finish near-duplicate pass")
	}
	if run != "" {
		if err := s.dropNearChunks(ctx, r.ConsultationID, bson.D{{Key: "run", Value: bson.D{{Key: "$ne", Value: run}}}}); err != nil {
			return true, storeErr(err, "delete the last near-duplicate proposals")
		}
	}
	return true, nil
}

var errNotOwner = errors.New("near-duplicate pass: claim lost")

// dropNearChunks deletes the chunks of consultationID that match filter.
func (s *CommentStore) dropNearChunks(ctx context.Context, consultationID string, filter bson.D) error {
	_, err := s.db.db.Collection(nearProposalsCollection).DeleteMany(ctx, append(bson.D{{Key: "consultation", Value: consultationID}}, filter...))
	return err
}

// nearReadTries: a reader that finds the chunks of the run it read
// incomplete (deleted by a newer pass's FinishNear meanwhile) reads the
// run document again, this many times in all.
const nearReadTries = 5

// NearRun implements comments.Store: the run document, then its run's
// chunks in order.
func (s *CommentStore) NearRun(ctx context.Context, consultationID string) (*comments.NearRun, error) {
	for range nearReadTries {
		var d nearRunDoc
		if err := s.db.db.Collection(nearRunsCollection).FindOne(ctx, bson.D{{Key: "_id", Value: consultationID}}).Decode(&d); err != nil {
			return nil, storeErr(err, "near-duplicate pass")
		}
		r := &comments.NearRun{ConsultationID: d.ID, Running: d.Running, Owner: d.Owner, Until: d.Until.UTC(), StartedAt: d.StartedAt.UTC(),
			Comments: d.Comments, Error: d.Error, Proposals: []comments.Proposal{}}
		if !d.DoneAt.IsZero() && d.DoneAt.Unix() > 0 {
			r.DoneAt = d.DoneAt.UTC()
		}
		props := d.Proposals
		if d.Run != "" {
			var ok bool
			var err error
			if props, ok, err = s.nearChunks(ctx, consultationID, d.Run, d.Chunks); err != nil {
				return nil, storeErr(err, "near-duplicate proposals")
			} else if !ok {
				continue
			}
		}
		for _, p := range props {
			if p.Cont && len(r.Proposals) > 0 {
				last := &r.Proposals[len(r.Proposals)-1]
				last.GroupIDs = append(last.GroupIDs, p.GroupIDs...)
				continue
			}
			r.Proposals = append(r.Proposals, comments.Proposal{GroupIDs: p.GroupIDs, Count: p.Count, Similarity: p.Similarity, Sample: p.Sample})
		}
		return r, nil
	}
	return nil, apperr.Wrap(errors.New("the result changed at every read"), "mongodb: near-duplicate proposals")
}

// nearChunks reads the chunks of a run, in order; ok is false when they
// are not the n chunks 0..n−1 (a newer run replaced them meanwhile).
func (s *CommentStore) nearChunks(ctx context.Context, consultationID, run string, n int) ([]nearProposalDoc, bool, error) {
	cur, err := s.db.db.Collection(nearProposalsCollection).Find(ctx,
		bson.D{{Key: "consultation", Value: consultationID}, {Key: "run", Value: run}},
		options.Find().SetSort(bson.D{{Key: "seq", Value: 1}}))
	if err != nil {
		return nil, false, err
	}
	defer cur.Close(ctx)
	var out []nearProposalDoc
	seq := 0
	for cur.Next(ctx) {
		var c nearChunkDoc
		if err := cur.Decode(&c); err != nil {
			return nil, false, err
		}
		if c.Seq != seq {
			return nil, false, nil
		}
		seq++
		out = append(out, c.Proposals...)
	}
	if err := cur.Err(); err != nil {
		return nil, false, err
	}
	return out, seq == n, nil
}
