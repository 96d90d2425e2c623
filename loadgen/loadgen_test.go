package loadgen_test

import (
	"context"
	"database/sql"
	"net"
	"path/filepath"
	"testing"
	"time"

	"yugongkai/loadgen"
	"yugongkai/loadgen/baseline"
)

func TestCheckLoopback(t *testing.T) {
	for _, tc := range []struct {
		target string
		ok     bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://localhost:8080", true},
		{"http://[::1]:8080", true},
		{"http://8.8.8.8", false},
		{"http://10.0.0.1:80", false},
		{"ftp://127.0.0.1", false},
		{"127.0.0.1:8080", false},
	} {
		if err := loadgen.CheckLoopback(tc.target); (err == nil) != tc.ok {
			t.Errorf("CheckLoopback(%q) = %v, want ok=%v", tc.target, err, tc.ok)
		}
	}
}

// TestRunCountsWhatWasStored drives the baseline service and checks that
// what the run says it got accepted is what the service stored.
func TestRunCountsWhatWasStored(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- baseline.Serve(ctx, ln, dir) }()
	target := "http://" + ln.Addr().String()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := net.Dial("tcp", ln.Addr().String()); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("baseline did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	res, err := loadgen.Run(t.Context(), loadgen.Config{Target: target, Consultation: "c1", Clients: 4, Count: 120, MaxTime: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	<-served
	if res.Accepted != 120 || res.Errors != 0 || res.Refused != 0 || res.Sent != 120 {
		t.Errorf("run = %+v, want 120 sent and accepted", res)
	}
	if res.P50 <= 0 || res.P99 < res.P50 || res.PerSecond <= 0 {
		t.Errorf("latencies p50 %v p99 %v, rate %v: not measured", res.P50, res.P99, res.PerSecond)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "baseline.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM comments").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != res.Accepted {
		t.Errorf("baseline stored %d comments, the run counted %d accepted", n, res.Accepted)
	}
	if _, err := loadgen.Run(t.Context(), loadgen.Config{Target: "http://192.0.2.1", Consultation: "c1", Clients: 1, Count: 1}); err == nil {
		t.Error("Run accepted a target that is not this machine")
	}
}
