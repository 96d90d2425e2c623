package attachment

import (
	"bytes"
	"strings"
	"unicode/utf16"
)

// ToUnicode CMaps: a font in a PDF made by Word or WPS "save as PDF" from
// Chinese text is a Type0 (CID) font whose strings are glyph ids, two bytes
// each (Identity-H); only the font's /ToUnicode stream says which
// characters they are. toUnicode reads its codespace ranges and its
// beginbfchar / beginbfrange sections (PDF 32000-1 §9.10.3).

type cmapRange struct {
	lo, hi uint32
	n      int      // code length in bytes
	base   []uint16 // UTF-16 of lo; later codes add to the last unit
	list   [][]uint16
}

type toUnicode struct {
	lengths []int // code lengths of the codespace ranges, ascending
	space   []cmapRange
	chars   map[uint64]string // (length<<32 | code) → text
	ranges  []cmapRange
}

// maxCMapEntries bounds what one CMap may define.
const maxCMapEntries = 1 << 16

func parseToUnicode(b []byte) *toUnicode {
	m := &toUnicode{chars: map[uint64]string{}}
	p := &pdfParser{s: b}
	var operands []any
	section := ""
	seen := map[int]bool{}
	for p.i < len(p.s) {
		p.space()
		if p.i >= len(p.s) {
			break
		}
		c := p.s[p.i]
		if c == '<' || c == '[' || c == '(' || c == '/' || (c >= '0' && c <= '9') {
			before := p.i
			operands = append(operands, p.value(0))
			if p.i == before {
				p.i++
			}
			if section != "" {
				m.entry(section, &operands)
			}
			continue
		}
		j := p.i
		for j < len(p.s) && isRegular(p.s[j]) {
			j++
		}
		if j == p.i {
			p.i++
			continue
		}
		op := string(p.s[p.i:j])
		p.i = j
		switch op {
		case "begincodespacerange", "beginbfchar", "beginbfrange":
			section = op
		case "endcodespacerange", "endbfchar", "endbfrange":
			section = ""
		}
		operands = operands[:0]
	}
	for _, r := range m.space {
		if !seen[r.n] {
			seen[r.n] = true
			m.lengths = append(m.lengths, r.n)
		}
	}
	if len(m.lengths) == 0 {
		m.lengths = []int{2}
	}
	for i := 1; i < len(m.lengths); i++ { // insertion sort: a handful at most
		for k := i; k > 0 && m.lengths[k] < m.lengths[k-1]; k-- {
			m.lengths[k], m.lengths[k-1] = m.lengths[k-1], m.lengths[k]
		}
	}
	return m
}

// entry takes a complete entry of the section from operands.
func (m *toUnicode) entry(section string, operands *[]any) {
	ops := *operands
	if len(m.chars)+len(m.ranges)+len(m.space) > maxCMapEntries {
		*operands = ops[:0]
		return
	}
	switch section {
	case "begincodespacerange":
		if len(ops) < 2 {
			return
		}
		lo, ok1 := ops[0].([]byte)
		hi, ok2 := ops[1].([]byte)
		if ok1 && ok2 && len(lo) == len(hi) && len(lo) >= 1 && len(lo) <= 4 {
			m.space = append(m.space, cmapRange{lo: code(lo), hi: code(hi), n: len(lo)})
		}
	case "beginbfchar":
		if len(ops) < 2 {
			return
		}
		src, ok1 := ops[0].([]byte)
		dst, ok2 := ops[1].([]byte)
		if ok1 && ok2 && len(src) >= 1 && len(src) <= 4 {
			m.chars[uint64(len(src))<<32|uint64(code(src))] = string(utf16.Decode(units(dst)))
		}
	case "beginbfrange":
		if len(ops) < 3 {
			return
		}
		lo, ok1 := ops[0].([]byte)
		hi, ok2 := ops[1].([]byte)
		if ok1 && ok2 && len(lo) == len(hi) && len(lo) >= 1 && len(lo) <= 4 && code(lo) <= code(hi) {
			r := cmapRange{lo: code(lo), hi: code(hi), n: len(lo)}
			switch dst := ops[2].(type) {
			case []byte:
				r.base = units(dst)
			case pdfArray:
				for _, x := range dst {
					b, _ := x.([]byte)
					r.list = append(r.list, units(b))
				}
			}
			if len(r.base) > 0 || len(r.list) > 0 {
				m.ranges = append(m.ranges, r)
			}
		}
	}
	*operands = ops[:0]
}

