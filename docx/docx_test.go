package docx_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"

	"yugongkai/docx"
)

// readZip opens b as a zip and returns its files' contents by name.
func readZip(t *testing.T, b []byte) map[string]string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	out := map[string]string{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = string(data)
	}
	return out
}

func TestWrite(t *testing.T) {
	d := docx.Document{Title: "某县养犬管理办法 <&>", Created: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Paragraphs: []docx.Paragraph{
		{Style: docx.Title, Text: "某县养犬管理办法"},
		{Style: docx.Subtitle, Text: "某政发〔2026〕12号"},
		{Style: docx.Heading1, Text: "第一章　总则"},
		{Text: "第一条　为了规范养犬行为，<制定>本办法 & 细则。"},
		{Style: docx.Right, Text: "2026年12月1日"},
	}}
	var buf bytes.Buffer
	if err := docx.Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	files := readZip(t, buf.Bytes())
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "word/_rels/document.xml.rels", "docProps/core.xml"} {
		body, ok := files[name]
		if !ok {
			t.Errorf("no %s in the package", name)
			continue
		}
		if err := xml.Unmarshal([]byte(body), new(any)); err != nil {
			t.Errorf("%s is not well-formed XML: %v", name, err)
		}
	}
	// The paragraphs come back in order, with their styles, text unescaped.
	var doc struct {
		Body struct {
			P []struct {
				Style struct {
					Val string `xml:"val,attr"`
				} `xml:"pPr>pStyle"`
				T string `xml:"r>t"`
			} `xml:"p"`
		} `xml:"body"`
	}
	if err := xml.Unmarshal([]byte(files["word/document.xml"]), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Body.P) != len(d.Paragraphs) {
		t.Fatalf("%d paragraphs, want %d", len(doc.Body.P), len(d.Paragraphs))
	}
	wantStyles := []string{"Title", "Subtitle", "Heading1", "", "Right"}
	for i, p := range doc.Body.P {
		if p.T != d.Paragraphs[i].Text || p.Style.Val != wantStyles[i] {
			t.Errorf("paragraph %d = %q (%q), want %q (%q)", i, p.T, p.Style.Val, d.Paragraphs[i].Text, wantStyles[i])
		}
	}
	if !strings.Contains(files["docProps/core.xml"], "某县养犬管理办法 &lt;&amp;&gt;") {
		t.Errorf("core title not escaped: %s", files["docProps/core.xml"])
	}
	if !strings.Contains(files["[Content_Types].xml"], "wordprocessingml.document.main+xml") {
		t.Error("content types lack the main document")
	}
}
