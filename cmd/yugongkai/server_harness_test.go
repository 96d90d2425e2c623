package main

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

var built struct {
	once sync.Once
	bin  string
	err  error
}

// serverBinary builds the server once per test process.
func serverBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "yugongkai-bin-")
		if err != nil {
			built.err = err
			return
		}
		built.bin = filepath.Join(dir, "yugongkai")
		build := exec.Command("go", "build", "-o", built.bin, ".")
		build.Stderr = os.Stderr
		built.err = build.Run()
	})
	if built.err != nil {
		t.Fatalf("build: %v", built.err)
	}
	return built.bin
}

// testServer is the real server binary on a data directory, started and
// killed by a test.
type testServer struct {
	t    *testing.T
	bin  string
	dir  string
	addr string
	args []string
	log  bytes.Buffer
}

func newTestServer(t *testing.T, args ...string) *testServer {
	s := &testServer{t: t, bin: serverBinary(t), dir: t.TempDir(), addr: freeAddr(t), args: args}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", s.log.String())
		}
	})
	return s
}

func (s *testServer) base() string { return "http://" + s.addr }

// start runs the server and waits until it is ready; the caller kills it.
func (s *testServer) start() *exec.Cmd {
	s.t.Helper()
	cmd := exec.Command(s.bin, append([]string{"-addr", s.addr, "-data", s.dir}, s.args...)...)
	cmd.Env = append(os.Environ(), "YUGONGKAI_ADMIN_PASSWORD=crash-admin-password")
	cmd.Stderr = &s.log
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if res, err := http.Get(s.base() + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return cmd
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			s.t.Fatal("server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
