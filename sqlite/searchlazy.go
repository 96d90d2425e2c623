package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"yugongkai/search"
)

// The lazy way of a search: the lists are read downwards from the highest
// docno a few blocks at a time and intersected as they are read (leapfrog:
// each list seeks the largest docno at or below the others' current one),
// the candidates are checked against the filter in batches, and the walk
// stops once it holds a full page whose last key is below the key of every
// docno not yet read (covered: the bound of search_segments below the last
// candidate's segment, and the documents of that segment read as a range
// of search_docs). As descending docno is
// nearly the result order, a page costs about the blocks of its own docnos
// range, however long the lists; documents indexed out of order (a bulk
// import of older comments, a changed time) only make the walk go further.

// cursorBlocks is how many blocks a list cursor reads at a time.
const cursorBlocks = 8

// maxLazyCandidates bounds the candidates the lazy way checks against the
// filter before it leaves the search to the eager way (a filter that few
// candidates pass). A variable for the tests.
var maxLazyCandidates = 20_000

// listCursor reads one term's list downwards.
type listCursor struct {
	s    *SearchIndex
	term string
	ids  []docno // the blocks read, descending
	i    int     // the current docno: ids[i]
	more bool    // blocks below ids[len(ids)-1] may remain
	tmp  []docno
}

// seek moves to the largest docno at or below x; false if there is none.
func (c *listCursor) seek(ctx context.Context, x docno) (bool, error) {
	if n := len(c.ids); n > 0 && c.ids[n-1] <= x {
		if c.i < n && c.ids[c.i] > x {
			c.i += sort.Search(n-c.i, func(k int) bool { return c.ids[c.i+k] <= x })
		}
		return c.i < n, nil
	}
	if len(c.ids) > 0 && !c.more {
		return false, nil
	}
	rows, err := c.s.db.sql.QueryContext(ctx, "SELECT first_id, ids FROM search_blocks WHERE term = ? AND first_id <= ? ORDER BY first_id DESC LIMIT ?",
		c.term, int64(x), cursorBlocks)
	if err != nil {
		return false, classify(err, "read search blocks")
	}
	defer rows.Close()
	c.ids, c.i = c.ids[:0], 0
	blocks := 0
	for rows.Next() {
		// RawBytes: the blob is SQLite's own memory, decoded before the
		// next Scan, so reading a block copies nothing.
		var first int64
		var blob sql.RawBytes
		if err := rows.Scan(&first, &blob); err != nil {
			return false, classify(err, "read search blocks")
		}
		if c.tmp, err = decodeBlock(c.tmp[:0], first, blob); err != nil {
			return false, classify(err, "read search blocks")
		}
		for j := len(c.tmp) - 1; j >= 0; j-- {
			c.ids = append(c.ids, c.tmp[j])
		}
		blocks++
	}
	if err := rows.Err(); err != nil {
		return false, classify(err, "read search blocks")
	}
	c.more = blocks == cursorBlocks
	if len(c.ids) == 0 {
		return false, nil
	}
	c.i = sort.Search(len(c.ids), func(k int) bool { return c.ids[k] <= x })
	return c.i < len(c.ids), nil
}

// nextCommon returns the largest docno at or below x in every list.
func nextCommon(ctx context.Context, cs []*listCursor, x docno) (docno, bool, error) {
	for agree, i := 0, 0; agree < len(cs); i = (i + 1) % len(cs) {
		c := cs[i]
		if ok, err := c.seek(ctx, x); !ok || err != nil {
			return 0, false, err
		}
		if v := c.ids[c.i]; v == x {
			agree++
		} else {
			x, agree = v, 1
		}
	}
	return x, true, nil
}

// keyed is a candidate that passed the filter.
type keyed struct {
	no  docno
	key string
}

// errTooMany tells Candidates to search the eager way.
var errTooMany = errors.New("too many candidates for the lazy way")

