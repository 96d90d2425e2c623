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

// openForComments creates a staff account and an open consultation on a
// running server and returns the consultation's id.
func openForComments(t *testing.T, base string) string {
	t.Helper()
	_, res := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "crash-admin-password"})
	admin := res["token"].(string)
	_, res = call(t, "POST", base+"/api/v1/departments", admin, map[string]string{"name": "县公安局"})
	dept := res["id"].(string)
	call(t, "POST", base+"/api/v1/users", admin, map[string]string{"username": "staff", "password": "staff-password", "role": "staff", "department_id": dept})
	_, res = call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"username": "staff", "password": "staff-password"})
	staff := res["token"].(string)
	_, res = call(t, "POST", base+"/api/v1/consultations", staff, map[string]any{
		"title": "某县养犬管理办法", "procedure_type": "other", "explanation": "说明", "legal_basis": "依据",
		"contact":  map[string]string{"department": "县公安局", "phone": "0571-1"},
		"channels": map[string]string{"email": "a@b.cn"},
		"text":     "第一条　为了规范养犬行为，制定本办法。\n第二条　本办法自公布之日起施行。\n",
	})
	id := res["id"].(string)
	if st, res := call(t, "POST", base+"/api/v1/consultations/"+id+"/publish", staff, map[string]string{
		"closes_at": time.Now().Add(40 * 24 * time.Hour).Format("2006-01-02")}); st != 200 {
		t.Fatalf("publish: %d %v", st, res)
	}
	return id
}
