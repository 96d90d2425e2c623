package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"yugongkai/internal/procstat"
)

// IsolationRun measures issue 10, goal 6 on the real server binary: how
// much a heavy staff operation takes from the steady traffic of residents.
// It starts the server on a fresh data directory (as ImportRun does), opens
// a consultation for the steady load and seeds it with a small import,
// seeds a second consultation with NearComments comments through the bulk
// import (unmeasured, then waits until the search index queue is empty),
// and then drives a mixed steady load for the whole run: Clients
// concurrent comment submitters as fast as the server answers (each
// comment from its own X-Forwarded-For address) and Readers paced readers
// of the public consultation page and comment list. Each phase reports
// the accepted comments per second, errors, and comment and read
// latencies, and the disturbances their ratios against the baseline:
//
//   - baseline: the steady load alone for Window;
//   - import: a generated CSV of ImportRows rows through the HTTP preview
//     and commit, into a third consultation;
//   - import-drain: from the commit's answer until the search index queue
//     the import filled is back at its depth before the import (the
//     import's deferred work), for at least half a window and at most 3;
//   - near-duplicates: staff starting the background near-duplicate pass
//     of the large consultation (POST …/groups/proposals) and polling its
//     stored state (GET, what the dispositions page shows with ?near=1)
//     until it is done, pass after pass for at least Window;
//   - baseline-after: the steady load alone again, to show how far the
//     machine itself drifted during the run.
//
// A reindex is not a phase: `yugongkai reindex` is offline (it holds
// data/LOCK, so it cannot run while the server serves the embedded store);
// see Reindex in the result.
type IsolationRun struct {
	// Server is the yugongkai binary.
	Server string
	// Clients is the concurrent comment submitters (default 16); Readers
	// the concurrent public readers (default 4), each pausing ReadInterval
	// (default 50 ms) after each read.
	Clients      int
	Readers      int
	ReadInterval time.Duration
	// Window is the length of each baseline and the least length of the
	// near-duplicate phase (default 20 s).
	Window time.Duration
	// ImportRows is the rows of the bulk import phase (default 20,000, at
	// most 200,000); NearComments the size of the consultation whose
	// near-duplicates are proposed (default 100,000, at most 1,000,000).
	ImportRows   int
	NearComments int
	// NearLimit bounds the wait for one near-duplicate pass (default 5 min,
	// goal 4's bound): the phase stops waiting and says so.
	NearLimit time.Duration
	// Log receives the server's stderr (nil: discarded); Progress one
	// JSON line per phase as it ends (nil: none), so a long run that is cut
	// short still leaves what it measured.
	Log      io.Writer
	Progress io.Writer
}

// IsolationPhase is one phase of an IsolationRun; latencies in
// milliseconds.
type IsolationPhase struct {
	Phase      string  `json:"phase"`
	Seconds    float64 `json:"seconds"`
	Accepted   int     `json:"accepted"`
	PerSecond  float64 `json:"accepted_per_second"`
	Refused    int     `json:"refused"`
	Errors     int     `json:"errors"`
	CommentP50 float64 `json:"comment_p50_ms"`
	CommentP99 float64 `json:"comment_p99_ms"`
	Reads      int     `json:"reads"`
	ReadErrors int     `json:"read_errors"`
	ReadP50    float64 `json:"read_p50_ms"`
	ReadP99    float64 `json:"read_p99_ms"`
	// ThroughputRatio and ReadP99Ratio are against the first baseline;
	// Meets says whether the phase keeps goal 6 (throughput ≥ 0.8, read
	// p99 ≤ 1.5×). Absent on the baselines.
	ThroughputRatio float64 `json:"throughput_ratio,omitempty"`
	ReadP99Ratio    float64 `json:"read_p99_ratio,omitempty"`
	Meets           *bool   `json:"meets_goal,omitempty"`
	// Detail says what the disturbance did (rows, passes, their times).
	Detail string `json:"detail,omitempty"`
	// IndexQueue is the search index queue's depth at the phase's end
	// (/readyz): when it grows through a baseline, the background indexer
	// is slower than the submissions.
	IndexQueue int `json:"index_queue"`
	// Load is the machine's load average at the phase's end.
	Load string `json:"load,omitempty"`
}

