package attachment

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strconv"
)

// A minimal reader of PDF objects, enough to find each page's content
// streams and fonts, and each font's ToUnicode CMap (pdfcmap.go): objects
// are found by scanning for "n g obj" (no xref table is trusted, so a
// damaged file still yields what can be read) and inside object streams
// (/Type /ObjStm, PDF 1.5, which Word and WPS write).

// pdfValue is a parsed PDF object: pdfDict, pdfArray, pdfName, pdfRef,
// float64, []byte (a string), bool or nil.
type (
	pdfDict  map[string]any
	pdfArray []any
	pdfName  string
	pdfRef   int
)

// pdfObject is an indirect object: its value and, for a stream, its raw
// (still encoded) data.
type pdfObject struct {
	value  any
	stream []byte
}

type pdfDoc struct {
	objects map[int]*pdfObject
}

var objRE = regexp.MustCompile(`(\d+)\s+(\d+)\s+obj\b`)

// maxObjects bounds the objects read from one file.
const maxObjects = 200000

func parsePDFObjects(data []byte) *pdfDoc {
	d := &pdfDoc{objects: map[int]*pdfObject{}}
	matches := objRE.FindAllSubmatchIndex(data, maxObjects)
	for k, m := range matches {
		num, err := strconv.Atoi(string(data[m[2]:m[3]]))
		if err != nil {
			continue
		}
		// An object is read up to where the next begins, so a damaged
		// file's unterminated values cost no more than its length.
		end := len(data)
		if k+1 < len(matches) {
			end = matches[k+1][0]
		}
		full := data
		data := data[:end]
		p := &pdfParser{s: data, i: m[1]}
		v := p.value(0)
		obj := &pdfObject{value: v}
		p.space()
		if bytes.HasPrefix(data[p.i:], []byte("stream")) {
			data := full // the stream's bytes may look like the start of an object
			start := p.i + len("stream")
			if start < len(data) && data[start] == '\r' {
				start++
			}
			if start < len(data) && data[start] == '\n' {
				start++
			}
			end := -1
			if dict, ok := v.(pdfDict); ok {
				if n, ok := dict["Length"].(float64); ok && n >= 0 && start+int(n) <= len(data) &&
					bytes.Contains(data[start+int(n):min(len(data), start+int(n)+32)], []byte("endstream")) {
					end = start + int(n)
				}
			}
			if end < 0 {
				if k := bytes.Index(data[start:], []byte("endstream")); k >= 0 {
					end = start + k
				}
			}
			if end >= 0 {
				obj.stream = data[start:end]
			}
		}
		d.objects[num] = obj
	}
	// Objects inside object streams.
	for _, o := range d.objects {
		dict, ok := o.value.(pdfDict)
		if !ok || dict["Type"] != pdfName("ObjStm") || o.stream == nil {
			continue
		}
		body, ok := d.decode(o)
		if !ok {
			continue
		}
		n, _ := dict["N"].(float64)
		first, _ := dict["First"].(float64)
		if n <= 0 || first <= 0 || int(first) > len(body) {
			continue
		}
		hp := &pdfParser{s: body[:int(first)]}
		for k := 0; k < int(n) && k < maxObjects; k++ {
			num, ok1 := hp.value(0).(float64)
			off, ok2 := hp.value(0).(float64)
			if !ok1 || !ok2 || int(first)+int(off) >= len(body) {
				break
			}
			if _, exists := d.objects[int(num)]; exists {
				continue
			}
			p := &pdfParser{s: body, i: int(first) + int(off)}
			d.objects[int(num)] = &pdfObject{value: p.value(0)}
		}
	}
	return d
}

// resolve follows a reference (a few levels at most).
func (d *pdfDoc) resolve(v any) any {
	for range 8 {
		r, ok := v.(pdfRef)
		if !ok {
			return v
		}
		o := d.objects[int(r)]
		if o == nil {
			return nil
		}
		v = o.value
	}
	return nil
}

