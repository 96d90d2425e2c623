package sqlite

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"yugongkai/apperr"
	"yugongkai/search"
)

var _ search.BatchIndex = (*SearchIndex)(nil)

// sharedIndexChanges bounds the changes an Apply may hold and still share
// its transaction with other writes.
const sharedIndexChanges = 16

// Apply makes a batch of changes and removes the queue's jobs done, all in
// one transaction (search.BatchIndex). The documents' rows are written in
// order, as Put and Delete one by one would write them (so the docnos are
// the same too), and so are removals from the blocks; but the postings of
// the batch's new terms are held back and merged per term: at the end each
// term's last block is read and rewritten once, with all the batch's new
// docnos of that term appended (new blocks cut where it fills), for all
// terms in two statements. A term a later change of the batch drops again
// never reaches a block. The lower bounds of search_segments are lowered
// once per segment at the end too. So a batch of n new comments costs
// about one rewrite of each distinct term's last block instead of n times
// the terms of a comment.
func (s *SearchIndex) Apply(ctx context.Context, changes []search.Change, done []string) error {
	if len(changes) == 0 && len(done) == 0 {
		return nil
	}
	var seqs []int64
	for _, k := range done {
		seq, err := strconv.ParseInt(k, 10, 64)
		if err != nil {
			return apperr.Wrap(fmt.Errorf("index queue key %q: %w", k, err), "sqlite: index queue done")
		}
		seqs = append(seqs, seq)
	}
	// A drain's batch rewrites a block of every distinct term of its
	// documents: thousands of pages, too many for a shared batch's
	// in-memory savepoint journal (groupcommit.go). One document shares.
	alone := len(changes) > sharedIndexChanges
	return s.db.commitTx(ctx, alone, func(ctx context.Context, t *txn) error {
		b := &indexBatch{t: t, w: &blockWriter{tx: t.Tx, t: t}, adds: map[string][]docno{}, segs: map[int64]string{}}
		for _, c := range changes {
			var err error
			if c.Delete {
				err = b.delete(ctx, c.Doc.Kind, c.Doc.ID)
			} else {
				err = b.put(ctx, c.Doc)
			}
			if err != nil {
				return err
			}
		}
		if err := b.flush(ctx); err != nil {
			return err
		}
		if len(seqs) > 0 {
			list, _ := json.Marshal(seqs)
			if _, err := t.ExecContext(ctx, "DELETE FROM search_queue WHERE seq IN (SELECT value FROM json_each(?))", string(list)); err != nil {
				return classify(err, "index queue done")
			}
		}
		return nil
	})
}

// indexBatch is the state of one Apply.
type indexBatch struct {
	t *txn
	w *blockWriter
	// adds are the postings held back for flush, per term (distinct).
	adds map[string][]docno
	// segs is, per segment, the lowest sort key written to it.
	segs map[int64]string
}

// remove takes no out of term's list: from the held-back postings if it
// is there (a term the batch added), else from its block.
func (b *indexBatch) remove(ctx context.Context, term string, no docno) error {
	if l := b.adds[term]; len(l) > 0 {
		if i := slices.Index(l, no); i >= 0 {
			b.adds[term] = slices.Delete(l, i, i+1)
			return nil
		}
	}
	return b.w.remove(ctx, term, no)
}

