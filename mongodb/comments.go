package mongodb

import (
	"context"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/comments"
	"yugongkai/vcode"
)

// Collections of the comments store.
const (
	commentsCollection      = "comments"
	commentGroupsCollection = "comment_groups"
	commentCountsCollection = "comment_counts"
)

// CommentStore implements comments.Store on three collections: comments,
// one document per comment; comment_groups, one small document per group
// keeping its counters, so the public list pages over groups; and
// comment_counts, the per-article counters. All three are projections of
// the consultation's commit log (see Commit): a commit computes the groups'
// and counters' new values against the state it checked and the log
// applies them, so a crash never leaves a count off by one for long — the
// next commit, consultation read or Repair rolls the log forward. Comment
// and group reads do not roll forward themselves.
type CommentStore struct {
	db       *DB
	comments *mongo.Collection
	groups   *mongo.Collection
	counts   *mongo.Collection // per-article counters, see countArticle
}

var _ comments.Store = (*CommentStore)(nil)

// Comments returns the store of comments. Its indexes (commentIndexes) are
// created by Open with the others.
func (db *DB) Comments() *CommentStore {
	return &CommentStore{db: db, comments: db.db.Collection(commentsCollection), groups: db.db.Collection(commentGroupsCollection),
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
			idx("consultation_group_received", "consultation_id", "group_id", "received_at", "_id"),
			idx("consultation_article", "consultation_id", "article_id", "status"),
			idx("consultation_outcome", "consultation_id", "disposition.outcome"),
			idx("consultation_channel", "consultation_id", "channel"),
			idx("user_received", "user_id", "received_at"),
			// Lost receipts (contactkeys.go): the keyed hashes, never the contacts.
			idx("contact_email_key_received", "contact_email_key", "received_at"),
			idx("contact_phone_key_received", "contact_phone_key", "received_at"),
			idx("consultation_commenter_type", "consultation_id", "commenter_type"),
			idx("consultation_signatories", "consultation_id", "signatories"),
		},
		commentCountsCollection: {idx("consultation", "consultation_id")},
		nearProposalsCollection: {idx("consultation_run_seq", "consultation", "run", "seq")}, // near.go
		commentLeavesCollection: {idx("consultation_idx", "consultation", "idx")},
		commentGroupsCollection: {
			idx("consultation_first_at", "consultation_id", "first_at", "group_id"),
			idx("consultation_article_first_at", "consultation_id", "article_id", "first_at", "group_id"),
			idx("consultation_bands", "consultation_id", "bands"), // multikey
		},
	}
}

// commentDoc is a stored comment: the comment, its scoped idempotency
// key (unique across consultations by construction) and the log position
// that last wrote it.
type commentDoc struct {
	comments.Comment `bson:",inline"`
	Idem             string `bson:"idem,omitempty"`
	Applied          int64  `bson:"applied,omitempty"`
	// The keyed hashes of the contacts (comments.ContactKeys): absent
	// without a contact, "" once it was erased (contactkeys.go).
	EmailKey string `bson:"contact_email_key,omitempty"`
	PhoneKey string `bson:"contact_phone_key,omitempty"`
}

func idemKey(consultationID, key string) string { return consultationID + "\x00" + key }

// counterDoc is the per-article counter of (consultation, article, status).
type counterDoc struct {
	ID             string          `bson:"_id"` // consultation/article/status
	ConsultationID string          `bson:"consultation_id"`
	ArticleID      string          `bson:"article_id"`
	Status         comments.Status `bson:"status"`
	N              int64           `bson:"n"`
	Applied        int64           `bson:"applied,omitempty"`
}

