package attachmenttest

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"sort"
	"strings"
)

// CIDPDF returns a one-page PDF shaped as Word's and WPS's "save as PDF"
// of Chinese text: a Type0 font (Identity-H, two-byte glyph ids that are
// not the characters' codes) with a FlateDecode ToUnicode CMap, each line
// shown as hex glyph strings with TJ (with a kerning number inside the
// array). The CMap maps the first half of the glyphs with one bfrange per
// run of consecutive ids (with an array destination for one of them) and
// the rest with bfchar. With objStm the page, the fonts and the CMap's
// dictionary are compressed in an object stream (PDF 1.5), as newer
// writers do.
func CIDPDF(objStm bool, lines ...string) []byte {
	// Glyph ids: every distinct rune, in order of first use, from 0x0101
	// and in steps of 3, so codes differ from the characters.
	gid := map[rune]uint16{}
	var order []rune
	for _, l := range lines {
		for _, r := range l {
			if _, ok := gid[r]; !ok {
				gid[r] = uint16(0x0101 + 3*len(order))
				order = append(order, r)
			}
		}
	}
	var content bytes.Buffer
	content.WriteString("BT\n/F2 10.5 Tf\n72 720 Td\n")
	for i, l := range lines {
		if i > 0 {
			content.WriteString("0 -14 Td\n")
		}
		rs := []rune(l)
		half := len(rs) / 2
		content.WriteString("[<")
		for _, r := range rs[:half] {
			fmt.Fprintf(&content, "%04X", gid[r])
		}
		content.WriteString("> -12 <")
		for _, r := range rs[half:] {
			fmt.Fprintf(&content, "%04X", gid[r])
		}
		content.WriteString(">] TJ\n")
	}
	content.WriteString("ET\n")

	var cmap strings.Builder
	cmap.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n")
	cmap.WriteString("1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	byGid := append([]rune(nil), order...)
	sort.Slice(byGid, func(i, j int) bool { return gid[byGid[i]] < gid[byGid[j]] })
	split := len(byGid) / 2
	fmt.Fprintf(&cmap, "%d beginbfrange\n", split)
	for i, r := range byGid[:split] {
		if i == 0 { // an array destination
			fmt.Fprintf(&cmap, "<%04X> <%04X> [<%s>]\n", gid[r], gid[r], utf16Hex(r))
			continue
		}
		fmt.Fprintf(&cmap, "<%04X> <%04X> <%s>\n", gid[r], gid[r], utf16Hex(r))
	}
	cmap.WriteString("endbfrange\n")
	fmt.Fprintf(&cmap, "%d beginbfchar\n", len(byGid)-split)
	for _, r := range byGid[split:] {
		fmt.Fprintf(&cmap, "<%04X> <%s>\n", gid[r], utf16Hex(r))
	}
	cmap.WriteString("endbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")

	deflate := func(b []byte) []byte {
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(b)
		zw.Close()
		return z.Bytes()
	}
	zc, zm := deflate(content.Bytes()), deflate([]byte(cmap.String()))

	// Objects: 1 catalog, 2 pages, 3 page, 4 content, 5 font F1 (a plain
	// one, unused), 6 Type0 font, 7 CIDFont, 8 ToUnicode, 9 object stream.
	dicts := map[int]string{
		1: "<< /Type /Catalog /Pages 2 0 R >>",
		2: "<< /Type /Pages /Kids [3 0 R] /Count 1 /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
		3: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [4 0 R] >>",
		5: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		6: "<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun /Encoding /Identity-H /DescendantFonts [7 0 R] /ToUnicode 8 0 R >>",
		7: "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
	}
	var b bytes.Buffer
	offsets := map[int]int{}
	b.WriteString("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
	stream := func(n int, dict string, data []byte) {
		offsets[n] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n<< %s /Length %d /Filter /FlateDecode >>\nstream\n", n, dict, len(data))
		b.Write(data)
		b.WriteString("\nendstream\nendobj\n")
	}
	if objStm {
		var head, body strings.Builder
		nums := []int{2, 3, 5, 6, 7}
		for _, n := range nums {
			fmt.Fprintf(&head, "%d %d ", n, body.Len())
			body.WriteString(dicts[n] + "\n")
		}
		all := head.String() + body.String()
		offsets[1] = b.Len()
		fmt.Fprintf(&b, "1 0 obj\n%s\nendobj\n", dicts[1])
		stream(9, fmt.Sprintf("/Type /ObjStm /N %d /First %d", len(nums), head.Len()), deflate([]byte(all)))
	} else {
		for _, n := range []int{1, 2, 3, 5, 6, 7} {
			offsets[n] = b.Len()
			fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, dicts[n])
		}
	}
	stream(4, "", zc)
	stream(8, "", zm)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 10\n0000000000 65535 f \n")
	for n := 1; n <= 9; n++ {
		fmt.Fprintf(&b, "%010d 00000 n \n", offsets[n])
	}
	fmt.Fprintf(&b, "trailer\n<< /Size 10 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

// utf16Hex is r in UTF-16BE hex (a surrogate pair beyond the BMP).
func utf16Hex(r rune) string {
	if r < 0x10000 {
		return fmt.Sprintf("%04X", r)
	}
	r -= 0x10000
	return fmt.Sprintf("%04X%04X", 0xD800+(r>>10), 0xDC00+(r&0x3FF))
}
