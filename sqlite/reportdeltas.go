package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"slices"

	"yugongkai/comments"
)

// The report counters of inserted comments (0029_report_counts_in_batch).
//
// insertCommentRow does not upsert its comment's eight counters: it adds
// them (comments.ReportCounts.Add, the definition the triggers of
// 0027_report_counts follow for updates and deletions) to the write's
// deltas. When the write succeeds, its deltas join its batch's; a write
// rolled back to its savepoint drops them. The writer writes the batch's sum
// in the same transaction, just before it commits (writer.run), so the
// counters are exact in every committed state: nothing reads report_counts
// inside a write, and the triggers' adjustments of rows inserted earlier in
// the transaction add up with the deltas in any order.

// counterKey names one report counter.
type counterKey struct{ consultation, key string }

// reportDeltas are counter changes not yet written.
type reportDeltas map[counterKey]int

// addInserted counts c, inserted by the write, into d.
func (d reportDeltas) addInserted(c *comments.Comment) {
	r := comments.ReportCounts{}
	r.Add(c, +1)
	for k, n := range r {
		if n != 0 {
			d[counterKey{c.ConsultationID, k}] += n
		}
	}
}

// merge adds e into d.
func (d reportDeltas) merge(e reportDeltas) {
	for k, n := range e {
		d[k] += n
	}
}

// flushReportDeltas writes d's counters within tx, in key order, and
// empties d. fault is the store's fault hook (Options: fail the k-th write).
func flushReportDeltas(ctx context.Context, tx *sql.Tx, stmts *stmtCache, fault func(op string) error, d reportDeltas) error {
	if len(d) == 0 {
		return nil
	}
	keys := make([]counterKey, 0, len(d))
	for k, n := range d {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b counterKey) int {
		return cmp.Or(cmp.Compare(a.consultation, b.consultation), cmp.Compare(a.key, b.key))
	})
	t := &txn{Tx: tx, fault: fault, stmts: stmts}
	const upsert = `INSERT INTO report_counts (consultation_id, key, n) VALUES (?, ?, ?)
		ON CONFLICT (consultation_id, key) DO UPDATE SET n = n + excluded.n`
	for _, k := range keys {
		if _, err := t.ExecContext(ctx, upsert, k.consultation, k.key, d[k]); err != nil {
			return classify(err, "report counts")
		}
	}
	clear(d)
	return nil
}
