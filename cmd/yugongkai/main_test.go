package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// start runs the real command in-process and waits until it serves.
func start(t *testing.T, dir string, env map[string]string, args ...string) (base string, stdout *syncBuffer, stop func()) {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	stdout = &syncBuffer{}
	done := make(chan error, 1)
	getenv := func(k string) string {
		if k == "YUGONGKAI_DATA" {
			return dir
		}
		return env[k]
	}
	go func() { done <- run(ctx, append([]string{"-addr", addr}, args...), getenv, stdout, io.Discard) }()
	base = "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("server exited: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("server did not become ready")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return base, stdout, func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run returned %v after shutdown", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("server did not shut down")
		}
	}
}

func call(t *testing.T, method, url, tok string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, url, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func TestRestartKeepsData(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"YUGONGKAI_ADMIN_PASSWORD": "first-admin-password"}
	base, out, stop := start(t, dir, env)
	if !strings.Contains(out.String(), "Created administrator account") {
		t.Errorf("first start did not report the admin account: %q", out.String())
	}
	st, res := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "first-admin-password"})
	if st != 200 {
		t.Fatalf("login: %d %v", st, res)
	}
	tok := res["token"].(string)
	st, res = call(t, "POST", base+"/api/v1/departments", tok, map[string]string{"name": "县司法局"})
	if st != 201 {
		t.Fatalf("create department: %d %v", st, res)
	}
	// A second process on the same data directory refuses to start.
	err := run(context.Background(), []string{"-addr", freeAddr(t), "-data", dir}, func(k string) string { return env[k] }, io.Discard, io.Discard)
	if !errors.Is(err, errDataDirBusy) || !strings.Contains(err.Error(), filepath.Join(dir, "LOCK")) {
		t.Errorf("second server on %s: %v, want the data directory refused naming the lock", dir, err)
	}
	// The database files are the owner's alone, WAL and shared memory too.
	for _, name := range []string{"yugongkai.db", "yugongkai.db-wal", "yugongkai.db-shm"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
		} else if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", name, fi.Mode().Perm())
		}
	}
	stop()

	fi, err := os.Stat(filepath.Join(dir, "jwt.secret"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("jwt.secret mode %v, want 0600", fi.Mode().Perm())
	}

	// Second start: same data, same secret (the old token still works), no new admin.
	base, out, stop = start(t, dir, map[string]string{"YUGONGKAI_ADMIN_PASSWORD": "another-password"})
	defer stop()
	if strings.Contains(out.String(), "Created administrator account") {
		t.Error("restart created the admin account again")
	}
	st, res = call(t, "GET", base+"/api/v1/departments", tok, nil)
	if st != 200 || !strings.Contains(fmt.Sprint(res["items"]), "县司法局") {
		t.Errorf("after restart: %d %v", st, res)
	}
	if st, _ := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "first-admin-password"}); st != 200 {
		t.Errorf("the first password no longer works: %d", st)
	}
}

func TestGeneratedAdminPasswordPrintedOnce(t *testing.T) {
	dir := t.TempDir()
	_, out, stop := start(t, dir, nil)
	stop()
	line := out.String()
	i := strings.Index(line, "admin / ")
	if i < 0 {
		t.Fatalf("no generated password printed: %q", line)
	}
	pass := strings.Fields(line[i+len("admin / "):])[0]
	if len(pass) < 16 {
		t.Errorf("generated password %q is short", pass)
	}
	base, out, stop := start(t, dir, nil)
	defer stop()
	if strings.Contains(out.String(), pass) {
		t.Error("the password was printed again")
	}
	if st, _ := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"username": "admin", "password": pass}); st != 200 {
		t.Errorf("generated password does not log in: %d", st)
	}
}

