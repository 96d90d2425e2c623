// Package attachmenttest makes small real files of every accepted kind for
// tests: a PDF with a FlateDecode content stream, a .docx and a .xlsx
// written by the project's own writers, and tiny images.
package attachmenttest

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"time"

	"yugongkai/docx"
	"yugongkai/spreadsheet"
)

// PDF returns a one-page PDF whose content stream (FlateDecode) shows each
// line with Tj. Lines must be ASCII (the extractor reads Latin-1).
func PDF(lines ...string) []byte {
	var content bytes.Buffer
	content.WriteString("BT /F1 12 Tf 72 720 Td\n")
	for i, l := range lines {
		if i > 0 {
			content.WriteString("0 -14 Td\n")
		}
		fmt.Fprintf(&content, "(%s) Tj\n", escape(l))
	}
	content.WriteString("ET\n")
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(content.Bytes())
	zw.Close()

	var b bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>")
	offsets = append(offsets, b.Len())
	fmt.Fprintf(&b, "4 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n", z.Len())
	b.Write(z.Bytes())
	b.WriteString("\nendstream\nendobj\n")
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}

func escape(s string) string {
	var b bytes.Buffer
	for _, c := range []byte(s) {
		if c == '(' || c == ')' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// DOCX returns a .docx with one paragraph per line.
func DOCX(lines ...string) []byte {
	d := docx.Document{Title: "附件", Language: "zh-CN", Created: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	for _, l := range lines {
		d.Paragraphs = append(d.Paragraphs, docx.Paragraph{Text: l})
	}
	var b bytes.Buffer
	if err := docx.Write(&b, d); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// XLSX returns a one-sheet .xlsx.
func XLSX(rows ...[]string) []byte {
	var b bytes.Buffer
	if err := spreadsheet.Write(&b, "Sheet1", rows); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func picture() image.Image {
	m := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.White, color.Black})
	m.SetColorIndex(1, 1, 1)
	return m
}

// PNG returns a 4×4 PNG.
func PNG() []byte {
	var b bytes.Buffer
	png.Encode(&b, picture())
	return b.Bytes()
}

// JPEG returns a 4×4 JPEG.
func JPEG() []byte {
	var b bytes.Buffer
	jpeg.Encode(&b, picture(), nil)
	return b.Bytes()
}

// GIF returns a 4×4 GIF.
func GIF() []byte {
	var b bytes.Buffer
	gif.Encode(&b, picture(), nil)
	return b.Bytes()
}

// WebP returns the header of a WebP file (enough for content sniffing).
func WebP() []byte {
	return append([]byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00"), make([]byte, 10)...)
}
