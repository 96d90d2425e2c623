package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"yugongkai/apperr"
	"yugongkai/consultation"
	"yugongkai/internal/corpus"
	"yugongkai/search"
)

// SearchOpener returns a fresh, empty search index for one test.
type SearchOpener func(t *testing.T) search.Index

// RunSearch runs the contract of search.Index through search.Service: the
// results must be those of a plain substring scan over the normalized
// documents, in the same order, so every store gives the same results.
func RunSearch(t *testing.T, open SearchOpener) {
	t.Run("MatchesScan", func(t *testing.T) { testSearchMatchesScan(t, open(t)) })
	t.Run("Filters", func(t *testing.T) { testSearchFilters(t, open(t)) })
	t.Run("Replace", func(t *testing.T) { testSearchReplace(t, open(t)) })
	t.Run("ConsultationFieldsReachComments", func(t *testing.T) { testSearchPropagation(t, open(t)) })
	t.Run("Delete", func(t *testing.T) { testSearchDelete(t, open(t)) })
	t.Run("LimitAndPages", func(t *testing.T) { testSearchLimit(t, open(t)) })
	t.Run("InvalidQuery", func(t *testing.T) { testSearchInvalid(t, open(t)) })
	t.Run("BatchEqualsOneByOne", func(t *testing.T) { testSearchBatch(t, open) })
}

// SearchNow is the clock of the search contract.
var SearchNow = T0.Add(30 * 24 * time.Hour)

func newSearchService(idx search.Index) *search.Service {
	return &search.Service{Index: idx, Now: func() time.Time { return SearchNow }}
}

// CorpusParagraphs returns the non-empty lines of the final texts in the
// shared corpus (internal/corpus), or nil if it is absent outside CI.
func CorpusParagraphs(tb testing.TB, names ...string) []string {
	tb.Helper()
	if len(names) == 0 {
		names = []string{"public-security-admin-penalties-law", "animal-epidemic-prevention-law"}
	}
	var lines []string
	for _, name := range names {
		text, ok := corpus.Lookup(tb, name+"/final.txt")
		if !ok {
			continue
		}
		for _, l := range strings.Split(text, "\n") {
			if strings.TrimSpace(l) != "" {
				lines = append(lines, l)
			}
		}
	}
	return lines
}

// handComments are comments written with full-width digits and letters,
// spaces and mixed case, which normalization must bring together.
var handComments = []string{
	"建议将罚款上限提高到５０００元，并在第１２条增加“情节较轻”的情形。",
	"ＡＢＣ物业公司认为第十二条不合理；abc 公司 同意。",
	"关于ＷｉＦｉ密码的规定 过于 严格，建议删除。",
	"我 支持 本 办法，　希望尽快施行。电话：１３８＊＊＊＊５６７８",
	"Ａ　Ｂ　Ｃ　三个 小区 的 居民 联名 提出 意见",
	"公共\n安全\t很重要",
	"第５条（一）项中的“５日”应改为“５个工作日”。",
	"养犬人应当文明养犬，ＤＯＧ ｌｉｃｅｎｓｅ 登记免费。",
}

// searchCorpus builds consultations from groups of corpus lines and
// comments from single lines and handComments, with filter fields and
// times drawn from rng. Comments carry their consultation's fields.
func searchCorpus(tb testing.TB, rng *rand.Rand) []search.Doc {
	lines := CorpusParagraphs(tb)
	states := []consultation.State{consultation.Open, consultation.Open, consultation.Closed, consultation.InReview,
		consultation.Published, consultation.Withdrawn}
	depts := []string{"d1", "d2", "d3"}
	var docs, cons []search.Doc
	newConsultation := func(i int, title, source string) search.Doc {
		d := search.Doc{Kind: search.KindConsultation, ID: fmt.Sprintf("c%03d", i), Title: title, Source: source,
			At:    T0.Add(time.Duration(rng.IntN(50)) * time.Hour), // ties: the id decides
			State: states[rng.IntN(len(states))], DepartmentID: depts[rng.IntN(len(depts))],
			ProcedureType: consultation.ProcedureTypes[rng.IntN(len(consultation.ProcedureTypes))]}
		d.ConsultationID = d.ID
		switch rng.IntN(3) {
		case 0: // no closing time
		case 1:
			closes := SearchNow.Add(-time.Duration(1+rng.IntN(100)) * time.Hour)
			d.ClosesAt = &closes
		case 2:
			closes := SearchNow.Add(time.Duration(1+rng.IntN(100)) * time.Hour)
			d.ClosesAt = &closes
		}
		return d
	}
	comment := func(i int, source string) search.Doc {
		c := cons[rng.IntN(len(cons))]
		return search.Doc{Kind: search.KindComment, ID: fmt.Sprintf("m%04d", i), ConsultationID: c.ID,
			Source: source, Name: "张*", At: T0.Add(time.Duration(rng.IntN(2000)) * time.Minute),
			Title: c.Title, State: c.State, ClosesAt: c.ClosesAt, DepartmentID: c.DepartmentID, ProcedureType: c.ProcedureType}
	}
	cons = append(cons, newConsultation(0, "某县养犬管理办法", "某县养犬管理办法\n为了规范养犬行为，制定本办法。"))
	// Runs of lines spread over the whole corpus: about one in four makes
	// a consultation, the rest comments.
	stride := max(1, len(lines)/95)
	for i := 0; i < len(lines); i += stride {
		chunk := strings.Join(lines[i:min(i+1+rng.IntN(4), len(lines))], "\n")
		if len(cons) < 25 && rng.IntN(4) == 0 {
			cons = append(cons, newConsultation(len(cons), lines[i], chunk))
		} else if len(docs) < 70 {
			docs = append(docs, comment(len(docs), chunk))
		}
	}
	for _, s := range handComments {
		docs = append(docs, comment(len(docs), s))
	}
	return append(cons, docs...)
}

