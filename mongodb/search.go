package mongodb

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/apperr"
	"yugongkai/consultation"
	"yugongkai/search"
)

// searchDocsCollection holds the full-text index: one document per
// search.Doc, its postings embedded as the string array "terms" under a
// multikey index.
const (
	searchDocsCollection  = "search_docs"
	searchQueueCollection = "search_queue"
)

// queueDoc is a queued index job, written by the commit record that caused
// it (its _id is the record's id and the job's place in it).
type queueDoc struct {
	ID                    string `bson:"_id"`
	Seq                   int64  `bson:"seq"` // the record's time, for order
	consultation.IndexJob `bson:",inline"`
}

// Queued returns at most limit queued index jobs, oldest first (search.Queue).
func (s *SearchIndex) Queued(ctx context.Context, limit int) ([]search.Queued, error) {
	cur, err := s.queue.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "seq", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, storeErr(err, "index queue")
	}
	var docs []queueDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storeErr(err, "index queue")
	}
	out := make([]search.Queued, len(docs))
	for i, d := range docs {
		out[i] = search.Queued{Key: d.ID, Job: d.IndexJob}
	}
	return out, nil
}

// Done removes applied jobs (search.Queue).
func (s *SearchIndex) Done(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	if err := s.write("delete search_queue"); err != nil {
		return err
	}
	_, err := s.queue.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: keys}}}})
	return storeErr(err, "index queue done")
}

// write returns the injected fault before a write, if any (WithFaults).
func (s *SearchIndex) write(op string) error {
	if s.fault == nil {
		return nil
	}
	if err := s.fault(op); err != nil {
		return apperr.Wrap(err, "mongodb: "+op)
	}
	return nil
}

// QueueDepth counts the queued jobs (search.Queue).
func (s *SearchIndex) QueueDepth(ctx context.Context) (int, error) {
	n, err := s.queue.CountDocuments(ctx, bson.D{})
	return int(n), storeErr(err, "index queue depth")
}

// SearchIndex implements search.Index on the collection search_docs. A
// document and its postings are one MongoDB document, so Put and Delete are
// atomic without transactions; copying a consultation's filter fields to its
// comments is a separate UpdateMany that a crash may leave undone until the
// next Put of the consultation.
type SearchIndex struct {
	docs  *mongo.Collection
	queue *mongo.Collection
	fault func(op string) error // tests only (WithFaults): asked before each write of Apply and Done
}

var _ search.BatchIndex = (*SearchIndex)(nil)

// Search returns the full-text index. Its indexes (searchIndexes) are
// created by Open with the others.
func (db *DB) Search() *SearchIndex {
	return &SearchIndex{docs: db.db.Collection(searchDocsCollection), queue: db.db.Collection(searchQueueCollection), fault: db.fault}
}

