package sqlite

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"unicode/utf8"

	"yugongkai/apperr"
)

// Block postings (migration 0026). The documents holding a term are kept as
// the sorted list of their docnos, cut into blocks of at most maxBlockIDs
// docnos and about maxBlockBytes bytes, one row of search_blocks per block:
// the key holds the block's first docno, the blob the others as uvarint
// deltas. New documents take the next docno, so indexing one appends to the
// last block of each of its terms (rewriting that one row) or starts a new
// block when it is full. Removing a document (unpublished, withdrawn,
// erased, or a term gone from a replaced text) rewrites the block that held
// it at once; there are no tombstones, so a search reads only live docnos.
//
// A block stays within one B-tree cell (SQLite moves payloads over about a
// thousand bytes of a 4 KiB page to overflow pages).
const (
	maxBlockIDs   = 256
	maxBlockBytes = 900
)

// docno is a document's number. Lists hold them as uint32: four billion
// documents are far beyond one SQLite file of this application.
type docno = uint32

// decodeBlock appends the docnos of one block to dst.
func decodeBlock(dst []docno, first int64, blob []byte) ([]docno, error) {
	id := uint64(first)
	dst = append(dst, docno(id))
	for len(blob) > 0 {
		d, n := binary.Uvarint(blob)
		if n <= 0 || d == 0 {
			return dst, errors.New("corrupt search block")
		}
		id += d
		dst = append(dst, docno(id))
		blob = blob[n:]
	}
	return dst, nil
}

// encodeBlock returns the blob of a block holding ids (sorted, non-empty).
func encodeBlock(ids []docno) []byte {
	blob := make([]byte, 0, 2*len(ids))
	for i := 1; i < len(ids); i++ {
		blob = binary.AppendUvarint(blob, uint64(ids[i]-ids[i-1]))
	}
	return blob
}

// docnoRange is the range of the docnos of id's kind, [lo, hi): a block
// holds the docnos of one kind only, so the comments' lists end with their
// own last block, where new comments are appended.
func docnoRange(id docno) (lo, hi int64) {
	if id >= consultationDocnos {
		return consultationDocnos, math.MaxUint32 + 1
	}
	return 0, consultationDocnos
}

