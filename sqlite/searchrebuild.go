package sqlite

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"slices"
	"unicode/utf8"

	"yugongkai/apperr"
)

// maxPassPostings bounds the postings one pass of rebuildSearch holds in
// memory (as varint deltas: about 1.5 bytes each).
const maxPassPostings = 24 << 20

// rebuildSearch builds search_blocks from the stored normalized texts when
// search_rebuild asks for it (migration 0026), and is a no-op otherwise.
// Open runs it before the database is used.
//
// It goes in passes over the texts in docno order, each for the terms whose
// first rune is in one range, chosen so a pass holds at most
// maxPassPostings postings: a pass collects its terms' lists and inserts
// their blocks in term order (so B-tree pages fill up), then records its
// range as done, in one transaction. An interrupted rebuild resumes at the
// first pass not committed.
func (db *DB) rebuildSearch(ctx context.Context) error {
	var below int64
	err := db.sql.QueryRowContext(ctx, "SELECT done_below FROM search_rebuild").Scan(&below)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return apperr.Wrap(err, "sqlite: search rebuild")
	}
	counts := map[rune]int{}
	if err := db.eachSearchText(ctx, func(_ docno, keys []termKey) {
		for _, k := range keys {
			if int64(k.first()) >= below {
				counts[k.first()]++
			}
		}
	}); err != nil {
		return err
	}
	runes := make([]rune, 0, len(counts))
	for r := range counts {
		runes = append(runes, r)
	}
	slices.Sort(runes)
	for i := 0; i < len(runes); {
		lo, total, j := runes[i], 0, i
		for j < len(runes) && (j == i || total+counts[runes[j]] <= maxPassPostings) {
			total += counts[runes[j]]
			j++
		}
		hi := rune(utf8.MaxRune + 1)
		if j < len(runes) {
			hi = runes[j]
		}
		if err := db.rebuildPass(ctx, lo, hi); err != nil {
			return err
		}
		i = j
	}
	return db.writeAlone(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM search_segments"); err != nil {
			return classify(err, "search segments")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO search_segments (seg, pmin)
			SELECT seg, min(m) OVER (ORDER BY seg ROWS UNBOUNDED PRECEDING)
			FROM (SELECT docno >> ? AS seg, min(sort_key) AS m FROM search_docs GROUP BY 1)`, segmentShift); err != nil {
			return classify(err, "search segments")
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM search_rebuild")
		return classify(err, "search rebuild done")
	})
}

// termList is one term's docnos during a rebuild, as uvarint deltas.
type termList struct {
	last docno
	buf  []byte
}

// rebuildPass writes the blocks of the terms whose first rune is in [lo, hi).
func (db *DB) rebuildPass(ctx context.Context, lo, hi rune) error {
	lists := map[termKey]*termList{}
	if err := db.eachSearchText(ctx, func(no docno, keys []termKey) {
		for _, k := range keys {
			if r := k.first(); r < lo || r >= hi {
				continue
			}
			l := lists[k]
			if l == nil {
				l = &termList{}
				lists[k] = l
			}
			l.buf = binary.AppendUvarint(l.buf, uint64(no-l.last))
			l.last = no
		}
	}); err != nil {
		return err
	}
	keys := make([]termKey, 0, len(lists))
	for k := range lists {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return db.writeAlone(ctx, func(ctx context.Context, tx *sql.Tx) error {
		w := &blockWriter{tx: tx, stmts: db.writes.stmts}
		var ids []docno
		for _, k := range keys {
			ids = ids[:0]
			var id docno
			for b := lists[k].buf; len(b) > 0; {
				d, n := binary.Uvarint(b)
				id += docno(d)
				ids = append(ids, id)
				b = b[n:]
			}
			term := k.String()
			if err := cutBlocks(ids, func(first docno, blob []byte) error {
				return w.exec(ctx, blockInsert, term, int64(first), blob)
			}); err != nil {
				return err
			}
			delete(lists, k)
		}
		_, err := tx.ExecContext(ctx, "UPDATE search_rebuild SET done_below = ?", int64(hi))
		return classify(err, "search rebuild")
	})
}

// eachSearchText calls fn with the docno and the terms (termKeys) of every
// stored document, in docno order; keys is reused between calls.
func (db *DB) eachSearchText(ctx context.Context, fn func(no docno, keys []termKey)) error {
	rows, err := db.sql.QueryContext(ctx, "SELECT docno, text FROM search_docs ORDER BY docno")
	if err != nil {
		return apperr.Wrap(err, "sqlite: search rebuild")
	}
	defer rows.Close()
	var keys []termKey
	var text []byte
	for rows.Next() {
		var no int64
		if err := rows.Scan(&no, &text); err != nil {
			return apperr.Wrap(err, "sqlite: search rebuild")
		}
		keys = termKeys(keys, string(text))
		fn(docno(no), keys)
	}
	return apperr.Wrap(rows.Err(), "sqlite: search rebuild")
}
