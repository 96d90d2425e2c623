package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"yugongkai/apperr"
	"yugongkai/consultation"
	"yugongkai/search"
)

// SearchIndex implements search.Index on the tables search_docs and
// search_postings (migration 0003).
type SearchIndex struct {
	db *DB
}

var _ search.Index = (*SearchIndex)(nil)

// Search returns the full-text index.
func (db *DB) Search() *SearchIndex { return &SearchIndex{db: db} }

// noClose stands for an unset ClosesAt: later than any instant, so the
// status filters need no NULL case.
var noClose = formatTime(time.Date(9999, 12, 31, 23, 59, 59, 999_000_000, time.UTC))

func closesAtColumn(t *time.Time) string {
	if t == nil {
		return noClose
	}
	return formatTime(*t)
}

// diffTerms returns the terms of a not in b; both are sorted.
func diffTerms(a, b []string) []string {
	var out []string
	j := 0
	for _, t := range a {
		for j < len(b) && b[j] < t {
			j++
		}
		if j == len(b) || b[j] != t {
			out = append(out, t)
		}
	}
	return out
}

// Put stores d and its postings in one transaction. When a document is
// replaced only the postings that changed are written: none if its text and
// key are the same (a consultation whose state changed).
func (s *SearchIndex) Put(ctx context.Context, d search.Doc) error {
	terms := search.Terms(d.Text)
	key := d.Key()
	fields := []any{d.ConsultationID, key, string(d.State), closesAtColumn(d.ClosesAt), d.DepartmentID,
		string(d.ProcedureType), d.Title, d.Name, formatTime(d.At), d.Source, d.Text}
	return s.db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var oldKey, oldText string
		err := tx.QueryRowContext(ctx, "SELECT sort_key, text FROM search_docs WHERE kind = ? AND id = ?", string(d.Kind), d.ID).Scan(&oldKey, &oldText)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.ExecContext(ctx, `INSERT INTO search_docs (kind, id, consultation_id, sort_key, state, closes_at,
				department_id, procedure_type, title, name, at, source, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				append([]any{string(d.Kind), d.ID}, fields...)...); err != nil {
				return classify(err, "insert search doc")
			}
			if err := postings(ctx, tx, "INSERT INTO search_postings (term, sort_key) SELECT value, ? FROM json_each(?)", key, terms); err != nil {
				return err
			}
		case err != nil:
			return classify(err, "read search doc")
		default:
			if _, err := tx.ExecContext(ctx, `UPDATE search_docs SET (consultation_id, sort_key, state, closes_at,
				department_id, procedure_type, title, name, at, source, text) = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				WHERE kind = ? AND id = ?`, append(fields, string(d.Kind), d.ID)...); err != nil {
				return classify(err, "update search doc")
			}
			oldTerms, add := search.Terms(oldText), terms
			if oldKey == key {
				add, oldTerms = diffTerms(terms, oldTerms), diffTerms(oldTerms, terms)
			}
			if err := postings(ctx, tx, "DELETE FROM search_postings WHERE sort_key = ? AND term IN (SELECT value FROM json_each(?))", oldKey, oldTerms); err != nil {
				return err
			}
			if err := postings(ctx, tx, "INSERT INTO search_postings (term, sort_key) SELECT value, ? FROM json_each(?)", key, add); err != nil {
				return err
			}
		}
		if d.Kind == search.KindConsultation {
			if _, err := tx.ExecContext(ctx, `UPDATE search_docs SET (title, state, closes_at, department_id, procedure_type) =
				(?, ?, ?, ?, ?) WHERE consultation_id = ? AND kind = ?`,
				d.Title, string(d.State), closesAtColumn(d.ClosesAt), d.DepartmentID, string(d.ProcedureType),
				d.ID, string(search.KindComment)); err != nil {
				return classify(err, "update search comments")
			}
		}
		return nil
	})
}

// postings runs query, an insert or a delete of the postings of one
// document, with the terms as a JSON array for json_each: one statement
// for the whole set.
func postings(ctx context.Context, tx *sql.Tx, query, key string, terms []string) error {
	if len(terms) == 0 {
		return nil
	}
	list, err := json.Marshal(terms)
	if err != nil {
		return apperr.Wrap(err, "sqlite: encode terms")
	}
	_, err = tx.ExecContext(ctx, query, key, string(list))
	return classify(err, "write postings")
}

// Delete removes a document and its postings.
func (s *SearchIndex) Delete(ctx context.Context, kind search.Kind, id string) error {
	return s.db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var key, text string
		err := tx.QueryRowContext(ctx, "SELECT sort_key, text FROM search_docs WHERE kind = ? AND id = ?", string(kind), id).Scan(&key, &text)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return classify(err, "read search doc")
		}
		if err := postings(ctx, tx, "DELETE FROM search_postings WHERE sort_key = ? AND term IN (SELECT value FROM json_each(?))", key, search.Terms(text)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM search_docs WHERE kind = ? AND id = ?", string(kind), id)
		return classify(err, "delete search doc")
	})
}

// Candidates returns the documents holding every term, filtered, in key
// order, in one query: it walks the postings of the first term in key
// order, probes the other terms' postings and the filters for each, and
// stops at the limit, so a common term costs no more than a rare one.
func (s *SearchIndex) Candidates(ctx context.Context, terms []string, f search.Filter, limit int) ([]search.Doc, error) {
	if len(terms) == 0 {
		return nil, apperr.Wrap(errors.New("no terms"), "sqlite: search candidates")
	}
	where := []string{"p.term = ?"}
	args := []any{terms[0]}
	for _, t := range terms[1:] {
		where = append(where, "EXISTS (SELECT 1 FROM search_postings q WHERE q.term = ? AND q.sort_key = p.sort_key)")
		args = append(args, t)
	}
	if f.After != "" {
		where = append(where, "p.sort_key > ?")
		args = append(args, f.After)
	}
	now := formatTime(f.Now)
	switch f.Status {
	case "":
	case consultation.Open:
		where = append(where, "d.state = ? AND d.closes_at > ?")
		args = append(args, string(consultation.Open), now)
	case consultation.Closed:
		where = append(where, "(d.state = ? OR (d.state = ? AND d.closes_at <= ?))")
		args = append(args, string(consultation.Closed), string(consultation.Open), now)
	default:
		where = append(where, "d.state = ?")
		args = append(args, string(f.Status))
	}
	for _, c := range []struct{ column, value string }{
		{"d.kind", string(f.Kind)},
		{"d.consultation_id", f.ConsultationID},
		{"d.department_id", f.DepartmentID},
		{"d.procedure_type", string(f.ProcedureType)},
	} {
		if c.value != "" {
			where = append(where, c.column+" = ?")
			args = append(args, c.value)
		}
	}
	args = append(args, limit)
	// CROSS JOIN keeps the postings as the outer loop, read in key order.
	rows, err := s.db.sql.QueryContext(ctx, `SELECT d.kind, d.id, d.consultation_id, d.state, d.closes_at, d.department_id,
		d.procedure_type, d.title, d.name, d.at, d.source, d.text
		FROM search_postings p CROSS JOIN search_docs d ON d.sort_key = p.sort_key
		WHERE `+strings.Join(where, " AND ")+` ORDER BY p.sort_key LIMIT ?`, args...)
	if err != nil {
		return nil, classify(err, "search candidates")
	}
	defer rows.Close()
	var docs []search.Doc
	for rows.Next() {
		var d search.Doc
		var kind, state, closesAt, procedureType, at string
		if err := rows.Scan(&kind, &d.ID, &d.ConsultationID, &state, &closesAt, &d.DepartmentID, &procedureType,
			&d.Title, &d.Name, &at, &d.Source, &d.Text); err != nil {
			return nil, classify(err, "read search candidates")
		}
		d.Kind, d.State, d.ProcedureType = search.Kind(kind), consultation.State(state), consultation.ProcedureType(procedureType)
		if d.At, err = parseTime(at); err != nil {
			return nil, classify(err, "read search candidates")
		}
		if closesAt != noClose {
			t, err := parseTime(closesAt)
			if err != nil {
				return nil, classify(err, "read search candidates")
			}
			d.ClosesAt = &t
		}
		docs = append(docs, d)
	}
	return docs, classify(rows.Err(), "read search candidates")
}

// Queued returns at most limit queued index jobs, oldest first
// (search.Queue).
func (s *SearchIndex) Queued(ctx context.Context, limit int) ([]search.Queued, error) {
	rows, err := s.db.sql.QueryContext(ctx, "SELECT seq, kind, id, consultation_id FROM search_queue ORDER BY seq LIMIT ?", limit)
	if err != nil {
		return nil, classify(err, "index queue")
	}
	defer rows.Close()
	var out []search.Queued
	for rows.Next() {
		var q search.Queued
		var seq int64
		if err := rows.Scan(&seq, &q.Job.Kind, &q.Job.ID, &q.Job.Consultation); err != nil {
			return nil, classify(err, "index queue")
		}
		q.Key = strconv.FormatInt(seq, 10)
		out = append(out, q)
	}
	return out, classify(rows.Err(), "index queue")
}

// Done removes applied jobs from the queue (search.Queue).
func (s *SearchIndex) Done(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	return s.db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM search_queue WHERE seq IN (?"+strings.Repeat(", ?", len(keys)-1)+")", args...)
		return classify(err, "index queue done")
	})
}

// QueueDepth counts the queued jobs (search.Queue).
func (s *SearchIndex) QueueDepth(ctx context.Context) (int, error) {
	var n int
	err := s.db.sql.QueryRowContext(ctx, "SELECT count(*) FROM search_queue").Scan(&n)
	return n, classify(err, "index queue depth")
}