// put stores d's row, as Put: a new document takes the next docno, a
// replaced one keeps its own and only the terms its text gained or lost
// change.
func (b *indexBatch) put(ctx context.Context, d search.Doc) error {
	t := b.t
	key := d.Key()
	fields := []any{d.ConsultationID, key, string(d.State), closesAtColumn(d.ClosesAt), d.DepartmentID,
		string(d.ProcedureType), d.Title, d.Name, formatTime(d.At), d.Source, d.Text}
	var no int64
	var oldText, oldKey string
	var add, drop []string
	keyChanged := false
	err := t.QueryRowContext(ctx, "SELECT docno, text, sort_key FROM search_docs WHERE kind = ? AND id = ?", string(d.Kind), d.ID).Scan(&no, &oldText, &oldKey)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		lo, hi := int64(1), int64(consultationDocnos)
		if d.Kind == search.KindConsultation {
			lo, hi = consultationDocnos, math.MaxUint32+1
		}
		// The next number of its kind (a seek down the rowids: max()
		// over a range would scan it).
		switch err := t.QueryRowContext(ctx, "SELECT docno + 1 FROM search_docs WHERE docno < ? ORDER BY docno DESC LIMIT 1", hi).Scan(&no); {
		case errors.Is(err, sql.ErrNoRows):
			no = lo
		case err != nil:
			return classify(err, "number search doc")
		}
		no = max(no, lo)
		if no >= hi {
			return apperr.Wrap(fmt.Errorf("no docno left for a %s", d.Kind), "sqlite: search doc")
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO search_docs (docno, kind, id, consultation_id, sort_key, state, closes_at,
			department_id, procedure_type, title, name, at, source, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			append([]any{no, string(d.Kind), d.ID}, fields...)...); err != nil {
			return classify(err, "insert search doc")
		}
		add = search.Terms(d.Text)
		keyChanged = true
	case err != nil:
		return classify(err, "read search doc")
	default:
		if _, err := t.ExecContext(ctx, `UPDATE search_docs SET (consultation_id, sort_key, state, closes_at,
			department_id, procedure_type, title, name, at, source, text) = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			WHERE kind = ? AND id = ?`, append(fields, string(d.Kind), d.ID)...); err != nil {
			return classify(err, "update search doc")
		}
		keyChanged = oldKey != key
		if oldText != d.Text {
			oldTerms, terms := search.Terms(oldText), search.Terms(d.Text)
			add, drop = diffTerms(terms, oldTerms), diffTerms(oldTerms, terms)
		}
	}
	if no <= 0 || no > math.MaxUint32 {
		return apperr.Wrap(fmt.Errorf("docno %d out of range", no), "sqlite: search doc")
	}
	for _, term := range drop {
		if err := b.remove(ctx, term, docno(no)); err != nil {
			return err
		}
	}
	for _, term := range add {
		b.adds[term] = append(b.adds[term], docno(no))
	}
	if keyChanged {
		seg := no >> segmentShift
		if k, ok := b.segs[seg]; !ok || key < k {
			b.segs[seg] = key
		}
	}
	if d.Kind == search.KindConsultation {
		if _, err := t.ExecContext(ctx, `UPDATE search_docs SET (title, state, closes_at, department_id, procedure_type) =
			(?, ?, ?, ?, ?) WHERE consultation_id = ? AND kind = ?`,
			d.Title, string(d.State), closesAtColumn(d.ClosesAt), d.DepartmentID, string(d.ProcedureType),
			d.ID, string(search.KindComment)); err != nil {
			return classify(err, "update search comments")
		}
	}
	return nil
}

// delete removes a document's row and its docno from the lists of the
// terms of its stored text; an absent document is no error.
func (b *indexBatch) delete(ctx context.Context, kind search.Kind, id string) error {
	var no int64
	var text string
	err := b.t.QueryRowContext(ctx, "SELECT docno, text FROM search_docs WHERE kind = ? AND id = ?", string(kind), id).Scan(&no, &text)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return classify(err, "read search doc")
	}
	for _, term := range search.Terms(text) {
		if err := b.remove(ctx, term, docno(no)); err != nil {
			return err
		}
	}
	_, err = b.t.ExecContext(ctx, "DELETE FROM search_docs WHERE docno = ?", no)
	return classify(err, "delete search doc")
}

// flushTerms bounds the terms of one statement of flush.
const flushTerms = 2000