// IsolationResult is an IsolationRun's report.
type IsolationResult struct {
	Clients      int `json:"clients"`
	Readers      int `json:"readers"`
	ImportRows   int `json:"import_rows"`
	NearComments int `json:"near_comments"`
	// SeedSeconds is the time the large consultation took to import and
	// index before the measured phases.
	SeedSeconds float64          `json:"seed_seconds"`
	Phases      []IsolationPhase `json:"phases"`
	Reindex     string           `json:"reindex"`
	PeakRSS     float64          `json:"peak_rss_mib"`
	// NearPassSeconds is the longest near-duplicate pass by the server's
	// record (started → done); NearPassRSS the server's largest resident
	// size sampled while passes ran (PeakRSS includes the seed imports).
	NearPassSeconds float64 `json:"near_pass_seconds"`
	NearPassRSS     float64 `json:"near_pass_rss_mib"`
	// DBMiB and WALMiB are the sizes of the SQLite file and its write-ahead
	// log at the end.
	DBMiB      float64 `json:"db_mib"`
	WALMiB     float64 `json:"wal_mib"`
	LoadBefore string  `json:"load_before,omitempty"`
	LoadAfter  string  `json:"load_after,omitempty"`
}

// ReindexNote is why the reindex disturbance is not measured.
const ReindexNote = "not measured: yugongkai reindex is offline — on the embedded store it takes data/LOCK and refuses to start while the server runs, so it cannot disturb serving; the online work of the index is the search index queue, drained in the background during every phase (import-drain shows it at its heaviest)"