// searchIndexes are the indexes of the search collection, by collection
// name; ensureIndexes creates them.
func searchIndexes() map[string][]mongo.IndexModel {
	return map[string][]mongo.IndexModel{
		searchDocsCollection: {
			// Multikey: one entry per term, in key order within a term, so
			// MongoDB walks the first term of an $all in result order.
			{Keys: bson.D{{Key: "terms", Value: 1}, {Key: "key", Value: 1}}, Options: options.Index().SetName("terms_key")},
			{Keys: bson.D{{Key: "key", Value: 1}}, Options: options.Index().SetName("key")},
			{Keys: bson.D{{Key: "consultation_id", Value: 1}, {Key: "kind", Value: 1}}, Options: options.Index().SetName("consultation_kind")},
		},
		searchQueueCollection: {
			{Keys: bson.D{{Key: "seq", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("seq")},
		},
	}
}

// noClose stands for an unset ClosesAt: later than any instant, so the
// status filters need no null case.
var noClose = time.Date(9999, 12, 31, 23, 59, 59, 999_000_000, time.UTC)

// searchDoc is a stored search.Doc; _id is kind/id.
type searchDoc struct {
	ID             string    `bson:"_id"`
	Kind           string    `bson:"kind"`
	DocID          string    `bson:"id"`
	ConsultationID string    `bson:"consultation_id"`
	Key            string    `bson:"key"`
	State          string    `bson:"state"`
	ClosesAt       time.Time `bson:"closes_at"`
	DepartmentID   string    `bson:"department_id"`
	ProcedureType  string    `bson:"procedure_type"`
	Title          string    `bson:"title"`
	Name           string    `bson:"name"`
	At             time.Time `bson:"at"`
	Source         string    `bson:"source"`
	Text           string    `bson:"text"`
	Terms          []string  `bson:"terms,omitempty"`
}

func searchDocID(kind search.Kind, id string) string { return string(kind) + "/" + id }

func (d *searchDoc) doc() search.Doc {
	sd := search.Doc{Kind: search.Kind(d.Kind), ID: d.DocID, ConsultationID: d.ConsultationID, Source: d.Source,
		Text: d.Text, Title: d.Title, Name: d.Name, At: d.At.UTC(), State: consultation.State(d.State),
		DepartmentID: d.DepartmentID, ProcedureType: consultation.ProcedureType(d.ProcedureType)}
	if !d.ClosesAt.Equal(noClose) {
		t := d.ClosesAt.UTC()
		sd.ClosesAt = &t
	}
	return sd
}

func closesAtField(d *search.Doc) time.Time {
	if d.ClosesAt != nil {
		return *d.ClosesAt
	}
	return noClose
}

func storedSearchDoc(d *search.Doc) searchDoc {
	return searchDoc{ID: searchDocID(d.Kind, d.ID), Kind: string(d.Kind), DocID: d.ID, ConsultationID: d.ConsultationID,
		Key: d.Key(), State: string(d.State), ClosesAt: closesAtField(d), DepartmentID: d.DepartmentID,
		ProcedureType: string(d.ProcedureType), Title: d.Title, Name: d.Name, At: d.At, Source: d.Source, Text: d.Text,
		Terms: search.Terms(d.Text)}
}

// Put replaces the document (with its terms) in one write, then, for a
// consultation, copies its title and filter fields to its comments.
func (s *SearchIndex) Put(ctx context.Context, d search.Doc) error {
	doc := storedSearchDoc(&d)
	if _, err := s.docs.ReplaceOne(ctx, bson.D{{Key: "_id", Value: doc.ID}}, doc, options.Replace().SetUpsert(true)); err != nil {
		return storeErr(err, "put search doc")
	}
	if d.Kind != search.KindConsultation {
		return nil
	}
	return s.propagate(ctx, &d)
}

// propagate copies consultation d's title and filter fields to its
// comments' documents.
func (s *SearchIndex) propagate(ctx context.Context, d *search.Doc) error {
	_, err := s.docs.UpdateMany(ctx,
		bson.D{{Key: "consultation_id", Value: d.ID}, {Key: "kind", Value: string(search.KindComment)}},
		bson.D{{Key: "$set", Value: bson.D{
			{Key: "title", Value: d.Title},
			{Key: "state", Value: string(d.State)},
			{Key: "closes_at", Value: closesAtField(d)},
			{Key: "department_id", Value: d.DepartmentID},
			{Key: "procedure_type", Value: string(d.ProcedureType)},
		}}})
	return storeErr(err, "update search comments")
}

// Apply makes a batch of changes (search.BatchIndex) in a few writes: only
// the last change of each document counts, as one by one; first the title
// and filter fields of each consultation the batch puts (its last put) are
// copied to its comments (one UpdateMany each, usually none: a batch is
// mostly comments); then every document is replaced or deleted in one
// unordered bulk write, a comment put before its consultation's last put
// in the batch taking that put's fields, as it would one by one; then the
// jobs done leave the queue. Each write is idempotent, and the queue's jobs
// go last: a batch cut short leaves them queued, and the next drain writes
// it whole.
func (s *SearchIndex) Apply(ctx context.Context, changes []search.Change, done []string) error {
	last := map[string]int{}    // document _id → its last change
	consPut := map[string]int{} // consultation id → its last put
	for i, c := range changes {
		last[searchDocID(c.Doc.Kind, c.Doc.ID)] = i
		if !c.Delete && c.Doc.Kind == search.KindConsultation {
			consPut[c.Doc.ID] = i
		}
	}
	for i, c := range changes {
		if j, ok := consPut[c.Doc.ID]; ok && j == i && c.Doc.Kind == search.KindConsultation {
			if err := s.write("update search comments"); err != nil {
				return err
			}
			if err := s.propagate(ctx, &changes[i].Doc); err != nil {
				return err
			}
		}
	}
	var models []mongo.WriteModel
	for i, c := range changes {
		id := searchDocID(c.Doc.Kind, c.Doc.ID)
		if last[id] != i {
			continue
		}
		if c.Delete {
			models = append(models, mongo.NewDeleteOneModel().SetFilter(bson.D{{Key: "_id", Value: id}}))
			continue
		}
		d := c.Doc
		if j, ok := consPut[d.ConsultationID]; ok && j > i && d.Kind == search.KindComment {
			cd := &changes[j].Doc
			d.Title, d.State, d.ClosesAt, d.DepartmentID, d.ProcedureType = cd.Title, cd.State, cd.ClosesAt, cd.DepartmentID, cd.ProcedureType
		}
		models = append(models, mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: id}}).
			SetReplacement(storedSearchDoc(&d)).SetUpsert(true))
	}
	if len(models) > 0 {
		if err := s.write("bulk write search_docs"); err != nil {
			return err
		}
		if _, err := s.docs.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err != nil {
			return storeErr(err, "write search docs")
		}
	}
	return s.Done(ctx, done)
}

