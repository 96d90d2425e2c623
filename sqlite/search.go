package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"yugongkai/apperr"
	"yugongkai/consultation"
	"yugongkai/search"
)

// SearchIndex implements search.Index on the tables search_docs and
// search_blocks (migration 0026; the block format is in searchblocks.go).
//
// A search first goes the lazy way (searchlazy.go): it reads the lists
// downwards from the newest docno and stops as soon as its page is known.
// When a filter lets few candidates through, it goes the eager way: it
// reads the block lists of its terms whole, intersects them (smallest
// first) and then takes the first documents of the intersection in result
// order (sort_key) that pass the filter, in one of two ways, whichever
// reads fewer rows: few candidates are looked up by docno and sorted; many
// are met by walking the documents in result order (the sort_key index, or
// the consultation's) and keeping those in the intersection, which at a
// density of k/n stops after about limit·n/k rows. So a search costs about
// the size of its terms' lists plus √(limit·n) row reads. A filter that few
// candidates pass can make the walk longer: it gives up after four times
// the rows expected and sorts the candidates instead.
//
// A search's reads are not one snapshot: a document indexed or removed
// between them may be missed or returned; the Service checks every
// returned text against the query, so a returned hit always matches.
type SearchIndex struct {
	db *DB
}

var _ search.Index = (*SearchIndex)(nil)

// Search returns the full-text index.
func (db *DB) Search() *SearchIndex { return &SearchIndex{db: db} }

// Docnos: comments from 1 up, consultations from consultationDocnos up
// (migration 0026), so descending docno puts consultations first and then
// comments newest first, as the result order does for documents indexed in
// the order they arrived. search_segments has a row per 1<<segmentShift
// docnos.
const (
	consultationDocnos = 1 << 31
	segmentShift       = 8
)

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

// Put stores d and its postings in one transaction (Apply with one
// change).
func (s *SearchIndex) Put(ctx context.Context, d search.Doc) error {
	return s.Apply(ctx, []search.Change{{Doc: d}}, nil)
}

// Delete removes a document and its postings (Apply with one change).
func (s *SearchIndex) Delete(ctx context.Context, kind search.Kind, id string) error {
	return s.Apply(ctx, []search.Change{{Doc: search.Doc{Kind: kind, ID: id}, Delete: true}}, nil)
}

// postingList returns the sorted docnos of the documents holding term.
func (s *SearchIndex) postingList(ctx context.Context, term string) ([]docno, error) {
	rows, err := s.db.sql.QueryContext(ctx, "SELECT first_id, ids FROM search_blocks WHERE term = ? ORDER BY first_id", term)
	if err != nil {
		return nil, classify(err, "read search blocks")
	}
	defer rows.Close()
	var list []docno
	for rows.Next() {
		var first int64
		var blob []byte
		if err := rows.Scan(&first, &blob); err != nil {
			return nil, classify(err, "read search blocks")
		}
		if list, err = decodeBlock(list, first, blob); err != nil {
			return nil, apperr.Wrap(fmt.Errorf("%w: term %q, block %d", err, term, first), "sqlite: search blocks")
		}
	}
	return list, classify(rows.Err(), "read search blocks")
}

// intersect keeps in a (the shorter list, overwritten) the docnos also in b.
func intersect(a, b []docno) []docno {
	out, j := a[:0], 0
	for _, x := range a {
		k, found := slices.BinarySearch(b[j:], x)
		j += k
		if found {
			out = append(out, x)
		}
		if j == len(b) {
			break
		}
	}
	return out
}

// docColumns are the columns of a search.Doc, read by scanDocs.
const docColumns = `d.kind, d.id, d.consultation_id, d.state, d.closes_at, d.department_id,
	d.procedure_type, d.title, d.name, d.at, d.source, d.text`

// docFilter returns the conditions on search_docs d of f.
func docFilter(f search.Filter) (string, []any) {
	where := []string{"1"}
	var args []any
	if f.After != "" {
		where = append(where, "d.sort_key > ?")
		args = append(args, f.After)
	}
	// The kind is the first byte of the key (search.Doc.Key), so a range
	// on the key's index selects it without reading the rows.
	switch f.Kind {
	case "":
	case search.KindConsultation:
		where = append(where, "d.sort_key < '1'")
	case search.KindComment:
		where = append(where, "d.sort_key >= '1' AND d.sort_key < '2'")
	default:
		where = append(where, "d.kind = ?")
		args = append(args, string(f.Kind))
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
		{"d.consultation_id", f.ConsultationID},
		{"d.department_id", f.DepartmentID},
		{"d.procedure_type", string(f.ProcedureType)},
	} {
		if c.value != "" {
			where = append(where, c.column+" = ?")
			args = append(args, c.value)
		}
	}
	return strings.Join(where, " AND "), args
}

