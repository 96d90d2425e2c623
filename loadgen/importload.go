package loadgen

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"yugongkai/internal/procstat"

	"github.com/xuri/excelize/v2"
)

// ImportRun measures a bulk import (issue 10, goals 5 and 7) on the real
// server binary: for each format it starts the server on a fresh data
// directory, opens a consultation, seeds it with a small import so its
// pages have comments, measures public reads (the consultation page and
// the public comment list from Readers concurrent readers) for
// BaselineTime, then uploads a generated file of Rows rows through the
// real HTTP preview and commit while the readers go on, and reports the
// wall times, read p50/p99 during the commit against the baseline, and the
// server's idle and peak resident memory (/proc/<pid>/status VmRSS and
// VmHWM).
type ImportRun struct {
	// Server is the yugongkai binary.
	Server string
	// Rows is the rows of the generated file (at most 200,000).
	Rows int
	// Formats lists the file formats to measure: "csv", "xlsx".
	Formats []string
	// Readers is the concurrent public readers (default 4), each waiting
	// ReadInterval (default 50 ms) after each read: an open-loop public
	// load (80 reads/s by default) rather than readers that would take
	// every cycle the import leaves.
	Readers      int
	ReadInterval time.Duration
	// BaselineTime is how long reads are measured before the import
	// (default 10 s).
	BaselineTime time.Duration
	// Log receives the server's stderr (nil: discarded).
	Log io.Writer
}

// ImportResult is one format of an ImportRun. Times in seconds,
// latencies in milliseconds, memory in MiB.
type ImportResult struct {
	Format    string  `json:"format"`
	Rows      int     `json:"rows"`
	FileMiB   float64 `json:"file_mib"`
	Imported  int     `json:"imported"`
	PreviewS  float64 `json:"preview_seconds"`
	CommitS   float64 `json:"commit_seconds"`
	TotalS    float64 `json:"total_seconds"`
	IdleRSS   float64 `json:"idle_rss_mib"`
	PeakRSS   float64 `json:"peak_rss_mib"`
	BaseReads int     `json:"baseline_reads"`
	BaseP50   float64 `json:"baseline_read_p50_ms"`
	BaseP99   float64 `json:"baseline_read_p99_ms"`
	Reads     int     `json:"during_reads"`
	P50       float64 `json:"during_read_p50_ms"`
	P99       float64 `json:"during_read_p99_ms"`
	// P99Ratio is the read p99 during the commit over the baseline's.
	P99Ratio float64 `json:"read_p99_ratio"`
	// The server's CPU time (user + system, /proc/<pid>/stat) per second
	// of the baseline (what serving the readers costs), and in the preview
	// and in the commit: a figure less at the mercy of a loaded machine
	// than the wall times.
	BaseCPUPerS float64 `json:"baseline_server_cpu_per_second"`
	PreviewCPU  float64 `json:"preview_server_cpu_seconds"`
	CommitCPU   float64 `json:"commit_server_cpu_seconds"`

	ReadErrors int `json:"read_errors"`
	// Load is the machine's load average (1 min) before and after.
	LoadBefore string `json:"load_before,omitempty"`
	LoadAfter  string `json:"load_after,omitempty"`
}