// decode returns a stream's data, inflated when it is FlateDecode; false
// for other filters.
func (d *pdfDoc) decode(o *pdfObject) ([]byte, bool) {
	dict, _ := o.value.(pdfDict)
	filter := d.resolve(dict["Filter"])
	if a, ok := filter.(pdfArray); ok && len(a) == 1 {
		filter = d.resolve(a[0])
	}
	switch filter {
	case nil:
		return o.stream, true
	case pdfName("FlateDecode"):
		zr, err := zlib.NewReader(bytes.NewReader(o.stream))
		if err != nil {
			return nil, false
		}
		defer zr.Close()
		b, _ := io.ReadAll(io.LimitReader(zr, maxInflate))
		return b, len(b) > 0
	}
	return nil, false
}

// pdfParser reads PDF values from s at i.
type pdfParser struct {
	s []byte
	i int
}

func (p *pdfParser) space() {
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '%':
			for p.i < len(p.s) && p.s[p.i] != '\n' && p.s[p.i] != '\r' {
				p.i++
			}
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == 0:
			p.i++
		default:
			return
		}
	}
}

// clamp keeps the position within s (a truncated file ends a value early).
func (p *pdfParser) clamp() {
	if p.i > len(p.s) {
		p.i = len(p.s)
	}
}

// value reads one value; depth bounds nesting.
func (p *pdfParser) value(depth int) any {
	defer p.clamp()
	p.space()
	if p.i >= len(p.s) || depth > 32 {
		return nil
	}
	c := p.s[p.i]
	switch {
	case c == '<' && p.i+1 < len(p.s) && p.s[p.i+1] == '<':
		p.i += 2
		d := pdfDict{}
		for {
			p.space()
			if p.i >= len(p.s) {
				return d
			}
			if p.s[p.i] == '>' {
				p.i += 2
				return d
			}
			k, ok := p.value(depth + 1).(pdfName)
			if !ok {
				p.i++
				p.clamp()
				continue
			}
			d[string(k)] = p.value(depth + 1)
		}
	case c == '[':
		p.i++
		var a pdfArray
		for {
			p.space()
			if p.i >= len(p.s) {
				return a
			}
			if p.s[p.i] == ']' {
				p.i++
				return a
			}
			before := p.i
			a = append(a, p.value(depth+1))
			if p.i == before {
				p.i++
			}
		}
	case c == '(':
		raw, n := literalBytes(p.s[p.i:])
		p.i += n
		return raw
	case c == '<':
		j := bytes.IndexByte(p.s[p.i:], '>')
		if j < 0 {
			p.i = len(p.s)
			return nil
		}
		b := hexBytes(p.s[p.i+1 : p.i+j])
		p.i += j + 1
		return b
	case c == '/':
		j := p.i + 1
		for j < len(p.s) && isRegular(p.s[j]) {
			j++
		}
		name := pdfName(p.s[p.i+1 : j])
		p.i = j
		return name
	}
	j := p.i
	for j < len(p.s) && isRegular(p.s[j]) {
		j++
	}
	tok := string(p.s[p.i:j])
	if j == p.i {
		p.i++
		return nil
	}
	p.i = j
	switch tok {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	n, err := strconv.ParseFloat(tok, 64)
	if err != nil {
		return nil // a keyword (obj, endobj, stream …)
	}
	// "n g R" is a reference.
	save := p.i
	p.space()
	k := p.i
	for k < len(p.s) && p.s[k] >= '0' && p.s[k] <= '9' {
		k++
	}
	if k > p.i {
		q := k
		for q < len(p.s) && (p.s[q] == ' ' || p.s[q] == '\n' || p.s[q] == '\r' || p.s[q] == '\t') {
			q++
		}
		if q < len(p.s) && p.s[q] == 'R' && (q+1 == len(p.s) || !isRegular(p.s[q+1])) {
			p.i = q + 1
			return pdfRef(int(n))
		}
	}
	p.i = save
	return n
}