// Candidates returns the documents holding every term, filtered, in key
// order (see SearchIndex).
func (s *SearchIndex) Candidates(ctx context.Context, terms []string, f search.Filter, limit int) ([]search.Doc, error) {
	if len(terms) == 0 {
		return nil, apperr.Wrap(errors.New("no terms"), "sqlite: search candidates")
	}
	if limit <= 0 {
		return nil, nil
	}
	where, args := docFilter(f)
	if !eagerOnly {
		if docs, err := s.lazyCandidates(ctx, terms, f, where, args, limit); !errors.Is(err, errTooMany) {
			return docs, err
		}
	}
	var lists [][]docno
	for _, t := range terms { // distinct (search.QueryTerms)
		list, err := s.postingList(ctx, t)
		if err != nil || len(list) == 0 {
			return nil, err
		}
		lists = append(lists, list)
	}
	slices.SortFunc(lists, func(a, b []docno) int { return len(a) - len(b) })
	cands := lists[0]
	for _, l := range lists[1:] {
		if cands = intersect(cands, l); len(cands) == 0 {
			return nil, nil
		}
	}

	var n int64
	if err := s.db.sql.QueryRowContext(ctx, `SELECT coalesce((SELECT docno FROM search_docs WHERE docno < ?1 ORDER BY docno DESC LIMIT 1), 0)
		+ coalesce((SELECT docno FROM search_docs ORDER BY docno DESC LIMIT 1), ?1) - ?1`, consultationDocnos).Scan(&n); err != nil {
		return nil, classify(err, "search candidates")
	}
	if k := int64(len(cands)); k > 256 && k*k > int64(limit)*n/2 {
		// Many candidates: walk the documents in result order, for at most
		// a few times the rows expected at their density (a filter that
		// few candidates pass makes it longer), then sort them instead.
		hits, done, err := s.walk(ctx, cands, where, args, limit, 4*int64(limit)*n/k+walkSlack)
		if err != nil {
			return nil, err
		}
		if done {
			if cands = hits; len(cands) == 0 {
				return nil, nil
			}
		}
	}
	// By docno, not by a filter's index (as in lazyCandidates' flush).
	rows, err := s.db.sql.QueryContext(ctx, `SELECT `+docColumns+` FROM search_docs d NOT INDEXED
		WHERE d.docno IN (SELECT value FROM json_each(?)) AND `+where+` ORDER BY d.sort_key LIMIT ?`,
		append(append([]any{docnoList(cands)}, args...), limit)...)
	if err != nil {
		return nil, classify(err, "search candidates")
	}
	defer rows.Close()
	return scanDocs(rows)
}

// eagerOnly skips the lazy way (tests).
var eagerOnly bool

// walkSlack is the rows a walk reads beyond four times those expected
// before it gives up (a variable for the tests).
var walkSlack int64 = 1000

// walk returns the first limit docnos of cands that pass where, in result
// order, reading the documents in that order; done is false when it gave
// up after maxRows rows. It closes its rows before the caller's next query:
// a search holds one connection at a time, so concurrent searches cannot
// exhaust the pool waiting on each other.
func (s *SearchIndex) walk(ctx context.Context, cands []docno, where string, args []any, limit int, maxRows int64) (hits []docno, done bool, err error) {
	rows, err := s.db.sql.QueryContext(ctx, "SELECT d.docno FROM search_docs d WHERE "+where+" ORDER BY d.sort_key", args...)
	if err != nil {
		return nil, false, classify(err, "search walk")
	}
	defer rows.Close()
	for read := int64(0); rows.Next(); read++ {
		if read == maxRows {
			return nil, false, nil
		}
		var no int64
		if err := rows.Scan(&no); err != nil {
			return nil, false, classify(err, "search walk")
		}
		if _, ok := slices.BinarySearch(cands, docno(no)); ok {
			if hits = append(hits, docno(no)); len(hits) == limit {
				break
			}
		}
	}
	return hits, true, classify(rows.Err(), "search walk")
}

// scanDocs reads rows of docColumns.
func scanDocs(rows *sql.Rows) ([]search.Doc, error) {
	var docs []search.Doc
	for rows.Next() {
		var d search.Doc
		var kind, state, closesAt, procedureType, at string
		if err := rows.Scan(&kind, &d.ID, &d.ConsultationID, &state, &closesAt, &d.DepartmentID, &procedureType,
			&d.Title, &d.Name, &at, &d.Source, &d.Text); err != nil {
			return nil, classify(err, "read search candidates")
		}
		d.Kind, d.State, d.ProcedureType = search.Kind(kind), consultation.State(state), consultation.ProcedureType(procedureType)
		var err error
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
