package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"yugongkai/internal/procstat"
)

func TestLimitMemory(t *testing.T) {
	if prev := debug.SetMemoryLimit(-1); prev != math.MaxInt64 {
		t.Skipf("the test process runs under GOMEMLIMIT (%d)", prev)
	}
	budget, restore := limitMemory(context.Background(), func(string) string { return "" })
	if got := debug.SetMemoryLimit(-1); budget != rssBudget || got < minMemoryLimit || got > maxMemoryLimit {
		t.Errorf("no GOMEMLIMIT: budget %d, runtime's limit %d, want %d and a limit in [%d, %d]", budget, got, rssBudget, minMemoryLimit, maxMemoryLimit)
	}
	restore()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("after restore: %d, want no limit", got)
	}
	// The operator's GOMEMLIMIT (read by the runtime at start) is left as it is.
	budget, restore = limitMemory(context.Background(), func(k string) string { return map[string]string{"GOMEMLIMIT": "1GiB"}[k] })
	restore()
	if budget != 0 || debug.SetMemoryLimit(-1) != math.MaxInt64 {
		t.Errorf("GOMEMLIMIT set: budget %d, runtime's %d, want no budget and the limit untouched", budget, debug.SetMemoryLimit(-1))
	}
}

func TestGoLimit(t *testing.T) {
	for _, c := range []struct{ budget, outside, want int64 }{
		{264 << 20, 100 << 20, 164 << 20},
		{264 << 20, 64 << 20, maxMemoryLimit},
		{264 << 20, 0, maxMemoryLimit}, // never above the ceiling
		{264 << 20, -5, maxMemoryLimit},
		{264 << 20, 200 << 20, minMemoryLimit}, // never below the floor
	} {
		if got := goLimit(c.budget, c.outside); got != c.want {
			t.Errorf("goLimit(%d MiB, %d MiB) = %d MiB, want %d MiB", c.budget>>20, c.outside>>20, got>>20, c.want>>20)
		}
	}
}

// Memory the process holds outside Go's heap (here 48 MiB mapped and
// touched by hand, as SQLite's allocator maps its caches) lowers the Go
// limit by as much, and raises it again once it is gone.
func TestGovernMemoryFollowsOutside(t *testing.T) {
	if !procstat.Available() {
		if os.Getenv("CI") == "true" {
			t.Fatal("no /proc: the governor cannot be tested")
		}
		t.Skip("no /proc")
	}
	prev := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(prev)
	budget := outsideGo() + maxMemoryLimit // the ceiling now, 48 MiB above the floor
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); governMemory(ctx, budget, 5*time.Millisecond) }()
	defer func() { cancel(); <-done }()
	settle := func() int64 { // the limit once two looks agree
		last := debug.SetMemoryLimit(-1)
		for i := 0; i < 400; i++ {
			time.Sleep(10 * time.Millisecond)
			if l := debug.SetMemoryLimit(-1); l == last && l != prev {
				return l
			} else {
				last = l
			}
		}
		return last
	}
	before := settle()
	const outside = 48 << 20
	m, err := syscall.Mmap(-1, 0, outside, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(m); i += 4096 {
		m[i] = 1 // resident
	}
	var during int64
	for i := 0; i < 200; i++ {
		if during = settle(); before-during >= outside-12<<20 {
			break
		}
	}
	if err := syscall.Munmap(m); err != nil {
		t.Fatal(err)
	}
	var after int64
	for i := 0; i < 200; i++ {
		if after = settle(); after-during >= outside-12<<20 {
			break
		}
	}
	t.Logf("limit %d MiB, %d MiB with %d MiB outside Go, %d MiB after", before>>20, during>>20, outside>>20, after>>20)
	if d := before - during; d < outside-12<<20 || d > outside+12<<20 {
		t.Errorf("the limit fell by %d MiB for %d MiB outside Go", d>>20, outside>>20)
	}
	if d := after - during; d < outside-12<<20 {
		t.Errorf("the limit rose by %d MiB once the %d MiB were gone", d>>20, outside>>20)
	}
}

// Logins cost 64 MiB of argon2id memory each. On the real binary, four in a
// row and then eight at once must leave the server under goal 7's 300 MB
// (286 MiB): without one hash at a time (auth.hashSlots) the eight took it
// to 440 MiB every time; without the memory limit the garbage of the ones
// before took it over 300 in about half the runs.
func TestLoginsBoundedMemory(t *testing.T) {
	if !procstat.Available() {
		if os.Getenv("CI") == "true" {
			t.Fatal("no /proc to read the server's resident size from")
		}
		t.Skip("no /proc to read the server's resident size from")
	}
	srv := newTestServer(t, "-trusted-proxies", "127.0.0.1")
	srv.env = append(srv.env, "GOMEMLIMIT=")
	cmd := srv.start()
	defer cmd.Process.Kill()
	if !strings.Contains(srv.log.String(), `"memory_budget_mib":264`) {
		t.Errorf("the server did not say its memory budget:\n%s", srv.log.String())
	}
	login := func(i int) error {
		body, _ := json.Marshal(map[string]string{"username": "admin", "password": "crash-admin-password"})
		req, _ := http.NewRequest("POST", srv.base()+"/api/v1/auth/login", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.9.0.%d", i))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			return fmt.Errorf("login %d: %s", i, res.Status)
		}
		return nil
	}
	for i := range 4 {
		if err := login(i); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = login(10 + i) }()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	_, hwm, ok := procstat.Memory(cmd.Process.Pid)
	if !ok {
		t.Fatal("no resident size")
	}
	if mib := hwm >> 20; mib >= 286 {
		t.Errorf("the server's resident size peaked at %d MiB through 12 logins, want under 286 MiB (300 MB)", mib)
	} else {
		t.Logf("peak resident size through 12 logins: %d MiB", mib)
	}
}
