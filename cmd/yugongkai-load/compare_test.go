package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"yugongkai/loadgen"
)

// BenchmarkIngest measures accepted comments per second through
// POST /api/v1/consultations/{id}/comments on the real server binary
// (embedded store, fsync per commit) against the baseline service, at 16
// and 64 concurrent clients, in one run:
//
//	go test ./cmd/yugongkai-load -run '^$' -bench Ingest -benchtime 1x
//
// It reports both rates, their ratio, p99 latencies and the server CPU per
// comment (a figure less at the mercy of other work on the machine).
func BenchmarkIngest(b *testing.B) {
	dir := b.TempDir()
	server, self := filepath.Join(dir, "yugongkai"), filepath.Join(dir, "yugongkai-load")
	for _, build := range [][]string{{"-o", server, "../yugongkai"}, {"-o", self, "."}} {
		cmd := exec.Command("go", append([]string{"build"}, build...)...)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
	}
	count := 6000
	for range b.N {
		rows, err := loadgen.Comparison{Server: server, Baseline: self, Clients: []int{16, 64}, Count: count, MaxTime: 3 * time.Minute}.Run(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range rows {
			b.Logf("%d clients: yugongkai %.0f/s p99 %.1f ms (%d errors, %d refused, %.3f ms CPU/comment); baseline %.0f/s p99 %.1f ms (%.3f ms CPU/comment); ratio %.2f, CPU ratio %.2f",
				r.Clients, r.Server.PerSecond, r.Server.P99, r.Server.Errors, r.Server.Refused, r.Server.CPUPerComment,
				r.Baseline.PerSecond, r.Baseline.P99, r.Baseline.CPUPerComment, r.Ratio, r.CPURatio)
			if r.Server.Errors > 0 || r.Server.Refused > 0 || r.Server.Accepted != count {
				b.Errorf("%d clients: %d of %d accepted, %d errors, %d refused: %v", r.Clients, r.Server.Accepted, count, r.Server.Errors, r.Server.Refused, r.Server.Samples)
			}
			sfx := fmt.Sprintf("-%d", r.Clients)
			b.ReportMetric(r.Server.PerSecond, "comments/s"+sfx)
			b.ReportMetric(r.Baseline.PerSecond, "baseline/s"+sfx)
			b.ReportMetric(r.Ratio, "ratio"+sfx)
			b.ReportMetric(r.Server.P99, "p99-ms"+sfx)
		}
	}
}
