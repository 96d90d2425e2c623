package comments

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"yugongkai/apperr"
)

// Upload is an import file where it lies: the upload's temporary file, or
// memory (UploadBytes). A CSV is read from it as a stream, afresh for each
// reading (the digest, the encoding checks, the preview, the import), so it
// is never copied whole into the heap: a 100,000-row file is about 25 MiB,
// and a copy of it was a quarter of the server's live memory during an
// import. An XLSX is read into memory for each reading of the workbook
// (excelize opens the archive from memory), as before.
type Upload struct {
	r    io.ReaderAt
	size int64
}

// NewUpload is the file of size bytes that r reads (a multipart.File).
func NewUpload(r io.ReaderAt, size int64) Upload { return Upload{r: r, size: size} }

// UploadBytes is a file held in memory.
func UploadBytes(data []byte) Upload { return Upload{r: bytes.NewReader(data), size: int64(len(data))} }

// section reads the file from byte off to its end.
func (u Upload) section(off int64) *io.SectionReader {
	return io.NewSectionReader(u.r, off, max(u.size-off, 0))
}

// prefix returns the file's first n bytes (fewer if it is shorter).
func (u Upload) prefix(n int) ([]byte, error) {
	b := make([]byte, min(int64(n), u.size))
	if _, err := io.ReadFull(u.section(0), b); err != nil {
		return nil, readError(err)
	}
	return b, nil
}

// bytes returns the whole file in memory (an XLSX's reading).
func (u Upload) bytes() ([]byte, error) {
	b := make([]byte, u.size) // one buffer of the file's size, not io.ReadAll's doublings
	if _, err := io.ReadFull(u.section(0), b); err != nil {
		return nil, readError(err)
	}
	return b, nil
}

// sha256 is the file's hex SHA-256, the digest a preview reports.
func (u Upload) sha256() (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, u.section(0)); err != nil {
		return "", readError(err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// isXLSX tells whether the file starts as a zip archive.
func (u Upload) isXLSX() (bool, error) {
	p, err := u.prefix(len(xlsxMagic))
	return bytes.Equal(p, xlsxMagic), err
}

// readError is a failure to read the upload itself (its temporary file):
// the server's fault, not the file's.
func readError(err error) error {
	return apperr.Wrap(err, "comments: read import upload")
}

// blankText tells whether r holds only white space (bytes.TrimSpace would
// leave nothing). It stops at the first other rune.
func blankText(r io.Reader) (bool, error) {
	br := bufio.NewReaderSize(r, 4<<10)
	for {
		c, size, err := br.ReadRune()
		if errors.Is(err, io.EOF) {
			return true, nil
		}
		if err != nil {
			return false, readError(err)
		}
		if (c == utf8.RuneError && size <= 1) || !unicode.IsSpace(c) {
			return false, nil
		}
	}
}

// firstBadUTF8 reads r to its end and tells whether it is valid UTF-8
// (utf8.Valid), and if not the line of its first invalid byte, holding
// 64 KiB of it at a time.
func firstBadUTF8(r io.Reader) (line int, ok bool, err error) {
	buf := make([]byte, 64<<10)
	line, carry := 1, 0
	for {
		n, rerr := io.ReadFull(r, buf[carry:])
		end := rerr != nil // io.EOF or io.ErrUnexpectedEOF: the last chunk
		if end && !errors.Is(rerr, io.EOF) && !errors.Is(rerr, io.ErrUnexpectedEOF) {
			return 0, false, readError(rerr)
		}
		b := buf[:carry+n]
		i := 0
		for i < len(b) {
			c := b[i]
			if c < utf8.RuneSelf {
				if c == '\n' {
					line++
				}
				i++
				continue
			}
			if !end && !utf8.FullRune(b[i:]) {
				break // a rune split by the chunk's end: read on
			}
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size <= 1 {
				return line, false, nil
			}
			i += size
		}
		if end {
			return line, true, nil
		}
		carry = copy(buf, b[i:])
	}
}

// firstLine returns r's first line without its line break, decoded from
// GB18030 if gb.
func firstLine(r io.Reader, gb bool) ([]byte, error) {
	l, err := bufio.NewReaderSize(r, 4<<10).ReadBytes('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, readError(err)
	}
	l = bytes.TrimSuffix(l, []byte("\n"))
	if gb {
		l, _ = simplifiedchinese.GB18030.NewDecoder().Bytes(l)
	}
	return l, nil
}

// checkGB18030 tells whether r decodes as GB18030 to text without
// replacement characters or control characters, a line at a time (a file
// may be 50 MiB).
func checkGB18030(r io.Reader) (bool, error) {
	dec := simplifiedchinese.GB18030.NewDecoder()
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		l, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return false, readError(err)
		}
		if len(l) == 0 && err != nil {
			return true, nil
		}
		conv, cerr := dec.Bytes(bytes.TrimSuffix(l, []byte("\n")))
		if cerr != nil || bytes.ContainsRune(conv, utf8.RuneError) || hasControl(string(conv)) {
			return false, nil
		}
		if err != nil {
			return true, nil
		}
	}
}
