package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
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

// jsonTerms encodes terms for json_each, so a whole set of postings is
// written or deleted by one statement.
func jsonTerms(terms []string) (string, error) {
	b, err := json.Marshal(terms)
	return string(b), err
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
// replaced only the postings that changed are written: none if its text is
// the same (a consultation whose state changed).
func (s *SearchIndex) Put(ctx context.Context, d search.Doc) error {
	terms := search.Terms(d.Text)
	fields := []any{d.ConsultationID, d.Key(), string(d.State), closesAtColumn(d.ClosesAt), d.DepartmentID,
		string(d.ProcedureType), d.Title, d.Name, formatTime(d.At), d.Source, d.Text}
	return s.db.write(ctx, func(tx *sql.Tx) error {
		var seq int64
		var old string
		var add, del []string
		err := tx.QueryRowContext(ctx, "SELECT seq, text FROM search_docs WHERE kind = ? AND id = ?", string(d.Kind), d.ID).Scan(&seq, &old)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			res, err := tx.ExecContext(ctx, `INSERT INTO search_docs (kind, id, consultation_id, sort_key, state, closes_at,
				department_id, procedure_type, title, name, at, source, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				append([]any{string(d.Kind), d.ID}, fields...)...)
			if err != nil {
				return classify(err, "insert search doc")
			}
			if seq, err = res.LastInsertId(); err != nil {
				return classify(err, "insert search doc")
			}
			add = terms
		case err != nil:
			return classify(err, "read search doc")
		default:
			if _, err := tx.ExecContext(ctx, `UPDATE search_docs SET (consultation_id, sort_key, state, closes_at,
				department_id, procedure_type, title, name, at, source, text) = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) WHERE seq = ?`,
				append(fields, seq)...); err != nil {
				return classify(err, "update search doc")
			}
			if old != d.Text {
				oldTerms := search.Terms(old)
				add, del = diffTerms(terms, oldTerms), diffTerms(oldTerms, terms)
			}
		}
		if err := deletePostings(ctx, tx, seq, del); err != nil {
			return err
		}
		if len(add) > 0 {
			list, err := jsonTerms(add)
			if err != nil {
				return apperr.Wrap(err, "sqlite: encode terms")
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO search_postings (term, doc) SELECT value, ? FROM json_each(?)", seq, list); err != nil {
				return classify(err, "insert postings")
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

func deletePostings(ctx context.Context, tx *sql.Tx, seq int64, terms []string) error {
	if len(terms) == 0 {
		return nil
	}
	list, err := jsonTerms(terms)
	if err != nil {
		return apperr.Wrap(err, "sqlite: encode terms")
	}
	_, err = tx.ExecContext(ctx, "DELETE FROM search_postings WHERE doc = ? AND term IN (SELECT value FROM json_each(?))", seq, list)
	return classify(err, "delete postings")
}

// Delete removes a document and its postings.
func (s *SearchIndex) Delete(ctx context.Context, kind search.Kind, id string) error {
	return s.db.write(ctx, func(tx *sql.Tx) error {
		var seq int64
		var text string
		err := tx.QueryRowContext(ctx, "SELECT seq, text FROM search_docs WHERE kind = ? AND id = ?", string(kind), id).Scan(&seq, &text)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return classify(err, "read search doc")
		}
		if err := deletePostings(ctx, tx, seq, search.Terms(text)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM search_docs WHERE seq = ?", seq)
		return classify(err, "delete search doc")
	})
}

// Candidates returns the documents holding every term, filtered, in key
// order: one query intersecting the postings of the terms.
func (s *SearchIndex) Candidates(ctx context.Context, terms []string, f search.Filter, limit int) ([]search.Doc, error) {
	if len(terms) == 0 {
		return nil, apperr.Wrap(errors.New("no terms"), "sqlite: search candidates")
	}
	var args []any
	postings := make([]string, len(terms))
	for i, t := range terms {
		postings[i] = "SELECT doc FROM search_postings WHERE term = ?"
		args = append(args, t)
	}
	where := []string{"seq IN (" + strings.Join(postings, " INTERSECT ") + ")"}
	now := formatTime(f.Now)
	switch f.Status {
	case "":
	case consultation.Open:
		where = append(where, "state = ? AND closes_at > ?")
		args = append(args, string(consultation.Open), now)
	case consultation.Closed:
		where = append(where, "(state = ? OR (state = ? AND closes_at <= ?))")
		args = append(args, string(consultation.Closed), string(consultation.Open), now)
	default:
		where = append(where, "state = ?")
		args = append(args, string(f.Status))
	}
	for _, c := range []struct{ column, value string }{
		{"kind", string(f.Kind)},
		{"consultation_id", f.ConsultationID},
		{"department_id", f.DepartmentID},
		{"procedure_type", string(f.ProcedureType)},
	} {
		if c.value != "" {
			where = append(where, c.column+" = ?")
			args = append(args, c.value)
		}
	}
	if f.After != "" {
		where = append(where, "sort_key > ?")
		args = append(args, f.After)
	}
	args = append(args, limit)
	rows, err := s.db.sql.QueryContext(ctx, `SELECT kind, id, consultation_id, state, closes_at, department_id,
		procedure_type, title, name, at, source, text FROM search_docs WHERE `+strings.Join(where, " AND ")+
		" ORDER BY sort_key LIMIT ?", args...)
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
