package mongodb

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/apperr"
	"yugongkai/comments"
)

// Collections of the comments store.
const (
	commentsCollection      = "comments"
	commentGroupsCollection = "comment_groups"
	commentCountsCollection = "comment_counts"
)

// CommentStore implements comments.Store on two collections: comments, one
// document per comment, and comment_groups, one small document per group
// keeping its counters, so the public list pages over groups.
//
// Without transactions the group counters are kept with single-document
// atomic updates ($inc, $min, conditional $set) made after the comment
// document is written: concurrent submissions never lose a count, and a
// crash between the two writes leaves a group one short (the comment itself
// is stored, its receipt was not yet returned). Merge and split recount the
// groups they touch from their members.
type CommentStore struct {
	comments *mongo.Collection
	groups   *mongo.Collection
	counts   *mongo.Collection // per-article counters, see countArticle
}

var _ comments.Store = (*CommentStore)(nil)

// Comments returns the store of comments. Its indexes (commentIndexes) are
// created by Open with the others.
func (db *DB) Comments() *CommentStore {
	return &CommentStore{comments: db.db.Collection(commentsCollection), groups: db.db.Collection(commentGroupsCollection),
		counts: db.db.Collection(commentCountsCollection)}
}

// commentIndexes are the indexes of the comments collections, by collection
// name; ensureIndexes creates them.
func commentIndexes() map[string][]mongo.IndexModel {
	idx := func(name string, keys ...string) mongo.IndexModel {
		d := bson.D{}
		for _, k := range keys {
			d = append(d, bson.E{Key: k, Value: 1})
		}
		return mongo.IndexModel{Keys: d, Options: options.Index().SetName(name)}
	}
	receipt := idx("receipt_unique", "receipt")
	receipt.Options.SetUnique(true)
	// Sparse, single field: comments without a key have no "idem" field.
	idem := idx("idem_unique", "idem")
	idem.Options.SetUnique(true).SetSparse(true)
	return map[string][]mongo.IndexModel{
		commentsCollection: {receipt, idem,
			idx("consultation_received", "consultation_id", "received_at", "_id"),
			idx("consultation_status", "consultation_id", "status", "received_at", "_id"),
			idx("consultation_group", "consultation_id", "group_id", "status", "received_at", "_id"),
			idx("consultation_article", "consultation_id", "article_id", "status"),
			idx("consultation_outcome", "consultation_id", "disposition.outcome"),
			idx("consultation_channel", "consultation_id", "channel"),
		},
		commentCountsCollection: {idx("consultation", "consultation_id")},
		commentGroupsCollection: {
			idx("consultation_first_at", "consultation_id", "first_at", "group_id"),
			idx("consultation_article_first_at", "consultation_id", "article_id", "first_at", "group_id"),
			idx("consultation_bands", "consultation_id", "bands"), // multikey
		},
	}
}

// commentDoc is a stored comment: the comment and its scoped idempotency
// key, unique across consultations by construction.
type commentDoc struct {
	comments.Comment `bson:",inline"`
	Idem             string `bson:"idem,omitempty"`
}

type groupDoc struct {
	ID             string                `bson:"_id"` // consultation id + "/" + group id
	ConsultationID string                `bson:"consultation_id"`
	GroupID        string                `bson:"group_id"`
	Count          int                   `bson:"count"`
	PublishedCount int                   `bson:"published_count"`
	FirstID        string                `bson:"first_id"`
	RepID          string                `bson:"rep_id"`
	FirstAt        time.Time             `bson:"first_at"`
	ArticleID      string                `bson:"article_id"`
	Bands          []string              `bson:"bands"`
	Disposition    *comments.Disposition `bson:"disposition,omitempty"`
	MergedInto     string                `bson:"merged_into"`
}

func groupKey(consultationID, groupID string) string { return consultationID + "/" + groupID }

func (g *groupDoc) group() *comments.Group {
	return &comments.Group{ConsultationID: g.ConsultationID, ID: g.GroupID, Count: g.Count, PublishedCount: g.PublishedCount,
		FirstID: g.FirstID, RepID: g.RepID, FirstAt: g.FirstAt, ArticleID: g.ArticleID, Bands: g.Bands,
		Disposition: g.Disposition, MergedInto: g.MergedInto}
}

