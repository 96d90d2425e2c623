// Package wordtext reads the text of a Word document (.docx, Office Open
// XML WordprocessingML), as departments keep their drafts, into the plain
// text the law-text parser reads: one line per paragraph, with the labels
// Word's automatic list numbering draws (第一条, 第二章, 一、…) written out,
// tables one row per line, deleted tracked changes left out.
//
// Only the standard library is used: a .docx is a zip of XML parts.
package wordtext

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
)

// MaxSize is the largest .docx accepted (bytes): a 300-article law with
// tables is well under 2 MB.
const MaxSize = 20 << 20

// maxDocumentXML bounds the uncompressed main part (a zip bomb guard).
const maxDocumentXML = 64 << 20

// Errors, each a different thing to tell the user.
var (
	ErrNotDocx   = errors.New("wordtext: not a .docx file")
	ErrOldFormat = errors.New("wordtext: a .doc (Word 97–2003) file")
	ErrEncrypted = errors.New("wordtext: the document is password-protected")
	ErrTooLarge  = errors.New("wordtext: the document is too large")
	ErrEmpty     = errors.New("wordtext: the document holds no text")
)

// cfbMagic starts an OLE compound file: an old .doc, or an encrypted
// .docx (Office wraps those in one).
var cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// encryptionInfo is the stream name (UTF-16LE) an encrypted package holds.
var encryptionInfo = []byte("E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o\x00")

// Text returns the text of the .docx in data.
func Text(data []byte) (string, error) {
	if len(data) > MaxSize {
		return "", ErrTooLarge
	}
	if bytes.HasPrefix(data, cfbMagic) {
		if bytes.Contains(data, encryptionInfo) {
			return "", ErrEncrypted
		}
		return "", ErrOldFormat
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", ErrNotDocx
	}
	var doc, num *zip.File
	for _, f := range zr.File {
		switch f.Name {
		case "word/document.xml":
			doc = f
		case "word/numbering.xml":
			num = f
		}
	}
	if doc == nil {
		return "", ErrNotDocx
	}
	numbering := map[string]*numDef{}
	if num != nil {
		b, err := readPart(num)
		if err != nil {
			return "", err
		}
		if numbering, err = parseNumbering(b); err != nil {
			return "", ErrNotDocx
		}
	}
	b, err := readPart(doc)
	if err != nil {
		return "", err
	}
	text, err := documentText(b, numbering)
	if err != nil {
		return "", ErrNotDocx
	}
	if strings.TrimSpace(text) == "" {
		return "", ErrEmpty
	}
	return text, nil
}

func readPart(f *zip.File) ([]byte, error) {
	if f.UncompressedSize64 > maxDocumentXML {
		return nil, ErrTooLarge
	}
	rc, err := f.Open()
	if err != nil {
		return nil, ErrNotDocx
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxDocumentXML+1))
	if err != nil {
		return nil, ErrNotDocx
	}
	if len(b) > maxDocumentXML {
		return nil, ErrTooLarge
	}
	return b, nil
}

// WordprocessingML's main namespace; elements are matched by local name
// within it.
const wNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

// level is one level of a list definition.
type level struct {
	start   int
	format  string // numFmt: decimal, chineseCounting, …
	text    string // lvlText: "第%1条", "%1、", "（%1）"
	suffix  string // after the label: tab (default), space, nothing
}

// numDef is a numbering instance (w:num) resolved to its levels.
type numDef struct {
	levels map[int]*level
	// key groups instances whose counters run on together: Word continues
	// a list across instances of one abstract definition unless an
	// instance restarts it.
	key string
}