// lazyCandidates is Candidates the lazy way; errTooMany when it gives up.
func (s *SearchIndex) lazyCandidates(ctx context.Context, terms []string, f search.Filter, where string, args []any, limit int) ([]search.Doc, error) {
	top, bottom := docno(math.MaxUint32), docno(1)
	switch f.Kind {
	case search.KindComment:
		top = consultationDocnos - 1
	case search.KindConsultation:
		bottom = consultationDocnos
	}
	cs := make([]*listCursor, len(terms))
	for i, t := range terms {
		cs[i] = &listCursor{s: s, term: t}
	}
	var best []keyed
	var pending []docno
	checked := 0
	batch := limit + 4
	// flush checks the pending candidates against the filter and keeps the
	// limit first in result order.
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		checked += len(pending)
		// NOT INDEXED: the candidates are looked up by docno (the rowid,
		// which NOT INDEXED still uses). Left to itself, SQLite answers a
		// consultation's filter from search_docs_consultation instead,
		// reading every document of the consultation for each batch (21 ms
		// a page at 100,000 comments, against 0.3 ms unfiltered).
		rows, err := s.db.sql.QueryContext(ctx, "SELECT d.docno, d.sort_key FROM search_docs d NOT INDEXED WHERE d.docno IN (SELECT value FROM json_each(?)) AND "+where,
			append([]any{docnoList(pending)}, args...)...)
		pending = pending[:0]
		if err != nil {
			return classify(err, "search candidates")
		}
		defer rows.Close()
		for rows.Next() {
			var k keyed
			var no int64
			if err := rows.Scan(&no, &k.key); err != nil {
				return classify(err, "search candidates")
			}
			k.no = docno(no)
			if len(best) == limit && k.key >= best[limit-1].key {
				continue
			}
			at, _ := slices.BinarySearchFunc(best, k.key, func(a keyed, key string) int { return strings.Compare(a.key, key) })
			best = slices.Insert(best, at, k)
			if len(best) > limit {
				best = best[:limit]
			}
		}
		return classify(rows.Err(), "search candidates")
	}
	// A full batch is checked at once; the walk stops when no unread
	// docno, at or below x, can enter best (covered).
	x := top
	for {
		v, ok, err := nextCommon(ctx, cs, x)
		if err != nil {
			return nil, err
		}
		if !ok || v < bottom {
			break
		}
		pending = append(pending, v)
		if v == bottom {
			break
		}
		x = v - 1
		if len(pending) < batch {
			continue
		}
		if err := flush(); err != nil {
			return nil, err
		}
		batch = min(2*batch, 1024)
		if len(best) == limit {
			done, err := s.covered(ctx, x, best[limit-1].key)
			if err != nil {
				return nil, err
			}
			if done {
				break
			}
		}
		if checked >= maxLazyCandidates {
			return nil, errTooMany
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if len(best) == 0 {
		return nil, nil
	}
	nos := make([]docno, len(best))
	for i, k := range best {
		nos[i] = k.no
	}
	// No ORDER BY: SQLite would copy the rows into a sorter. They are
	// sorted here by their keys, so a document whose time changed since
	// best was read takes its new place, as with ORDER BY.
	rows, err := s.db.sql.QueryContext(ctx, "SELECT "+docColumns+" FROM search_docs d WHERE d.docno IN (SELECT value FROM json_each(?))",
		docnoList(nos))
	if err != nil {
		return nil, classify(err, "search candidates")
	}
	defer rows.Close()
	docs, err := scanDocs(rows)
	if err != nil {
		return nil, err
	}
	type ordered struct {
		key string
		i   int
	}
	order := make([]ordered, len(docs))
	for i := range docs {
		order[i] = ordered{docs[i].Key(), i}
	}
	slices.SortFunc(order, func(a, b ordered) int { return strings.Compare(a.key, b.key) })
	sorted := make([]search.Doc, len(docs))
	for i, o := range order {
		sorted[i] = docs[o.i]
	}
	return sorted, nil
}

// covered reports whether every document numbered x or below has a key
// above key. Those below x's segment are covered by the bound of the
// segment below (search_segments); those of x's own segment up to x, at
// most 256, are read from search_docs: all of them, candidates or not, as a
// range of the table, inside SQLite. (Before, the walk read on to the
// first docno of the segment so that the bound below covered every unread
// docno: for a common character that looked up about three times the
// candidates of its page, one by one.) The unary + keeps SQLite on the
// docno range rather than the sort_key index.
func (s *SearchIndex) covered(ctx context.Context, x docno, key string) (bool, error) {
	seg := int64(x >> segmentShift)
	var ok bool
	err := s.db.sql.QueryRowContext(ctx, `SELECT coalesce((SELECT pmin FROM search_segments WHERE seg < ?1 ORDER BY seg DESC LIMIT 1) > ?3, 1)
		AND NOT EXISTS (SELECT 1 FROM search_docs WHERE docno >= ?2 AND docno <= ?4 AND +sort_key <= ?3)`,
		seg, seg<<segmentShift, key, int64(x)).Scan(&ok)
	return ok, classify(err, "search segments")
}

// docnoList is a JSON array of docnos, for json_each.
func docnoList(nos []docno) string {
	b := make([]byte, 0, 8*len(nos)+2)
	b = append(b, '[')
	for i, c := range nos {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendUint(b, uint64(c), 10)
	}
	return string(append(b, ']'))
}
