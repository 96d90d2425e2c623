package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"yugongkai/sqlite"
	"yugongkai/web"
)

// commentBurst submits comments from g goroutines until stop is called,
// keeping every receipt with the time its response arrived.
type commentBurst struct {
	mu       sync.Mutex
	receipts []issued
	stop     func()
	wg       sync.WaitGroup
}

type issued struct {
	code string
	at   time.Time
}

func startBurst(base, id string, g int) *commentBurst {
	b := &commentBurst{}
	ctx, cancel := context.WithCancel(context.Background())
	client := &http.Client{Timeout: 10 * time.Second}
	for n := 0; n < g; n++ {
		b.wg.Add(1)
		go func(n int) {
			defer b.wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				body, _ := json.Marshal(map[string]string{"body": fmt.Sprintf("第%d组第%d条意见：建议明确犬只登记时限。", n, i), "display": "anonymous"})
				req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/consultations/"+id+"/comments", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", n, i/250%250, i%250))
				res, err := client.Do(req)
				if err != nil {
					continue
				}
				var r struct{ Code string }
				json.NewDecoder(res.Body).Decode(&r)
				res.Body.Close()
				if res.StatusCode == 201 && r.Code != "" {
					b.mu.Lock()
					b.receipts = append(b.receipts, issued{r.Code, time.Now()})
					b.mu.Unlock()
				}
			}
		}(n)
	}
	b.stop = func() { cancel(); b.wg.Wait() }
	return b
}

// before returns the receipts whose response arrived before t.
func (b *commentBurst) before(t time.Time) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, r := range b.receipts {
		if r.at.Before(t) {
			out = append(out, r.code)
		}
	}
	return out
}

func (b *commentBurst) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.receipts)
}

