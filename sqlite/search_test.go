package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"yugongkai/consultation"
	"yugongkai/search"
	"yugongkai/storetest"
)

func TestSearchContract(t *testing.T) {
	storetest.RunSearch(t, func(t *testing.T) search.Index { return OpenTemp(t).Search() })
}

// randomText draws a text from a small alphabet (Chinese, ASCII in both
// widths, spaces), with runs of one repeated character, so that terms have
// long lists spanning many blocks and queries often nearly match.
func randomText(rng *rand.Rand) string {
	alphabet := []rune("的人民法第条ａAb1 　。")
	var b strings.Builder
	for n := rng.IntN(40); b.Len() < n*3; {
		r := alphabet[rng.IntN(len(alphabet))]
		if rng.IntN(30) == 0 { // a rare character: short lists, emptied by deletions
			r = rune(0x4E00 + rng.IntN(200))
		}
		for k := 1 + rng.IntN(3)*rng.IntN(2); k > 0; k-- {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// randomQuery is 1 to 4 characters of the alphabet of randomText.
func randomQuery(rng *rand.Rand) string {
	alphabet := []rune("的人民法第条aＢ1")
	q := make([]rune, 1+rng.IntN(4))
	for i := range q {
		q[i] = alphabet[rng.IntN(len(alphabet))]
		if rng.IntN(10) == 0 {
			q[i] = rune(0x4E00 + rng.IntN(200))
		}
	}
	return string(q)
}

// scanIDs is the reference: every stored document whose normalized text
// contains the normalized query and that passes f, in result order.
func scanIDs(docs map[string]search.Doc, q string, f search.Filter) []string {
	nq := search.Normalize(q)
	var keys []string
	byKey := map[string]string{}
	for _, d := range docs {
		if strings.Contains(search.Normalize(d.Source), nq) && f.Match(&d) {
			keys = append(keys, d.Key())
			byKey[d.Key()] = string(d.Kind) + "/" + d.ID
		}
	}
	slices.Sort(keys)
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = byKey[k]
	}
	return ids
}

// searchIDs pages through every hit of q with pages of limit.
func searchIDs(t *testing.T, svc *search.Service, q string, f search.Filter, limit int) []string {
	t.Helper()
	var ids []string
	for {
		hits, err := svc.Search(context.Background(), q, f, limit)
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		for _, h := range hits {
			ids = append(ids, string(h.Kind)+"/"+h.ID)
		}
		if len(hits) < limit {
			return ids
		}
		f.After = hits[len(hits)-1].Cursor
	}
}

// checkBlocks compares search_blocks with the lists computed from the
// stored texts: every term's docnos, sorted, none missing, none extra.
func checkBlocks(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	want := map[string][]docno{}
	if err := db.eachSearchText(ctx, func(no docno, keys []termKey) {
		for _, k := range keys {
			want[k.String()] = append(want[k.String()], no)
		}
	}); err != nil {
		t.Fatal(err)
	}
	got := map[string][]docno{}
	rows, err := db.sql.QueryContext(ctx, "SELECT term, first_id, ids FROM search_blocks ORDER BY term, first_id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var term string
		var first int64
		var blob []byte
		if err := rows.Scan(&term, &first, &blob); err != nil {
			t.Fatal(err)
		}
		ids, err := decodeBlock(nil, first, blob)
		if err != nil {
			t.Fatal(err)
		}
		if !fits(ids) {
			t.Errorf("term %q: block %d holds %d ids, too many", term, first, len(ids))
		}
		if (ids[0] >= consultationDocnos) != (ids[len(ids)-1] >= consultationDocnos) {
			t.Errorf("term %q: block %d holds comments and consultations", term, first)
		}
		if l := got[term]; len(l) > 0 && l[len(l)-1] >= ids[0] {
			t.Errorf("term %q: block %d overlaps the one before", term, first)
		}
		got[term] = append(got[term], ids...)
	}
	if len(got) != len(want) {
		t.Errorf("%d terms in blocks, want %d", len(got), len(want))
	}
	for term, w := range want {
		if !slices.Equal(got[term], w) {
			t.Fatalf("term %q: blocks hold %v, want %v", term, got[term], w)
		}
	}
}

// TestSearchBlocksMatchScan is the property of the block index: random
// texts and random 1–4 character queries give exactly the scan's result,
// in its order and through pages, after indexing, after replacing texts
// and after deletions; and the blocks hold exactly the stored texts' terms.
func TestSearchBlocksMatchScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 26))
	db := OpenTemp(t, WithBulkLoad())
	ctx := context.Background()
	svc := &search.Service{Index: db.Search(), Now: func() time.Time { return storetest.SearchNow }}
	docs := map[string]search.Doc{}
	put := func(d search.Doc) {
		if err := svc.Put(ctx, d); err != nil {
			t.Fatal(err)
		}
		docs[string(d.Kind)+"/"+d.ID] = d
	}
	defer func() { walkSlack, maxLazyCandidates, eagerOnly = 1000, 20_000, false }()
	// Documents at first and added later, and queries per check: fewer
	// under the race detector (single goroutine: it finds nothing here).
	first, more, queries := 700, 200, 60
	if underRace {
		first, more, queries = 300, 100, 30
	}
	cons := []string{"c1", "c2", "c3"}
	newDoc := func(i int) search.Doc {
		d := search.Doc{Kind: search.KindComment, ID: fmt.Sprintf("m%04d", i), ConsultationID: cons[rng.IntN(len(cons))],
			Source: randomText(rng), At: storetest.T0.Add(time.Duration(rng.IntN(500)) * time.Minute),
			State: consultation.Open, DepartmentID: "d1", ProcedureType: consultation.Rule}
		if rng.IntN(8) == 0 {
			d.State = consultation.Closed
		}
		if rng.IntN(20) == 0 {
			d.Kind, d.ID, d.ConsultationID = search.KindConsultation, fmt.Sprintf("c%04d", i), d.ID
		}
		return d
	}
	check := func(stage string) {
		t.Helper()
		for range queries {
			q := randomQuery(rng)
			var f search.Filter
			switch rng.IntN(4) {
			case 1:
				f.Kind = search.KindComment
			case 2:
				f.ConsultationID = cons[rng.IntN(len(cons))]
			}
			if rng.IntN(4) == 0 {
				f.Status = consultation.Closed
			}
			f.Now = storetest.SearchNow
			// Walks that give up at once, or only when the filter leaves
			// few candidates.
			walkSlack = []int64{0, 1000}[rng.IntN(2)]
			// The lazy way (giving up after the first batch or not), or
			// the eager one.
			maxLazyCandidates = []int{0, 20_000}[rng.IntN(2)]
			eagerOnly = rng.IntN(3) == 0
			limit := []int{1, 7, search.MaxLimit}[rng.IntN(3)]
			if got, want := searchIDs(t, svc, q, f, limit), scanIDs(docs, q, f); !slices.Equal(got, want) {
				t.Fatalf("%s: Search(%q, %+v) by %d:\n got %v\nwant %v", stage, q, f, limit, got, want)
			}
		}
		checkBlocks(t, db)
	}
	for i := range first {
		put(newDoc(i))
	}
	check("indexed")

	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range docs {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		d := docs[k]
		switch rng.IntN(5) {
		case 0: // new text
			d.Source = randomText(rng)
			put(d)
		case 1: // new sort key, same text
			d.At = d.At.Add(time.Hour)
			put(d)
		case 2:
			if err := svc.Index.Delete(ctx, d.Kind, d.ID); err != nil {
				t.Fatal(err)
			}
			delete(docs, k)
		}
	}
	check("replaced and deleted")
	for i := first; i < first+more; i++ {
		put(newDoc(i))
	}
	check("indexed more")
}