// parseNumbering reads numbering.xml into numbering instances by numId.
func parseNumbering(b []byte) (map[string]*numDef, error) {
	type xLvl struct {
		Ilvl    string `xml:"ilvl,attr"`
		Start   struct{ Val string `xml:"val,attr"` } `xml:"start"`
		NumFmt  struct{ Val string `xml:"val,attr"` } `xml:"numFmt"`
		LvlText struct{ Val string `xml:"val,attr"` } `xml:"lvlText"`
		Suff    struct{ Val string `xml:"val,attr"` } `xml:"suff"`
	}
	type xAbstract struct {
		ID     string `xml:"abstractNumId,attr"`
		Levels []xLvl `xml:"lvl"`
	}
	type xOverride struct {
		Ilvl  string `xml:"ilvl,attr"`
		Start struct {
			Val string `xml:"val,attr"`
		} `xml:"startOverride"`
		Lvl *xLvl `xml:"lvl"`
	}
	type xNum struct {
		ID       string `xml:"numId,attr"`
		Abstract struct {
			Val string `xml:"val,attr"`
		} `xml:"abstractNumId"`
		Overrides []xOverride `xml:"lvlOverride"`
	}
	var x struct {
		Abstracts []xAbstract `xml:"abstractNum"`
		Nums      []xNum      `xml:"num"`
	}
	if err := xml.Unmarshal(b, &x); err != nil {
		return nil, err
	}
	toLevel := func(l xLvl) *level {
		start, err := strconv.Atoi(l.Start.Val)
		if err != nil {
			start = 1
		}
		return &level{start: start, format: l.NumFmt.Val, text: l.LvlText.Val, suffix: l.Suff.Val}
	}
	abstracts := map[string]map[int]*level{}
	for _, a := range x.Abstracts {
		levels := map[int]*level{}
		for _, l := range a.Levels {
			if i, err := strconv.Atoi(l.Ilvl); err == nil {
				levels[i] = toLevel(l)
			}
		}
		abstracts[a.ID] = levels
	}
	out := map[string]*numDef{}
	for _, n := range x.Nums {
		d := &numDef{levels: map[int]*level{}, key: "a" + n.Abstract.Val}
		for i, l := range abstracts[n.Abstract.Val] {
			cp := *l
			d.levels[i] = &cp
		}
		for _, o := range n.Overrides {
			i, err := strconv.Atoi(o.Ilvl)
			if err != nil {
				continue
			}
			if o.Lvl != nil {
				d.levels[i] = toLevel(*o.Lvl)
			}
			if o.Start.Val != "" {
				if s, err := strconv.Atoi(o.Start.Val); err == nil && d.levels[i] != nil {
					d.levels[i].start = s
					d.key = "n" + n.ID // a restarted list counts on its own
				}
			}
		}
		out[n.ID] = d
	}
	return out, nil
}

// counters numbers list paragraphs as Word does.
type counters struct {
	defs  map[string]*numDef
	count map[string]map[int]int // by numDef key, then level
}

// label returns the drawn label of a paragraph in list numID at level ilvl.
func (c *counters) label(numID string, ilvl int) string {
	d := c.defs[numID]
	if d == nil || numID == "0" {
		return ""
	}
	lv := d.levels[ilvl]
	if lv == nil {
		return ""
	}
	cs := c.count[d.key]
	if cs == nil {
		cs = map[int]int{}
		c.count[d.key] = cs
	}
	if _, ok := cs[ilvl]; !ok {
		cs[ilvl] = lv.start - 1
	}
	cs[ilvl]++
	// A paragraph at a level restarts every deeper level.
	for deeper := range cs {
		if deeper > ilvl {
			delete(cs, deeper)
		}
	}
	if lv.format == "none" {
		return lv.text
	}
	if lv.format == "bullet" {
		return ""
	}
	out := lv.text
	for i := 0; i <= 8; i++ {
		ph := "%" + strconv.Itoa(i+1)
		if !strings.Contains(out, ph) {
			continue
		}
		n := cs[i]
		f := lv.format
		if i != ilvl {
			if l := d.levels[i]; l != nil {
				f = l.format
			}
			if _, ok := cs[i]; !ok {
				if l := d.levels[i]; l != nil {
					n = l.start
				}
			}
		}
		out = strings.ReplaceAll(out, ph, formatNumber(n, f))
	}
	switch lv.suffix {
	case "nothing":
	case "space":
		out += " "
	default: // a tab in Word; a full-width space is what the texts use
		out += "　"
	}
	return out
}

