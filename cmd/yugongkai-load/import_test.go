package main

import (
	"testing"
	"time"

	"yugongkai/internal/procstat"
	"yugongkai/loadgen"
)

// The import load path at small size, so that it cannot rot: the real
// server binary, a seed import, the baseline reads, then a 500-row CSV and
// XLSX through the HTTP preview and commit with every receipt back. No
// time is checked; the figures of docs/PERFORMANCE.md come from
//
//	go run ./cmd/yugongkai-load import -server <binary> -rows 100000
func TestImportLoad(t *testing.T) {
	server := buildServer(t)
	res, err := loadgen.ImportRun{Server: server, Rows: 500, Formats: []string{"csv", "xlsx"}, Readers: 2, BaselineTime: time.Second}.Run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 {
		t.Fatalf("results = %+v", res)
	}
	for _, r := range res {
		if r.Imported != 500 || r.BaseReads == 0 || r.Reads == 0 || r.ReadErrors != 0 {
			t.Errorf("%s: %+v", r.Format, r)
		}
		if procstat.Available() && (r.PeakRSS <= 0 || r.PeakRSS < r.IdleRSS) {
			t.Errorf("%s: idle RSS %.1f MiB, peak %.1f MiB", r.Format, r.IdleRSS, r.PeakRSS)
		}
	}
}