func commentPublished(s comments.Status) int {
	if s == comments.Published {
		return 1
	}
	return 0
}

// InsertComment stores c, then counts it in its group.
func (s *CommentStore) InsertComment(ctx context.Context, c *comments.Comment) error {
	for hops := 0; hops < 10; hops++ {
		var g groupDoc
		err := s.groups.FindOne(ctx, bson.D{{Key: "_id", Value: groupKey(c.ConsultationID, c.GroupID)}},
			options.FindOne().SetProjection(bson.D{{Key: "merged_into", Value: 1}})).Decode(&g)
		if errors.Is(err, mongo.ErrNoDocuments) || (err == nil && g.MergedInto == "") {
			break
		}
		if err != nil {
			return storeErr(err, "insert comment: group")
		}
		c.GroupID = g.MergedInto
	}
	doc := commentDoc{Comment: *c}
	if c.IdempotencyKey != "" {
		doc.Idem = c.ConsultationID + "\x00" + c.IdempotencyKey
	}
	if _, err := s.comments.InsertOne(ctx, doc); err != nil {
		if isDuplicateKey(err) {
			return &apperr.Error{Kind: apperr.Conflict, Key: "error.conflict", Cause: fmt.Errorf("mongodb: insert comment: %v: %w", err, comments.ErrDuplicateKey)}
		}
		return storeErr(err, "insert comment")
	}
	if err := s.countArticle(ctx, c.ConsultationID, c.ArticleID, c.Status, 1); err != nil {
		return err
	}
	pub := commentPublished(c.Status)
	if err := s.countInGroup(ctx, c, pub); err != nil {
		return err
	}
	if pub == 1 {
		return s.claimRep(ctx, c.ConsultationID, c.GroupID, c.ID)
	}
	return nil
}

// countInGroup upserts the group record of c. Two concurrent upserts of a
// new group may both try the insert; the loser gets a duplicate key error
// and is retried as an update.
func (s *CommentStore) countInGroup(ctx context.Context, c *comments.Comment, pub int) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		_, err = s.groups.UpdateOne(ctx, bson.D{{Key: "_id", Value: groupKey(c.ConsultationID, c.GroupID)}}, bson.D{
			{Key: "$inc", Value: bson.D{{Key: "count", Value: 1}, {Key: "published_count", Value: pub}}},
			{Key: "$min", Value: bson.D{{Key: "first_at", Value: c.ReceivedAt}}},
			{Key: "$setOnInsert", Value: bson.D{
				{Key: "consultation_id", Value: c.ConsultationID}, {Key: "group_id", Value: c.GroupID},
				{Key: "first_id", Value: c.ID}, {Key: "rep_id", Value: ""}, {Key: "article_id", Value: c.ArticleID},
				{Key: "bands", Value: c.Bands}, {Key: "merged_into", Value: ""},
			}},
		}, options.UpdateOne().SetUpsert(true))
		if !isDuplicateKey(err) {
			break
		}
	}
	return storeErr(err, "insert comment: count in group")
}

// claimRep makes id the group's representative if it has none.
func (s *CommentStore) claimRep(ctx context.Context, consultationID, groupID, id string) error {
	_, err := s.groups.UpdateOne(ctx, bson.D{{Key: "_id", Value: groupKey(consultationID, groupID)}, {Key: "rep_id", Value: ""}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "rep_id", Value: id}}}})
	return storeErr(err, "claim representative")
}

func (s *CommentStore) findOne(ctx context.Context, filter bson.D, what string) (*comments.Comment, error) {
	var d commentDoc
	if err := s.comments.FindOne(ctx, filter).Decode(&d); err != nil {
		return nil, storeErr(err, what)
	}
	return &d.Comment, nil
}

// Comment returns one comment or apperr.ErrNotFound.
func (s *CommentStore) Comment(ctx context.Context, id string) (*comments.Comment, error) {
	return s.findOne(ctx, bson.D{{Key: "_id", Value: id}}, "comment")
}

// CommentByReceipt returns the comment with the receipt code.
func (s *CommentStore) CommentByReceipt(ctx context.Context, code string) (*comments.Comment, error) {
	return s.findOne(ctx, bson.D{{Key: "receipt", Value: code}}, "comment by receipt")
}