// runBinary runs the server binary with a subcommand.
func runBinary(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(serverBinary(t), args...)
	cmd.Env = os.Environ()
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestBackupWhileServing backs the embedded store up while the server
// serves a burst of comments, restores the backup into a fresh directory
// and checks it: verify passes and every receipt issued before the backup
// began is in the restored store.
func TestBackupWhileServing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	srv := newTestServer(t, "-trusted-proxies", "127.0.0.1")
	proc := srv.start()
	defer func() { proc.Process.Kill(); proc.Wait() }()
	id := openForComments(t, srv.base())

	burst := startBurst(srv.base(), id, 4)
	defer burst.stop()
	for burst.count() < 60 {
		time.Sleep(10 * time.Millisecond)
	}
	file := filepath.Join(t.TempDir(), "ygk-backup.tar.gz")
	began := time.Now()
	out, err := runBinary(t, "backup", "-data", srv.dir, "-to", file)
	if err != nil {
		t.Fatalf("backup while serving: %v\n%s", err, out)
	}
	// The burst goes on after the backup, so the copy is a moment, not
	// the end of the traffic.
	n := burst.count()
	for burst.count() < n+20 {
		time.Sleep(10 * time.Millisecond)
	}
	burst.stop()
	want := burst.before(began)
	t.Logf("%d receipts before the backup, %d in all; %s", len(want), burst.count(), strings.TrimSpace(out))
	if len(want) < 60 {
		t.Fatalf("only %d receipts before the backup", len(want))
	}

	t.Run("RefusesOverwrite", func(t *testing.T) {
		if out, err := runBinary(t, "backup", "-data", srv.dir, "-to", file); err == nil || !strings.Contains(out, "exists") {
			t.Errorf("a second backup to the same file: %v\n%s", err, out)
		}
	})
	t.Run("RefusesTheRunningServersDirectory", func(t *testing.T) {
		out, err := runBinary(t, "restore", "-from", file, "-data", srv.dir, "-force")
		if err == nil || !strings.Contains(out, "another yugongkai process") {
			t.Errorf("restore into the running server's directory: %v\n%s", err, out)
		}
	})

	fresh := filepath.Join(t.TempDir(), "restored")
	if out, err := runBinary(t, "restore", "-from", file, "-data", fresh); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	t.Run("RefusesAStoreInPlace", func(t *testing.T) {
		out, err := runBinary(t, "restore", "-from", file, "-data", fresh)
		if err == nil || !strings.Contains(out, "-force") {
			t.Errorf("restore over a restored store without -force: %v\n%s", err, out)
		}
	})

	// The log key came along: verify checks the seals with it.
	key, err := os.ReadFile(filepath.Join(srv.dir, "log.key"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(fresh, "log.key")); err != nil || !bytes.Equal(got, key) {
		t.Errorf("restored log.key differs from the server's (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(fresh, "jwt.secret")); err == nil {
		t.Error("the backup carried the JWT secret")
	}
	vout, err := runVerify("-data", fresh)
	if err != nil || !strings.Contains(vout, "ok   "+id) || !strings.Contains(vout, "0 with a broken record") {
		t.Fatalf("verify of the restored copy: %v\n%s", err, vout)
	}

	db, err := sqlite.Open(context.Background(), fresh)
	if err != nil {
		t.Fatal(err)
	}
	missing := 0
	for _, code := range want {
		if _, err := db.Comments().CommentByReceipt(context.Background(), code); err != nil {
			missing++
			if missing < 5 {
				t.Errorf("receipt %s issued before the backup is not in it: %v", code, err)
			}
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d receipts issued before the backup are missing", missing, len(want))
	}
	db.Close()

	t.Run("Damaged", func(t *testing.T) {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		bad := filepath.Join(t.TempDir(), "bad.tar.gz")
		os.WriteFile(bad, raw[:len(raw)/2], 0o600)
		out, err := runBinary(t, "restore", "-from", bad, "-data", filepath.Join(t.TempDir(), "x"))
		if err == nil {
			t.Errorf("restore of a truncated backup succeeded:\n%s", out)
		}
	})
}

// TestMetricsListener runs the server with its metrics on a port of their
// own and scrapes it: requests show up with their route template, the
// store's commits are timed, and the public port has no /metrics.
func TestMetricsListener(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	maddr := freeAddr(t)
	srv := newTestServer(t, "-metrics-addr", maddr)
	proc := srv.start()
	defer func() { proc.Process.Kill(); proc.Wait() }()
	id := openForComments(t, srv.base())
	if st, _ := call(t, "GET", srv.base()+"/api/v1/consultations/"+id, "", nil); st != 200 {
		t.Fatalf("get: %d", st)
	}
	res, err := http.Get(srv.base() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 404 {
		t.Errorf("public GET /metrics: %d, want 404", res.StatusCode)
	}
	res, err = http.Get("http://" + maddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	text := string(b)
	for _, want := range []string{
		`yugongkai_http_requests_total{method="GET",route="/api/v1/consultations/:id",status="200"} 1`,
		`yugongkai_http_requests_total{method="POST",route="/api/v1/consultations/:id/publish",status="200"} 1`,
		`yugongkai_store_operation_duration_seconds_count{op="commit",outcome="ok",store="consultations"} 2`,
		`yugongkai_search_queue_depth `,
		`go_goroutines `,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(text, id) {
		t.Error("a consultation id is in the metrics")
	}
	// Every request line of the server log is JSON with its request id
	// (read once the process is gone: it writes the log until then).
	proc.Process.Kill()
	proc.Wait()
	var lines int
	for _, l := range strings.Split(srv.log.String(), "\n") {
		if !strings.Contains(l, `"msg":"request"`) {
			continue
		}
		lines++
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil || m["request_id"] == "" || m["route"] == "" {
			t.Errorf("request line %q: %v", l, err)
		}
	}
	if lines == 0 {
		t.Errorf("no request lines in the server log:\n%s", srv.log.String())
	}
}

// TestMetricsAddrDefault keeps the metrics off the public interfaces
// unless an operator says otherwise.
func TestMetricsAddrDefault(t *testing.T) {
	cfg, err := readConfig(nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.metricsAddr != "127.0.0.1:9464" || cfg.metricsExplicit {
		t.Errorf("default metrics address %q (explicit %v), want 127.0.0.1:9464", cfg.metricsAddr, cfg.metricsExplicit)
	}
	cfg, _ = readConfig([]string{"-metrics-addr", ":9999"}, func(string) string { return "" }, io.Discard)
	if cfg.metricsAddr != ":9999" || !cfg.metricsExplicit {
		t.Errorf("-metrics-addr :9999 gave %q (explicit %v)", cfg.metricsAddr, cfg.metricsExplicit)
	}
}

// TestProfilesOnlyWhenAsked: Go's profiles are served beside /metrics with
// -pprof, and not at all without it.
func TestProfilesOnlyWhenAsked(t *testing.T) {
	for _, profiles := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		addr := freeAddr(t)
		if err := serveMetrics(ctx, addr, true, profiles, web.NewMetrics(), slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
			t.Fatal(err)
		}
		var status int
		for try := 0; try < 50; try++ {
			res, err := http.Get("http://" + addr + "/debug/pprof/cmdline")
			if err == nil {
				res.Body.Close()
				status = res.StatusCode
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		want := 404
		if profiles {
			want = 200
		}
		if status != want {
			t.Errorf("profiles %v: GET /debug/pprof/cmdline: %d, want %d", profiles, status, want)
		}
		res, err := http.Get("http://" + addr + "/metrics")
		if err != nil || res.StatusCode != 200 {
			t.Errorf("profiles %v: /metrics: %v %v", profiles, res, err)
		} else {
			res.Body.Close()
		}
		cancel()
	}
}