// Run measures every phase.
func (r IsolationRun) Run(ctx context.Context) (IsolationResult, error) {
	if r.Clients <= 0 {
		r.Clients = 16
	}
	if r.Readers <= 0 {
		r.Readers = 4
	}
	if r.ReadInterval <= 0 {
		r.ReadInterval = 50 * time.Millisecond
	}
	if r.Window <= 0 {
		r.Window = 20 * time.Second
	}
	if r.ImportRows == 0 {
		r.ImportRows = 20_000
	}
	if r.NearComments == 0 {
		r.NearComments = 100_000
	}
	if r.NearLimit <= 0 {
		r.NearLimit = 5 * time.Minute
	}
	if r.Clients > MaxClients || r.Readers > MaxClients {
		return IsolationResult{}, fmt.Errorf("loadgen: clients and readers must be 1–%d", MaxClients)
	}
	if r.ImportRows < 1 || r.ImportRows > 200_000 {
		return IsolationResult{}, fmt.Errorf("loadgen: import rows must be 1–200,000")
	}
	if r.NearComments < 1 || r.NearComments > MaxCount {
		return IsolationResult{}, fmt.Errorf("loadgen: near-duplicate comments must be 1–%d", MaxCount)
	}
	res := IsolationResult{Clients: r.Clients, Readers: r.Readers, ImportRows: r.ImportRows, NearComments: r.NearComments,
		Reindex: ReindexNote, LoadBefore: procstat.LoadAverage()}

	srv, err := startServed(ctx, r.Server, "yugongkai-isolation-", r.Log)
	if err != nil {
		return res, err
	}
	defer srv.close()
	base, steady, cmd, dir := srv.Base, srv.Consultation, srv.Cmd, srv.Dir
	staff := struct{ Token string }{srv.StaffToken}
	large, err := newConsultation(ctx, base, staff.Token)
	if err != nil {
		return res, err
	}
	target, err := newConsultation(ctx, base, staff.Token)
	if err != nil {
		return res, err
	}

	// Seeds: a few hundred comments on the steady consultation, so its pages
	// are not empty, and the large consultation in imports of ≤ 100k rows.
	began := time.Now()
	seed, err := ImportFile("csv", 200, 1_000_000)
	if err != nil {
		return res, err
	}
	if _, _, err := importFile(ctx, base, steady, staff.Token, seed); err != nil {
		return res, fmt.Errorf("seed import: %w", err)
	}
	for done := 0; done < r.NearComments; {
		n := min(100_000, r.NearComments-done)
		data, err := ImportFile("csv", n, 2_000_000+done)
		if err != nil {
			return res, err
		}
		if _, got, err := importFile(ctx, base, large, staff.Token, data); err != nil || got != n {
			return res, fmt.Errorf("seed import of %d rows: %d receipts, %v", n, got, err)
		}
		done += n
	}
	if err := drained(ctx, base, 30*time.Minute); err != nil {
		return res, fmt.Errorf("seed: %w", err)
	}
	res.SeedSeconds = round2(time.Since(began).Seconds())

	load := startSteady(ctx, base, steady, r.Clients, r.Readers, r.ReadInterval)
	defer load.stop()
	phase := func(name string, detail string) IsolationPhase {
		p := load.take(name)
		p.Detail, p.Load = detail, procstat.LoadAverage()
		p.IndexQueue, _ = queueDepth(ctx, base)
		return p
	}
	add := func(p IsolationPhase) {
		res.Phases = append(res.Phases, p)
		if r.Progress != nil {
			b, _ := json.Marshal(p)
			fmt.Fprintf(r.Progress, "%s\n", b)
		}
	}
	compare := func(p IsolationPhase) IsolationPhase {
		b := res.Phases[0]
		if b.PerSecond > 0 {
			p.ThroughputRatio = round2(p.PerSecond / b.PerSecond)
		}
		if b.ReadP99 > 0 {
			p.ReadP99Ratio = round2(p.ReadP99 / b.ReadP99)
		}
		ok := p.ThroughputRatio >= 0.8 && p.ReadP99Ratio > 0 && p.ReadP99Ratio <= 1.5 && p.Errors == 0 && p.ReadErrors == 0
		p.Meets = &ok
		return p
	}
	sleep := func(d time.Duration) error {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
			return nil
		}
	}

	load.take("") // the first requests' warm-up is no one's phase
	if err := sleep(r.Window); err != nil {
		return res, err
	}
	add(phase("baseline", ""))

	data, err := ImportFile("csv", r.ImportRows, 0)
	if err != nil {
		return res, err
	}
	load.take("")
	before, _ := queueDepth(ctx, base)
	preview, commit, n, err := importTimed(ctx, base, target, staff.Token, data)
	if err != nil {
		return res, fmt.Errorf("import phase: %w", err)
	}
	if n != r.ImportRows {
		return res, fmt.Errorf("import phase: %d receipts for %d rows", n, r.ImportRows)
	}
	add(compare(phase("import",
		fmt.Sprintf("%d CSV rows (%.1f MiB): preview %.1f s, commit %.1f s", n, float64(len(data))/(1<<20), preview.Seconds(), commit.Seconds()))))
	// The import's deferred work: until the index queue is back at its
	// depth before the import (the steady load queues jobs too, so it need
	// not reach 0), for at most 3 windows. A drain shorter than half a
	// window is measured for half a window all the same: a phase of a few
	// milliseconds holds no comment and no read to compare.
	start := time.Now()
	after, _ := queueDepth(ctx, base)
	limit := 3 * r.Window
	for {
		d, err := queueDepth(ctx, base)
		if err != nil {
			return res, fmt.Errorf("import drain: %w", err)
		}
		if d <= before {
			took := time.Since(start)
			if err := sleep(r.Window/2 - took); err != nil {
				return res, err
			}
			add(compare(phase("import-drain",
				fmt.Sprintf("index queue %d before the import, %d after its commit, back to %d in %.1f s (measured for %.1f s)", before, after, d, took.Seconds(), time.Since(start).Seconds()))))
			break
		}
		if time.Since(start) >= limit || sleep(200*time.Millisecond) != nil {
			add(compare(phase("import-drain",
				fmt.Sprintf("index queue %d before the import, %d after its commit, still %d after %.0f s (stopped waiting)", before, after, d, limit.Seconds()))))
			break
		}
	}

	// The near-duplicate pass is a background job: staff start it (POST)
	// and the page polls the stored state (GET, answered at once) until it
	// is done; passes are repeated for at least one window.
	passes, props, longest, serverLongest := 0, 0, time.Duration(0), time.Duration(0)
	var slowestPoll time.Duration
	var passRSS int64
	start = time.Now()
	detail := ""
	for passes == 0 || time.Since(start) < r.Window {
		t := time.Now()
		st, err := nearCall(ctx, "POST", base, large, staff.Token)
		if err != nil {
			return res, fmt.Errorf("near-duplicate phase: %w", err)
		}
		slowestPoll = max(slowestPoll, time.Since(t))
		for st.State == "computing" && time.Since(t) < r.NearLimit {
			if err := sleep(time.Second); err != nil {
				return res, err
			}
			if rss, _, ok := procstat.Memory(cmd.Process.Pid); ok {
				passRSS = max(passRSS, rss)
			}
			p := time.Now()
			if st, err = nearCall(ctx, "GET", base, large, staff.Token); err != nil {
				return res, fmt.Errorf("near-duplicate phase: %w", err)
			}
			slowestPoll = max(slowestPoll, time.Since(p))
		}
		if st.State != "done" {
			detail = fmt.Sprintf("a pass over %d comments was %s after %s (%s)", r.NearComments, st.State, time.Since(t).Round(time.Second), st.Error)
			break
		}
		passes, props, longest = passes+1, len(st.Items), max(longest, time.Since(t))
		if st.StartedAt != nil && st.DoneAt != nil {
			serverLongest = max(serverLongest, st.DoneAt.Sub(*st.StartedAt))
		}
		res.NearPassSeconds = round2(serverLongest.Seconds())
		res.NearPassRSS = round2(float64(passRSS) / (1 << 20))
		detail = fmt.Sprintf("%d background passes over %d comments, longest %.1f s (server: started → done %.1f s), %d proposals; status polls answered in ≤ %.0f ms; server RSS during the passes ≤ %.0f MiB",
			passes, r.NearComments, longest.Seconds(), serverLongest.Seconds(), props, float64(slowestPoll.Microseconds())/1000, res.NearPassRSS)
	}
	add(compare(phase("near-duplicates", detail)))

	if err := sleep(r.Window); err != nil {
		return res, err
	}
	add(phase("baseline-after", ""))
	if _, hwm, ok := procstat.Memory(cmd.Process.Pid); ok {
		res.PeakRSS = round2(float64(hwm) / (1 << 20))
	}
	mib := func(name string) float64 {
		if fi, err := os.Stat(filepath.Join(dir, "data", name)); err == nil {
			return round2(float64(fi.Size()) / (1 << 20))
		}
		return 0
	}
	res.DBMiB, res.WALMiB = mib("yugongkai.db"), mib("yugongkai.db-wal")
	res.LoadAfter = procstat.LoadAverage()
	return res, nil
}

