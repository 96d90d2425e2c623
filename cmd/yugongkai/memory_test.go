package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"testing"

	"yugongkai/internal/procstat"
)

func TestLimitMemory(t *testing.T) {
	if prev := debug.SetMemoryLimit(-1); prev != math.MaxInt64 {
		t.Skipf("the test process runs under GOMEMLIMIT (%d)", prev)
	}
	limit, restore := limitMemory(func(string) string { return "" })
	if limit != defaultMemoryLimit || debug.SetMemoryLimit(-1) != defaultMemoryLimit {
		t.Errorf("no GOMEMLIMIT: limit %d, runtime's %d, want %d", limit, debug.SetMemoryLimit(-1), defaultMemoryLimit)
	}
	restore()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("after restore: %d, want no limit", got)
	}
	// The operator's GOMEMLIMIT (read by the runtime at start) is left as it is.
	limit, restore = limitMemory(func(k string) string { return map[string]string{"GOMEMLIMIT": "1GiB"}[k] })
	restore()
	if limit != math.MaxInt64 || debug.SetMemoryLimit(-1) != math.MaxInt64 {
		t.Errorf("GOMEMLIMIT set: limit %d, runtime's %d, want both untouched", limit, debug.SetMemoryLimit(-1))
	}
}

// Logins cost 64 MiB of argon2id memory each. On the real binary, four in a
// row and then eight at once must leave the server under goal 7's 300 MB
// (286 MiB): without one hash at a time (auth.hashSlots) the eight took it
// to 440 MiB every time; without the memory limit the garbage of the ones
// before took it over 300 in about half the runs.
func TestLoginsBoundedMemory(t *testing.T) {
	if !procstat.Available() {
		t.Skip("no /proc to read the server's resident size from")
	}
	srv := newTestServer(t, "-trusted-proxies", "127.0.0.1")
	srv.env = append(srv.env, "GOMEMLIMIT=")
	cmd := srv.start()
	defer cmd.Process.Kill()
	if !strings.Contains(srv.log.String(), `"memory_limit_mib":200`) {
		t.Errorf("the server did not say its memory limit:\n%s", srv.log.String())
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