// CommentByIdempotencyKey returns the comment stored with the key.
func (s *CommentStore) CommentByIdempotencyKey(ctx context.Context, consultationID, key string) (*comments.Comment, error) {
	return s.findOne(ctx, bson.D{{Key: "idem", Value: consultationID + "\x00" + key}}, "comment by idempotency key")
}

func (s *CommentStore) find(ctx context.Context, filter bson.D, opts *options.FindOptionsBuilder, what string) ([]*comments.Comment, error) {
	cur, err := s.comments.Find(ctx, filter, opts)
	if err != nil {
		return nil, storeErr(err, what)
	}
	var docs []commentDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storeErr(err, what)
	}
	out := make([]*comments.Comment, len(docs))
	for i := range docs {
		out[i] = &docs[i].Comment
	}
	return out, nil
}

// CommentsByID returns the comments with the given ids that exist.
func (s *CommentStore) CommentsByID(ctx context.Context, ids []string) ([]*comments.Comment, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return s.find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, options.Find(), "comments by id")
}

// andFilter joins clauses with $and (a plain document when there is one).
func andClauses(and bson.A) bson.D {
	if len(and) == 1 {
		return and[0].(bson.D)
	}
	return bson.D{{Key: "$and", Value: and}}
}

// after is the keyset clause (timeField, idField) > (at, id).
func keysetAfter(timeField, idField string, at time.Time, id string) bson.D {
	return bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: timeField, Value: bson.D{{Key: "$gt", Value: at}}}},
		bson.D{{Key: timeField, Value: at}, {Key: idField, Value: bson.D{{Key: "$gt", Value: id}}}},
	}}}
}

// Comments lists by the filter in (ReceivedAt, ID) order.
func (s *CommentStore) Comments(ctx context.Context, f comments.Filter) ([]*comments.Comment, string, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	and := bson.A{bson.D{{Key: "consultation_id", Value: f.ConsultationID}}}
	if f.Status != "" {
		and = append(and, bson.D{{Key: "status", Value: f.Status}})
	}
	if f.ArticleID != nil {
		and = append(and, bson.D{{Key: "article_id", Value: *f.ArticleID}})
	}
	if f.GroupID != "" {
		and = append(and, bson.D{{Key: "group_id", Value: f.GroupID}})
	}
	if len(f.Outcomes) > 0 {
		and = append(and, bson.D{{Key: "disposition.outcome", Value: bson.D{{Key: "$in", Value: f.Outcomes}}}})
	}
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		and = append(and, keysetAfter("received_at", "_id", at, id))
	}
	list, err := s.find(ctx, andClauses(and), options.Find().
		SetSort(bson.D{{Key: "received_at", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)+1), "list comments")
	if err != nil {
		return nil, "", err
	}
	if len(list) > limit {
		list = list[:limit]
		last := list[limit-1]
		return list, encodeCursor(last.ReceivedAt, last.ID), nil
	}
	return list, "", nil
}

// SetModeration changes the status of a comment from from to to.
func (s *CommentStore) SetModeration(ctx context.Context, id string, from, to comments.Status, m comments.Moderation) error {
	var before commentDoc
	err := s.comments.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: id}, {Key: "status", Value: from}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: to}, {Key: "moderation", Value: m}}}}).Decode(&before)
	if errors.Is(err, mongo.ErrNoDocuments) {
		if _, err := s.Comment(ctx, id); err != nil {
			return err
		}
		return fmt.Errorf("mongodb: comment %s is not %s: %w", id, from, apperr.ErrConflict)
	}
	if err != nil {
		return storeErr(err, "moderate comment")
	}
	c := before.Comment
	if err := s.countArticle(ctx, c.ConsultationID, c.ArticleID, from, -1); err != nil {
		return err
	}
	if err := s.countArticle(ctx, c.ConsultationID, c.ArticleID, to, 1); err != nil {
		return err
	}
	delta := commentPublished(to) - commentPublished(from)
	if delta == 0 {
		return nil
	}
	key := groupKey(c.ConsultationID, c.GroupID)
	if _, err := s.groups.UpdateOne(ctx, bson.D{{Key: "_id", Value: key}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "published_count", Value: delta}}}}); err != nil {
		return storeErr(err, "moderate: group")
	}
	if delta > 0 {
		return s.claimRep(ctx, c.ConsultationID, c.GroupID, c.ID)
	}
	next, err := s.firstPublished(ctx, c.ConsultationID, c.GroupID)
	if err != nil {
		return err
	}
	_, err = s.groups.UpdateOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "rep_id", Value: c.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "rep_id", Value: next}}}})
	return storeErr(err, "moderate: representative")
}