// queueDepth is the server's search index queue depth (/readyz).
func queueDepth(ctx context.Context, base string) (int, error) {
	var ready struct {
		Queues struct {
			SearchIndex int `json:"search_index"`
		} `json:"queues"`
	}
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/readyz", nil)
	if err != nil {
		return 0, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(&ready); err != nil {
		return 0, fmt.Errorf("loadgen: /readyz: %w", err)
	}
	return ready.Queues.SearchIndex, nil
}

// drained waits until the server's search index queue is empty.
func drained(ctx context.Context, base string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		d, err := queueDepth(ctx, base)
		if err != nil {
			return err
		}
		if d == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("loadgen: search index queue still holds %d jobs after %s", d, limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// nearStatus is the answer of …/groups/proposals (comments.NearStatus).
type nearStatus struct {
	State     string            `json:"state"`
	StartedAt *time.Time        `json:"started_at"`
	DoneAt    *time.Time        `json:"done_at"`
	Error     string            `json:"error"`
	Items     []json.RawMessage `json:"items"`
}

// nearCall starts (POST) or reads (GET) a consultation's near-duplicate
// proposals as staff.
func nearCall(ctx context.Context, method, base, id, tok string) (nearStatus, error) {
	var st nearStatus
	req, err := http.NewRequestWithContext(ctx, method, base+"/api/v1/consultations/"+url.PathEscape(id)+"/groups/proposals", nil)
	if err != nil {
		return st, err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		return st, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusAccepted {
		b, _ := io.ReadAll(res.Body)
		return st, fmt.Errorf("loadgen: proposals: HTTP %d: %.300s", res.StatusCode, b)
	}
	err = json.NewDecoder(res.Body).Decode(&st)
	return st, err
}

// steady is the mixed load that runs through every phase: closed-loop
// comment submitters and paced readers. take ends a phase and starts the
// next.
type steady struct {
	mu       sync.Mutex
	since    time.Time
	cur      IsolationPhase
	lat, rd  []time.Duration
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	stopOnce sync.Once
}

func startSteady(ctx context.Context, base, id string, clients, readers int, pause time.Duration) *steady {
	ctx, cancel := context.WithCancel(ctx)
	s := &steady{cancel: cancel, since: time.Now()}
	n := clients + readers
	transport := &http.Transport{MaxIdleConns: n, MaxIdleConnsPerHost: n, MaxConnsPerHost: n, IdleConnTimeout: time.Minute}
	client := &http.Client{Transport: transport, Timeout: 60 * time.Second}
	var next atomic.Int64
	endpoint := base + commentsEndpoint(id)
	for range clients {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				body, _ := json.Marshal(map[string]string{"body": Body(i), "display": "anonymous"})
				t := time.Now()
				status, err := send(ctx, client, "POST", endpoint, body, fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
				d := time.Since(t)
				if ctx.Err() != nil {
					return
				}
				s.mu.Lock()
				switch {
				case err == nil && (status == http.StatusCreated || status == http.StatusOK):
					s.cur.Accepted++
					s.lat = append(s.lat, d)
				case err == nil && status < 500:
					s.cur.Refused++
				default:
					s.cur.Errors++
				}
				s.mu.Unlock()
			}
		}()
	}
	paths := []string{"/consultations/" + url.PathEscape(id), "/api/v1/consultations/" + url.PathEscape(id) + "/comments?limit=20"}
	for r := range readers {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for i := r; ctx.Err() == nil; i++ {
				t := time.Now()
				status, err := send(ctx, client, "GET", base+paths[i%len(paths)], nil, "")
				d := time.Since(t)
				if ctx.Err() != nil {
					return
				}
				s.mu.Lock()
				if err == nil && status == http.StatusOK {
					s.rd = append(s.rd, d)
				} else {
					s.cur.ReadErrors++
				}
				s.mu.Unlock()
				select {
				case <-ctx.Done():
				case <-time.After(pause):
				}
			}
		}()
	}
	return s
}

// take returns what was measured since the last take as the phase name.
func (s *steady) take(name string) IsolationPhase {
	s.mu.Lock()
	p, lat, rd := s.cur, s.lat, s.rd
	now := time.Now()
	p.Phase, p.Seconds = name, now.Sub(s.since).Seconds()
	s.cur, s.lat, s.rd, s.since = IsolationPhase{}, nil, nil, now
	s.mu.Unlock()
	if p.Seconds > 0 {
		p.PerSecond = round2(float64(p.Accepted) / p.Seconds)
	}
	p.Seconds = round2(p.Seconds)
	p.CommentP50, p.CommentP99 = quantile(lat, 0.5), quantile(lat, 0.99)
	p.Reads, p.ReadP50, p.ReadP99 = len(rd), quantile(rd, 0.5), quantile(rd, 0.99)
	return p
}

func (s *steady) stop() {
	s.stopOnce.Do(func() {
		s.cancel()
		s.wg.Wait()
	})
}
