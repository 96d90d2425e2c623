package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Errors of Text.
var (
	// ErrNotDocx: the file is not a Word 2007+ document (not a zip, or no
	// word/document.xml; an old binary .doc is also refused).
	ErrNotDocx = errors.New("docx: not a .docx file")
	// ErrEncrypted: the document is protected by a password (an OLE
	// compound file holding an EncryptedPackage stream).
	ErrEncrypted = errors.New("docx: the document is encrypted")
)

const wNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

// maxPart bounds the size of one unpacked part, against zip bombs.
const maxPart = 64 << 20

// Text returns the text of a .docx document, one line per paragraph, as a
// reader of the document sees it: labels that Word draws from automatic
// list numbering (numbering.xml, e.g. "第%1条" counted in Chinese) are put
// in front of their paragraph, each table row becomes one line with its
// cells separated by a full-width space, and tabs and line breaks inside a
// paragraph become spaces and new lines. Errors: ErrNotDocx, ErrEncrypted.
func Text(data []byte) (string, error) {
	if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}) {
		if bytes.Contains(data, utf16("EncryptedPackage")) || bytes.Contains(data, utf16("EncryptionInfo")) {
			return "", ErrEncrypted
		}
		return "", ErrNotDocx // a Word 97–2003 .doc
	}
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", ErrNotDocx
	}
	parts := map[string]*zip.File{}
	for _, f := range z.File {
		parts[f.Name] = f
	}
	doc, ok := parts["word/document.xml"]
	if !ok {
		return "", ErrNotDocx
	}
	num := &numbering{counters: map[string][]int{}, started: map[string]bool{}}
	if f, ok := parts["word/numbering.xml"]; ok {
		if err := readXML(f, &num.def); err != nil {
			return "", fmt.Errorf("%w: numbering.xml: %v", ErrNotDocx, err)
		}
	}
	var styles stylesPart
	if f, ok := parts["word/styles.xml"]; ok {
		if err := readXML(f, &styles); err != nil {
			return "", fmt.Errorf("%w: styles.xml: %v", ErrNotDocx, err)
		}
	}
	styleNum := map[string]*numPr{}
	for _, s := range styles.Styles {
		if s.PPr.NumPr != nil {
			styleNum[s.ID] = s.PPr.NumPr
		}
	}
	r, err := doc.Open()
	if err != nil {
		return "", ErrNotDocx
	}
	defer r.Close()
	return bodyText(io.LimitReader(r, maxPart), num, styleNum)
}

func utf16(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), 0)
	}
	return b
}

func readXML(f *zip.File, v any) error {
	r, err := f.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	return xml.NewDecoder(io.LimitReader(r, maxPart)).Decode(v)
}

// bodyText streams document.xml: paragraphs outside tables become lines,
// each table row one line.
func bodyText(r io.Reader, num *numbering, styleNum map[string]*numPr) (string, error) {
	dec := xml.NewDecoder(r)
	var (
		out        strings.Builder
		para       strings.Builder // the current paragraph's text
		pr         numPr           // the current paragraph's numbering
		hasNum     bool
		style      string
		cells      []string // the current table row's cells
		tableDepth int
		inPPr      bool
		inText     bool
	)
	endPara := func() string {
		text := para.String()
		para.Reset()
		p := pr
		if !hasNum {
			if s, ok := styleNum[style]; ok {
				p, hasNum = *s, true
			}
		}
		label := ""
		if hasNum && p.NumID.Val != "" && p.NumID.Val != "0" {
			label = num.next(p.NumID.Val, atoi(p.Ilvl.Val))
		}
		pr, hasNum, style = numPr{}, false, ""
		return label + text
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("%w: document.xml: %v", ErrNotDocx, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != wNS {
				continue
			}
			switch t.Name.Local {
			case "tbl":
				tableDepth++
			case "tr":
				cells = nil
			case "pPr":
				inPPr = true
			case "pStyle":
				if inPPr {
					style = attr(t, "val")
				}
			case "numPr":
				if inPPr {
					var p numPr
					if err := dec.DecodeElement(&p, &t); err != nil {
						return "", fmt.Errorf("%w: document.xml: %v", ErrNotDocx, err)
					}
					pr, hasNum = p, true
				}
			case "t":
				inText = true
			case "tab":
				if !inPPr {
					para.WriteString(" ")
				}
			case "br", "cr":
				if !inPPr {
					para.WriteString("\n")
				}
			}
		case xml.EndElement:
			if t.Name.Space != wNS {
				continue
			}
			switch t.Name.Local {
			case "pPr":
				inPPr = false
			case "t":
				inText = false
			case "p":
				line := endPara()
				if tableDepth > 0 {
					cells = appendCell(cells, line)
				} else {
					out.WriteString(line)
					out.WriteString("\n")
				}
			case "tc":
				// A cell's paragraphs were joined into its last entry.
			case "tr":
				if row := strings.Join(nonEmpty(cells), "\u3000"); row != "" {
					out.WriteString(row)
					out.WriteString("\n")
				}
				cells = nil
			case "tbl":
				tableDepth--
			}
		case xml.CharData:
			if inText {
				para.Write(t)
			}
		}
	}
	return out.String(), nil
}