// firstPublished returns the earliest published member of a group, "" if none.
func (s *CommentStore) firstPublished(ctx context.Context, consultationID, groupID string) (string, error) {
	var d struct {
		ID string `bson:"_id"`
	}
	err := s.comments.FindOne(ctx, bson.D{{Key: "consultation_id", Value: consultationID}, {Key: "group_id", Value: groupID}, {Key: "status", Value: comments.Published}},
		options.FindOne().SetSort(bson.D{{Key: "received_at", Value: 1}, {Key: "_id", Value: 1}}).SetProjection(bson.D{{Key: "_id", Value: 1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", nil
	}
	return d.ID, storeErr(err, "first published member")
}

func dispositionUpdate(d comments.Disposition) bson.D {
	return bson.D{{Key: "$set", Value: bson.D{{Key: "disposition", Value: d}}}, {Key: "$push", Value: bson.D{{Key: "dispositions", Value: d}}}}
}

// SetDisposition makes d the current disposition of comment id.
func (s *CommentStore) SetDisposition(ctx context.Context, id string, d comments.Disposition) error {
	res, err := s.comments.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, dispositionUpdate(d))
	if err != nil {
		return storeErr(err, "set disposition")
	}
	if res.MatchedCount == 0 {
		return apperr.ErrNotFound
	}
	return nil
}

// SetGroupDisposition records d on the group, then on every member.
func (s *CommentStore) SetGroupDisposition(ctx context.Context, consultationID, groupID string, d comments.Disposition) (int, error) {
	res, err := s.groups.UpdateOne(ctx, bson.D{{Key: "_id", Value: groupKey(consultationID, groupID)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "disposition", Value: d}}}})
	if err != nil {
		return 0, storeErr(err, "group disposition")
	}
	if res.MatchedCount == 0 {
		return 0, apperr.ErrNotFound
	}
	res, err = s.comments.UpdateMany(ctx, bson.D{{Key: "consultation_id", Value: consultationID}, {Key: "group_id", Value: groupID}}, dispositionUpdate(d))
	if err != nil {
		return 0, storeErr(err, "group disposition: members")
	}
	return int(res.MatchedCount), nil
}

// MoveToGroup moves whole groups and single comments to group to, then
// recounts every group it touched.
func (s *CommentStore) MoveToGroup(ctx context.Context, consultationID, to string, from []string, ids []string) (int, error) {
	var or bson.A
	if len(from) > 0 {
		or = append(or, bson.D{{Key: "group_id", Value: bson.D{{Key: "$in", Value: from}}}})
	}
	if len(ids) > 0 {
		or = append(or, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	}
	if len(or) == 0 {
		return 0, nil
	}
	list, err := s.find(ctx, bson.D{{Key: "consultation_id", Value: consultationID}, {Key: "group_id", Value: bson.D{{Key: "$ne", Value: to}}}, {Key: "$or", Value: or}},
		options.Find().SetSort(bson.D{{Key: "received_at", Value: 1}, {Key: "_id", Value: 1}}), "move: members")
	if err != nil || len(list) == 0 {
		return 0, err
	}
	target, err := s.Group(ctx, consultationID, to)
	if apperr.Is(err, apperr.NotFound) {
		first := list[0]
		g := groupDoc{ID: groupKey(consultationID, to), ConsultationID: consultationID, GroupID: to, FirstID: first.ID,
			FirstAt: first.ReceivedAt, ArticleID: first.ArticleID, Bands: first.Bands}
		if _, err := s.groups.InsertOne(ctx, g); err != nil && !isDuplicateKey(err) {
			return 0, storeErr(err, "move: create group")
		}
		target, err = s.Group(ctx, consultationID, to)
	}
	if err != nil {
		return 0, err
	}
	moved := make([]string, len(list))
	touched := map[string]bool{to: true}
	for i, c := range list {
		moved[i] = c.ID
		touched[c.GroupID] = true
	}
	update := bson.D{{Key: "$set", Value: bson.D{{Key: "group_id", Value: to}}}}
	if target.Disposition != nil {
		update = bson.D{{Key: "$set", Value: bson.D{{Key: "group_id", Value: to}, {Key: "disposition", Value: *target.Disposition}}},
			{Key: "$push", Value: bson.D{{Key: "dispositions", Value: *target.Disposition}}}}
	}
	if _, err := s.comments.UpdateMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: moved}}}}, update); err != nil {
		return 0, storeErr(err, "move: members")
	}
	mergedFrom := map[string]bool{}
	for _, g := range from {
		mergedFrom[g] = true
	}
	for g := range touched {
		if err := s.recount(ctx, consultationID, g, to, mergedFrom[g]); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}

