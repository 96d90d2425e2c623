package mongodb

import (
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/comments"
)

// Keyset pages backward (comments.Filter.Before): the documents at or
// before a position, read newest first with one more than the page so the
// one just before the page names the page's own position, then turned
// around.

// keysetAtOrBefore matches documents at or before (at, id) in (time, id) order.
func keysetAtOrBefore(timeField, idField string, at time.Time, id string) bson.D {
	return bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: timeField, Value: bson.D{{Key: "$lt", Value: at}}}},
		bson.D{{Key: timeField, Value: at}, {Key: idField, Value: bson.D{{Key: "$lte", Value: id}}}},
	}}}
}

// commentsBefore lists the limit comments matching and at or before the
// position before, ascending, and the position of the page ("" at the start).
func (s *CommentStore) commentsBefore(ctx context.Context, and bson.A, before string, limit int) ([]*comments.Comment, string, error) {
	at, id, err := decodeCursor(before)
	if err != nil {
		return nil, "", err
	}
	and = append(and, keysetAtOrBefore("received_at", "_id", at, id))
	list, err := s.find(ctx, andClauses(and), options.Find().
		SetSort(bson.D{{Key: "received_at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(limit)+1), "list comments backward")
	if err != nil {
		return nil, "", err
	}
	pos := ""
	if len(list) > limit {
		c := list[limit]
		pos, list = encodeCursor(c.ReceivedAt, c.ID), list[:limit]
	}
	slices.Reverse(list)
	return list, pos, nil
}

// listGroups lists the consultation's groups matching extra (and f's
// article) in (first_at, group_id) order, forward from f.Cursor or backward
// from f.Before.
func (s *CommentStore) listGroups(ctx context.Context, what string, f comments.GroupFilter, extra bson.D) ([]*comments.Group, string, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 500)
	and := bson.A{bson.D{{Key: "consultation_id", Value: f.ConsultationID}}, extra}
	if f.ArticleID != nil {
		and = append(and, bson.D{{Key: "article_id", Value: *f.ArticleID}})
	}
	dir, back := 1, f.Before != ""
	switch {
	case back:
		at, id, err := decodeCursor(f.Before)
		if err != nil {
			return nil, "", err
		}
		and, dir = append(and, keysetAtOrBefore("first_at", "group_id", at, id)), -1
	case f.Cursor != "":
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		and = append(and, keysetAfter("first_at", "group_id", at, id))
	}
	cur, err := s.groups.Find(ctx, andClauses(and), options.Find().
		SetSort(bson.D{{Key: "first_at", Value: dir}, {Key: "group_id", Value: dir}}).SetLimit(int64(limit)+1))
	if err != nil {
		return nil, "", storeErr(err, what)
	}
	var docs []groupDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, "", storeErr(err, what)
	}
	cursor := ""
	if len(docs) > limit {
		d := docs[limit-1] // forward: the last of the page
		if back {
			d = docs[limit] // backward: the one just before the page
		}
		cursor, docs = encodeCursor(d.FirstAt, d.GroupID), docs[:limit]
	}
	if back {
		slices.Reverse(docs)
	}
	out := make([]*comments.Group, len(docs))
	for i := range docs {
		out[i] = docs[i].group()
	}
	return out, cursor, nil
}

// Groups lists the non-empty groups in (FirstAt, ID) order.
func (s *CommentStore) Groups(ctx context.Context, f comments.GroupFilter) ([]*comments.Group, string, error) {
	return s.listGroups(ctx, "comment groups", f, bson.D{{Key: "count", Value: bson.D{{Key: "$gt", Value: 0}}}})
}