// scan is the reference: the documents passing f whose normalized source
// contains the normalized query, consultations first, newest first, then
// by id. It is written apart from search.Filter.Match on purpose.
func scan(docs []search.Doc, q string, f search.Filter) []string {
	nq := search.Normalize(q)
	var found []search.Doc
	for _, d := range docs {
		if !strings.Contains(search.Normalize(d.Source), nq) {
			continue
		}
		if f.Kind != "" && d.Kind != f.Kind || f.ConsultationID != "" && d.ConsultationID != f.ConsultationID ||
			f.DepartmentID != "" && d.DepartmentID != f.DepartmentID || f.ProcedureType != "" && d.ProcedureType != f.ProcedureType {
			continue
		}
		pastClose := d.ClosesAt != nil && !d.ClosesAt.After(SearchNow)
		switch {
		case f.Status == "":
		case f.Status == consultation.Open && (d.State != consultation.Open || pastClose):
			continue
		case f.Status == consultation.Closed && !(d.State == consultation.Closed || d.State == consultation.Open && pastClose):
			continue
		case f.Status != consultation.Open && f.Status != consultation.Closed && d.State != f.Status:
			continue
		}
		found = append(found, d)
	}
	slices.SortFunc(found, func(a, b search.Doc) int {
		if a.Kind != b.Kind {
			if a.Kind == search.KindConsultation {
				return -1
			}
			return 1
		}
		if c := b.At.Truncate(time.Millisecond).Compare(a.At.Truncate(time.Millisecond)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	ids := make([]string, len(found))
	for i, d := range found {
		ids[i] = string(d.Kind) + "/" + d.ID
	}
	return ids
}

// searchAll pages through every hit of q, checking each hit's snippet.
func searchAll(t *testing.T, svc *search.Service, q string, f search.Filter) []string {
	t.Helper()
	var ids []string
	for page := 0; ; page++ {
		hits, err := svc.Search(ctx, q, f, search.MaxLimit)
		if err != nil {
			t.Fatalf("Search(%q, %+v): %v", q, f, err)
		}
		for _, h := range hits {
			ids = append(ids, string(h.Kind)+"/"+h.ID)
			checkSnippet(t, q, h)
		}
		if len(hits) < search.MaxLimit {
			return ids
		}
		f.After = hits[len(hits)-1].Cursor
		if page > 1000 {
			t.Fatalf("Search(%q): paging does not end", q)
		}
	}
}

func checkSnippet(t *testing.T, q string, h search.Hit) {
	t.Helper()
	r := []rune(h.Snippet)
	if h.Match[0] < 0 || h.Match[0] >= h.Match[1] || h.Match[1] > len(r) {
		t.Fatalf("Search(%q) hit %s: Match %v out of snippet %q", q, h.ID, h.Match, h.Snippet)
	}
	if got, want := search.Normalize(string(r[h.Match[0]:h.Match[1]])), search.Normalize(q); got != want {
		t.Fatalf("Search(%q) hit %s: snippet %q marks %q, want %q", q, h.ID, h.Snippet, got, want)
	}
}

func putAll(t *testing.T, svc *search.Service, docs []search.Doc) {
	t.Helper()
	for _, d := range docs {
		if err := svc.Put(ctx, d); err != nil {
			t.Fatalf("Put(%s/%s): %v", d.Kind, d.ID, err)
		}
	}
}

// sampleQueries draws n substrings of 1–4 runes (and a few longer ones)
// from the normalized texts.
func sampleQueries(rng *rand.Rand, docs []search.Doc, n int) []string {
	var qs []string
	for len(qs) < n {
		text := []rune(search.Normalize(docs[rng.IntN(len(docs))].Source))
		size := 1 + len(qs)%4
		if len(qs)%10 == 9 {
			size = 5 + rng.IntN(20)
		}
		if len(text) < size {
			continue
		}
		i := rng.IntN(len(text) - size + 1)
		qs = append(qs, string(text[i:i+size]))
	}
	return qs
}

func testSearchMatchesScan(t *testing.T, idx search.Index) {
	rng := rand.New(rand.NewPCG(20260101, 7))
	docs := searchCorpus(t, rng)
	svc := newSearchService(idx)
	putAll(t, svc, docs)

	// The sample is small enough for FerretDB, which scans the collection
	// for every search; -short makes it smaller still.
	n := 60
	if testing.Short() {
		n = 20
	}
	queries := sampleQueries(rng, docs, n)
	queries = append(queries,
		"量子纠缠", "区块链", "zz", "Ｑ", "之乎者也矣", // absent
		"5000", "５０００", "ａｂｃ", "ABC", "wifi", "ＷＩＦＩ", "Wi", "ｄｏｇｌｉ", "ａｂｃ公司", "abc公司同意",
		"公共 安全", "公共　安全", " 法 ", "第5条", "（一）", "(一)", "“5日”", "5个工作日", "，", "。",
		"治安管理处罚法", "养犬", "罚款", "的",
		strings.Repeat("法", 100))
	statuses := []consultation.State{"", consultation.Open, consultation.Closed, consultation.Published, consultation.Withdrawn}
	checked, nonEmpty := 0, 0
	for i, q := range queries {
		filters := []search.Filter{{}}
		if i%4 == 0 {
			filters = append(filters, search.Filter{Status: statuses[rng.IntN(len(statuses))]},
				search.Filter{DepartmentID: "d2", Kind: search.KindComment},
				search.Filter{ProcedureType: consultation.Rule, Status: consultation.Open})
		}
		for _, f := range filters {
			got := searchAll(t, svc, q, f)
			want := scan(docs, q, f)
			if !slices.Equal(got, want) {
				t.Fatalf("Search(%q, %+v) = %d hits %v,\nscan gives %d %v", q, f, len(got), head(got), len(want), head(want))
			}
			checked++
			if len(want) > 0 {
				nonEmpty++
			}
		}
	}
	if nonEmpty < checked/2 {
		t.Errorf("only %d of %d searches found something; the sample is not testing much", nonEmpty, checked)
	}
	t.Logf("%d docs, %d searches compared with the scan, %d non-empty", len(docs), checked, nonEmpty)
}

func head(ids []string) []string {
	if len(ids) > 12 {
		return append(ids[:12:12], "…")
	}
	return ids
}

func testSearchFilters(t *testing.T, idx search.Index) {
	svc := newSearchService(idx)
	past, future := SearchNow.Add(-time.Hour), SearchNow.Add(time.Hour)
	mk := func(id string, state consultation.State, closes *time.Time, dept string, typ consultation.ProcedureType) search.Doc {
		return search.Doc{Kind: search.KindConsultation, ID: id, ConsultationID: id, Title: id, Source: "关于养犬管理的规定",
			At: T0, State: state, ClosesAt: closes, DepartmentID: dept, ProcedureType: typ}
	}
	docs := []search.Doc{
		mk("a-open", consultation.Open, &future, "d1", consultation.Rule),
		mk("b-open-nodeadline", consultation.Open, nil, "d2", consultation.Rule),
		mk("c-open-expired", consultation.Open, &past, "d1", consultation.NormativeDocument),
		mk("d-closed", consultation.Closed, &past, "d2", consultation.Other),
		mk("e-published", consultation.Published, &past, "d1", consultation.Rule),
		{Kind: search.KindComment, ID: "m1", ConsultationID: "a-open", Source: "养犬要拴绳", At: T0,
			State: consultation.Open, ClosesAt: &future, DepartmentID: "d1", ProcedureType: consultation.Rule},
	}
	putAll(t, svc, docs)
	for _, tc := range []struct {
		name string
		f    search.Filter
		want []string
	}{
		{"None", search.Filter{}, []string{"consultation/a-open", "consultation/b-open-nodeadline", "consultation/c-open-expired", "consultation/d-closed", "consultation/e-published", "comment/m1"}},
		{"Open", search.Filter{Status: consultation.Open}, []string{"consultation/a-open", "consultation/b-open-nodeadline", "comment/m1"}},
		{"Closed", search.Filter{Status: consultation.Closed}, []string{"consultation/c-open-expired", "consultation/d-closed"}},
		{"Published", search.Filter{Status: consultation.Published}, []string{"consultation/e-published"}},
		{"Department", search.Filter{DepartmentID: "d2"}, []string{"consultation/b-open-nodeadline", "consultation/d-closed"}},
		{"Type", search.Filter{ProcedureType: consultation.Rule}, []string{"consultation/a-open", "consultation/b-open-nodeadline", "consultation/e-published", "comment/m1"}},
		{"Kind", search.Filter{Kind: search.KindComment}, []string{"comment/m1"}},
		{"Consultation", search.Filter{ConsultationID: "a-open"}, []string{"consultation/a-open", "comment/m1"}},
		{"Combined", search.Filter{Status: consultation.Open, DepartmentID: "d1", Kind: search.KindConsultation}, []string{"consultation/a-open"}},
		{"NoMatch", search.Filter{DepartmentID: "d9"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, q := range []string{"养", "养犬", "养犬管"} {
				got := searchAll(t, svc, q, tc.f)
				if q == "养犬管" && len(got) > 0 && got[len(got)-1] == "comment/m1" {
					got = got[:len(got)-1] // the comment has no 养犬管
				}
				want := tc.want
				if q == "养犬管" && len(want) > 0 && want[len(want)-1] == "comment/m1" {
					want = want[:len(want)-1]
				}
				if !slices.Equal(got, want) {
					t.Errorf("Search(%q, %+v) = %v, want %v", q, tc.f, got, want)
				}
				if scanned := scan(docs, q, tc.f); !slices.Equal(got, scanned) {
					t.Errorf("Search(%q, %+v) = %v, scan gives %v", q, tc.f, got, scanned)
				}
			}
		})
	}
}

func testSearchReplace(t *testing.T, idx search.Index) {
	svc := newSearchService(idx)
	d := search.Doc{Kind: search.KindComment, ID: "m1", ConsultationID: "c1", Source: "建议增加养犬登记", At: T0, State: consultation.Open}
	putAll(t, svc, []search.Doc{d})
	d.Source = "建议删除第五条"
	putAll(t, svc, []search.Doc{d})
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"登记", nil}, {"养", nil}, {"建议", []string{"comment/m1"}}, {"删除", []string{"comment/m1"}}, {"第五条", []string{"comment/m1"}},
	} {
		if got := searchAll(t, svc, tc.q, search.Filter{}); !slices.Equal(got, tc.want) {
			t.Errorf("after replacing, Search(%q) = %v, want %v", tc.q, got, tc.want)
		}
	}
	// The same text again, other fields changed: fields follow.
	d.State = consultation.Closed
	putAll(t, svc, []search.Doc{d})
	if got := searchAll(t, svc, "删除", search.Filter{Status: consultation.Closed}); len(got) != 1 {
		t.Errorf("after changing state only, Search(删除, closed) = %v, want the comment", got)
	}
	if got := searchAll(t, svc, "删除", search.Filter{Status: consultation.Open}); len(got) != 0 {
		t.Errorf("after changing state only, Search(删除, open) = %v, want none", got)
	}
}

func testSearchPropagation(t *testing.T, idx search.Index) {
	svc := newSearchService(idx)
	future := SearchNow.Add(time.Hour)
	c := search.Doc{Kind: search.KindConsultation, ID: "c1", ConsultationID: "c1", Title: "养犬办法", Source: "养犬办法",
		At: T0, State: consultation.Open, ClosesAt: &future, DepartmentID: "d1", ProcedureType: consultation.Rule}
	m := search.Doc{Kind: search.KindComment, ID: "m1", ConsultationID: "c1", Title: c.Title, Source: "支持养犬登记",
		At: T0, State: c.State, ClosesAt: c.ClosesAt, DepartmentID: "d1", ProcedureType: consultation.Rule}
	other := m
	other.ID, other.ConsultationID = "m2", "c2"
	putAll(t, svc, []search.Doc{c, m, other})
	c.State, c.ClosesAt, c.Title = consultation.Published, nil, "养犬管理办法（公布稿）"
	putAll(t, svc, []search.Doc{c})
	hits, err := svc.Search(ctx, "登记", search.Filter{Status: consultation.Published}, 10)
	must(t, err)
	if len(hits) != 1 || hits[0].ID != "m1" || hits[0].Title != c.Title {
		t.Errorf("Search(登记, published) = %+v, want m1 titled %q", hits, c.Title)
	}
	if got := searchAll(t, svc, "登记", search.Filter{Status: consultation.Open}); !slices.Equal(got, []string{"comment/m2"}) {
		t.Errorf("Search(登记, open) = %v, want only the comment on another consultation", got)
	}
}

func testSearchDelete(t *testing.T, idx search.Index) {
	svc := newSearchService(idx)
	a := search.Doc{Kind: search.KindComment, ID: "x", ConsultationID: "c1", Source: "养犬登记", At: T0}
	b := search.Doc{Kind: search.KindConsultation, ID: "x", ConsultationID: "x", Source: "养犬办法", At: T0}
	putAll(t, svc, []search.Doc{a, b})
	must(t, idx.Delete(ctx, search.KindComment, "x"))
	must(t, idx.Delete(ctx, search.KindComment, "absent"))
	if got := searchAll(t, svc, "养犬", search.Filter{}); !slices.Equal(got, []string{"consultation/x"}) {
		t.Errorf("after Delete, Search(养犬) = %v, want only the consultation of the same id", got)
	}
	if got := searchAll(t, svc, "登记", search.Filter{}); len(got) != 0 {
		t.Errorf("after Delete, Search(登记) = %v, want none", got)
	}
	putAll(t, svc, []search.Doc{a}) // back again
	if got := searchAll(t, svc, "登记", search.Filter{}); !slices.Equal(got, []string{"comment/x"}) {
		t.Errorf("after Put again, Search(登记) = %v", got)
	}
}

func testSearchLimit(t *testing.T, idx search.Index) {
	svc := newSearchService(idx)
	var docs []search.Doc
	for i := range 130 {
		text := "意见"
		if i%3 == 0 {
			text = "意见：罚款过高" // the three-rune query matches only these
		} else if i%3 == 1 {
			text = "罚款；过高" // bigrams 罚款 and 过高, but not 罚款过高
		}
		docs = append(docs, search.Doc{Kind: search.KindComment, ID: fmt.Sprintf("m%03d", i), ConsultationID: "c1",
			Source: text, At: T0.Add(time.Duration(i%7) * time.Minute)})
	}
	putAll(t, svc, docs)
	for _, q := range []string{"意见", "罚款过高"} {
		all := scan(docs, q, search.Filter{})
		for _, limit := range []int{1, 7, 50} {
			hits, err := svc.Search(ctx, q, search.Filter{}, limit)
			must(t, err)
			var got []string
			for _, h := range hits {
				got = append(got, string(h.Kind)+"/"+h.ID)
			}
			if want := all[:min(limit, len(all))]; !slices.Equal(got, want) {
				t.Errorf("Search(%q, limit %d) = %v, want %v", q, limit, got, want)
			}
		}
		hits, err := svc.Search(ctx, q, search.Filter{}, 0)
		must(t, err)
		if len(hits) != min(search.DefaultLimit, len(all)) {
			t.Errorf("Search(%q, limit 0) = %d hits, want %d", q, len(hits), min(search.DefaultLimit, len(all)))
		}
		hits, err = svc.Search(ctx, q, search.Filter{}, 1000)
		must(t, err)
		if len(hits) != min(search.MaxLimit, len(all)) {
			t.Errorf("Search(%q, limit 1000) = %d hits, want %d", q, len(hits), min(search.MaxLimit, len(all)))
		}
		if got := searchAll(t, svc, q, search.Filter{}); !slices.Equal(got, all) {
			t.Errorf("Search(%q) paged = %d hits, want %d", q, len(got), len(all))
		}
	}
}

func testSearchInvalid(t *testing.T, idx search.Index) {
	svc := newSearchService(idx)
	for _, q := range []string{"", " ", "　\t\n", "\u200b", strings.Repeat("法", search.MaxQueryRunes+1)} {
		_, err := svc.Search(ctx, q, search.Filter{}, 10)
		wantKind(t, fmt.Sprintf("Search(%.12q… %d runes)", q, utf8.RuneCountInString(q)), err, apperr.Invalid)
	}
	if _, err := svc.Search(ctx, strings.Repeat("法", search.MaxQueryRunes), search.Filter{}, 10); err != nil {
		t.Errorf("Search(%d runes) = %v, want no error", search.MaxQueryRunes, err)
	}
}