// Delete removes a document and its postings.
func (s *SearchIndex) Delete(ctx context.Context, kind search.Kind, id string) error {
	_, err := s.docs.DeleteOne(ctx, bson.D{{Key: "_id", Value: searchDocID(kind, id)}})
	return storeErr(err, "delete search doc")
}

// Candidates returns the documents whose terms include every term
// ($all on the multikey index), filtered, in key order: one query.
func (s *SearchIndex) Candidates(ctx context.Context, terms []string, f search.Filter, limit int) ([]search.Doc, error) {
	if len(terms) == 0 {
		return nil, apperr.Wrap(errors.New("no terms"), "mongodb: search candidates")
	}
	filter := bson.D{{Key: "terms", Value: bson.D{{Key: "$all", Value: terms}}}}
	switch f.Status {
	case "":
	case consultation.Open:
		filter = append(filter,
			bson.E{Key: "state", Value: string(consultation.Open)},
			bson.E{Key: "closes_at", Value: bson.D{{Key: "$gt", Value: f.Now}}})
	case consultation.Closed:
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "state", Value: string(consultation.Closed)}},
			bson.D{
				{Key: "state", Value: string(consultation.Open)},
				{Key: "closes_at", Value: bson.D{{Key: "$lte", Value: f.Now}}},
			},
		}})
	default:
		filter = append(filter, bson.E{Key: "state", Value: string(f.Status)})
	}
	for _, c := range []struct{ field, value string }{
		{"kind", string(f.Kind)},
		{"consultation_id", f.ConsultationID},
		{"department_id", f.DepartmentID},
		{"procedure_type", string(f.ProcedureType)},
	} {
		if c.value != "" {
			filter = append(filter, bson.E{Key: c.field, Value: c.value})
		}
	}
	if f.After != "" {
		filter = append(filter, bson.E{Key: "key", Value: bson.D{{Key: "$gt", Value: f.After}}})
	}
	opts := options.Find().SetSort(bson.D{{Key: "key", Value: 1}}).SetLimit(int64(limit)).
		SetProjection(bson.D{{Key: "terms", Value: 0}})
	cur, err := s.docs.Find(ctx, filter, opts)
	if err != nil {
		return nil, storeErr(err, "find search candidates")
	}
	var stored []searchDoc
	if err := cur.All(ctx, &stored); err != nil {
		return nil, storeErr(err, "read search candidates")
	}
	docs := make([]search.Doc, len(stored))
	for i := range stored {
		docs[i] = stored[i].doc()
	}
	return docs, nil
}