func TestDemo(t *testing.T) {
	dir := t.TempDir()
	base, out, stop := start(t, dir, map[string]string{"YUGONGKAI_ADMIN_PASSWORD": "first-admin-password"}, "-demo")
	defer stop()
	for _, role := range []string{"staff", "legal", "resident", "admin"} {
		if !strings.Contains(out.String(), role) {
			t.Errorf("demo output names no %s account: %q", role, out.String())
		}
	}
	st, res := call(t, "GET", base+"/api/v1/consultations", "", nil)
	if st != 200 {
		t.Fatal(st)
	}
	states := map[string]int{}
	for _, it := range res["items"].([]any) {
		states[it.(map[string]any)["state"].(string)]++
	}
	if states["open"] != 1 || states["closed"] != 1 || states["published"] != 1 {
		t.Errorf("demo public consultations by state = %v, want one open, one closed, one published", states)
	}
	for _, it := range res["items"].([]any) {
		x := it.(map[string]any)
		if x["state"] != "published" {
			continue
		}
		id := x["id"].(string)
		if st, v := call(t, "GET", base+"/api/v1/consultations/"+id+"/history/verify", "", nil); st != 200 || v["ok"] != true {
			t.Errorf("demo decision history: %d %v", st, v)
		}
		st, rep := call(t, "GET", base+"/api/v1/consultations/"+id+"/report", "", nil)
		if st != 200 || rep["received"] != float64(6) || rep["undisposed"] != float64(0) {
			t.Errorf("demo decision report: %d %v", st, rep)
		}
		if st, hits := call(t, "GET", base+"/api/v1/search?q=%E5%85%85%E7%94%B5", "", nil); st != 200 || len(hits["hits"].([]any)) == 0 {
			t.Errorf("demo data is not searchable: %d %v", st, hits)
		}
	}
}

func TestReadConfigBaseURL(t *testing.T) {
	for _, tt := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{nil, nil, "http://localhost:8080"},
		{[]string{"-addr", "127.0.0.1:9000"}, nil, "http://localhost:9000"},
		{nil, map[string]string{"YUGONGKAI_BASE_URL": "https://yj.example.gov.cn/"}, "https://yj.example.gov.cn"},
		{[]string{"-base-url", "https://a.example"}, map[string]string{"YUGONGKAI_BASE_URL": "https://b.example"}, "https://a.example"},
	} {
		cfg, err := readConfig(tt.args, func(k string) string { return tt.env[k] }, io.Discard)
		if err != nil || cfg.baseURL != tt.want {
			t.Errorf("readConfig(%q, %v): base URL %q, %v; want %q", tt.args, tt.env, cfg.baseURL, err, tt.want)
		}
	}
	if _, err := readConfig([]string{"-base-url", "yj.example.gov.cn"}, func(string) string { return "" }, io.Discard); err == nil {
		t.Error("readConfig accepted a base URL without a scheme")
	}
	if _, err := readConfig(nil, func(k string) string { return map[string]string{"YUGONGKAI_TRUST_PROXY": "1"}[k] }, io.Discard); err == nil {
		t.Error("readConfig accepted the removed YUGONGKAI_TRUST_PROXY")
	}
}

func TestLockDataDir(t *testing.T) {
	dir := t.TempDir()
	unlock, err := lockDataDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lockDataDir(dir); !errors.Is(err, errDataDirBusy) {
		t.Errorf("second lock of %s: %v, want errDataDirBusy", dir, err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	unlock, err = lockDataDir(dir)
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	unlock()
}

func TestWeakAdminPasswordRefused(t *testing.T) {
	for _, pass := range []string{"short", "admin-pw-11", "aaaaaaaaaaaaaaaa"} {
		err := run(context.Background(), []string{"-addr", freeAddr(t), "-data", t.TempDir()}, func(k string) string {
			if k == "YUGONGKAI_ADMIN_PASSWORD" {
				return pass
			}
			return ""
		}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "YUGONGKAI_ADMIN_PASSWORD") {
			t.Errorf("YUGONGKAI_ADMIN_PASSWORD=%q: %v, want refused", pass, err)
		}
	}
}
