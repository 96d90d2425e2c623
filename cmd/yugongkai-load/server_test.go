package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var built struct {
	once   sync.Once
	dir    string
	server string
	err    error
}

// buildServer builds the server binary once for the tests of the package
// that start it (import, isolation), or skips under -short.
func buildServer(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the server")
	}
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "yugongkai-load-test-"); built.err != nil {
			return
		}
		built.server = filepath.Join(built.dir, "yugongkai")
		cmd := exec.Command("go", "build", "-o", built.server, "../yugongkai")
		cmd.Stderr = os.Stderr
		built.err = cmd.Run()
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.server
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}