// recount recomputes a group's counters, first time and representative
// from its members; an emptied group loses its band keys.
func (s *CommentStore) recount(ctx context.Context, consultationID, groupID, to string, merged bool) error {
	members := bson.D{{Key: "consultation_id", Value: consultationID}, {Key: "group_id", Value: groupID}}
	count, err := s.comments.CountDocuments(ctx, members)
	if err != nil {
		return storeErr(err, "recount")
	}
	pubFilter := append(bson.D{}, members...)
	pubFilter = append(pubFilter, bson.E{Key: "status", Value: comments.Published})
	pub, err := s.comments.CountDocuments(ctx, pubFilter)
	if err != nil {
		return storeErr(err, "recount")
	}
	rep, err := s.firstPublished(ctx, consultationID, groupID)
	if err != nil {
		return err
	}
	set := bson.D{{Key: "count", Value: count}, {Key: "published_count", Value: pub}, {Key: "rep_id", Value: rep}}
	if count == 0 {
		set = append(set, bson.E{Key: "bands", Value: nil})
		if merged {
			set = append(set, bson.E{Key: "merged_into", Value: to})
		}
	} else {
		var first commentDoc
		err := s.comments.FindOne(ctx, members, options.FindOne().SetSort(bson.D{{Key: "received_at", Value: 1}, {Key: "_id", Value: 1}})).Decode(&first)
		if err != nil {
			return storeErr(err, "recount: first")
		}
		set = append(set, bson.E{Key: "first_at", Value: first.ReceivedAt})
	}
	_, err = s.groups.UpdateOne(ctx, bson.D{{Key: "_id", Value: groupKey(consultationID, groupID)}}, bson.D{{Key: "$set", Value: set}})
	return storeErr(err, "recount: update")
}

// Group returns one group or apperr.ErrNotFound.
func (s *CommentStore) Group(ctx context.Context, consultationID, groupID string) (*comments.Group, error) {
	var g groupDoc
	if err := s.groups.FindOne(ctx, bson.D{{Key: "_id", Value: groupKey(consultationID, groupID)}}).Decode(&g); err != nil {
		return nil, storeErr(err, "comment group")
	}
	return g.group(), nil
}

// PublicGroups lists groups with a published member in (FirstAt, ID) order.
func (s *CommentStore) PublicGroups(ctx context.Context, f comments.GroupFilter) ([]*comments.Group, string, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 500)
	and := bson.A{bson.D{{Key: "consultation_id", Value: f.ConsultationID}}, bson.D{{Key: "published_count", Value: bson.D{{Key: "$gt", Value: 0}}}}}
	if f.ArticleID != nil {
		and = append(and, bson.D{{Key: "article_id", Value: *f.ArticleID}})
	}
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		and = append(and, keysetAfter("first_at", "group_id", at, id))
	}
	cur, err := s.groups.Find(ctx, andClauses(and), options.Find().
		SetSort(bson.D{{Key: "first_at", Value: 1}, {Key: "group_id", Value: 1}}).SetLimit(int64(limit)+1))
	if err != nil {
		return nil, "", storeErr(err, "public groups")
	}
	var docs []groupDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, "", storeErr(err, "public groups")
	}
	next := ""
	if len(docs) > limit {
		docs = docs[:limit]
		next = encodeCursor(docs[limit-1].FirstAt, docs[limit-1].GroupID)
	}
	out := make([]*comments.Group, len(docs))
	for i := range docs {
		out[i] = docs[i].group()
	}
	return out, next, nil
}

