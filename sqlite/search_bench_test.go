package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"yugongkai/consultation"
	"yugongkai/search"
	"yugongkai/storetest"
)

// BenchmarkSearch searches the 治安管理处罚法 split into about 300
// consultation documents plus 10,000 generated comments, with 2- and
// 4-character queries drawn from the text and 4-character queries that
// occur nowhere, first 20 hits. Baselines in the
// same run: the substring scan over the normalized texts held in memory
// (ScanGo) and in the store without the index (ScanSQL: instr on every row).
func BenchmarkSearch(b *testing.B) {
	lines := storetest.CorpusParagraphs(b, "public-security-admin-penalties-law")
	if len(lines) == 0 {
		b.Skip("corpus absent")
	}
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	db := OpenTemp(b)
	svc := &search.Service{Index: db.Search(), Now: func() time.Time { return storetest.SearchNow }}

	var docs []search.Doc
	per := max(1, len(lines)/300)
	for i := 0; i < len(lines); i += per {
		id := fmt.Sprintf("c%04d", len(docs))
		docs = append(docs, search.Doc{Kind: search.KindConsultation, ID: id, ConsultationID: id, Title: lines[i],
			Source: strings.Join(lines[i:min(i+per, len(lines))], "\n"), At: storetest.T0.Add(time.Duration(i) * time.Minute),
			State: consultation.Open, DepartmentID: "d1", ProcedureType: consultation.Rule})
	}
	law := []rune(strings.Join(lines, ""))
	openers := []string{"建议", "我认为", "关于这一条，", "支持。", "反对：", "希望明确", "ＡＢＣ小区居民认为"}
	for i := range 10_000 {
		start, n := rng.IntN(len(law)-80), 10+rng.IntN(70)
		docs = append(docs, search.Doc{Kind: search.KindComment, ID: fmt.Sprintf("m%05d", i), ConsultationID: docs[rng.IntN(300)].ID,
			Source: openers[rng.IntN(len(openers))] + string(law[start:start+n]), At: storetest.T0.Add(time.Duration(i) * time.Second),
			State: consultation.Open, DepartmentID: "d1", ProcedureType: consultation.Rule})
	}
	started := time.Now()
	for i := range docs {
		if err := svc.Put(ctx, docs[i]); err != nil {
			b.Fatal(err)
		}
		docs[i].Text = search.Normalize(docs[i].Source)
	}
	var postings int
	if err := db.sql.QueryRowContext(ctx, "SELECT count(*) FROM search_blocks").Scan(&postings); err != nil {
		b.Fatal(err)
	}
	var pages, pageSize int64
	if err := db.sql.QueryRowContext(ctx, "SELECT page_count, page_size FROM pragma_page_count(), pragma_page_size()").Scan(&pages, &pageSize); err != nil {
		b.Fatal(err)
	}
	b.Logf("indexed %d docs, %d postings in %v (one transaction each); database %d MiB",
		len(docs), postings, time.Since(started).Round(time.Millisecond), pages*pageSize>>20)
	// Result order of the scan: consultations first, then newest first.
	slices.SortFunc(docs, func(a, b search.Doc) int { return strings.Compare(a.Key(), b.Key()) })

	text := []rune(search.Normalize(string(law)))
	queries := func(n int) []string {
		qs := make([]string, 50)
		for i := range qs {
			at := rng.IntN(len(text) - n)
			qs[i] = string(text[at : at+n])
		}
		return qs
	}
	const limit = search.DefaultLimit
	sets := []struct {
		name    string
		queries []string
	}{
		{"2char", queries(2)},
		{"4char", queries(4)},
		{"4charAbsent", []string{"量子纠缠", "区块链上", "人工智能", "碳中和的", "自动驾驶"}},
	}
	for _, set := range sets {
		qs, size := set.queries, set.name
		b.Run(fmt.Sprintf("Index/%s", size), func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				if _, err := svc.Search(ctx, qs[i%len(qs)], search.Filter{}, limit); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("ScanGo/%s", size), func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				q, n := search.Normalize(qs[i%len(qs)]), 0
				for j := range docs {
					if strings.Contains(docs[j].Text, q) {
						if n++; n == limit {
							break
						}
					}
				}
			}
		})
		b.Run(fmt.Sprintf("ScanSQL/%s", size), func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				rows, err := db.sql.QueryContext(ctx, "SELECT kind, id, source FROM search_docs WHERE instr(text, ?) > 0 ORDER BY sort_key LIMIT ?",
					search.Normalize(qs[i%len(qs)]), limit)
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
				}
				rows.Close()
			}
		})
	}
}
