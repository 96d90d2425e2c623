package attachment

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"yugongkai/docx"
)

// ExtractText returns the text of a .docx (through package docx) or a PDF
// (a minimal extractor, see pdfText), at most MaxText bytes; "" for other
// kinds and for files whose text cannot be read. Extraction never fails a
// file: the text only serves staff search and grouping.
func ExtractText(k Kind, data []byte) string {
	var s string
	switch k {
	case DOCX:
		s, _ = docx.Text(data)
	case PDF:
		s = pdfText(data)
	}
	s = strings.TrimSpace(s)
	if len(s) > MaxText {
		s = s[:MaxText]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return s
}

// The PDF extractor is deliberately small and dependency-free. It reads
// each page's content streams (pdfobj.go: objects found by scanning, also
// inside object streams; /FlateDecode inflated, the filter of nearly all
// content streams) and collects the strings shown by the text operators
// Tj, TJ, ' and " between BT and ET, literal (…) or hex <…>, a new line at
// each BT, T*, Td/TD or ' . A string shown in a font with a ToUnicode CMap
// (pdfcmap.go: every CID font Word or WPS write for Chinese text) is mapped
// through it; other strings are taken as PDFDocEncoding (Latin-1 in
// practice) or as UTF-16BE when they start with the byte order mark. When
// no page can be read, every stream of the file is read the same way
// without fonts. Text in form XObjects and in images is not read.
var streamRE = regexp.MustCompile(`(?s)<<(.*?)>>\s*stream\r?\n`)

const maxInflate = 16 << 20

func pdfText(data []byte) string {
	var out strings.Builder
	contents, fonts := pdfPages(data)
	for i, body := range contents {
		contentText(&out, body, fonts[i])
		if out.Len() > MaxText {
			return out.String()
		}
	}
	if strings.TrimSpace(out.String()) != "" {
		return out.String()
	}
	out.Reset()
	for _, m := range streamRE.FindAllSubmatchIndex(data, -1) {
		dict := data[m[2]:m[3]]
		start := m[1]
		end := bytes.Index(data[start:], []byte("endstream"))
		if end < 0 {
			break
		}
		body := data[start : start+end]
		if bytes.Contains(dict, []byte("/Subtype/Image")) || bytes.Contains(dict, []byte("/Subtype /Image")) {
			continue
		}
		if bytes.Contains(dict, []byte("/FlateDecode")) {
			zr, err := zlib.NewReader(bytes.NewReader(body))
			if err != nil {
				continue
			}
			inflated, _ := io.ReadAll(io.LimitReader(zr, maxInflate))
			zr.Close()
			body = inflated
		} else if bytes.Contains(dict, []byte("/Filter")) {
			continue // other filters (DCT images, LZW …) hold no text we read
		}
		contentText(&out, body, nil)
		if out.Len() > MaxText {
			break
		}
	}
	return out.String()
}

// contentText appends the text shown in one content stream, mapping the
// strings of fonts with a ToUnicode CMap through it.
func contentText(out *strings.Builder, s []byte, fonts pageFonts) {
	var pending [][]byte // strings read since the last operator
	var font *toUnicode  // the current font's CMap (Tf), if it has one
	name := ""           // the last name operand
	inText := false
	show := func(b []byte) string {
		if font != nil {
			return font.decode(b)
		}
		return decodePDFString(b)
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '(':
			str, n := literalBytes(s[i:])
			pending = append(pending, str)
			i += n
		case c == '<' && i+1 < len(s) && s[i+1] != '<':
			j := bytes.IndexByte(s[i:], '>')
			if j < 0 {
				return
			}
			pending = append(pending, hexBytes(s[i+1:i+j]))
			i += j + 1
		case c == '/':
			j := i + 1
			for j < len(s) && isRegular(s[j]) {
				j++
			}
			name = string(s[i+1 : j])
			i = j
		case c == '%':
			for i < len(s) && s[i] != '\n' && s[i] != '\r' {
				i++
			}
		case isRegular(c):
			j := i
			for j < len(s) && isRegular(s[j]) {
				j++
			}
			op := string(s[i:j])
			i = j
			switch op {
			case "BT":
				inText = true
				newline(out)
			case "ET":
				inText = false
			case "Tf":
				font = fonts[name]
			case "Tj", "TJ", "'", "\"":
				if inText {
					if op == "'" || op == "\"" {
						newline(out)
					}
					for _, p := range pending {
						out.WriteString(show(p))
					}
				}
			case "T*", "Td", "TD":
				if inText {
					newline(out)
				}
			}
			if op != "" && !isNumber(op) {
				pending = pending[:0]
			}
		default:
			i++
		}
	}
}

func newline(out *strings.Builder) {
	if out.Len() > 0 && !strings.HasSuffix(out.String(), "\n") {
		out.WriteByte('\n')
	}
}

func isRegular(c byte) bool {
	return !strings.ContainsRune(" \t\r\n\f\x00()<>[]{}/%", rune(c))
}

func isNumber(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) && r != '.' && r != '-' && r != '+' {
			return false
		}
	}
	return true
}

// literalBytes reads a (…) string at the start of s, returning its bytes
// and the bytes consumed.
func literalBytes(s []byte) ([]byte, int) {
	var b []byte
	depth := 0
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			switch e := s[i]; e {
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'b', 'f':
			case '\r', '\n':
			default:
				if e >= '0' && e <= '7' {
					v := 0
					for k := 0; k < 3 && i < len(s) && s[i] >= '0' && s[i] <= '7'; k++ {
						v = v*8 + int(s[i]-'0')
						i++
					}
					i--
					b = append(b, byte(v))
				} else {
					b = append(b, e)
				}
			}
		case c == '(':
			if depth > 0 {
				b = append(b, c)
			}
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return b, i + 1
			}
			b = append(b, c)
		default:
			b = append(b, c)
		}
	}
	return b, i
}

func hexBytes(h []byte) []byte {
	var b []byte
	var hi int = -1
	for _, c := range h {
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'a' && c <= 'f':
			v = int(c-'a') + 10
		case c >= 'A' && c <= 'F':
			v = int(c-'A') + 10
		default:
			continue
		}
		if hi < 0 {
			hi = v
		} else {
			b = append(b, byte(hi<<4|v))
			hi = -1
		}
	}
	if hi >= 0 {
		b = append(b, byte(hi<<4))
	}
	return b
}

// decodePDFString reads UTF-16BE with a byte order mark, else Latin-1;
// control characters other than white space are dropped (glyph ids of CID
// fonts read as bytes are mostly such noise).
func decodePDFString(b []byte) string {
	var rs []rune
	if len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF {
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
		rs = utf16.Decode(u)
	} else {
		for _, c := range b {
			rs = append(rs, rune(c))
		}
	}
	var out strings.Builder
	for _, r := range rs {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			continue
		}
		out.WriteRune(r)
	}
	return out.String()
}
