package storetest

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/search"
)

// The batch contract (search.BatchIndex): a batch of changes applied in one
// call leaves the index as the same changes applied one by one with Put and
// Delete; and (RunAtomic) a drain whose k-th write fails leaves the index
// and the queue as they were, or, on a store without transactions, its
// jobs queued to be applied again.

// indexState is what the index holds as searches see it: for every term,
// the documents Candidates returns, all fields.
func indexState(t *testing.T, idx search.Index, terms []string) map[string][]search.Doc {
	t.Helper()
	state := map[string][]search.Doc{}
	for _, term := range terms {
		docs, err := idx.Candidates(ctx, []string{term}, search.Filter{Now: SearchNow}, 1000)
		if err != nil {
			t.Fatalf("Candidates(%q): %v", term, err)
		}
		if len(docs) > 0 {
			state[term] = docs
		}
	}
	return state
}

// diffStates names the first term whose documents differ ("" if none).
func diffStates(a, b map[string][]search.Doc, terms []string) string {
	for _, term := range terms {
		if !reflect.DeepEqual(a[term], b[term]) {
			return fmt.Sprintf("term %q: %v\nvs %v", term, docRefs(a[term]), docRefs(b[term]))
		}
	}
	return ""
}

func docRefs(docs []search.Doc) []string {
	var out []string
	for _, d := range docs {
		out = append(out, fmt.Sprintf("%s/%s %q %s %q", d.Kind, d.ID, d.Text, d.State, d.Title))
	}
	return out
}

// termsOf is every term of the normalized texts.
func termsOf(texts []string) []string {
	var all []string
	for _, s := range texts {
		all = append(all, search.Terms(search.Normalize(s))...)
	}
	slices.Sort(all)
	return slices.Compact(all)
}

