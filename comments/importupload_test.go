package comments

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"yugongkai/apperr"
)

// lineOfBadUTF8 is the reference for firstBadUTF8: the whole input at once.
func lineOfBadUTF8(b []byte) int {
	line := 1
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		b = b[n:]
	}
	return line
}

// The streamed UTF-8 check agrees with utf8.Valid and with the line of the
// first bad byte counted over the whole input, with runes and bad bytes
// placed across the 64 KiB chunks' edges.
func TestFirstBadUTF8Streamed(t *testing.T) {
	const chunk = 64 << 10
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "\n", "意", "见", "😀", "é", "\r\n", ","}
	for i := 0; i < 200; i++ {
		var b bytes.Buffer
		size := chunk - 8 + rng.IntN(16) + chunk*rng.IntN(3)
		for b.Len() < size {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		data := b.Bytes()
		switch i % 4 {
		case 1: // a bad byte near a chunk's edge
			at := chunk - 3 + rng.IntN(6)
			if at < len(data) {
				data[at] = 0xff
			}
		case 2: // a rune cut short at the very end
			data = append(data, "意"[:2]...)
		case 3: // a lone continuation byte somewhere
			data[rng.IntN(len(data))] = 0x80
		}
		line, ok, err := firstBadUTF8(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if ok != utf8.Valid(data) {
			t.Fatalf("case %d: ok %v, utf8.Valid %v", i, ok, utf8.Valid(data))
		}
		if !ok && line != lineOfBadUTF8(data) {
			t.Fatalf("case %d: line %d, want %d", i, line, lineOfBadUTF8(data))
		}
	}
}

// countingFile is a file on disk that records the longest read asked of it.
type countingFile struct {
	f       *os.File
	longest atomic.Int64
}

func (c *countingFile) ReadAt(p []byte, off int64) (int, error) {
	if n := int64(len(p)); n > c.longest.Load() {
		c.longest.Store(n)
	}
	return c.f.ReadAt(p, off)
}

func onDisk(t *testing.T, data []byte) (*countingFile, Upload) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "upload")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	c := &countingFile{f: f}
	return c, NewUpload(c, int64(len(data)))
}

// A CSV read from a file on disk (as the server reads an upload) gives the
// same rows, table and errors as the same bytes in memory, and is never
// read more than 64 KiB at a time: UTF-8 with a BOM, GB18030, tabs, and a
// file with a bad row, each over a megabyte.
func TestUploadStreamsACSV(t *testing.T) {
	type seen struct {
		Row   importRow
		Table string
	}
	read := func(src Upload) ([]seen, string, error) {
		var out []seen
		tab, err := fileRows(src, nil)(func(t *importTable, r importRow) error {
			r.cells = maps.Clone(r.cells)
			out = append(out, seen{r, fmt.Sprint(t.format, t.encoding, t.converted, t.headings, t.fields, t.rows)})
			return nil
		})
		if tab == nil {
			return out, "", err
		}
		return out, fmt.Sprint(tab.format, tab.encoding, tab.converted, tab.rows), err
	}
	var b strings.Builder
	b.WriteString("意见内容,收到方式,收到日期,姓名\n")
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, "\"第%d条意见，\n请延长过渡期。\",信函,2026-12-%02d,张%d\n", i, 1+i%28, i)
	}
	utf := b.String()
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(utf)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"utf-8 with BOM": append(append([]byte{}, utf8BOM...), utf...),
		"gb18030":        []byte(gb),
		"tabs":           []byte(strings.ReplaceAll(utf, ",", "\t")),
		"bad row":        []byte(utf + "\"unterminated,letter\n"),
	}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			want, wantTab, wantErr := read(UploadBytes(data))
			disk, src := onDisk(t, data)
			got, gotTab, gotErr := read(src)
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || gotTab != wantTab || !reflect.DeepEqual(got, want) {
				t.Fatalf("from disk: %d rows, %q, %v; from memory: %d rows, %q, %v", len(got), gotTab, gotErr, len(want), wantTab, wantErr)
			}
			if len(want) < 1000 {
				t.Fatalf("only %d rows read", len(want))
			}
			if name == "bad row" && !apperr.Is(gotErr, apperr.BadRequest) {
				t.Fatalf("bad row: %v", gotErr)
			}
			if l := disk.longest.Load(); l > 64<<10 {
				t.Fatalf("a read of %d bytes: the file was not streamed", l)
			}
		})
	}
}

// failingFile fails every read past its first n bytes.
type failingFile struct {
	data []byte
	n    int64
}

func (f failingFile) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > f.n {
		return 0, errors.New("disk error")
	}
	return copy(p, f.data[off:]), nil
}

// A failure to read the upload itself is the server's error, never a
// verdict on the file, and stores nothing.
func TestUploadReadFailureIsInternal(t *testing.T) {
	data := []byte("body,channel,received_on\n" + strings.Repeat("请延长过渡期。,letter,2026-12-01\n", 4000))
	for _, n := range []int64{0, 4, 1000, int64(len(data)) - 10} {
		src := NewUpload(failingFile{data, n}, int64(len(data)))
		_, err := fileRows(src, nil)(func(*importTable, importRow) error { return nil })
		if !apperr.Is(err, apperr.Internal) {
			t.Fatalf("fail after %d bytes: %v", n, err)
		}
		if _, err := src.sha256(); !apperr.Is(err, apperr.Internal) {
			t.Fatalf("digest, fail after %d bytes: %v", n, err)
		}
	}
}
