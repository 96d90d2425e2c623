package main

import (
	"strings"
	"testing"
	"time"

	"yugongkai/loadgen"
)

// The isolation load path at tiny size, so that it cannot rot: the real
// server binary, the seeds, the steady submitters and readers through the
// baseline, a 300-row import, its drain, the near-duplicate proposals over
// 500 comments and the closing baseline, each phase with what it measured.
// No time or ratio is checked; the figures of docs/PERFORMANCE.md come from
//
//	go run ./cmd/yugongkai-load isolation -server <binary>
func TestIsolationLoad(t *testing.T) {
	server := buildServer(t)
	res, err := loadgen.IsolationRun{Server: server, Clients: 2, Readers: 2, Window: time.Second, ImportRows: 300, NearComments: 500}.Run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"baseline", "import", "import-drain", "near-duplicates", "baseline-after"}
	if len(res.Phases) != len(want) {
		t.Fatalf("phases = %+v", res.Phases)
	}
	for i, p := range res.Phases {
		// The import holds the writer for its commit, a few tens of
		// milliseconds at this size: its phase may hold no comment and no
		// read at all; every other phase lasts at least half a second.
		short := p.Phase == "import"
		if p.Phase != want[i] || !short && (p.Accepted == 0 || p.Reads == 0) || p.Errors != 0 || p.ReadErrors != 0 {
			t.Errorf("phase %d: %+v", i, p)
		}
		if disturbance := i > 0 && i < len(want)-1; disturbance != (p.Meets != nil) || disturbance && !short && p.ThroughputRatio <= 0 {
			t.Errorf("phase %s: ratios %+v", p.Phase, p)
		}
	}
	if d := res.Phases[3].Detail; !strings.Contains(d, "background passes") {
		t.Errorf("near-duplicate phase: %q, want the background passes it waited for", d)
	}
	if res.Reindex == "" {
		t.Error("no word on the reindex")
	}
}