// formatNumber writes n in one of Word's number formats.
func formatNumber(n int, format string) string {
	switch format {
	case "chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographTraditional",
		"japaneseCounting", "taiwaneseCounting", "taiwaneseCountingThousand":
		if format == "chineseLegalSimplified" {
			return chineseNumeral(n, true)
		}
		return chineseNumeral(n, false)
	case "decimalFullWidth", "decimalFullWidth2":
		var b strings.Builder
		for _, r := range strconv.Itoa(n) {
			b.WriteRune(r - '0' + '０')
		}
		return b.String()
	case "decimalEnclosedCircle", "decimalEnclosedCircleChinese":
		if n >= 1 && n <= 20 {
			return string(rune('①' + n - 1))
		}
	case "lowerLetter":
		if n >= 1 && n <= 26 {
			return string(rune('a' + n - 1))
		}
	case "upperLetter":
		if n >= 1 && n <= 26 {
			return string(rune('A' + n - 1))
		}
	}
	return strconv.Itoa(n)
}

// chineseNumeral writes n (1–9999) as 一, 十一, 二十, 一百零五, …; legal
// uses the capital forms 壹贰叁.
func chineseNumeral(n int, legal bool) string {
	digits := []rune("零一二三四五六七八九")
	units := []string{"", "十", "百", "千"}
	if legal {
		digits = []rune("零壹贰叁肆伍陆柒捌玖")
		units = []string{"", "拾", "佰", "仟"}
	}
	if n <= 0 || n > 9999 {
		return strconv.Itoa(n)
	}
	var parts []string
	s := strconv.Itoa(n)
	zero := false
	for i, ch := range s {
		d := int(ch - '0')
		unit := units[len(s)-1-i]
		if d == 0 {
			zero = true
			continue
		}
		if zero {
			parts = append(parts, string(digits[0]))
			zero = false
		}
		// 十一, not 一十一, at the head of a number under twenty.
		if !(d == 1 && unit == units[1] && i == 0) {
			parts = append(parts, string(digits[d]))
		}
		parts = append(parts, unit)
	}
	return strings.Join(parts, "")
}

// documentText walks document.xml: paragraphs (with their list labels),
// tables row by row, line breaks and tabs; text of deletions, field codes
// and drawings' alternate content is left out.
func documentText(b []byte, numbering map[string]*numDef) (string, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	c := &counters{defs: numbering, count: map[string]map[int]int{}}
	var out strings.Builder
	var para strings.Builder
	var numID string
	ilvl := 0
	inText, skip := false, 0
	var cells []string // cells of the current table row
	tableDepth := 0
	inCell := 0
	endPara := func() {
		line := strings.TrimRight(para.String(), " \t")
		label := ""
		if numID != "" {
			label = c.label(numID, ilvl)
		}
		para.Reset()
		numID, ilvl = "", 0
		if tableDepth > 0 && inCell > 0 {
			cells[len(cells)-1] = strings.TrimSpace(strings.Join(nonEmpty(cells[len(cells)-1], label+line), "\n"))
			return
		}
		if label == "" && line == "" {
			out.WriteString("\n")
			return
		}
		out.WriteString(label + line + "\n")
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if skip > 0 {
				skip++
				continue
			}
			if t.Name.Space != wNS {
				// mc:Fallback repeats what mc:Choice drew.
				if t.Name.Local == "Fallback" {
					skip = 1
				}
				continue
			}
			switch t.Name.Local {
			case "del", "instrText", "delText":
				skip = 1
			case "t":
				inText = true
			case "tab":
				para.WriteString("\t")
			case "br", "cr":
				para.WriteString("\n")
			case "numId":
				numID = attr(t, "val")
			case "ilvl":
				ilvl, _ = strconv.Atoi(attr(t, "val"))
			case "tbl":
				tableDepth++
			case "tr":
				if tableDepth == 1 {
					cells = cells[:0]
				}
			case "tc":
				inCell++
				if tableDepth == 1 {
					cells = append(cells, "")
				}
			}
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			if t.Name.Space != wNS {
				continue
			}
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				endPara()
			case "tc":
				inCell--
			case "tr":
				if tableDepth == 1 {
					row := make([]string, len(cells))
					for i, cell := range cells {
						row[i] = strings.ReplaceAll(cell, "\n", " ")
					}
					out.WriteString(strings.Join(row, "　") + "\n")
				}
			case "tbl":
				tableDepth--
			}
		case xml.CharData:
			if inText && skip == 0 {
				para.Write(t)
			}
		}
	}
	return strings.TrimRight(out.String(), "\n") + "\n", nil
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
