package mongodb

import (
	"context"
	"errors"
	"sort"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/comments"
)

// reportCountsCollection holds the adoption report's counters
// (comments.ReportCounts): one document per consultation, written whole
// with its final state by every commit record that moves a counter, like
// the groups and the per-article counters. One document rather than one
// per key: a submission moves about seven keys, and seven more writes per
// commit would double a submission's round trips; an array of pairs
// rather than a map, because article ids are not safe field names.
const reportCountsCollection = "report_counts"

type reportCountsDoc struct {
	ID      string        `bson:"_id"` // consultation id
	Counts  []reportCount `bson:"counts"`
	Applied int64         `bson:"applied,omitempty"`
}

type reportCount struct {
	Key string `bson:"k"`
	N   int    `bson:"n"`
}

// memberOutcome is the part of a comment's disposition the planner follows.
type memberOutcome struct {
	Outcome comments.Outcome `bson:"outcome"`
}

// reportView is the comment as ReportCounts.Add sees it.
func (m *member) reportView() *comments.Comment {
	c := &comments.Comment{Status: m.Status, Channel: m.Channel, ArticleID: m.ArticleID, CommenterType: m.CommenterType,
		Signatories: m.Signatories, Stance: m.Stance}
	if m.Disposition != nil {
		c.Disposition = &comments.Disposition{Outcome: m.Disposition.Outcome}
	}
	return c
}

// dispose sets the outcome the planner follows for m.
func (m *member) dispose(o comments.Outcome) { m.Disposition = &memberOutcome{Outcome: o} }

// planReportCounts writes the consultation's report counters as the change
// leaves them: the stored document plus the difference between what each
// comment of the overlay was and is. A consultation whose comments were
// stored before the counters existed has no document yet: its counters
// are counted from the comments (the projections hold exactly the tail's
// state, which the change was planned against), so the first commit after
// the upgrade writes them complete.
func (p *planner) planReportCounts() error {
	delta := comments.ReportCounts{}
	for _, m := range p.members {
		if m.ConsultationID != p.cid {
			continue
		}
		if m.was != nil {
			delta.Add(m.was, -1)
		}
		if m.was != nil || m.inserted {
			delta.Add(m.reportView(), 1)
		}
	}
	if len(delta.Prune()) == 0 {
		return nil
	}
	counts, found, err := storedReportCounts(p.ctx, p.db, p.cid)
	if err != nil {
		return err
	}
	if !found {
		if counts, err = recountReport(p.ctx, p.db, p.cid); err != nil {
			return err
		}
	}
	for k, n := range delta {
		counts[k] += n
	}
	doc := reportCountsDoc{ID: p.cid, Counts: []reportCount{}}
	for k, n := range counts.Prune() {
		doc.Counts = append(doc.Counts, reportCount{Key: k, N: n})
	}
	sort.Slice(doc.Counts, func(i, j int) bool { return doc.Counts[i].Key < doc.Counts[j].Key })
	return p.add(reportCountsCollection, "replace", doc)
}

// storedReportCounts reads the counters document of a consultation.
func storedReportCounts(ctx context.Context, db *DB, consultationID string) (comments.ReportCounts, bool, error) {
	var doc reportCountsDoc
	err := db.db.Collection(reportCountsCollection).FindOne(ctx, bson.D{{Key: "_id", Value: consultationID}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return comments.ReportCounts{}, false, nil
	}
	if err != nil {
		return nil, false, storeErr(err, "read report counts")
	}
	out := comments.ReportCounts{}
	for _, c := range doc.Counts {
		out[c.Key] = c.N
	}
	return out, true, nil
}

// recountReport counts the report counters of a consultation from its
// comments.
func recountReport(ctx context.Context, db *DB, consultationID string) (comments.ReportCounts, error) {
	cur, err := db.db.Collection(commentsCollection).Find(ctx, bson.D{{Key: "consultation_id", Value: consultationID}},
		options.Find().SetProjection(memberFields))
	if err != nil {
		return nil, storeErr(err, "recount report")
	}
	defer cur.Close(ctx)
	out := comments.ReportCounts{}
	for cur.Next(ctx) {
		var m member
		if err := cur.Decode(&m); err != nil {
			return nil, storeErr(err, "recount report")
		}
		out.Add(m.reportView(), 1)
	}
	return out.Prune(), storeErr(cur.Err(), "recount report")
}

// ReportCounts implements comments.Store from the consultation's counters
// document; one whose comments predate the counters and that has not been
// committed to since is counted from its comments.
func (s *CommentStore) ReportCounts(ctx context.Context, consultationID string) (comments.ReportCounts, error) {
	counts, found, err := storedReportCounts(ctx, s.db, consultationID)
	if err != nil || found {
		return counts, err
	}
	return recountReport(ctx, s.db, consultationID)
}
