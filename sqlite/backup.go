package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Backup writes a consistent copy of the database in the data directory
// dir to dest, a file that must not exist yet, while other connections —
// of this process or of a server running on dir — go on reading and
// writing. It runs VACUUM INTO, which reads the whole database in one read
// transaction: in WAL mode that transaction sees one committed state and
// blocks no writer, so the copy holds every commit made before it began and
// none made after, each whole. The copy is then checked (quick_check).
//
// Backup opens the database file directly and takes no lock of the data
// directory: the server holding it is the reason to make a backup online.
func Backup(ctx context.Context, dir, dest string) error {
	path := filepath.Join(dir, FileName)
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	if strings.ContainsRune(path, '?') {
		return fmt.Errorf("sqlite: data directory %q contains '?'", dir)
	}
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("sqlite: backup: %s exists", dest)
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	src, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	defer src.Close()
	if _, err := src.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		os.Remove(dest)
		return fmt.Errorf("sqlite: backup: VACUUM INTO: %w", err)
	}
	if err := os.Chmod(dest, 0o600); err != nil {
		return err
	}
	return Check(ctx, dest)
}

// Check opens the database file at path read-only and runs SQLite's
// quick_check on it.
func Check(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return fmt.Errorf("sqlite: check %s: %w", path, err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return fmt.Errorf("sqlite: check %s: %w", path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return fmt.Errorf("sqlite: check %s: %w", path, err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: check %s: %w", path, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("sqlite: check %s: %w: %s", path, errCorrupt, strings.Join(problems, "; "))
	}
	return nil
}

var errCorrupt = errors.New("database is damaged")
