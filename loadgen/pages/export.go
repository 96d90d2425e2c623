package pages

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"time"

	"yugongkai/internal/procstat"
)

// ExportRun is one export of the report as measured.
type ExportRun struct {
	Format  string  `json:"format"`
	Bytes   int64   `json:"bytes"`
	Lines   int64   `json:"lines"`
	Seconds float64 `json:"seconds"`
	// RSS of this process (server and client) before and at its highest
	// during the export, sampled every 20 ms from /proc/self/status.
	RSSBeforeMB float64 `json:"rss_before_mb"`
	RSSPeakMB   float64 `json:"rss_peak_mb"`
	GrowthMB    float64 `json:"rss_growth_mb"`
}

// ExportResult is the memory of exporting the report of one consultation.
type ExportResult struct {
	Comments int         `json:"comments"`
	Rows     int         `json:"published_groups"`
	Load     float64     `json:"load_seconds"`
	Runs     []ExportRun `json:"runs"`
}

// MeasureExport downloads the report of f as CSV and as JSON (staff, so
// before the period closes) and records how much the process's resident
// memory grows meanwhile.
func MeasureExport(ctx context.Context, f *Fixture) (*ExportResult, error) {
	res := &ExportResult{Comments: f.N, Load: f.Load.Seconds()}
	client := &http.Client{Timeout: 30 * time.Minute}
	for _, format := range []string{"csv", "json"} {
		path := "/api/v1/consultations/" + url.PathEscape(f.Consultation) + "/report"
		if format == "csv" {
			path += ".csv"
		}
		runtime.GC()
		debug.FreeOSMemory()
		before := rss()
		var peak atomic.Int64
		peak.Store(before)
		done := make(chan struct{})
		go func() {
			t := time.NewTicker(20 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					if r := rss(); r > peak.Load() {
						peak.Store(r)
					}
				}
			}
		}()
		start := time.Now()
		req, err := http.NewRequestWithContext(ctx, "GET", f.URL+path, nil)
		if err != nil {
			close(done)
			return nil, err
		}
		req.Header.Set("Cookie", f.Cookie)
		resp, err := client.Do(req)
		if err != nil {
			close(done)
			return nil, err
		}
		lines := &lineCounter{}
		n, err := io.Copy(lines, resp.Body)
		resp.Body.Close()
		close(done)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != 200 {
			return nil, fmt.Errorf("GET %s: %d", path, resp.StatusCode)
		}
		if r := rss(); r > peak.Load() {
			peak.Store(r)
		}
		run := ExportRun{Format: format, Bytes: n, Lines: lines.n, Seconds: round(time.Since(start).Seconds()),
			RSSBeforeMB: mb(before), RSSPeakMB: mb(peak.Load()), GrowthMB: mb(peak.Load() - before)}
		res.Runs = append(res.Runs, run)
		if format == "csv" {
			res.Rows = int(lines.n) - 1 // the header
		}
	}
	return res, nil
}

type lineCounter struct{ n int64 }

func (l *lineCounter) Write(p []byte) (int, error) {
	l.n += int64(bytes.Count(p, []byte{'\n'}))
	return len(p), nil
}

func mb(b int64) float64 { return round(float64(b) / (1 << 20)) }

// rss is the process's resident set size in bytes (0 where /proc is absent).
func rss() int64 {
	n, _, _ := procstat.Memory(os.Getpid())
	return n
}
