package comments

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// An importSpool holds the rows of an XLSX file as its first reading
// handed them to importTable.add, in a temporary file of length-prefixed
// records, so that the import's second reading (the commit's stream)
// replays them at the speed of a file read instead of unzipping and
// decoding the workbook's XML again (docs/PERFORMANCE.md, "Bulk import").
// The replay goes through add and done like the first reading, so it
// hands the same rows, with the same cell problems, to the same checks.
// Memory stays bounded: one buffered record at a time. Remove deletes
// the file; the import removes it when it returns, whatever happened.
//
// A record: uvarint row number, uvarint cell count, each cell as uvarint
// length and bytes, uvarint formula-flag count, one byte (0 or 1) each.
type importSpool struct {
	f    *os.File
	w    *bufio.Writer
	size int64
	err  error // the first write error: the spool is not replayable
	done bool  // the first reading finished without error

	// The table of the first reading, without its rows.
	format, encoding string
	converted        bool
	headings, fields []string
	rows             int
}

// importSpoolPrefix names the spool files in the temporary directory.
const importSpoolPrefix = "yugongkai-importspool-"

// SweepImportSpools removes from dir (the temporary directory when "")
// the import spools last written before cutoff: what imports interrupted
// by a crash left. A running import writes its spool while it reads the
// upload and reads it within the same request, so a spool untouched for an
// hour belongs to no live import, in this process or another sharing the
// directory. It returns how many it removed.
func SweepImportSpools(dir string, cutoff time.Time) (int, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	names, err := filepath.Glob(filepath.Join(dir, importSpoolPrefix+"*.spool"))
	if err != nil {
		return 0, err
	}
	removed := 0
	var errs []error
	for _, name := range names {
		fi, err := os.Lstat(name)
		if err != nil || !fi.Mode().IsRegular() || !fi.ModTime().Before(cutoff) {
			continue
		}
		if err := os.Remove(name); err != nil {
			errs = append(errs, err)
			continue
		}
		removed++
	}
	return removed, errors.Join(errs...)
}

func newImportSpool() (*importSpool, error) {
	f, err := os.CreateTemp("", importSpoolPrefix+"*.spool")
	if err != nil {
		return nil, err
	}
	return &importSpool{f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

// Remove closes and deletes the spool file (nil-safe, idempotent).
func (s *importSpool) Remove() {
	if s == nil || s.f == nil {
		return
	}
	name := s.f.Name()
	s.f.Close()
	os.Remove(name)
	s.f = nil
}

// record writes one row as add received it (add has already counted it
// and found it not blank).
func (s *importSpool) record(n int, rec []string, formula []bool) {
	if s.err != nil {
		return
	}
	var b [binary.MaxVarintLen64]byte
	put := func(v int) {
		k := binary.PutUvarint(b[:], uint64(v))
		s.w.Write(b[:k])
		s.size += int64(k)
	}
	put(n)
	put(len(rec))
	for _, v := range rec {
		put(len(v))
		s.w.WriteString(v)
		s.size += int64(len(v))
	}
	put(len(formula))
	for _, fx := range formula {
		if fx {
			s.w.WriteByte(1)
		} else {
			s.w.WriteByte(0)
		}
	}
	s.size += int64(len(formula))
}

// finish ends the first reading: t is its table (nil after an error).
// The spool is replayable (done) only if t is not nil and every write
// succeeded.
func (s *importSpool) finish(t *importTable) error {
	if err := s.w.Flush(); err != nil && s.err == nil {
		s.err = err
	}
	if s.err != nil {
		return fmt.Errorf("comments: import spool: %w", s.err)
	}
	if t != nil {
		s.done = true
		s.format, s.encoding, s.converted = t.format, t.encoding, t.converted
		s.headings, s.fields, s.rows = slices.Clone(t.headings), slices.Clone(t.fields), t.rows
	}
	return nil
}

// replay hands the spooled rows to each as parseImport would, and
// returns the same table. It may be called more than once.
func (s *importSpool) replay(each func(*importTable, importRow) error) (*importTable, error) {
	if s == nil || s.f == nil || !s.done {
		return nil, errors.New("comments: import spool not written")
	}
	t := &importTable{format: s.format, encoding: s.encoding, converted: s.converted,
		headings: s.headings, fields: s.fields, each: each}
	r := bufio.NewReaderSize(io.NewSectionReader(s.f, 0, s.size), 64<<10)
	bad := func(err error) (*importTable, error) {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("comments: import spool: %w", err)
	}
	var rec []string
	var formula []bool
	var buf []byte
	for {
		n, err := binary.ReadUvarint(r)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return bad(err)
		}
		cells, err := binary.ReadUvarint(r)
		if err != nil || cells > 1<<20 {
			return bad(errors.Join(err, errors.New("bad record")))
		}
		rec = rec[:0]
		for range cells {
			l, err := binary.ReadUvarint(r)
			if err != nil || l > MaxImportBytes {
				return bad(errors.Join(err, errors.New("bad cell")))
			}
			buf = slices.Grow(buf[:0], int(l))[:l]
			if _, err := io.ReadFull(r, buf); err != nil {
				return bad(err)
			}
			rec = append(rec, string(buf))
		}
		fl, err := binary.ReadUvarint(r)
		if err != nil || fl > 1<<20 {
			return bad(errors.Join(err, errors.New("bad record")))
		}
		formula = formula[:0]
		for range fl {
			b, err := r.ReadByte()
			if err != nil {
				return bad(err)
			}
			formula = append(formula, b == 1)
		}
		if err := t.add(int(n), rec, formula); err != nil {
			return nil, err
		}
	}
	if t.rows != s.rows {
		return nil, fmt.Errorf("comments: import spool replayed %d rows, recorded %d", t.rows, s.rows)
	}
	return t.done()
}
