package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"yugongkai/sqlite"
)

// LockFile is the file in the data directory that one process at a time
// holds locked: two servers on one embedded store would each keep their own
// caches and rate limits and overwrite each other's view of the record.
const LockFile = "LOCK"

// errDataDirBusy is returned when another process holds the data directory.
var errDataDirBusy = errors.New("another yugongkai process is using this data directory")

// lockDataDir takes the exclusive lock on dir/LOCK, or fails at once with a
// message naming the directory. The lock ends with the process (or unlock).
func lockDataDir(dir string) (unlock func() error, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%w (%s is locked): stop the other process first; several instances need MongoDB (-mongodb-uri)", errDataDirBusy, path)
	}
	return f.Close, nil
}

// restrictDatabaseFiles makes the embedded store's files readable by the
// owner only. Called before opening (the database file is created 0600, and
// SQLite gives its -wal and -shm files the database file's mode) and after
// (for files created by older versions).
func restrictDatabaseFiles(dir string) error {
	db := filepath.Join(dir, sqlite.FileName)
	f, err := os.OpenFile(db, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	for _, name := range []string{db, db + "-wal", db + "-shm"} {
		if err := os.Chmod(name, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}