// Run measures every format.
func (r ImportRun) Run(ctx context.Context) ([]ImportResult, error) {
	if r.Rows < 1 || r.Rows > 200_000 {
		return nil, fmt.Errorf("loadgen: import rows must be 1–200,000")
	}
	if r.Readers <= 0 {
		r.Readers = 4
	}
	if r.ReadInterval <= 0 {
		r.ReadInterval = 50 * time.Millisecond
	}
	if r.BaselineTime <= 0 {
		r.BaselineTime = 10 * time.Second
	}
	var out []ImportResult
	for _, f := range r.Formats {
		if f != "csv" && f != "xlsx" {
			return nil, fmt.Errorf("loadgen: unknown import format %q", f)
		}
		res, err := r.one(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out = append(out, res)
	}
	return out, nil
}

func (r ImportRun) one(ctx context.Context, format string) (ImportResult, error) {
	res := ImportResult{Format: format, Rows: r.Rows, LoadBefore: procstat.LoadAverage()}
	srv, err := startServed(ctx, r.Server, "yugongkai-import-", r.Log)
	if err != nil {
		return res, err
	}
	defer srv.close()
	base, id, cmd := srv.Base, srv.Consultation, srv.Cmd
	staff := struct{ Token string }{srv.StaffToken}
	// A few hundred comments first, so the pages read are not empty.
	seed, err := ImportFile("csv", 200, 1_000_000)
	if err != nil {
		return res, err
	}
	if _, _, err := importFile(ctx, base, id, staff.Token, seed); err != nil {
		return res, fmt.Errorf("seed import: %w", err)
	}
	data, err := ImportFile(format, r.Rows, 0)
	if err != nil {
		return res, err
	}
	res.FileMiB = round2(float64(len(data)) / (1 << 20))

	pid := cmd.Process.Pid
	var cpu []time.Duration // the server's CPU time at each step
	step := func() {
		if d, ok := procstat.CPUTime(pid); ok {
			cpu = append(cpu, d)
		}
	}
	rd := newReaders(ctx, base, id, r.Readers, r.ReadInterval)
	step()
	time.Sleep(r.BaselineTime)
	step()
	baseLat := rd.take()
	res.BaseReads, res.BaseP50, res.BaseP99 = len(baseLat), quantile(baseLat, 0.5), quantile(baseLat, 0.99)
	if rss, _, ok := procstat.Memory(cmd.Process.Pid); ok {
		res.IdleRSS = round2(float64(rss) / (1 << 20))
	}

	start := time.Now()
	preview, commit, n, err := importSteps(ctx, base, id, staff.Token, data, step)
	during := rd.take()
	res.ReadErrors = rd.stop()
	if err != nil {
		return res, err
	}
	res.PreviewS, res.CommitS, res.TotalS = round2(preview.Seconds()), round2(commit.Seconds()), round2(time.Since(start).Seconds())
	res.Imported = n
	if len(cpu) == 5 {
		res.BaseCPUPerS = round2((cpu[1] - cpu[0]).Seconds() / r.BaselineTime.Seconds())
		res.PreviewCPU, res.CommitCPU = round2((cpu[3] - cpu[2]).Seconds()), round2((cpu[4] - cpu[3]).Seconds())
	}
	res.Reads, res.P50, res.P99 = len(during), quantile(during, 0.5), quantile(during, 0.99)
	if res.BaseP99 > 0 {
		res.P99Ratio = round2(res.P99 / res.BaseP99)
	}
	if _, hwm, ok := procstat.Memory(cmd.Process.Pid); ok {
		res.PeakRSS = round2(float64(hwm) / (1 << 20))
	}
	res.LoadAfter = procstat.LoadAverage()
	if n != r.Rows {
		return res, fmt.Errorf("loadgen: imported %d of %d rows", n, r.Rows)
	}
	return res, nil
}

func round2(v float64) float64 { return float64(int64(v*100+0.5)) / 100 }

// importTimed previews data, then commits it; it returns the wall time of
// each step (the commit's 201 comes after the transaction is durable) and
// the receipts the commit returned.
func importTimed(ctx context.Context, base, id, tok string, data []byte) (preview, commit time.Duration, n int, err error) {
	return importSteps(ctx, base, id, tok, data, nil)
}

// importSteps is importTimed calling step (if not nil) before the
// preview, between it and the commit, and after the commit.
func importSteps(ctx context.Context, base, id, tok string, data []byte, step func()) (preview, commit time.Duration, n int, err error) {
	if step == nil {
		step = func() {}
	}
	step()
	start := time.Now()
	var p struct {
		SHA256 string `json:"sha256"`
		OK     bool   `json:"ok"`
		Rows   int    `json:"rows"`
		Errors []any  `json:"errors"`
	}
	status, body, err := upload(ctx, base, id, tok, data, nil, "application/json")
	if err != nil {
		return 0, 0, 0, err
	}
	if status != http.StatusOK {
		return 0, 0, 0, fmt.Errorf("loadgen: preview: HTTP %d: %.300s", status, body)
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return 0, 0, 0, err
	}
	if !p.OK {
		return 0, 0, 0, fmt.Errorf("loadgen: preview found %d bad cells: %.300s", len(p.Errors), body)
	}
	preview = time.Since(start)
	step()
	start = time.Now()
	// The receipts come back as the CSV download (a heading and one line a row).
	status, body, err = upload(ctx, base, id, tok, data, map[string]string{"confirm": "true", "sha256": p.SHA256}, "text/csv")
	if err != nil {
		return 0, 0, 0, err
	}
	commit = time.Since(start)
	step()
	if status != http.StatusCreated {
		return 0, 0, 0, fmt.Errorf("loadgen: commit: HTTP %d: %.300s", status, body)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil {
		return 0, 0, 0, fmt.Errorf("loadgen: receipts CSV: %w", err)
	}
	return preview, commit, len(recs) - 1, nil
}

func importFile(ctx context.Context, base, id, tok string, data []byte) (time.Duration, int, error) {
	_, commit, n, err := importTimed(ctx, base, id, tok, data)
	return commit, n, err
}

// upload posts data as the import form's file.
func upload(ctx context.Context, base, id, tok string, data []byte, fields map[string]string, accept string) (int, []byte, error) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	name := "import.csv"
	if bytes.HasPrefix(data, []byte("PK")) {
		name = "import.xlsx"
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		return 0, nil, err
	}
	fw.Write(data)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.Close()
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/consultations/"+url.PathEscape(id)+"/comments/import", &b)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", accept)
	client := &http.Client{Timeout: 10 * time.Minute}
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res.StatusCode, body, err
}