func code(b []byte) uint32 {
	var v uint32
	for _, c := range b {
		v = v<<8 | uint32(c)
	}
	return v
}

func units(b []byte) []uint16 {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
	}
	return u
}

// lookup maps one code of length n.
func (m *toUnicode) lookup(c uint32, n int) (string, bool) {
	if s, ok := m.chars[uint64(n)<<32|uint64(c)]; ok {
		return s, true
	}
	for _, r := range m.ranges {
		if r.n != n || c < r.lo || c > r.hi {
			continue
		}
		off := c - r.lo
		if r.list != nil {
			if int(off) < len(r.list) {
				return string(utf16.Decode(r.list[off])), true
			}
			return "", false
		}
		u := append([]uint16(nil), r.base...)
		u[len(u)-1] += uint16(off)
		return string(utf16.Decode(u)), true
	}
	return "", false
}

// inSpace reports whether the n bytes at b are a code of a codespace range.
func (m *toUnicode) inSpace(b []byte, n int) bool {
	if len(m.space) == 0 {
		return n == m.lengths[0]
	}
	c := code(b[:n])
	for _, r := range m.space {
		if r.n == n && c >= r.lo && c <= r.hi {
			return true
		}
	}
	return false
}

// decode maps a shown string's bytes to text; codes without a mapping are
// dropped.
func (m *toUnicode) decode(b []byte) string {
	var out strings.Builder
	for i := 0; i < len(b); {
		n := 0
		for _, l := range m.lengths {
			if i+l <= len(b) && m.inSpace(b[i:], l) {
				n = l
				break
			}
		}
		if n == 0 {
			n = min(m.lengths[0], len(b)-i)
		}
		if s, ok := m.lookup(code(b[i:i+n]), n); ok {
			out.WriteString(s)
		}
		i += n
	}
	return out.String()
}

// pageFonts are the ToUnicode CMaps of a page's fonts by resource name
// (nil for a font without one).
type pageFonts map[string]*toUnicode

// pdfPages returns each page's content (its streams decoded and joined) and
// fonts, in no particular order; none when the file's objects cannot be
// read (pdfText then falls back to reading every stream).
func pdfPages(data []byte) ([][]byte, []pageFonts) {
	d := parsePDFObjects(data)
	cmaps := map[int]*toUnicode{}
	var contents [][]byte
	var fonts []pageFonts
	for _, o := range d.objects {
		dict, ok := o.value.(pdfDict)
		if !ok || dict["Type"] != pdfName("Page") {
			continue
		}
		var body bytes.Buffer
		refs := d.resolve(dict["Contents"])
		var list pdfArray
		switch v := dict["Contents"].(type) {
		case pdfRef:
			if a, ok := refs.(pdfArray); ok {
				list = a
			} else {
				list = pdfArray{v}
			}
		case pdfArray:
			list = v
		}
		for _, r := range list {
			ref, ok := r.(pdfRef)
			if !ok || d.objects[int(ref)] == nil {
				continue
			}
			if b, ok := d.decode(d.objects[int(ref)]); ok {
				body.Write(b)
				body.WriteByte('\n')
			}
		}
		contents = append(contents, body.Bytes())
		fonts = append(fonts, d.fontsOf(dict, cmaps))
	}
	return contents, fonts
}

// fontsOf reads the fonts of a page's resources (inherited from its
// parents when it has none).
func (d *pdfDoc) fontsOf(page pdfDict, cmaps map[int]*toUnicode) pageFonts {
	out := pageFonts{}
	node := page
	for range 16 {
		if res, ok := d.resolve(node["Resources"]).(pdfDict); ok {
			if fs, ok := d.resolve(res["Font"]).(pdfDict); ok {
				for name, f := range fs {
					font, _ := d.resolve(f).(pdfDict)
					ref, ok := font["ToUnicode"].(pdfRef)
					if !ok {
						out[name] = nil
						continue
					}
					m, done := cmaps[int(ref)]
					if !done {
						if o := d.objects[int(ref)]; o != nil {
							if b, ok := d.decode(o); ok {
								m = parseToUnicode(b)
							}
						}
						cmaps[int(ref)] = m
					}
					out[name] = m
				}
			}
			return out
		}
		parent, ok := d.resolve(node["Parent"]).(pdfDict)
		if !ok {
			return out
		}
		node = parent
	}
	return out
}