// flush writes the held-back postings and the segments' bounds.
func (b *indexBatch) flush(ctx context.Context) error {
	// By docno range (a block holds one kind), the terms with postings
	// in it and those postings, sorted.
	for _, r := range [][2]int64{{0, consultationDocnos}, {consultationDocnos, math.MaxUint32 + 1}} {
		lists := map[string][]docno{}
		var terms []string
		for term, l := range b.adds {
			var in []docno
			for _, no := range l {
				if int64(no) >= r[0] && int64(no) < r[1] {
					in = append(in, no)
				}
			}
			if len(in) > 0 {
				slices.Sort(in)
				lists[term] = slices.Compact(in)
				terms = append(terms, term)
			}
		}
		slices.Sort(terms) // B-tree order, and a stable statement
		for len(terms) > 0 {
			chunk := terms[:min(len(terms), flushTerms)]
			terms = terms[len(chunk):]
			if err := b.appendTerms(ctx, chunk, lists, r[0], r[1]); err != nil {
				return err
			}
		}
	}
	segs := make([]int64, 0, len(b.segs))
	for seg := range b.segs {
		segs = append(segs, seg)
	}
	slices.Sort(segs)
	for _, seg := range segs {
		// Lower the bounds of the segment and those above it.
		key := b.segs[seg]
		if _, err := b.t.ExecContext(ctx, `INSERT INTO search_segments (seg, pmin) VALUES (?1, min(?2, coalesce(
			(SELECT pmin FROM search_segments WHERE seg < ?1 ORDER BY seg DESC LIMIT 1), ?2)))
			ON CONFLICT (seg) DO UPDATE SET pmin = min(pmin, excluded.pmin)`, seg, key); err != nil {
			return classify(err, "search segments")
		}
		if _, err := b.t.ExecContext(ctx, "UPDATE search_segments SET pmin = ?1 WHERE seg > ?2 AND pmin > ?1", key, seg); err != nil {
			return classify(err, "search segments")
		}
	}
	return nil
}

// appendTerms adds lists[term] (sorted docnos in [lo, hi)) to each term's
// list: the last blocks of all the terms read in one statement, the
// changed and new blocks written in another. Postings that come before the
// end of their term's list (a replaced document's new terms) take the way
// of blockWriter.add, one at a time.
func (b *indexBatch) appendTerms(ctx context.Context, terms []string, lists map[string][]docno, lo, hi int64) error {
	list, err := json.Marshal(terms)
	if err != nil {
		return apperr.Wrap(err, "sqlite: encode terms")
	}
	rows, err := b.t.queryContext(ctx, blockLasts, string(list), lo, hi)
	if err != nil {
		return classify(err, "read search blocks")
	}
	type last struct {
		first int64
		blob  []byte
	}
	lasts := make(map[string]last, len(terms))
	for rows.Next() {
		var term string
		var l last
		if err := rows.Scan(&term, &l.first, &l.blob); err != nil {
			rows.Close()
			return classify(err, "read search blocks")
		}
		lasts[term] = l
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return classify(err, "read search blocks")
	}
	out := []byte{'['}
	put := func(term string, first docno, blob []byte) error {
		if len(out) > 1 {
			out = append(out, ',')
		}
		t, _ := json.Marshal(term)
		out = append(out, '[')
		out = append(out, t...)
		out = append(out, ',')
		out = strconv.AppendInt(out, int64(first), 10)
		out = append(out, ",\""...)
		out = hex.AppendEncode(out, blob)
		out = append(out, "\"]"...)
		return nil
	}
	var ids []docno
	type posting struct {
		term string
		no   docno
	}
	var later []posting
	for _, term := range terms {
		add := lists[term]
		ids = ids[:0]
		if l, ok := lasts[term]; ok {
			if ids, err = decodeBlock(ids, l.first, l.blob); err != nil {
				return apperr.Wrap(fmt.Errorf("%w: term %q, block %d", err, term, l.first), "sqlite: search block")
			}
			if ids[len(ids)-1] >= add[0] {
				for _, no := range add {
					later = append(later, posting{term, no})
				}
				continue
			}
			if full(ids) {
				ids = ids[:0] // the new docnos start a block of their own
			}
		}
		ids = append(ids, add...)
		if err := cutBlocks(ids, func(first docno, blob []byte) error { return put(term, first, blob) }); err != nil {
			return err
		}
	}
	if len(out) > 1 {
		out = append(out, ']')
		if err := b.w.exec(ctx, blockReplace, string(out)); err != nil {
			return err
		}
	}
	for _, p := range later {
		if err := b.w.add(ctx, p.term, p.no); err != nil {
			return err
		}
	}
	return nil
}
