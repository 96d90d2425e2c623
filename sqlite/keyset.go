package sqlite

import (
	"context"
	"slices"
	"strings"

	"yugongkai/comments"
)

// Keyset pages backward (comments.Filter.Before): the rows at or before a
// position, read newest first with one more than the page so the row just
// before the page names the page's own position, then turned around.

// commentsBefore lists the limit comments matching where at or before the
// position before, ascending, and the position of the page ("" at the start).
func (s *CommentStore) commentsBefore(ctx context.Context, where []string, args []any, before string, limit int) ([]*comments.Comment, string, error) {
	at, id, err := decodeCursor(before)
	if err != nil {
		return nil, "", err
	}
	where, args = append(where, "(received_at, id) <= (?, ?)"), append(args, at, id)
	q := "SELECT record, received_at, id FROM comments WHERE " + strings.Join(where, " AND ") + " ORDER BY received_at DESC, id DESC LIMIT ?"
	list, err := s.query(ctx, "list comments backward", q, append(args, limit+1), 0)
	if err != nil {
		return nil, "", err
	}
	pos := ""
	if len(list) > limit {
		c := list[limit]
		pos, list = encodeCursor(formatTime(c.ReceivedAt), c.ID), list[:limit]
	}
	slices.Reverse(list)
	return list, pos, nil
}

// groups lists the groups matching where (after the consultation and
// article filters of f) in (first_at, id) order, forward from f.Cursor or
// backward from f.Before.
func (s *CommentStore) groups(ctx context.Context, what string, f comments.GroupFilter, where ...string) ([]*comments.Group, string, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 500)
	where = append([]string{"consultation_id = ?"}, where...)
	args := []any{f.ConsultationID}
	if f.ArticleID != nil {
		where, args = append(where, "article_id = ?"), append(args, *f.ArticleID)
	}
	order, back := "first_at, id", f.Before != ""
	switch {
	case back:
		at, id, err := decodeCursor(f.Before)
		if err != nil {
			return nil, "", err
		}
		where, args = append(where, "(first_at, id) <= (?, ?)"), append(args, at, id)
		order = "first_at DESC, id DESC"
	case f.Cursor != "":
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		where, args = append(where, "(first_at, id) > (?, ?)"), append(args, at, id)
	}
	rows, err := s.db.sql.QueryContext(ctx, "SELECT "+groupColumns+" FROM comment_groups WHERE "+strings.Join(where, " AND ")+
		" ORDER BY "+order+" LIMIT ?", append(args, limit+1)...)
	if err != nil {
		return nil, "", classify(err, what)
	}
	defer rows.Close()
	var list []*comments.Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, "", classify(err, what)
		}
		list = append(list, g)
	}
	if err := rows.Err(); err != nil {
		return nil, "", classify(err, what)
	}
	cursor := ""
	if len(list) > limit {
		g := list[limit-1] // forward: the last of the page
		if back {
			g = list[limit] // backward: the one just before the page
		}
		cursor, list = encodeCursor(formatTime(g.FirstAt), g.ID), list[:limit]
	}
	if back {
		slices.Reverse(list)
	}
	return list, cursor, nil
}

// Groups lists the non-empty groups in (FirstAt, ID) order.
func (s *CommentStore) Groups(ctx context.Context, f comments.GroupFilter) ([]*comments.Group, string, error) {
	return s.groups(ctx, "comment groups", f, "count > 0")
}
