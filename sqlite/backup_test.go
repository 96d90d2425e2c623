package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"yugongkai/sqlite"
)

// TestBackup copies a database while a writer keeps writing to it: the
// copy opens, passes quick_check and holds every write finished before
// the backup began.
func TestBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cs := db.Consultations()
	for i := range 50 {
		if err := cs.PutSetting(ctx, fmt.Sprintf("before-%d", i), []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := cs.PutSetting(ctx, fmt.Sprintf("during-%d", i), []byte("y")); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	out := filepath.Join(t.TempDir(), "copy")
	if err := os.MkdirAll(out, 0o700); err != nil {
		t.Fatal(err)
	}
	err = sqlite.Backup(ctx, dir, filepath.Join(out, sqlite.FileName))
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(out, sqlite.FileName)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
	cp, err := sqlite.Open(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	for i := range 50 {
		if _, err := cp.Consultations().Setting(ctx, fmt.Sprintf("before-%d", i)); err != nil {
			t.Errorf("setting before-%d written before the backup: %v", i, err)
		}
	}

	t.Run("ErrExists", func(t *testing.T) {
		if err := sqlite.Backup(ctx, dir, filepath.Join(out, sqlite.FileName)); err == nil {
			t.Error("Backup over an existing file succeeded")
		}
	})
	t.Run("ErrNoDatabase", func(t *testing.T) {
		empty := t.TempDir()
		if err := sqlite.Backup(ctx, empty, filepath.Join(t.TempDir(), "x.db")); err == nil {
			t.Error("Backup of a directory without a database succeeded")
		}
		if _, err := os.Stat(filepath.Join(empty, sqlite.FileName)); err == nil {
			t.Error("Backup created a database in the source directory")
		}
	})
	t.Run("CheckFindsDamage", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.db")
		raw, err := os.ReadFile(filepath.Join(out, sqlite.FileName))
		if err != nil {
			t.Fatal(err)
		}
		// Every b-tree page after the first gets an impossible page type.
		for p := 4096; p < len(raw); p += 4096 {
			raw[p] = 0xee
		}
		os.WriteFile(bad, raw, 0o600)
		if err := sqlite.Check(ctx, bad); err == nil {
			t.Error("Check of a damaged database passed")
		}
	})
}
