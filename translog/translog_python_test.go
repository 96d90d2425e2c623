package translog

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// verifyScript returns docs/verify_archive.py of this module and python3,
// skipping the test when python3 is missing, unless CI=true.
func verifyScript(t *testing.T) (python, script string) {
	t.Helper()
	python, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 is needed to check docs/verify_archive.py")
		}
		t.Skip("python3 not found")
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return python, filepath.Join(dir, "docs", "verify_archive.py")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// runScript writes proof as JSON and runs the script on it in mode.
func runScript(t *testing.T, mode string, proof any) (string, error) {
	t.Helper()
	python, script := verifyScript(t)
	b, err := json.Marshal(proof)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "proof.json")
	if err := os.WriteFile(name, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, script, mode, name).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// TestPythonVerifierAgrees: proofs made in Go verify in docs/verify_archive.py,
// and tampered ones fail there too.
func TestPythonVerifierAgrees(t *testing.T) {
	verifyScript(t)
	leaves, _ := commentLog(t, 37, 37)
	leaves[20] = Leaf{Consultation: "c-1", Receipt: "R0020", BodySHA256: BodyHash([]byte("x")),
		ArticleID: "第十二条", Channel: "座谈会", ReceivedAt: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}.Bytes()
	hs, err := BuildHashes(leaves)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ index, size int64 }{{0, 1}, {20, 37}, {13, 32}} {
		p, err := ProveInclusion(tt.index, tt.size, leaves[tt.index], hs)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(fmt.Sprintf("leaf %d of %d", tt.index, tt.size), func(t *testing.T) {
			t.Parallel()
			if out, err := runScript(t, "--proof", p); err != nil || !strings.HasPrefix(out, "OK") {
				t.Errorf("verify_archive.py --proof (leaf %d of %d) = %q, %v; want OK", tt.index, tt.size, out, err)
			}
			bad := *p
			bad.Leaf = strings.Replace(bad.Leaf, "R00", "R01", 1)
			out, err := runScript(t, "--proof", bad)
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.HasPrefix(out, "BAD") {
				t.Errorf("verify_archive.py --proof (leaf %d of %d, leaf altered) = %q, %v; want BAD and exit 1", tt.index, tt.size, out, err)
			}
			if bad.Verify() == nil {
				t.Errorf("Go accepts the altered proof of leaf %d of %d", tt.index, tt.size)
			}
		})
	}
	for _, tt := range []struct{ from, to int64 }{{0, 5}, {8, 37}, {21, 37}} {
		p, err := ProveConsistency(tt.from, tt.to, hs)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(fmt.Sprintf("consistency %d to %d", tt.from, tt.to), func(t *testing.T) {
			t.Parallel()
			if out, err := runScript(t, "--consistency", p); err != nil || !strings.HasPrefix(out, "OK") {
				t.Errorf("verify_archive.py --consistency %d→%d = %q, %v; want OK", tt.from, tt.to, out, err)
			}
			bad := *p
			bad.FromRoot = flipBit(bad.FromRoot, 9)
			if out, err := runScript(t, "--consistency", bad); err == nil || !strings.HasPrefix(out, "BAD") {
				t.Errorf("verify_archive.py --consistency %d→%d with a wrong old root = %q, %v; want BAD", tt.from, tt.to, out, err)
			}
		})
	}
}
