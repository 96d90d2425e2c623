package docx_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"

	"yugongkai/docx"
	"yugongkai/lawtext"
)

// build writes a .docx package from its parts' bodies.
func build(t *testing.T, parts map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for name, body := range parts {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const w = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

func document(body string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + w + `><w:body>` + body + `<w:sectPr/></w:body></w:document>`
}

func p(text string) string {
	return `<w:p><w:r><w:t xml:space="preserve">` + text + `</w:t></w:r></w:p>`
}

// numbered is a paragraph with Word's automatic numbering numID at ilvl.
func numbered(numID, ilvl, text string) string {
	return `<w:p><w:pPr><w:numPr><w:ilvl w:val="` + ilvl + `"/><w:numId w:val="` + numID + `"/></w:numPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr><w:r><w:t>` + text + `</w:t></w:r></w:p>`
}

// articleNumbering numbers level 0 as 第%1条 and level 1 as （%2） in
// Chinese counting: how drafting offices set up their templates.
const articleNumbering = `<?xml version="1.0" encoding="UTF-8"?><w:numbering ` + w + `>
<w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%1条"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="8"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum>
<w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="8"/></w:num>
</w:numbering>`

func TestTextAndParse(t *testing.T) {
	var body strings.Builder
	body.WriteString(p("某县养犬管理办法"))
	body.WriteString(p("第一章　　总　　则"))
	body.WriteString(numbered("3", "0", "为了规范养犬行为，制定本办法。"))
	body.WriteString(numbered("3", "0", "养犬人应当遵守下列规定："))
	body.WriteString(numbered("3", "1", "依法登记；"))
	body.WriteString(numbered("3", "1", "文明养犬。"))
	body.WriteString(numbered("4", "0", "（不计入编号的列表）"))
	body.WriteString(p("第二章 管理"))
	for i := 0; i < 10; i++ {
		body.WriteString(numbered("3", "0", "第"+string(rune('A'+i))+"项管理规定。"))
	}
	// A table inside an article: each row one line.
	body.WriteString(numbered("3", "0", "收费标准如下："))
	body.WriteString(`<w:tbl><w:tr><w:tc>` + p("犬只类别") + `</w:tc><w:tc>` + p("年费（元）") + `</w:tc></w:tr><w:tr><w:tc>` + p("小型犬") + `</w:tc><w:tc>` + p("100") + `</w:tc></w:tr></w:tbl>`)
	// Hand-typed labels with full-width and ideographic spaces.
	body.WriteString(p("　　第十四条　　本办法自公布之日起施行。"))
	data := build(t, map[string]string{"word/document.xml": document(body.String()), "word/numbering.xml": articleNumbering, "[Content_Types].xml": "<Types/>"})

	text, err := docx.Text(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"第一条\u3000为了规范养犬行为", "第二条\u3000养犬人应当遵守下列规定：\n（一）依法登记；\n（二）文明养犬。", "第十二条\u3000第J项管理规定。", "第十三条\u3000收费标准如下：\n犬只类别\u3000年费（元）\n小型犬\u3000100\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "•") {
		t.Errorf("a bullet became a label:\n%s", text)
	}
	doc, err := lawtext.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	arts := doc.Articles()
	if len(arts) != 14 {
		t.Fatalf("%d articles, want 14:\n%s", len(arts), text)
	}
	if got := arts[1].Paragraphs[0].Items; len(got) != 2 || got[1].Label != "（二）" {
		t.Errorf("第二条 items = %+v", got)
	}
	if a := arts[13]; a.Label != "第十四条" || a.Paragraphs[0].Text != "本办法自公布之日起施行。" {
		t.Errorf("hand-typed 第十四条 = %q %q", a.Label, a.Paragraphs[0].Text)
	}
	if h := doc.Headings(); len(h) != 2 || h[0].Title != "总则" {
		t.Errorf("headings = %+v", h)
	}
}

func TestTextNumberingFromStyle(t *testing.T) {
	styles := `<w:styles ` + w + `><w:style w:type="paragraph" w:styleId="Article"><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr></w:pPr></w:style></w:styles>`
	styled := func(text string) string {
		return `<w:p><w:pPr><w:pStyle w:val="Article"/></w:pPr><w:r><w:t>` + text + `</w:t></w:r></w:p>`
	}
	// A numbering restarted at 5 by lvlOverride continues from there.
	numbering := strings.Replace(articleNumbering, `<w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num>`,
		`<w:num w:numId="3"><w:abstractNumId w:val="7"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>`, 1)
	data := build(t, map[string]string{"word/document.xml": document(styled("甲。") + styled("乙。")), "word/numbering.xml": numbering, "word/styles.xml": styles})
	text, err := docx.Text(data)
	if err != nil {
		t.Fatal(err)
	}
	if text != "第五条\u3000甲。\n第六条\u3000乙。\n" {
		t.Errorf("text = %q", text)
	}
}

func TestTextRoundTrip(t *testing.T) {
	paras := []docx.Paragraph{{Style: docx.Title, Text: "某县养犬管理办法"}, {Style: docx.Heading2, Text: "第一章　总则"}, {Text: "第一条　为了规范养犬行为，<制定>本办法。"}}
	var buf bytes.Buffer
	if err := docx.Write(&buf, docx.Document{Paragraphs: paras}); err != nil {
		t.Fatal(err)
	}
	text, err := docx.Text(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if want := "某县养犬管理办法\n第一章　总则\n第一条　为了规范养犬行为，<制定>本办法。\n"; text != want {
		t.Errorf("Text(Write(…)) = %q, want %q", text, want)
	}
}

func TestTextErrors(t *testing.T) {
	cfb := []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	encrypted := append(append([]byte{}, cfb...), make([]byte, 64)...)
	for _, r := range "EncryptedPackage" {
		encrypted = append(encrypted, byte(r), 0)
	}
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, docx.ErrNotDocx},
		{"pdf", []byte("%PDF-1.7\n..."), docx.ErrNotDocx},
		{"plain text", []byte("第一条　为了规范养犬行为。"), docx.ErrNotDocx},
		{"zip without a document", build(t, map[string]string{"xl/workbook.xml": "<workbook/>"}), docx.ErrNotDocx},
		{"broken document.xml", build(t, map[string]string{"word/document.xml": "<w:document " + w + "><w:body><w:p>"}), docx.ErrNotDocx},
		{"Word 97 .doc", append(cfb, make([]byte, 512)...), docx.ErrNotDocx},
		{"encrypted", encrypted, docx.ErrEncrypted},
	}
	for _, tc := range cases {
		if _, err := docx.Text(tc.data); !errors.Is(err, tc.want) {
			t.Errorf("%s: Text error = %v, want %v", tc.name, err, tc.want)
		}
	}
}
