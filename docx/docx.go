// Package docx writes minimal WordprocessingML (.docx) documents: a title,
// headings and paragraphs in the layout of a Chinese official document
// (公文), enough for Word, WPS and LibreOffice to open and edit the text of a
// draft or a decision. It uses only archive/zip and encoding/xml.
package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"time"
)

// Style is how a paragraph is set.
type Style int

// Paragraph styles. Title is the document's title (centred, large);
// Subtitle a centred line under it such as the 文号; Heading1..3 the
// 编/章/节 headings; Body an indented text paragraph; Right a right-aligned
// line such as the date at the end.
const (
	Body Style = iota
	Title
	Subtitle
	Heading1
	Heading2
	Heading3
	Right
)

var styleIDs = map[Style]string{Title: "Title", Subtitle: "Subtitle", Heading1: "Heading1", Heading2: "Heading2", Heading3: "Heading3", Right: "Right"}

// Paragraph is one paragraph of text in a style.
type Paragraph struct {
	Style Style
	Text  string
}

// Document is what Write writes.
type Document struct {
	Title      string // the core property dc:title
	Language   string // e.g. "zh-CN"
	Created    time.Time
	Paragraphs []Paragraph
}

// Write writes d as a .docx file.
func Write(w io.Writer, d Document) error {
	if d.Language == "" {
		d.Language = "zh-CN"
	}
	z := zip.NewWriter(w)
	files := []struct {
		name string
		body []byte
	}{
		{"[Content_Types].xml", []byte(contentTypes)},
		{"_rels/.rels", []byte(rootRels)},
		{"docProps/core.xml", coreXML(d)},
		{"word/_rels/document.xml.rels", []byte(documentRels)},
		{"word/styles.xml", []byte(stylesXML(d.Language))},
		{"word/document.xml", documentXML(d)},
	}
	for _, f := range files {
		fw, err := z.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: d.Created})
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.body); err != nil {
			return err
		}
	}
	return z.Close()
}

func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func documentXML(d Document) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	for _, p := range d.Paragraphs {
		b.WriteString("<w:p>")
		if id, ok := styleIDs[p.Style]; ok {
			b.WriteString(`<w:pPr><w:pStyle w:val="` + id + `"/></w:pPr>`)
		}
		b.WriteString(`<w:r><w:t xml:space="preserve">`)
		b.WriteString(esc(p.Text))
		b.WriteString("</w:t></w:r></w:p>")
	}
	// A4 with the margins of GB/T 9704 (公文格式): 37 mm top, 28 mm left.
	b.WriteString(`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>`)
	b.WriteString("</w:body></w:document>")
	return b.Bytes()
}

func coreXML(d Document) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	b.WriteString("<dc:title>" + esc(d.Title) + "</dc:title>")
	b.WriteString("<dc:language>" + esc(d.Language) + "</dc:language>")
	if !d.Created.IsZero() {
		b.WriteString(`<dcterms:created xsi:type="dcterms:W3CDTF">` + d.Created.UTC().Format(time.RFC3339) + `</dcterms:created>`)
	}
	b.WriteString("</cp:coreProperties>")
	return b.Bytes()
}

const contentTypes = xml.Header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`</Types>`

const rootRels = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`</Relationships>`

const documentRels = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`</Relationships>`

// stylesXML sets the body in 3号仿宋 (16 pt FangSong) with a two-character
// first-line indent, the title in 2号 (22 pt) centred, headings in 黑体.
func stylesXML(lang string) string {
	style := func(id, name, font string, size int, jc string, bold bool, indent bool) string {
		s := `<w:style w:type="paragraph" w:styleId="` + id + `"><w:name w:val="` + name + `"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr>`
		if jc != "" {
			s += `<w:jc w:val="` + jc + `"/>`
		}
		if !indent {
			s += `<w:ind w:firstLineChars="0" w:firstLine="0"/>`
		}
		s += `<w:spacing w:before="120" w:after="120"/></w:pPr><w:rPr><w:rFonts w:ascii="` + font + `" w:hAnsi="` + font + `" w:eastAsia="` + font + `"/>`
		if bold {
			s += `<w:b/>`
		}
		s += `<w:sz w:val="` + strconv.Itoa(size*2) + `"/><w:szCs w:val="` + strconv.Itoa(size*2) + `"/></w:rPr></w:style>`
		return s
	}
	return xml.Header + `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
		`<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="FangSong" w:hAnsi="FangSong" w:eastAsia="FangSong"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="` + esc(lang) + `" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>` +
		`<w:pPrDefault><w:pPr><w:spacing w:line="560" w:lineRule="exact"/></w:pPr></w:pPrDefault></w:docDefaults>` +
		`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/><w:jc w:val="both"/></w:pPr></w:style>` +
		style("Title", "Title", "SimSun", 22, "center", true, false) +
		style("Subtitle", "Subtitle", "FangSong", 16, "center", false, false) +
		style("Heading1", "heading 1", "SimHei", 16, "center", false, false) +
		style("Heading2", "heading 2", "SimHei", 16, "center", false, false) +
		style("Heading3", "heading 3", "KaiTi", 16, "center", false, false) +
		style("Right", "Closing", "FangSong", 16, "right", false, false) +
		`</w:styles>`
}