// ImportFile generates an import file of n rows in format csv or xlsx:
// letters received today (China Standard Time), each with its own text
// (numbered from first), a name, a phone number and the masked display.
func ImportFile(format string, n, first int) ([]byte, error) {
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	head := []string{"body", "channel", "received_on", "real_name", "display", "contact_phone"}
	row := func(i int) []string {
		return []string{Body(first+i) + "来信人反映的情况请一并研究。", "信函", today, fmt.Sprintf("王小明%d", i%100), "masked", fmt.Sprintf("1391234%04d", i%10000)}
	}
	var b bytes.Buffer
	switch format {
	case "csv":
		w := csv.NewWriter(&b)
		w.Write(head)
		for i := range n {
			w.Write(row(i))
		}
		w.Flush()
		return b.Bytes(), w.Error()
	case "xlsx":
		f := excelize.NewFile()
		defer f.Close()
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			return nil, err
		}
		cells := func(v []string) []any {
			out := make([]any, len(v))
			for i, s := range v {
				out[i] = s
			}
			return out
		}
		if err := sw.SetRow("A1", cells(head)); err != nil {
			return nil, err
		}
		for i := range n {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			if err := sw.SetRow(cell, cells(row(i))); err != nil {
				return nil, err
			}
		}
		if err := sw.Flush(); err != nil {
			return nil, err
		}
		_, err = f.WriteTo(&b)
		return b.Bytes(), err
	}
	return nil, fmt.Errorf("loadgen: unknown format %q", format)
}

// readers fetch the consultation page and the public comment list in turn
// until stopped; take returns the latencies since the last take.
type readers struct {
	mu     sync.Mutex
	lat    []time.Duration
	errs   int
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newReaders(ctx context.Context, base, id string, n int, pause time.Duration) *readers {
	ctx, cancel := context.WithCancel(ctx)
	rd := &readers{cancel: cancel}
	transport := &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n}
	client := &http.Client{Transport: transport, Timeout: 60 * time.Second}
	paths := []string{"/consultations/" + url.PathEscape(id), "/api/v1/consultations/" + url.PathEscape(id) + "/comments?limit=20"}
	for r := range n {
		rd.wg.Add(1)
		go func() {
			defer rd.wg.Done()
			for i := r; ctx.Err() == nil; i++ {
				start := time.Now()
				status, err := send(ctx, client, "GET", base+paths[i%len(paths)], nil, "")
				d := time.Since(start)
				if ctx.Err() != nil {
					return
				}
				rd.mu.Lock()
				if err == nil && status == http.StatusOK {
					rd.lat = append(rd.lat, d)
				} else {
					rd.errs++
				}
				rd.mu.Unlock()
				select {
				case <-ctx.Done():
				case <-time.After(pause):
				}
			}
		}()
	}
	return rd
}

func (rd *readers) take() []time.Duration {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	l := rd.lat
	rd.lat = nil
	return l
}

// stop ends the readers and returns how many reads failed.
func (rd *readers) stop() int {
	rd.cancel()
	rd.wg.Wait()
	return rd.errs
}

// served is a server binary started on a fresh data directory (Dir) with
// loadgen's open consultation and the staff account's token: what the
// import and isolation runs start from.
type served struct {
	Base, Dir, Consultation, StaffToken string
	Cmd                                 *exec.Cmd
	close                               func()
}

func startServed(ctx context.Context, server, prefix string, log io.Writer) (*served, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*served, error) {
		os.RemoveAll(dir)
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return fail(err)
	}
	cmd := exec.Command(server, "-addr", addr, "-data", filepath.Join(dir, "data"), "-trusted-proxies", "127.0.0.1")
	cmd.Env = append(os.Environ(), "YUGONGKAI_ADMIN_PASSWORD="+adminPassword)
	stop, err := Comparison{Log: log}.child(ctx, addr, "/readyz", cmd)
	if err != nil {
		return fail(err)
	}
	s := &served{Base: "http://" + addr, Dir: dir, Cmd: cmd, close: func() { stop(); os.RemoveAll(dir) }}
	if s.Consultation, err = OpenConsultation(ctx, s.Base, "admin", adminPassword); err != nil {
		s.close()
		return nil, err
	}
	var staff struct{ Token string }
	if err := call(ctx, s.Base, "POST", "/api/v1/auth/login", "", map[string]string{"username": "loadstaff", "password": "loadgen-staff-password-1"}, &staff); err != nil {
		s.close()
		return nil, err
	}
	s.StaffToken = staff.Token
	return s, nil
}