func testSearchBatch(t *testing.T, open SearchOpener) {
	oneIdx, batchIdx := open(t), open(t)
	if _, ok := batchIdx.(search.BatchIndex); !ok {
		t.Skip("the index has no Apply")
	}
	one, batch := newSearchService(oneIdx), newSearchService(batchIdx)
	future, past := SearchNow.Add(time.Hour), SearchNow.Add(-time.Hour)
	con := func(id, title, source string, state consultation.State, closes *time.Time) search.Doc {
		return search.Doc{Kind: search.KindConsultation, ID: id, ConsultationID: id, Title: title, Source: source,
			At: T0, State: state, ClosesAt: closes, DepartmentID: "d1", ProcedureType: consultation.Rule}
	}
	com := func(id string, c search.Doc, source string, at time.Duration) search.Doc {
		return search.Doc{Kind: search.KindComment, ID: id, ConsultationID: c.ID, Source: source, Name: "张*", At: T0.Add(at),
			Title: c.Title, State: c.State, ClosesAt: c.ClosesAt, DepartmentID: c.DepartmentID, ProcedureType: c.ProcedureType}
	}
	c1 := con("c1", "养犬管理办法", "养犬管理办法\n规范养犬行为", consultation.Open, &future)
	c2 := con("c2", "烟花爆竹规定", "烟花爆竹安全管理", consultation.Open, nil)
	initial := []search.Doc{c1,
		com("m1", c1, "建议养犬登记免费", time.Minute), com("m2", c1, "反对收费", 2*time.Minute),
		com("m3", c1, "支持本办法", 3*time.Minute), com("m4", c1, "养犬要拴绳", 4*time.Minute),
		com("x", c1, "同号的意见", 5*time.Minute)}
	putAll(t, one, initial)
	putAll(t, batch, initial)
	texts := []string{"养犬管理办法\n规范养犬行为", "烟花爆竹安全管理", "建议养犬登记免费", "反对收费", "支持本办法", "养犬要拴绳", "同号的意见"}

	c1b := c1
	c1b.Title, c1b.State, c1b.ClosesAt = "养犬管理办法（修订）", consultation.Closed, &past
	m6 := com("m6", c1, "建议设置遛狗区域", 6*time.Minute)
	m6b := m6
	m6b.Source = "建议设置遛狗专用区域并配备垃圾箱"
	m1b := com("m1", c1, "建议养犬登记免费", time.Minute)  // before c1b: takes c1b's fields
	m8 := com("m8", c1, "文明养犬从我做起", 8*time.Minute) // after c1b, stale fields of its own: keeps them
	m9 := com("m9", c2, "烟花燃放时间应当限定", 9*time.Minute)
	m4b := initial[4]
	m4b.At = m4b.At.Add(time.Hour) // same text, new sort key
	m3b := com("m3", c1, "支持本办法第三条", 3*time.Minute)
	xc := con("x", "同号的征求意见", "同号的征求意见稿", consultation.Open, nil)
	texts = append(texts, c1b.Title, m6.Source, m6b.Source, m8.Source, m9.Source, m3b.Source, xc.Source, "遛狗专用")
	del := func(d search.Doc) search.Change {
		return search.Change{Doc: search.Doc{Kind: d.Kind, ID: d.ID}, Delete: true}
	}
	put := func(d search.Doc) search.Change { return search.Change{Doc: d} }
	scripted := []search.Change{
		put(m6), put(m6b), // put twice, the text changed
		put(com("m7", c1, "临时意见", 7*time.Minute)), del(com("m7", c1, "", 0)), // put and deleted
		del(initial[2]),    // an existing one deleted
		del(m3b), put(m3b), // deleted and put again with a new text
		put(m1b), put(c1b), put(m8), // a consultation between its comments
		put(m9), put(c2), del(c2), // a consultation put (its fields reach m9) and deleted
		del(com("absent", c1, "", 0)),
		put(m4b),
		put(xc), // a consultation with a comment's id
	}
	texts = append(texts, "临时意见")
	apply := func(changes []search.Change) {
		t.Helper()
		for _, c := range changes {
			var err error
			if c.Delete {
				err = oneIdx.Delete(ctx, c.Doc.Kind, c.Doc.ID)
			} else {
				err = one.Put(ctx, c.Doc)
			}
			if err != nil {
				t.Fatalf("one by one: %v", err)
			}
		}
		if err := batch.Apply(ctx, changes); err != nil {
			t.Fatalf("Apply: %v", err)
		}
		terms := termsOf(texts)
		a, b := indexState(t, oneIdx, terms), indexState(t, batchIdx, terms)
		if d := diffStates(a, b, terms); d != "" {
			t.Fatalf("batched Apply differs from one by one: %s", d)
		}
	}
	apply(scripted)
	// The script did what it says.
	for q, want := range map[string][]string{"遛狗专用": {"comment/m6"}, "临时": nil, "反对": nil, "第三条": {"comment/m3"},
		"烟花": {"comment/m9"}, "同号": {"consultation/x", "comment/x"}} {
		if got := searchAll(t, batch, q, search.Filter{}); !slices.Equal(got, want) {
			t.Errorf("after the batch, Search(%q) = %v, want %v", q, got, want)
		}
	}
	// m1 was put before its consultation closed, m4 and m8 after, with the
	// fields of the open consultation.
	if got := searchAll(t, batch, "养犬", search.Filter{Status: consultation.Open}); !slices.Equal(got, []string{"comment/m4", "comment/m8"}) {
		t.Errorf("after the batch, Search(养犬, open) = %v, want m4 and m8", got)
	}

	// Random batches over a few documents, texts from a small alphabet.
	rng := rand.New(rand.NewPCG(10, 28))
	alphabet := []rune("养犬登记办法意见建议")
	text := func() string {
		r := make([]rune, 1+rng.IntN(8))
		for i := range r {
			r[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(r)
	}
	texts = append(texts, string(alphabet))
	for _, a := range alphabet {
		for _, b := range alphabet {
			texts = append(texts, string([]rune{a, b}))
		}
	}
	rounds := 3
	if testing.Short() {
		rounds = 1
	}
	cons := []search.Doc{c1, c2}
	for range rounds {
		var changes []search.Change
		for range 40 {
			switch k := rng.IntN(10); {
			case k == 0:
				changes = append(changes, del(cons[rng.IntN(2)]))
			case k == 1:
				c := cons[rng.IntN(2)]
				c.Source, c.State = text(), []consultation.State{consultation.Open, consultation.Closed}[rng.IntN(2)]
				changes = append(changes, put(c))
			case k < 4:
				changes = append(changes, del(com(fmt.Sprintf("r%d", rng.IntN(12)), c1, "", 0)))
			default:
				c := cons[rng.IntN(2)]
				if rng.IntN(3) == 0 {
					c.Title = "旧标题" // stale fields a later consultation put must not override
				}
				changes = append(changes, put(com(fmt.Sprintf("r%d", rng.IntN(12)), c, text(), time.Duration(rng.IntN(5))*time.Minute)))
			}
		}
		apply(changes)
	}
}

// testSearchDrainFaults drains a queue (a consultation and its comments)
// with its k-th write failing, for every k: after a failure the index and
// the queue are as before, or (IndexAtLeastOnce) every job is still
// queued; the drain that reaches no fault empties the queue, and indexing
// every record again one Put at a time changes nothing.
func testSearchDrainFaults(t *testing.T, open AtomicOpener) {
	w := newWorld(t, open)
	idx, ok := w.s.Queue.(search.BatchIndex)
	if !ok {
		t.Skip("the index has no Apply")
	}
	fx := w.stage("open+comments")
	svc := &search.Service{Index: idx, Queue: w.s.Queue, Versions: w.s.Consultations, Shared: w.s.IndexAtLeastOnce,
		Records: search.StoreRecords{Consultations: w.s.Consultations, Comments: w.s.Comments}, Now: func() time.Time { return SearchNow }}
	list, _, err := w.s.Comments.Comments(ctx, comments.Filter{ConsultationID: fx.c.ID, Limit: 100})
	must(t, err)
	texts := []string{fx.c.Title, atomicText}
	for _, cm := range list {
		texts = append(texts, cm.Body)
	}
	terms := termsOf(texts)
	depth := func() int {
		n, err := w.s.Queue.QueueDepth(ctx)
		must(t, err)
		return n
	}
	jobs := depth()
	if jobs == 0 {
		t.Fatal("nothing queued: the test tests nothing")
	}
	var final map[string][]search.Doc
	for k := 1; ; k++ {
		before := indexState(t, idx, terms)
		w.f.arm(k)
		_, err := svc.Drain(ctx)
		writes := w.f.disarm()
		after := indexState(t, idx, terms)
		if writes < k {
			if err != nil {
				t.Fatalf("drain with no fault reached: %v", err)
			}
			if n := depth(); n != 0 {
				t.Fatalf("after the drain %d jobs are queued, want none", n)
			}
			t.Logf("%d jobs, %d writes, each failure left all or nothing", jobs, k-1)
			final = after
			break
		}
		if err == nil {
			t.Fatalf("write %d failed, yet the drain reported success", k)
		}
		if n := depth(); n != jobs {
			t.Fatalf("write %d failing: %d jobs queued, want all %d still queued", k, n, jobs)
		}
		if d := diffStates(before, after, terms); d != "" && !w.s.IndexAtLeastOnce {
			t.Fatalf("write %d failing: the failed drain changed the index: %s", k, d)
		}
	}
	if len(final) == 0 {
		t.Fatal("the drain indexed nothing")
	}
	c, err := w.s.Consultations.Consultation(ctx, fx.c.ID)
	must(t, err)
	must(t, svc.IndexConsultation(ctx, c))
	for _, cm := range list {
		cm, err := w.s.Comments.Comment(ctx, cm.ID)
		must(t, err)
		must(t, svc.IndexComment(ctx, c, cm))
	}
	if d := diffStates(final, indexState(t, idx, terms), terms); d != "" {
		t.Fatalf("the drained index differs from indexing every record one by one: %s", d)
	}
}
