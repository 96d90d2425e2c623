package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"yugongkai/apperr"
)

// Migrations are the files migrations/NNNN_name.sql, applied in the order of
// their number. A migration, once released, is never edited: a change to the
// schema is a new file (0002_comments.sql, …).
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one schema change.
type migration struct {
	version int
	name    string // file name, for the record and for errors
	sql     string
}

// migrations returns the embedded migrations in version order. It fails on
// a file name without a number or two files with the same number.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var list []migration
	seen := map[int]string{}
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil || version <= 0 {
			return nil, fmt.Errorf("sqlite: migration %s: name must be NNNN_name.sql", base)
		}
		if other, dup := seen[version]; dup {
			return nil, fmt.Errorf("sqlite: migrations %s and %s have the same number", other, base)
		}
		seen[version] = base
		b, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		list = append(list, migration{version: version, name: base, sql: string(b)})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].version < list[j].version })
	return list, nil
}

// migrate applies, in one transaction, every migration not yet recorded in
// schema_migrations. Opening an up-to-date database changes nothing; a
// failing migration leaves the database as it was. A database written by a
// newer program (a version this binary does not know) is refused rather
// than used with a schema the code does not expect.
func (db *DB) migrate(ctx context.Context) error {
	list, err := migrations()
	if err != nil {
		return err
	}
	return db.writeAlone(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER PRIMARY KEY,
			name       TEXT NOT NULL,
			applied_at TEXT NOT NULL
		) STRICT`); err != nil {
			return apperr.Wrap(err, "sqlite: create schema_migrations")
		}
		var current int
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&current); err != nil {
			return apperr.Wrap(err, "sqlite: read schema version")
		}
		if n := len(list); n > 0 && current > list[n-1].version {
			return fmt.Errorf("sqlite: database schema version %d is newer than this program's %d", current, list[n-1].version)
		}
		for _, m := range list {
			if m.version <= current {
				continue
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("sqlite: migration %s: %w", m.name, err)
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.version, m.name, formatTime(db.now())); err != nil {
				return fmt.Errorf("sqlite: record migration %s: %w", m.name, err)
			}
		}
		return nil
	})
}
