package sqlite

import (
	"context"
	"strings"

	"yugongkai/comments"
)

// addSignatories adds to n, a count of the comments matching where, the
// extra signatories of the petitions among them (comments/petition.go),
// read through the partial index of petitions (0020_commenter_category).
func (s *CommentStore) addSignatories(ctx context.Context, n int, where []string, args []any) (int, error) {
	var extra int
	q := "SELECT coalesce(sum(signatories - 1), 0) FROM comments WHERE " + strings.Join(append(where, "signatories > 1"), " AND ")
	err := s.db.sql.QueryRowContext(ctx, q, args...).Scan(&extra)
	return n + extra, classify(err, "count signatories")
}

// CountByCategory implements comments.Store: one grouped count over the
// index of categories, and the petitions' extra signatories over theirs.
func (s *CommentStore) CountByCategory(ctx context.Context, consultationID string) (map[comments.CommenterType]comments.CategoryCount, error) {
	out := map[comments.CommenterType]comments.CategoryCount{}
	for _, q := range []string{
		`SELECT coalesce(commenter_type, ''), count(*), count(*) FROM comments WHERE consultation_id = ? AND status != 'withdrawn' GROUP BY commenter_type`,
		`SELECT coalesce(commenter_type, ''), 0, sum(signatories - 1) FROM comments WHERE consultation_id = ? AND signatories > 1 AND status != 'withdrawn' GROUP BY commenter_type`,
	} {
		rows, err := s.db.sql.QueryContext(ctx, q, consultationID)
		if err != nil {
			return nil, classify(err, "count by category")
		}
		for rows.Next() {
			var t string
			var n, people int
			if err := rows.Scan(&t, &n, &people); err != nil {
				rows.Close()
				return nil, classify(err, "count by category")
			}
			c := out[comments.CommenterType(t)]
			c.Comments, c.People = c.Comments+n, c.People+people
			out[comments.CommenterType(t)] = c
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, classify(err, "count by category")
		}
	}
	return out, nil
}

// ReportCounts implements comments.Store from report_counts, which the
// triggers of 0027_report_counts keep in every transaction that writes a
// comment.
func (s *CommentStore) ReportCounts(ctx context.Context, consultationID string) (comments.ReportCounts, error) {
	rows, err := s.db.sql.QueryContext(ctx, "SELECT key, n FROM report_counts WHERE consultation_id = ? AND n != 0", consultationID)
	if err != nil {
		return nil, classify(err, "report counts")
	}
	defer rows.Close()
	out := comments.ReportCounts{}
	for rows.Next() {
		var key string
		var n int
		if err := rows.Scan(&key, &n); err != nil {
			return nil, classify(err, "report counts")
		}
		out[key] = n
	}
	return out, classify(rows.Err(), "report counts")
}
