package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"yugongkai/sqlite"
)

// A backup is a gzip-compressed tar file holding, in this order:
//
//	MANIFEST.json  format, time, and each file's size and SHA-256
//	yugongkai.db   a consistent copy of the embedded store (sqlite.Backup)
//	log.key        the key that signs the comments' tree heads, when it is
//	               kept in the data directory (not when YUGONGKAI_LOG_KEY
//	               gives it)
//
// The log key belongs with the record: the sealed tree heads in the chains
// are checked with it (verify), and the public key at /api/v1/log-key that
// outsiders pinned must stay the same after a restore. The JWT secret
// (jwt.secret) is left out on purpose: a restored server generates a new
// one, which only ends the sessions, and a stolen backup cannot mint
// tokens for the running server. A backup holds personal data and the
// log key: keep it like the data directory (the file is 0600).
const (
	backupFormat   = "yugongkai-backup/1"
	backupManifest = "MANIFEST.json"
	logKeyFile     = "log.key"
)

type manifest struct {
	Format  string         `json:"format"`
	Created time.Time      `json:"created"`
	Files   []manifestFile `json:"files"`
}

type manifestFile struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// backupFiles are the only names a backup may hold.
var backupFiles = map[string]bool{sqlite.FileName: true, logKeyFile: true}

// backup writes a backup of the embedded store in the data directory to a
// new file, while a server may be serving from it.
//
//	yugongkai backup -to FILE [-data ./data]
func backup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("yugongkai backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("data", orDefault(getenv("YUGONGKAI_DATA"), "data"), "data directory of the embedded store (YUGONGKAI_DATA)")
	to := fs.String("to", "", "backup file to write (must not exist)")
	mongoURI := fs.String("mongodb-uri", getenv("MONGODB_URI"), "MongoDB URI (refused: use mongodump)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *mongoURI != "" {
		return errors.New("the MongoDB store is backed up with mongodump --oplog (see README), not with this command")
	}
	if *to == "" || fs.NArg() > 0 {
		return errors.New("usage: yugongkai backup -to FILE [-data DIR]")
	}
	if _, err := os.Stat(*to); err == nil {
		return fmt.Errorf("%s exists: a backup never overwrites a file", *to)
	}
	work, err := os.MkdirTemp(filepath.Dir(*to), ".yugongkai-backup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	snapshot := filepath.Join(work, sqlite.FileName)
	started := time.Now().UTC()
	if err := sqlite.Backup(ctx, *dir, snapshot); err != nil {
		return err
	}
	files := []string{snapshot}
	key := filepath.Join(*dir, logKeyFile)
	if _, err := os.Stat(key); err == nil {
		files = append(files, key)
	} else if getenv("YUGONGKAI_LOG_KEY") != "" {
		fmt.Fprintln(stderr, "note: the log key comes from YUGONGKAI_LOG_KEY and is not in the backup; keep it with the backup")
	} else {
		fmt.Fprintf(stderr, "note: %s is absent: the backup holds no log key\n", key)
	}
	size, err := writeBackup(*to, started, files)
	if err != nil {
		return err
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = filepath.Base(f)
	}
	fmt.Fprintf(stdout, "backed up %s to %s (%d bytes: %v)\n", *dir, *to, size, names)
	return nil
}

// writeBackup writes the archive to path+".partial", syncs it and renames
// it to path, so a half-written backup is never taken for a whole one.
func writeBackup(path string, created time.Time, files []string) (int64, error) {
	m := manifest{Format: backupFormat, Created: created}
	for _, f := range files {
		sum, size, err := hashFile(f)
		if err != nil {
			return 0, err
		}
		m.Files = append(m.Files, manifestFile{Name: filepath.Base(f), Size: size, SHA256: sum})
	}
	partial := path + ".partial"
	out, err := os.OpenFile(partial, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, err
	}
	defer os.Remove(partial)
	zw := gzip.NewWriter(out)
	tw := tar.NewWriter(zw)
	raw, _ := json.MarshalIndent(m, "", "  ")
	err = addEntry(tw, backupManifest, int64(len(raw)), created, bytes.NewReader(raw))
	for _, f := range files {
		if err != nil {
			break
		}
		err = addFile(tw, f, created)
	}
	if err == nil {
		err = tw.Close()
	}
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(partial, path); err != nil {
		return 0, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), syncDir(filepath.Dir(path))
}

func addFile(tw *tar.Writer, path string, at time.Time) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	return addEntry(tw, filepath.Base(path), fi.Size(), at, f)
}

func addEntry(tw *tar.Writer, name string, size int64, at time.Time, r io.Reader) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: size, ModTime: at, Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
		return err
	}
	_, err := io.Copy(tw, r)
	return err
}