// cutBlocks cuts a sorted list into blocks, calling put for each.
func cutBlocks(ids []docno, put func(first docno, blob []byte) error) error {
	for len(ids) > 0 {
		n, size := 1, 0
		for n < len(ids) && n < maxBlockIDs && (ids[0] >= consultationDocnos) == (ids[n] >= consultationDocnos) {
			size += uvarintLen(uint64(ids[n] - ids[n-1]))
			if size > maxBlockBytes {
				break
			}
			n++
		}
		if err := put(ids[0], encodeBlock(ids[:n])); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// fits reports whether one block may hold ids.
func fits(ids []docno) bool {
	if len(ids) > maxBlockIDs {
		return false
	}
	size := 0
	for i := 1; i < len(ids); i++ {
		size += uvarintLen(uint64(ids[i] - ids[i-1]))
	}
	return size <= maxBlockBytes
}

// full reports whether a block holding ids may take no more docnos.
func full(ids []docno) bool {
	if len(ids) >= maxBlockIDs {
		return true
	}
	size := 0
	for i := 1; i < len(ids); i++ {
		size += uvarintLen(uint64(ids[i] - ids[i-1]))
	}
	return size+5 > maxBlockBytes
}

// Block statements, run on the writer's prepared statements.
const (
	blockAtOrBefore = "SELECT first_id, ids FROM search_blocks WHERE term = ? AND first_id <= ? AND first_id >= ? ORDER BY first_id DESC LIMIT 1"
	blockFirst      = "SELECT first_id, ids FROM search_blocks WHERE term = ? AND first_id >= ? AND first_id < ? ORDER BY first_id LIMIT 1"
	blockInsert     = "INSERT INTO search_blocks (term, first_id, ids) VALUES (?, ?, ?)"
	blockUpdate     = "UPDATE search_blocks SET ids = ? WHERE term = ? AND first_id = ?"
	blockDelete     = "DELETE FROM search_blocks WHERE term = ? AND first_id = ?"
)

// blockWriter changes blocks inside one write transaction: through t when
// set (a commit's txn: its fault hook and its bound statements), else on
// tx with the writer's statements.
type blockWriter struct {
	tx    *sql.Tx
	t     *txn
	stmts *stmtCache
	ids   []docno // scratch
}

func (w *blockWriter) exec(ctx context.Context, query string, args ...any) error {
	var err error
	if w.t != nil {
		_, err = w.t.ExecContext(ctx, query, args...)
	} else if st := w.stmts.in(ctx, w.tx, query); st != nil {
		_, err = st.ExecContext(ctx, args...)
	} else {
		_, err = w.tx.ExecContext(ctx, query, args...)
	}
	return classify(err, "write search block")
}

// block reads the block query finds into w.ids; ok false when none.
func (w *blockWriter) block(ctx context.Context, query string, args ...any) (first int64, ok bool, err error) {
	var blob []byte
	var row *sql.Row
	if w.t != nil {
		row = w.t.QueryRowContext(ctx, query, args...)
	} else if st := w.stmts.in(ctx, w.tx, query); st != nil {
		row = st.QueryRowContext(ctx, args...)
	} else {
		row = w.tx.QueryRowContext(ctx, query, args...)
	}
	if err := row.Scan(&first, &blob); errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	} else if err != nil {
		return 0, false, classify(err, "read search block")
	}
	w.ids, err = decodeBlock(w.ids[:0], first, blob)
	if err != nil {
		return 0, false, apperr.Wrap(fmt.Errorf("%w: term %q, block %d", err, args[0], first), "sqlite: search block")
	}
	return first, true, nil
}

// add puts id in term's list: in the block starting at or before it (the
// last block, for a new document), or the first block if id comes first.
func (w *blockWriter) add(ctx context.Context, term string, id docno) error {
	lo, hi := docnoRange(id)
	first, ok, err := w.block(ctx, blockAtOrBefore, term, int64(id), lo)
	if err == nil && !ok {
		first, ok, err = w.block(ctx, blockFirst, term, lo, hi)
	}
	if err != nil {
		return err
	}
	if !ok {
		return w.exec(ctx, blockInsert, term, int64(id), []byte{})
	}
	pos, found := slices.BinarySearch(w.ids, id)
	if found {
		return nil
	}
	if pos == len(w.ids) && full(w.ids) {
		return w.exec(ctx, blockInsert, term, int64(id), []byte{})
	}
	ids := slices.Insert(w.ids, pos, id)
	if fits(ids) && ids[0] == docno(first) {
		return w.exec(ctx, blockUpdate, encodeBlock(ids), term, first)
	}
	if err := w.exec(ctx, blockDelete, term, first); err != nil {
		return err
	}
	return w.putAll(ctx, term, ids)
}

// blockLasts reads the last block of each term, as json_each rows.
const blockLasts = `SELECT j.value, b.first_id, b.ids FROM json_each(?1) j CROSS JOIN search_blocks b
	ON b.term = j.value AND b.first_id = (SELECT max(m.first_id) FROM search_blocks m
		WHERE m.term = j.value AND m.first_id >= ?2 AND m.first_id < ?3)`

// blockReplace writes blocks given as a JSON array of [term, first_id,
// hex of ids]: one statement for all the terms of a document.
const blockReplace = `INSERT OR REPLACE INTO search_blocks (term, first_id, ids)
	SELECT value ->> 0, value ->> 1, unhex(value ->> 2) FROM json_each(?)`

// putAll inserts ids as new blocks: halves when one block cannot hold them.
func (w *blockWriter) putAll(ctx context.Context, term string, ids []docno) error {
	if fits(ids) {
		return w.exec(ctx, blockInsert, term, int64(ids[0]), encodeBlock(ids))
	}
	half := len(ids) / 2
	if err := w.putAll(ctx, term, ids[:half]); err != nil {
		return err
	}
	return w.putAll(ctx, term, ids[half:])
}

// remove takes id out of term's list; an id not there is no error.
func (w *blockWriter) remove(ctx context.Context, term string, id docno) error {
	lo, _ := docnoRange(id)
	first, ok, err := w.block(ctx, blockAtOrBefore, term, int64(id), lo)
	if err != nil || !ok {
		return err
	}
	pos, found := slices.BinarySearch(w.ids, id)
	if !found {
		return nil
	}
	ids := slices.Delete(w.ids, pos, pos+1)
	switch {
	case len(ids) == 0:
		return w.exec(ctx, blockDelete, term, first)
	case pos == 0:
		if err := w.exec(ctx, blockDelete, term, first); err != nil {
			return err
		}
		return w.exec(ctx, blockInsert, term, int64(ids[0]), encodeBlock(ids))
	}
	return w.exec(ctx, blockUpdate, encodeBlock(ids), term, first)
}

// termKey is a term as a number that sorts as its text does (UTF-8 byte
// order is code point order): the first rune in the high half, and 0 for a
// unigram or the second rune plus one for a bigram in the low half.
type termKey uint64

func (k termKey) first() rune { return rune(k >> 32) }

func (k termKey) String() string {
	var b [8]byte
	n := utf8.EncodeRune(b[:], k.first())
	if lo := uint32(k); lo != 0 {
		n += utf8.EncodeRune(b[n:], rune(lo-1))
	}
	return string(b[:n])
}

// termKeys appends the distinct terms of a normalized text to dst, sorted:
// search.Terms as numbers, without allocating per term.
func termKeys(dst []termKey, text string) []termKey {
	dst = dst[:0]
	prev := rune(-1)
	for _, r := range text {
		dst = append(dst, termKey(uint64(r)<<32))
		if prev >= 0 {
			dst = append(dst, termKey(uint64(prev)<<32|uint64(r)+1))
		}
		prev = r
	}
	slices.Sort(dst)
	return slices.Compact(dst)
}
