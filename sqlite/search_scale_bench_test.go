package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"yugongkai/consultation"
	"yugongkai/search"
	"yugongkai/storetest"
)

// BenchmarkSearchScale measures search at a million comments (issue 10,
// goal 3). Run it once:
//
//	go test ./sqlite -run '^$' -bench SearchScale -benchtime 1x -timeout 60m
//
// (YUGONGKAI_SEARCH_DOCS sets another number of comments). The comments
// are drawn as in BenchmarkSearch: an opener and 10–80 characters from the
// two corpus laws, one consultation, times one second apart; their search
// documents are written in bulk (20,000 to a transaction) and the blocks
// built by rebuildSearch, the code migration 0026 runs at open. Queries of
// 1, 2, 3 and 4 characters are cut from random comments (so every query
// matches at least one), and ("rare") drawn from CJK characters U+7000–
// U+8FFF, mostly outside the laws' vocabulary, so that most match nothing
// and a scan reads every row; first page of 20 hits, through
// search.Service.
// Baselines in the same run: the substring scan of the stored normalized
// texts in the store (instr over search_docs in result order, stopping at
// 20 hits) and the same scan over the texts held in memory. Every index
// result is compared with the store scan's. Sizes: the text (sum of the
// normalized texts' bytes) against the pages of search_blocks (dbstat).
func BenchmarkSearchScale(b *testing.B) {
	lines := storetest.CorpusParagraphs(b)
	if len(lines) == 0 {
		b.Skip("corpus absent")
	}
	n := 1_000_000
	if s := os.Getenv("YUGONGKAI_SEARCH_DOCS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	db := OpenTemp(b, WithBulkLoad())
	svc := &search.Service{Index: db.Search(), Now: func() time.Time { return storetest.SearchNow }}

	law := []rune(strings.Join(lines, ""))
	openers := []string{"建议", "我认为", "关于这一条，", "支持。", "反对：", "希望明确", "ＡＢＣ小区居民认为", ""}
	con := search.Doc{Kind: search.KindConsultation, ID: "c1", ConsultationID: "c1", Title: lines[0], Source: strings.Join(lines[:20], "\n"),
		At: storetest.T0, State: consultation.Open, DepartmentID: "d1", ProcedureType: consultation.Rule}
	if err := svc.Put(ctx, con); err != nil {
		b.Fatal(err)
	}
	texts := make([]string, n) // normalized, by comment number
	loaded, built := loadSearchDocs(b, db, n, func(i int) search.Doc {
		start, k := rng.IntN(len(law)-80), 10+rng.IntN(70)
		d := search.Doc{Kind: search.KindComment, ID: fmt.Sprintf("m%07d", i), ConsultationID: "c1",
			Source: openers[rng.IntN(len(openers))] + string(law[start:start+k]), At: storetest.T0.Add(time.Duration(i) * time.Second),
			State: consultation.Open, DepartmentID: "d1", ProcedureType: consultation.Rule, Title: con.Title}
		d.Text = search.Normalize(d.Source)
		texts[i] = d.Text
		return d
	})
	if err := db.Checkpoint(ctx); err != nil {
		b.Fatal(err)
	}
	sizes := func() (textBytes, blockBytes, docBytes, blocks int64) {
		if err := db.sql.QueryRowContext(ctx, `SELECT (SELECT sum(length(CAST(text AS BLOB))) FROM search_docs),
			(SELECT sum(pgsize) FROM dbstat WHERE name = 'search_blocks'),
			(SELECT sum(pgsize) FROM dbstat WHERE name = 'search_docs'),
			(SELECT count(*) FROM search_blocks)`).Scan(&textBytes, &blockBytes, &docBytes, &blocks); err != nil {
			b.Fatal(err)
		}
		return
	}
	textBytes, blockBytes, docBytes, blocks := sizes()
	b.Logf("%d comments: documents written in %v, blocks built in %v; text %d MiB, search_blocks %d MiB in %d rows (%.2f× the text), search_docs %d MiB",
		n, loaded.Round(time.Second), built.Round(time.Second), textBytes>>20, blockBytes>>20, blocks,
		float64(blockBytes)/float64(textBytes), docBytes>>20)

	const limit = search.DefaultLimit
	scanSQL := func(q string) ([]string, error) {
		rows, err := db.sql.QueryContext(ctx, "SELECT kind, id FROM search_docs WHERE instr(text, ?) > 0 ORDER BY sort_key LIMIT ?", q, limit)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var ids []string
		for rows.Next() {
			var kind, id string
			if err := rows.Scan(&kind, &id); err != nil {
				return nil, err
			}
			ids = append(ids, kind+"/"+id)
		}
		return ids, rows.Err()
	}
	// In memory, in result order: the consultation, then the newest comment first.
	conText := search.Normalize(con.Source)
	scanGo := func(q string) int {
		found := 0
		if strings.Contains(conText, q) {
			found++
		}
		for i := n - 1; i >= 0 && found < limit; i-- {
			if strings.Contains(texts[i], q) {
				found++
			}
		}
		return found
	}
	pct := func(d []time.Duration, p float64) time.Duration {
		s := slices.Clone(d)
		slices.Sort(s)
		return s[min(len(s)-1, int(float64(len(s))*p))]
	}
	const indexQueries, scanQueries = 200, 40
	for set := range 8 {
		size, absent := set%4+1, set >= 4
		qs := make([]string, indexQueries)
		for i := range qs {
			for !absent {
				r := []rune(texts[rng.IntN(n)])
				if len(r) >= size {
					at := rng.IntN(len(r) - size + 1)
					qs[i] = string(r[at : at+size])
					break
				}
			}
			if absent { // characters far from the laws' vocabulary: few or no hits
				q := make([]rune, size)
				for j := range q {
					q[j] = rune(0x7000 + rng.IntN(0x2000))
				}
				qs[i] = string(q)
			}
		}
		name := fmt.Sprintf("%d-char", size)
		if absent {
			name += " rare"
		}
		var index, filtered, sqlScan, goScan []time.Duration
		for i, q := range qs {
			t0 := time.Now()
			hits, err := svc.Search(ctx, q, search.Filter{}, limit)
			if err != nil {
				b.Fatal(err)
			}
			index = append(index, time.Since(t0))
			if i >= scanQueries || absent && i >= scanQueries/4 {
				continue
			}
			// The same query within the consultation (the public comment
			// list's search): every document is the consultation's, so the
			// page must be the same, and as cheap.
			t0 = time.Now()
			inCon, err := svc.Search(ctx, q, search.Filter{ConsultationID: con.ID}, limit)
			if err != nil {
				b.Fatal(err)
			}
			filtered = append(filtered, time.Since(t0))
			if !slices.EqualFunc(hits, inCon, func(a, b search.Hit) bool { return a.Kind == b.Kind && a.ID == b.ID }) {
				b.Fatalf("query %q: %d hits, %d within the consultation", q, len(hits), len(inCon))
			}
			t0 = time.Now()
			want, err := scanSQL(q)
			if err != nil {
				b.Fatal(err)
			}
			sqlScan = append(sqlScan, time.Since(t0))
			t0 = time.Now()
			found := scanGo(q)
			goScan = append(goScan, time.Since(t0))
			got := make([]string, len(hits))
			for j, h := range hits {
				got[j] = string(h.Kind) + "/" + h.ID
			}
			if !slices.Equal(got, want) || found != len(want) {
				b.Fatalf("query %q: index %v, store scan %v, memory scan %d hits", q, got, want, found)
			}
		}
		b.Logf("%s: within the consultation, index p50 %v p95 %v (%d queries)", name, pct(filtered, .5), pct(filtered, .95), len(filtered))
		b.Logf("%s: index p50 %v p95 %v (%d queries); store scan p50 %v p95 %v; memory scan p50 %v p95 %v (%d queries); p95 store scan / index %.0f×, memory scan / index %.1f×",
			name, pct(index, .5), pct(index, .95), len(index), pct(sqlScan, .5), pct(sqlScan, .95), pct(goScan, .5), pct(goScan, .95),
			len(sqlScan), float64(pct(sqlScan, .95))/float64(pct(index, .95)), float64(pct(goScan, .95))/float64(pct(index, .95)))
	}

	// The index worker's appends at this size (without fsync: WithBulkLoad).
	started := time.Now()
	const appends = 2000
	for i := range appends {
		start, k := rng.IntN(len(law)-80), 10+rng.IntN(70)
		d := search.Doc{Kind: search.KindComment, ID: fmt.Sprintf("n%07d", i), ConsultationID: "c1",
			Source: string(law[start : start+k]), At: storetest.T0.Add(time.Duration(n+i) * time.Second),
			State: consultation.Open, DepartmentID: "d1", ProcedureType: consultation.Rule, Title: con.Title}
		if err := svc.Put(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
	perPut := time.Since(started) / appends
	textBytes, blockBytes, _, blocks = sizes()
	b.Logf("%d more comments indexed one Put each: %v per Put; then search_blocks %d MiB in %d rows (%.2f× the text)",
		appends, perPut.Round(time.Microsecond), blockBytes>>20, blocks, float64(blockBytes)/float64(textBytes))
	for b.Loop() {
	}
}

// loadSearchDocs writes n comment documents (doc(i), Text set, numbered
// i+1) in bulk, 20,000 to a transaction, then builds their blocks with
// rebuildSearch, as migration 0026 does for a database with documents. It
// returns how long each step took.
func loadSearchDocs(b *testing.B, db *DB, n int, doc func(i int) search.Doc) (loaded, built time.Duration) {
	b.Helper()
	ctx := context.Background()
	started := time.Now()
	const chunk = 20_000
	for from := 0; from < n; from += chunk {
		err := db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
			st, err := tx.PrepareContext(ctx, `INSERT INTO search_docs (docno, kind, id, consultation_id, sort_key, state, closes_at,
				department_id, procedure_type, title, name, at, source, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
			if err != nil {
				return err
			}
			defer st.Close()
			for i := from; i < min(from+chunk, n); i++ {
				d := doc(i)
				if _, err := st.ExecContext(ctx, i+1, string(d.Kind), d.ID, d.ConsultationID, d.Key(), string(d.State), closesAtColumn(d.ClosesAt),
					d.DepartmentID, string(d.ProcedureType), d.Title, d.Name, formatTime(d.At), d.Source, d.Text); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	loaded = time.Since(started)
	started = time.Now()
	if err := db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM search_blocks"); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO search_rebuild (done_below) VALUES (0)")
		return err
	}); err != nil {
		b.Fatal(err)
	}
	if err := db.rebuildSearch(ctx); err != nil {
		b.Fatal(err)
	}
	return loaded, time.Since(started)
}