// TestSearchOldFormatOpens writes a database as the program before
// migration 0026 did (one posting row per term and document) and opens it:
// the documents are renumbered, the blocks rebuilt from their texts, and
// searches give the scan's results.
func TestSearchOldFormatOpens(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	rawDB, err := sql.Open("sqlite", filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := rawDB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	list, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
		applied_at TEXT NOT NULL) STRICT`); err != nil {
		t.Fatal(err)
	}
	for _, m := range list {
		if m.version >= 26 {
			break
		}
		if _, err := raw.ExecContext(ctx, m.sql); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		if _, err := raw.ExecContext(ctx, "INSERT INTO schema_migrations VALUES (?, ?, ?)", m.version, m.name, formatTime(storetest.T0)); err != nil {
			t.Fatal(err)
		}
	}
	docs := map[string]search.Doc{}
	for i := range 400 {
		d := search.Doc{Kind: search.KindComment, ID: fmt.Sprintf("m%04d", i), ConsultationID: "c1", Source: randomText(rng),
			At: storetest.T0.Add(time.Duration(rng.IntN(300)) * time.Minute), State: consultation.Open, DepartmentID: "d1",
			ProcedureType: consultation.Rule}
		if i%40 == 0 {
			d.Kind, d.ID, d.ConsultationID = search.KindConsultation, fmt.Sprintf("c%04d", i), fmt.Sprintf("c%04d", i)
		}
		d.Text = search.Normalize(d.Source)
		docs[string(d.Kind)+"/"+d.ID] = d
		// As the Put of 0003 stored it.
		if _, err := raw.ExecContext(ctx, `INSERT INTO search_docs (kind, id, consultation_id, sort_key, state, closes_at,
			department_id, procedure_type, title, name, at, source, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			string(d.Kind), d.ID, d.ConsultationID, d.Key(), string(d.State), noClose, d.DepartmentID, string(d.ProcedureType),
			"", "", formatTime(d.At), d.Source, d.Text); err != nil {
			t.Fatal(err)
		}
		for _, term := range search.Terms(d.Text) {
			if _, err := raw.ExecContext(ctx, "INSERT INTO search_postings (term, sort_key) VALUES (?, ?)", term, d.Key()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := raw.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := rawDB.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var pending, old int
	if err := db.sql.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM search_rebuild),
		(SELECT count(*) FROM sqlite_schema WHERE name = 'search_postings')`).Scan(&pending, &old); err != nil {
		t.Fatal(err)
	}
	if pending != 0 || old != 0 {
		t.Fatalf("after open: %d rebuild rows, %d old posting tables; want none", pending, old)
	}
	// Numbered by kind, the first in result order highest.
	var misnumbered int
	if err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM search_docs a JOIN search_docs b
		ON (a.kind = 'consultation') = (b.kind = 'consultation') AND a.sort_key < b.sort_key AND a.docno < b.docno`).Scan(&misnumbered); err != nil {
		t.Fatal(err)
	}
	var wrongRange int
	if err := db.sql.QueryRowContext(ctx, "SELECT count(*) FROM search_docs WHERE (kind = 'consultation') != (docno >= ?)",
		consultationDocnos).Scan(&wrongRange); err != nil {
		t.Fatal(err)
	}
	if misnumbered != 0 || wrongRange != 0 {
		t.Fatalf("after open: %d pairs of documents numbered against the result order, %d out of their kind's range", misnumbered, wrongRange)
	}
	checkBlocks(t, db)
	svc := &search.Service{Index: db.Search(), Now: func() time.Time { return storetest.SearchNow }}
	for i := range 60 {
		q := randomQuery(rng)
		f := search.Filter{Now: storetest.SearchNow, Kind: []search.Kind{"", search.KindComment, search.KindConsultation}[i%3]}
		if got, want := searchIDs(t, svc, q, f, 10), scanIDs(docs, q, f); !slices.Equal(got, want) {
			t.Fatalf("Search(%q):\n got %v\nwant %v", q, got, want)
		}
	}
	// New documents go after the renumbered ones.
	d := search.Doc{Kind: search.KindComment, ID: "new", ConsultationID: "c1", Source: "的人民法", At: storetest.T0,
		State: consultation.Open}
	if err := svc.Put(ctx, d); err != nil {
		t.Fatal(err)
	}
	docs["comment/new"] = d
	f := search.Filter{Now: storetest.SearchNow}
	if got, want := searchIDs(t, svc, "人民法", f, 10), scanIDs(docs, "人民法", f); !slices.Equal(got, want) {
		t.Fatalf("after a new document: got %v, want %v", got, want)
	}
}