func counterKey(consultationID, articleID string, status comments.Status) string {
	return consultationID + "/" + articleID + "/" + string(status)
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
	Applied        int64                 `bson:"applied,omitempty"`
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

// CountByStance implements comments.Store. The counting is done here, not
// by $group (FerretDB v1 lacks most accumulators): only the two fields of
// the comments with a stance are read.
func (s *CommentStore) CountByStance(ctx context.Context, consultationID string) (map[string]comments.StanceCounts, error) {
	filter := bson.D{{Key: "consultation_id", Value: consultationID}, {Key: "status", Value: comments.Published},
		{Key: "stance", Value: bson.D{{Key: "$exists", Value: true}}}}
	cur, err := s.comments.Find(ctx, filter, options.Find().SetProjection(bson.D{{Key: "article_id", Value: 1}, {Key: "stance", Value: 1}}))
	if err != nil {
		return nil, storeErr(err, "count by stance")
	}
	defer cur.Close(ctx)
	out := map[string]comments.StanceCounts{}
	for cur.Next(ctx) {
		var row struct {
			ArticleID string `bson:"article_id"`
			Stance    string `bson:"stance"`
		}
		if err := cur.Decode(&row); err != nil {
			return nil, storeErr(err, "count by stance")
		}
		if row.Stance == "" {
			continue
		}
		if out[row.ArticleID] == nil {
			out[row.ArticleID] = comments.StanceCounts{}
		}
		out[row.ArticleID][comments.Stance(row.Stance)]++
	}
	return out, storeErr(cur.Err(), "count by stance")
}

// CommentsByUser implements comments.Store.
func (s *CommentStore) CommentsByUser(ctx context.Context, userID string, limit int) ([]*comments.Comment, error) {
	opts := options.Find().SetSort(bson.D{{Key: "received_at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(limit))
	return s.find(ctx, bson.D{{Key: "user_id", Value: userID}}, opts, "comments by user")
}

// CommentsByContact implements comments.Store over the contact key
// fields, one indexed filter per channel.
func (s *CommentStore) CommentsByContact(ctx context.Context, contact vcode.Contact, limit int) ([]*comments.Comment, error) {
	field := "contact_email_key"
	if contact.Channel == vcode.SMS {
		field = "contact_phone_key"
	}
	key := s.db.contactKeys.ContactKey(contact)
	if key == "" || limit <= 0 {
		return nil, nil
	}
	opts := options.Find().SetSort(bson.D{{Key: "received_at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(limit))
	return s.find(ctx, bson.D{{Key: field, Value: key}}, opts, "comments by contact")
}

// CommentByIdempotencyKey returns the comment stored with the key.
func (s *CommentStore) CommentByIdempotencyKey(ctx context.Context, consultationID, key string) (*comments.Comment, error) {
	return s.findOne(ctx, bson.D{{Key: "idem", Value: idemKey(consultationID, key)}}, "comment by idempotency key")
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

// GroupTexts returns GroupText of the comments with the given ids that
// exist, reading only their bodies and attachments (projected: the rest of
// each document is not sent nor decoded).
func (s *CommentStore) GroupTexts(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	cur, err := s.comments.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
		options.Find().SetProjection(bson.D{{Key: "body", Value: 1}, {Key: "attachments.text", Value: 1}}))
	if err != nil {
		return nil, storeErr(err, "group texts")
	}
	var docs []struct {
		ID          string `bson:"_id"`
		Body        string `bson:"body"`
		Attachments []struct {
			Text string `bson:"text"`
		} `bson:"attachments"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storeErr(err, "group texts")
	}
	var texts []string
	for _, d := range docs {
		texts = texts[:0]
		for _, a := range d.Attachments {
			texts = append(texts, a.Text)
		}
		out[d.ID] = comments.JoinGroupText(d.Body, texts)
	}
	return out, nil
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
	if f.Before != "" {
		return s.commentsBefore(ctx, and, f.Before, limit)
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
	return s.listGroups(ctx, "public groups", f, bson.D{{Key: "published_count", Value: bson.D{{Key: "$gt", Value: 0}}}})
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
	if f.CommenterType != "" {
		filter = append(filter, bson.E{Key: "commenter_type", Value: f.CommenterType})
	}
	n, err := s.comments.CountDocuments(ctx, filter)
	if err != nil || !f.Signatories {
		return int(n), storeErr(err, "count comments")
	}
	return s.addSignatories(ctx, int(n), filter)
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

// MaxImportRows is the most rows one bulk import may commit on this store
// (comments.Service.PreviewImport refuses more). An import is one commit
// record, and the commit claims every receipt code before it: one write
// per row, all within half the claim lease (30 s). On FerretDB a claim
// takes tens of milliseconds; 100 rows leave a wide margin. A MongoDB
// replica set (2–4 ms per majority write) would allow several thousand,
// within the 15 MiB record either way.
const MaxImportRows = 100

// MaxImportRows tells comments.Service the per-import row limit.
func (s *CommentStore) MaxImportRows() int { return MaxImportRows }