// appendCell adds a paragraph of a table cell; the paragraphs of one cell
// are joined by a space (the row is one line).
func appendCell(cells []string, line string) []string {
	return append(cells, strings.TrimSpace(strings.ReplaceAll(line, "\n", " ")))
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

type valAttr struct {
	Val string `xml:"val,attr"`
}

type numPr struct {
	Ilvl  valAttr `xml:"ilvl"`
	NumID valAttr `xml:"numId"`
}

type stylesPart struct {
	Styles []struct {
		ID  string `xml:"styleId,attr"`
		PPr struct {
			NumPr *numPr `xml:"numPr"`
		} `xml:"pPr"`
	} `xml:"style"`
}

type numberingPart struct {
	Abstract []struct {
		ID     string  `xml:"abstractNumId,attr"`
		Levels []level `xml:"lvl"`
	} `xml:"abstractNum"`
	Nums []struct {
		ID       string  `xml:"numId,attr"`
		Abstract valAttr `xml:"abstractNumId"`
		Override []struct {
			Ilvl  string  `xml:"ilvl,attr"`
			Start valAttr `xml:"startOverride"`
		} `xml:"lvlOverride"`
	} `xml:"num"`
}

type level struct {
	Ilvl    string  `xml:"ilvl,attr"`
	Start   valAttr `xml:"start"`
	NumFmt  valAttr `xml:"numFmt"`
	LvlText valAttr `xml:"lvlText"`
}

// numbering counts Word's automatic list numbers. Counters belong to the
// abstract numbering, so lists that share one continue each other, as in
// Word; a level's counter restarts when a higher level advances.
type numbering struct {
	def      numberingPart
	counters map[string][]int // abstract id -> counter per level
	started  map[string]bool  // numId/ilvl with its start override applied
}

func (n *numbering) next(numID string, ilvl int) string {
	if ilvl < 0 || ilvl > 8 {
		return ""
	}
	abstractID := ""
	starts := map[int]int{}
	for _, x := range n.def.Nums {
		if x.ID == numID {
			abstractID = x.Abstract.Val
			for _, o := range x.Override {
				if o.Start.Val != "" {
					starts[atoi(o.Ilvl)] = atoi(o.Start.Val)
				}
			}
		}
	}
	var levels []level
	for _, a := range n.def.Abstract {
		if a.ID == abstractID {
			levels = a.Levels
		}
	}
	lvl := func(i int) (level, bool) {
		for _, l := range levels {
			if atoi(l.Ilvl) == i {
				return l, true
			}
		}
		return level{}, false
	}
	this, ok := lvl(ilvl)
	if !ok {
		return ""
	}
	start := func(i int) int {
		if s, ok := starts[i]; ok {
			return s
		}
		if l, ok := lvl(i); ok && l.Start.Val != "" {
			return atoi(l.Start.Val)
		}
		return 1
	}
	c := n.counters[abstractID]
	if c == nil {
		c = make([]int, 9)
		for i := range c {
			c[i] = start(i) - 1
		}
	}
	key := numID + "/" + strconv.Itoa(ilvl)
	if s, ok := starts[ilvl]; ok && !n.started[key] {
		n.started[key] = true
		c[ilvl] = s - 1
	}
	c[ilvl]++
	for i := ilvl + 1; i < len(c); i++ {
		c[i] = start(i) - 1
	}
	n.counters[abstractID] = c
	if this.NumFmt.Val == "bullet" || this.NumFmt.Val == "none" {
		return ""
	}
	text := this.LvlText.Val
	for i := 8; i >= 0; i-- {
		ph := "%" + strconv.Itoa(i+1)
		if !strings.Contains(text, ph) {
			continue
		}
		f := this.NumFmt.Val
		if l, ok := lvl(i); ok && i != ilvl {
			f = l.NumFmt.Val
		}
		text = strings.ReplaceAll(text, ph, formatNumber(c[i], f))
	}
	if strings.HasPrefix(text, "第") && (strings.HasSuffix(text, "条") || strings.HasSuffix(text, "章") || strings.HasSuffix(text, "节") || strings.HasSuffix(text, "编")) {
		return text + "\u3000" // an article or heading label is followed by a full-width space
	}
	return text
}

// formatNumber writes n in a Word number format.
func formatNumber(n int, format string) string {
	switch format {
	case "chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographTraditional", "taiwaneseCounting", "taiwaneseCountingThousand":
		if format == "ideographTraditional" {
			if n >= 1 && n <= 10 {
				return string([]rune("甲乙丙丁戊己庚辛壬癸")[n-1])
			}
		}
		return chineseNumber(n)
	case "decimalFullWidth", "decimalFullWidth2":
		var b strings.Builder
		for _, r := range strconv.Itoa(n) {
			b.WriteRune(r - '0' + '０')
		}
		return b.String()
	case "lowerLetter", "upperLetter":
		if n >= 1 && n <= 26 {
			base := 'a'
			if format == "upperLetter" {
				base = 'A'
			}
			return string(rune(base + rune(n-1)))
		}
	}
	return strconv.Itoa(n)
}

// chineseNumber writes 1..9999 in Chinese counting: 一, 十, 十二, 二十,
// 一百零五, 一百一十三.
func chineseNumber(n int) string {
	digits := []rune("零一二三四五六七八九")
	if n <= 0 || n >= 10000 {
		return strconv.Itoa(n)
	}
	if n < 10 {
		return string(digits[n])
	}
	if n < 20 {
		if n == 10 {
			return "十"
		}
		return "十" + string(digits[n-10])
	}
	units := []string{"", "十", "百", "千"}
	var parts []string
	zero := false
	for i, p := 3, 1000; i >= 0; i, p = i-1, p/10 {
		d := n / p % 10
		switch {
		case d == 0:
			if len(parts) > 0 {
				zero = true
			}
		default:
			if zero {
				parts = append(parts, "零")
				zero = false
			}
			parts = append(parts, string(digits[d])+units[i])
		}
	}
	return strings.Join(parts, "")
}