// TestSearchConcurrentWithIndexing runs many searches while the index is
// written (as the index worker does: appends, replacements, deletions), on
// a pool smaller than the searchers, under -race in CI: no search fails or
// waits forever on another, every page is in result order and every hit
// matches, and the final index gives the scan's results.
func TestSearchConcurrentWithIndexing(t *testing.T) {
	db := OpenTemp(t, WithMaxConns(3), WithBulkLoad())
	ctx := context.Background()
	svc := &search.Service{Index: db.Search(), Now: func() time.Time { return storetest.SearchNow }}
	rng := rand.New(rand.NewPCG(5, 6))
	docs := map[string]search.Doc{}
	doc := func(i int) search.Doc {
		return search.Doc{Kind: search.KindComment, ID: fmt.Sprintf("m%04d", i), ConsultationID: "c1", Source: randomText(rng),
			At: storetest.T0.Add(time.Duration(i) * time.Second), State: consultation.Open}
	}
	for i := range 300 {
		d := doc(i)
		if err := svc.Put(ctx, d); err != nil {
			t.Fatal(err)
		}
		docs[string(d.Kind)+"/"+d.ID] = d
	}
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() { // the index worker
		defer wg.Done()
		defer close(done)
		for i := 300; i < 700; i++ {
			d := doc(i)
			if err := svc.Put(ctx, d); err != nil {
				t.Error(err)
				return
			}
			docs[string(d.Kind)+"/"+d.ID] = d
			if i%5 == 0 {
				id := fmt.Sprintf("comment/m%04d", i/2)
				if err := svc.Index.Delete(ctx, search.KindComment, docs[id].ID); err != nil {
					t.Error(err)
					return
				}
				delete(docs, id)
			}
		}
	}()
	queries := []string{"的", "人民", "法第条", "的的的", "a1", "ｂ", "民法第条"}
	for g := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				q := queries[(g+i)%len(queries)]
				hits, err := svc.Search(ctx, q, search.Filter{}, 10+g)
				if err != nil {
					t.Error(err)
					return
				}
				for j, h := range hits {
					if j > 0 && hits[j-1].Cursor >= h.Cursor {
						t.Errorf("Search(%q): hits out of order", q)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	checkBlocks(t, db)
	for _, q := range queries {
		f := search.Filter{Now: storetest.SearchNow}
		if got, want := searchIDs(t, svc, q, f, 25), scanIDs(docs, q, f); !slices.Equal(got, want) {
			t.Fatalf("Search(%q) after indexing:\n got %v\nwant %v", q, got, want)
		}
	}
}
