package attachment

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
)

// Content types of the main part of the OOXML documents accepted. Macro-
// enabled and template variants have other content types and are refused.
const (
	docxMain = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	xlsxMain = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
)

// Sniff returns the kind of data from its content: the PDF header, the PNG,
// JPEG, GIF and WebP signatures, and for a zip the OOXML package's
// [Content_Types].xml, whose main part (present in the zip) tells a .docx
// from a .xlsx. Anything else is not recognised.
func Sniff(data []byte) (Kind, bool) {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return PDF, bytes.Contains(tail(data, 2048), []byte("%%EOF"))
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return PNG, true
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return JPEG, true
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return GIF, true
	case len(data) >= 12 && bytes.Equal(data[:4], []byte("RIFF")) && bytes.Equal(data[8:12], []byte("WEBP")):
		return WebP, true
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return sniffOOXML(data)
	}
	return "", false
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

type contentTypes struct {
	Overrides []struct {
		PartName    string `xml:"PartName,attr"`
		ContentType string `xml:"ContentType,attr"`
	} `xml:"Override"`
}

// sniffOOXML tells a .docx from a .xlsx by the content type of its main part.
func sniffOOXML(data []byte) (Kind, bool) {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", false
	}
	parts := map[string]*zip.File{}
	for _, f := range z.File {
		parts["/"+f.Name] = f
	}
	ct, ok := parts["/[Content_Types].xml"]
	if !ok {
		return "", false
	}
	r, err := ct.Open()
	if err != nil {
		return "", false
	}
	defer r.Close()
	var types contentTypes
	if err := xml.NewDecoder(io.LimitReader(r, 1<<20)).Decode(&types); err != nil {
		return "", false
	}
	found := Kind("")
	for _, o := range types.Overrides {
		var k Kind
		switch o.ContentType {
		case docxMain:
			k = DOCX
		case xlsxMain:
			k = XLSX
		default:
			continue
		}
		if _, present := parts[o.PartName]; !present || (found != "" && found != k) {
			return "", false
		}
		found = k
	}
	return found, found != ""
}
