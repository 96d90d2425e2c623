package mongodb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"golang.org/x/mod/sumdb/tlog"

	"yugongkai/apperr"
	"yugongkai/comments"
	"yugongkai/consultation"
)

// The transparency log of comments (comments/log.go). A commit that inserts
// comments carries, besides the comments, their leaves, the tree's new
// stored hashes and the log's new size, all planned from the projections
// (which hold exactly the tail's state) and applied like any other write.
const (
	commentLogsCollection   = "comment_logs"
	commentLeavesCollection = "comment_log_leaves"
	commentHashesCollection = "comment_log_hashes"
)

type logSizeDoc struct {
	ID   string `bson:"_id"` // consultation id
	Size int64  `bson:"size"`
}

type leafDoc struct {
	ID           string    `bson:"_id"` // consultation/index
	Consultation string    `bson:"consultation"`
	Index        int64     `bson:"idx"`
	CommentID    string    `bson:"comment_id"`
	Leaf         []byte    `bson:"leaf"`
	At           time.Time `bson:"at"`
}

type hashDoc struct {
	ID           string `bson:"_id"` // consultation/index
	Consultation string `bson:"consultation"`
	Index        int64  `bson:"idx"`
	Hash         []byte `bson:"hash"`
}

func logKey(cid string, i int64) string { return fmt.Sprintf("%s/%d", cid, i) }

// checkLogSize refuses a seal of a tree head that is not the whole log.
func (p *planner) checkLogSize(want int64) error {
	var sz logSizeDoc
	err := p.db.db.Collection(commentLogsCollection).FindOne(p.ctx, bson.D{{Key: "_id", Value: p.cid}}).Decode(&sz)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return storeErr(err, "comment log size")
	}
	if sz.Size != want {
		return fmt.Errorf("mongodb: comment log of %s holds %d, sealing %d: %w", p.cid, sz.Size, want, consultation.ErrStale)
	}
	return nil
}

// planLeaves gives the inserted comments the next leaf indexes and adds the
// log's writes to the record.
func (p *planner) planLeaves(list []*comments.Comment) error {
	if len(list) == 0 {
		return nil
	}
	var sz logSizeDoc
	err := p.db.db.Collection(commentLogsCollection).FindOne(p.ctx, bson.D{{Key: "_id", Value: p.cid}}).Decode(&sz)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return storeErr(err, "comment log size")
	}
	size := sz.Size
	fresh := map[int64]tlog.Hash{}
	read := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		var missing []int64
		for i, idx := range indexes {
			if h, ok := fresh[idx]; ok {
				out[i] = h
			} else {
				missing = append(missing, idx)
			}
		}
		stored, err := readHashes(p.ctx, p.db.db.Collection(commentHashesCollection), p.cid, missing)
		if err != nil {
			return nil, err
		}
		for i, idx := range indexes {
			if _, ok := fresh[idx]; !ok {
				out[i], stored = stored[0], stored[1:]
			}
		}
		return out, nil
	})
	var leaves, hashes []any
	for _, in := range list {
		c := in
		c.LeafIndex = size
		leaf := comments.LeafOf(c)
		hs, err := tlog.StoredHashes(size, leaf, read)
		if err != nil {
			return apperr.Wrap(err, "mongodb: comment log hashes")
		}
		first := tlog.StoredHashIndex(0, size)
		for i, h := range hs {
			idx := first + int64(i)
			fresh[idx] = h
			hashes = append(hashes, hashDoc{ID: logKey(p.cid, idx), Consultation: p.cid, Index: idx, Hash: h[:]})
		}
		leaves = append(leaves, leafDoc{ID: logKey(p.cid, size), Consultation: p.cid, Index: size, CommentID: c.ID, Leaf: leaf, At: c.CreatedAt})
		size++
	}
	if err := p.add(commentLeavesCollection, "insert", leaves...); err != nil {
		return err
	}
	if err := p.add(commentHashesCollection, "insert", hashes...); err != nil {
		return err
	}
	return p.add(commentLogsCollection, "replace", logSizeDoc{ID: p.cid, Size: size})
}

// readHashes reads stored hashes in the order asked.
func readHashes(ctx context.Context, coll *mongo.Collection, cid string, indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	if len(indexes) == 0 {
		return out, nil
	}
	ids := make([]string, len(indexes))
	for i, idx := range indexes {
		ids[i] = logKey(cid, idx)
	}
	cur, err := coll.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return nil, storeErr(err, "comment log hashes")
	}
	var docs []hashDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storeErr(err, "comment log hashes")
	}
	found := map[int64][]byte{}
	for _, d := range docs {
		found[d.Index] = d.Hash
	}
	for i, idx := range indexes {
		b, ok := found[idx]
		if !ok || len(b) != tlog.HashSize {
			return nil, apperr.Wrap(fmt.Errorf("stored hash %d of %s is missing", idx, cid), "mongodb: comment log")
		}
		copy(out[i][:], b)
	}
	return out, nil
}

// LogSize implements comments.LogReader.
func (s *CommentStore) LogSize(ctx context.Context, consultationID string) (int64, error) {
	var sz logSizeDoc
	err := s.db.db.Collection(commentLogsCollection).FindOne(ctx, bson.D{{Key: "_id", Value: consultationID}}).Decode(&sz)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	return sz.Size, storeErr(err, "comment log size")
}

// LogHashes implements comments.LogReader.
func (s *CommentStore) LogHashes(ctx context.Context, consultationID string, indexes []int64) ([]tlog.Hash, error) {
	return readHashes(ctx, s.db.db.Collection(commentHashesCollection), consultationID, indexes)
}

// LogLeaves implements comments.LogReader.
func (s *CommentStore) LogLeaves(ctx context.Context, consultationID string, from, to int64) ([]comments.LogLeaf, error) {
	cur, err := s.db.db.Collection(commentLeavesCollection).Find(ctx,
		bson.D{{Key: "consultation", Value: consultationID}, {Key: "idx", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lt", Value: to}}}},
		options.Find().SetSort(bson.D{{Key: "idx", Value: 1}}))
	if err != nil {
		return nil, storeErr(err, "comment log leaves")
	}
	var docs []leafDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storeErr(err, "comment log leaves")
	}
	out := make([]comments.LogLeaf, len(docs))
	for i, d := range docs {
		out[i] = comments.LogLeaf{Index: d.Index, CommentID: d.CommentID, Leaf: d.Leaf, At: d.At.UTC()}
	}
	return out, nil
}
