package corpus

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestDirIsBesideModuleRoot(t *testing.T) {
	dir := Dir(t)
	want, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Clean(dir) != want {
		t.Errorf("Dir = %s, want %s", dir, want)
	}
	if text := Read(t, "animal-epidemic-prevention-law/draft.txt"); len(text) < 1000 {
		t.Errorf("Read(animal draft) = %d bytes", len(text))
	}
}

// recorder is a testing.TB that records how the helper ended the test.
type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Helper()                        {}
func (r *recorder) Fatalf(format string, a ...any) { r.fatal = fmt.Sprintf(format, a...) }
func (r *recorder) Skipf(format string, a ...any)  { r.skip = fmt.Sprintf(format, a...) }

func TestUnavailableFailsUnderCI(t *testing.T) {
	for _, ci := range []string{"true", ""} {
		t.Run("CI="+ci, func(t *testing.T) {
			t.Setenv("CI", ci)
			r := &recorder{TB: t}
			unavailable(r, os.ErrNotExist)
			if failed := r.fatal != ""; failed != (ci == "true") {
				t.Errorf("CI=%q: failed %v (fatal %q, skip %q)", ci, failed, r.fatal, r.skip)
			}
			if skipped := r.skip != ""; skipped != (ci != "true") {
				t.Errorf("CI=%q: skipped %v", ci, skipped)
			}
		})
	}
}
