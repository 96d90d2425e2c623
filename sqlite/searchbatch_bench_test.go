package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/internal/procstat"
	"yugongkai/search"
	"yugongkai/storetest"
)

// BenchmarkIndexDrain measures the index worker (search.Service.Drain)
// draining queued comment jobs into an index that already holds many
// documents, the old way (Unbatched: one Put per job, each its own
// commit) against the batched one (BatchIndex.Apply: a batch of up to 200
// jobs and their Done in one transaction), in the same run:
//
//	go test ./sqlite -run '^$' -bench IndexDrain -benchtime 1x -timeout 30m
//
// YUGONGKAI_DRAIN_DOCS sets the documents already indexed (default
// 100,000) and YUGONGKAI_DRAIN_JOBS the jobs drained per case (default
// 2,000). The documents are drawn as in BenchmarkSearchScale (an opener and
// 10–80 characters of the two corpus laws) and loaded in bulk; the jobs'
// comments are drawn the same way and committed (not timed) with their
// index jobs, 500 to a commit, as an import queues them. Each case reopens
// the database, with fsync at commit (synchronous=FULL, as the server
// runs) and without it (WithBulkLoad: the B-tree work alone). Reported per
// case: jobs/s, the process's CPU time per job, and the write transactions
// the drain committed.
func BenchmarkIndexDrain(b *testing.B) {
	lines := storetest.CorpusParagraphs(b)
	if len(lines) == 0 {
		b.Skip("corpus absent")
	}
	env := func(name string, def int) int {
		if s := os.Getenv(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				b.Fatal(err)
			}
			return n
		}
		return def
	}
	existing, jobs := env("YUGONGKAI_DRAIN_DOCS", 100_000), env("YUGONGKAI_DRAIN_JOBS", 2000)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	law := []rune(strings.Join(lines, ""))
	openers := []string{"建议", "我认为", "关于这一条，", "支持。", "反对：", "希望明确", "ＡＢＣ小区居民认为", ""}
	body := func() string {
		start, k := rng.IntN(len(law)-80), 10+rng.IntN(70)
		return openers[rng.IntN(len(openers))] + string(law[start:start+k])
	}

	dir := b.TempDir()
	db, err := Open(ctx, dir, WithBulkLoad())
	if err != nil {
		b.Fatal(err)
	}
	c, v := storetest.NewConsultation(b, "d1", storetest.T0)
	published := storetest.T0
	c.State, c.PublishedAt, c.PublicVersion = consultation.Open, &published, 1
	if err := storetest.Create(db.Consultations(), c, v); err != nil {
		b.Fatal(err)
	}
	loaded, built := loadSearchDocs(b, db, existing, func(i int) search.Doc {
		d := search.Doc{Kind: search.KindComment, ID: fmt.Sprintf("old%07d", i), ConsultationID: c.ID, Source: body(),
			At: storetest.T0.Add(time.Duration(i) * time.Second), State: c.State, DepartmentID: c.DepartmentID,
			ProcedureType: c.ProcedureType, Title: c.Title}
		d.Text = search.Normalize(d.Source)
		return d
	})
	b.Logf("%d documents indexed in bulk: written in %v, blocks built in %v", existing, loaded.Round(time.Second), built.Round(time.Second))
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}

	seq := 0
	type result struct {
		perSec float64
		cpu    time.Duration
	}
	results := map[string]result{}
	for _, sync := range []string{"fsync", "no-fsync"} {
		for _, way := range []string{"one-by-one", "batched"} {
			var opts []Option
			if sync == "no-fsync" {
				opts = append(opts, WithBulkLoad())
			}
			db, err := Open(ctx, dir, opts...)
			if err != nil {
				b.Fatal(err)
			}
			// The jobs: comments committed with their index jobs, as an
			// import queues them (not timed).
			var last *comments.Comment
			for from := 0; from < jobs; from += 500 {
				ch := &comments.Change{}
				for range min(500, jobs-from) {
					at := storetest.T0.Add(time.Duration(existing+seq) * time.Second)
					cm := storetest.NewComment(c.ID, "", body(), at)
					cm.ID = fmt.Sprintf("new%07d", seq)
					seq++
					ch.Insert = append(ch.Insert, cm)
					ch.Index = append(ch.Index, consultation.IndexJob{Kind: consultation.IndexComment, ID: cm.ID, Consultation: c.ID})
					last = cm
				}
				if err := db.Comments().Commit(ctx, ch); err != nil {
					b.Fatal(err)
				}
			}
			idx := db.Search()
			svc := &search.Service{Index: idx, Queue: idx, Versions: db.Consultations(), Unbatched: way == "one-by-one",
				Records: search.StoreRecords{Consultations: db.Consultations(), Comments: db.Comments()}, Now: func() time.Time { return storetest.SearchNow }}
			if n, err := svc.Lag(ctx); err != nil || n != jobs {
				b.Fatalf("%d jobs queued (%v), want %d", n, err, jobs)
			}
			batches0, _ := db.WriteStats()
			cpu0, _ := procstat.CPUTime(os.Getpid())
			started := time.Now()
			n, err := svc.Drain(ctx)
			if err != nil {
				b.Fatal(err)
			}
			elapsed := time.Since(started)
			cpu1, _ := procstat.CPUTime(os.Getpid())
			batches1, _ := db.WriteStats()
			if n != jobs {
				b.Fatalf("drained %d jobs, want %d", n, jobs)
			}
			hits, err := svc.Search(ctx, last.PublicBody, search.Filter{}, 1)
			if err != nil || len(hits) != 1 || hits[0].ID != last.ID {
				b.Fatalf("the last comment drained is not found: %v, %v", hits, err)
			}
			r := result{float64(jobs) / elapsed.Seconds(), (cpu1 - cpu0) / time.Duration(jobs)}
			results[sync+"/"+way] = r
			b.Logf("%s, %s: %d jobs in %v: %.0f jobs/s, CPU %v per job, %d write transactions",
				sync, way, jobs, elapsed.Round(time.Millisecond), r.perSec, r.cpu.Round(time.Microsecond), batches1-batches0)
			if err := db.Close(); err != nil {
				b.Fatal(err)
			}
		}
		one, batched := results[sync+"/one-by-one"], results[sync+"/batched"]
		b.Logf("%s: batched / one-by-one: %.1f× the jobs/s, %.1f× less CPU per job", sync, batched.perSec/one.perSec,
			float64(one.cpu)/float64(max(batched.cpu, 1)))
	}
	for b.Loop() {
	}
}
