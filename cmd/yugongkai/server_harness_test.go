package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
	env  []string // added to the process's environment
	log  syncBuffer
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
	cmd, err := s.launch()
	if err != nil {
		s.t.Fatal(err)
	}
	if err := s.ready(cmd); err != nil {
		s.t.Fatal(err)
	}
	return cmd
}

// launch starts the server process without waiting for it.
func (s *testServer) launch() (*exec.Cmd, error) {
	cmd := exec.Command(s.bin, append([]string{"-addr", s.addr, "-data", s.dir}, s.args...)...)
	cmd.Env = append(append(os.Environ(), "YUGONGKAI_ADMIN_PASSWORD=crash-admin-password"), s.env...)
	cmd.Stderr = &s.log
	return cmd, cmd.Start()
}

// ready waits until the launched server answers /readyz, or kills it.
func (s *testServer) ready(cmd *exec.Cmd) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		if res, err := http.Get(s.base() + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
		}
		// main prints "yugongkai: <err>" when run fails, then exits.
		if log := s.log.String(); strings.HasPrefix(log, "yugongkai: ") || strings.Contains(log, "\nyugongkai: ") {
			cmd.Process.Kill()
			return fmt.Errorf("server %s failed to start:\n%s", s.addr, log)
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			return fmt.Errorf("server %s did not start:\n%s", s.addr, s.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
