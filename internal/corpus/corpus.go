// Package corpus finds the shared test corpus: real draft and final law
// texts kept outside the repository, in ../shared/corpus beside the module
// root. Every package's tests reach it through this one helper, so a test
// never depends on the directory it runs from or on an absolute path.
//
// A missing corpus skips the test on a developer's machine and fails it
// under CI=true, where .ci/run runs with the corpus beside the clone: a
// corpus test that silently skipped in CI would let a change that breaks
// real texts pass.
package corpus

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

var (
	rootOnce sync.Once
	root     string
	rootErr  error
)

// moduleRoot is the nearest folder above the working directory (a test's
// package directory) that holds go.mod.
func moduleRoot() (string, error) {
	rootOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			rootErr = err
			return
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				root = dir
				return
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				rootErr = errors.New("no go.mod above the working directory")
				return
			}
			dir = parent
		}
	})
	return root, rootErr
}

// path is the corpus folder, whether or not it exists.
func path() (string, error) {
	r, err := moduleRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(r, "..", "shared", "corpus"), nil
}

// unavailable skips tb, or fails it under CI=true.
func unavailable(tb testing.TB, err error) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("corpus not available (../shared/corpus beside the module root): %v", err)
		return
	}
	tb.Skipf("corpus not available (../shared/corpus beside the module root): %v", err)
}

// Dir returns the corpus folder. When it is absent, tb is skipped, or
// fails under CI=true.
func Dir(tb testing.TB) string {
	tb.Helper()
	dir, err := path()
	if err == nil {
		_, err = os.Stat(dir)
	}
	if err != nil {
		unavailable(tb, err)
	}
	return dir
}

// Read returns the text of one corpus file, named by its slash-separated
// path inside the corpus ("animal-epidemic-prevention-law/draft.txt").
// When the corpus is absent, tb is skipped, or fails under CI=true; a
// missing file in a present corpus always fails.
func Read(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(Dir(tb), filepath.FromSlash(name)))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// Lookup is Read for tests that can do without the corpus (fuzz seeds, a
// short fallback text): it reports false instead of skipping when the
// corpus is absent on a developer's machine. Under CI=true an absent
// corpus still fails.
func Lookup(tb testing.TB, name string) (string, bool) {
	tb.Helper()
	dir, err := path()
	if err == nil {
		_, err = os.Stat(dir)
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			unavailable(tb, err)
		}
		tb.Logf("corpus not available: %v", err)
		return "", false
	}
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b), true
}