func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// restore brings a backup back into a data directory. It takes the data
// directory's lock, so it refuses a directory a running server holds, and
// it refuses to replace a store already there unless -force is given.
// Every file is checked against the manifest's SHA-256 before anything in
// the directory is replaced.
//
//	yugongkai restore -from FILE [-data ./data] [-force]
func restore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("yugongkai restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("data", orDefault(getenv("YUGONGKAI_DATA"), "data"), "data directory to restore into (YUGONGKAI_DATA)")
	from := fs.String("from", "", "backup file written by yugongkai backup")
	force := fs.Bool("force", false, "replace the store (and log key) already in the data directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" || fs.NArg() > 0 {
		return errors.New("usage: yugongkai restore -from FILE [-data DIR] [-force]")
	}
	unlock, err := lockDataDir(*dir)
	if err != nil {
		return err
	}
	defer unlock()
	dbPath := filepath.Join(*dir, sqlite.FileName)
	if fi, err := os.Stat(dbPath); err == nil && fi.Size() > 0 && !*force {
		return fmt.Errorf("%s already holds a store (%s): restore into an empty directory, or give -force to replace it", *dir, dbPath)
	}
	staged, err := unpackBackup(*from, *dir)
	defer func() {
		for _, tmp := range staged {
			os.Remove(tmp)
		}
	}()
	if err != nil {
		return err
	}
	if _, ok := staged[sqlite.FileName]; !ok {
		return fmt.Errorf("%s holds no %s", *from, sqlite.FileName)
	}
	if tmp, ok := staged[logKeyFile]; ok && !*force {
		if err := sameOrAbsent(filepath.Join(*dir, logKeyFile), tmp); err != nil {
			return err
		}
	}
	if err := sqlite.Check(ctx, staged[sqlite.FileName]); err != nil {
		return err
	}
	// The old store's write-ahead log must not be replayed into the
	// restored file.
	for _, side := range []string{dbPath + "-wal", dbPath + "-shm"} {
		if err := os.Remove(side); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	for name, tmp := range staged {
		if err := os.Rename(tmp, filepath.Join(*dir, name)); err != nil {
			return err
		}
		delete(staged, name)
	}
	if err := syncDir(*dir); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s into %s; check it with: yugongkai verify -data %s\n", *from, *dir, *dir)
	return nil
}

// unpackBackup writes the backup's files into dir under temporary names,
// checking each against the manifest, and returns name → temporary path.
func unpackBackup(path, dir string) (map[string]string, error) {
	staged := map[string]string{}
	f, err := os.Open(path)
	if err != nil {
		return staged, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return staged, fmt.Errorf("%s is not a yugongkai backup: %w", path, err)
	}
	tr := tar.NewReader(zr)
	hdr, err := tr.Next()
	if err != nil || hdr.Name != backupManifest || hdr.Size > 1<<20 {
		return staged, fmt.Errorf("%s is not a yugongkai backup: no manifest", path)
	}
	var m manifest
	if err := json.NewDecoder(io.LimitReader(tr, hdr.Size)).Decode(&m); err != nil || m.Format != backupFormat {
		return staged, fmt.Errorf("%s is not a yugongkai backup (format %q): %v", path, m.Format, err)
	}
	want := map[string]manifestFile{}
	for _, mf := range m.Files {
		want[mf.Name] = mf
	}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return staged, fmt.Errorf("read %s: %w", path, err)
		}
		mf, listed := want[hdr.Name]
		if !backupFiles[hdr.Name] || !listed || hdr.Typeflag != tar.TypeReg {
			return staged, fmt.Errorf("%s holds an unexpected entry %q", path, hdr.Name)
		}
		if _, dup := staged[hdr.Name]; dup {
			return staged, fmt.Errorf("%s holds %q twice", path, hdr.Name)
		}
		tmp := filepath.Join(dir, "."+hdr.Name+".restore")
		staged[hdr.Name] = tmp
		out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return staged, err
		}
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(out, h), tr)
		if err == nil {
			err = out.Sync()
		}
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return staged, fmt.Errorf("restore %s: %w", hdr.Name, err)
		}
		if n != mf.Size || hex.EncodeToString(h.Sum(nil)) != mf.SHA256 {
			return staged, fmt.Errorf("%s: %s does not match its checksum in the manifest: the backup is damaged", path, hdr.Name)
		}
		delete(want, hdr.Name)
	}
	for name := range want {
		return staged, fmt.Errorf("%s: %s is listed in the manifest but missing", path, name)
	}
	return staged, nil
}

// sameOrAbsent refuses to replace a file at path whose content differs from
// the file at with.
func sameOrAbsent(path, with string) error {
	old, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	b, err := os.ReadFile(with)
	if err != nil {
		return err
	}
	if !bytes.Equal(bytes.TrimSpace(old), bytes.TrimSpace(b)) {
		return fmt.Errorf("%s holds another log key than the backup: give -force to replace it", path)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// orDefault is v, or fallback when v is empty.
func orDefault(v, fallback string) string {
	if v != "" {
		return v
	}
	return fallback
}