// SharedBands reads the band keys of the consultation's non-empty groups
// (one small document per group, not per comment) and pairs them up here:
// FerretDB v1 lacks the $unwind/$group pipeline this would otherwise be.
func (s *CommentStore) SharedBands(ctx context.Context, consultationID string) ([][]string, error) {
	cur, err := s.groups.Find(ctx, bson.D{{Key: "consultation_id", Value: consultationID}, {Key: "count", Value: bson.D{{Key: "$gt", Value: 0}}}},
		options.Find().SetProjection(bson.D{{Key: "group_id", Value: 1}, {Key: "bands", Value: 1}}))
	if err != nil {
		return nil, storeErr(err, "shared bands")
	}
	defer cur.Close(ctx)
	byBand := map[string][]string{}
	for cur.Next(ctx) {
		var g struct {
			GroupID string   `bson:"group_id"`
			Bands   []string `bson:"bands"`
		}
		if err := cur.Decode(&g); err != nil {
			return nil, storeErr(err, "shared bands")
		}
		for _, b := range g.Bands {
			byBand[b] = append(byBand[b], g.GroupID)
		}
	}
	if err := cur.Err(); err != nil {
		return nil, storeErr(err, "shared bands")
	}
	bands := make([]string, 0, len(byBand))
	for b, gs := range byBand {
		if len(gs) > 1 {
			bands = append(bands, b)
		}
	}
	sort.Strings(bands)
	sets := make([][]string, 0, len(bands))
	for _, b := range bands {
		set := byBand[b]
		sort.Strings(set)
		sets = append(sets, set)
	}
	return sets, nil
}

// CountComments counts comments matching the filter.
func (s *CommentStore) CountComments(ctx context.Context, f comments.CountFilter) (int, error) {
	filter := bson.D{{Key: "consultation_id", Value: f.ConsultationID}}
	if f.Status != "" {
		filter = append(filter, bson.E{Key: "status", Value: f.Status})
	}
	if f.Channel != "" {
		filter = append(filter, bson.E{Key: "channel", Value: f.Channel})
	}
	if f.ArticleID != nil {
		filter = append(filter, bson.E{Key: "article_id", Value: *f.ArticleID})
	}
	if f.Outcome != "" {
		filter = append(filter, bson.E{Key: "disposition.outcome", Value: f.Outcome})
	}
	if f.Undisposed {
		filter = append(filter, bson.E{Key: "disposition", Value: bson.D{{Key: "$exists", Value: false}}})
	}
	n, err := s.comments.CountDocuments(ctx, filter)
	return int(n), storeErr(err, "count comments")
}

// countArticle moves the per-article counter of (article, status) by delta
// with one atomic upsert. Without transactions a crash between the comment
// write and this one leaves the counter one off; the comments themselves
// are the record (CountComments counts them exactly).
func (s *CommentStore) countArticle(ctx context.Context, consultationID, articleID string, status comments.Status, delta int) error {
	key := consultationID + "/" + articleID + "/" + string(status)
	_, err := s.counts.UpdateOne(ctx, bson.D{{Key: "_id", Value: key}}, bson.D{
		{Key: "$inc", Value: bson.D{{Key: "n", Value: delta}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "consultation_id", Value: consultationID}, {Key: "article_id", Value: articleID}, {Key: "status", Value: status}}},
	}, options.UpdateOne().SetUpsert(true))
	return storeErr(err, "count comment per article")
}

// CountByArticle implements comments.Store from the per-article counters.
func (s *CommentStore) CountByArticle(ctx context.Context, consultationID string, status comments.Status) (map[string]int, error) {
	filter := bson.D{{Key: "consultation_id", Value: consultationID}}
	if status != "" {
		filter = append(filter, bson.E{Key: "status", Value: status})
	}
	cur, err := s.counts.Find(ctx, filter)
	if err != nil {
		return nil, storeErr(err, "count by article")
	}
	defer cur.Close(ctx)
	out := map[string]int{}
	for cur.Next(ctx) {
		var row struct {
			ArticleID string `bson:"article_id"`
			N         int64  `bson:"n"`
		}
		if err := cur.Decode(&row); err != nil {
			return nil, storeErr(err, "count by article")
		}
		out[row.ArticleID] += int(row.N)
	}
	for id, n := range out {
		if n <= 0 {
			delete(out, id)
		}
	}
	return out, storeErr(cur.Err(), "count by article")
}
