package wordtext

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"yugongkai/lawtext"
)

// para is a paragraph of a generated document: its runs' text, and
// optionally the list it is numbered in.
type para struct {
	text  string
	numID string
	ilvl  int
	raw   string // raw XML inside <w:p> (overrides text)
}

// docx builds a .docx holding paras (and numbering.xml when given), as Word
// writes one: a zip with [Content_Types].xml, word/document.xml, …
func docx(t testing.TB, paras []para, numbering string, extraBody string) []byte {
	t.Helper()
	var body strings.Builder
	for _, p := range paras {
		body.WriteString("<w:p>")
		if p.numID != "" {
			fmt.Fprintf(&body, `<w:pPr><w:numPr><w:ilvl w:val="%d"/><w:numId w:val="%s"/></w:numPr></w:pPr>`, p.ilvl, p.numID)
		}
		if p.raw != "" {
			body.WriteString(p.raw)
		} else if p.text != "" {
			// Split into two runs, as Word does at formatting changes.
			r := []rune(p.text)
			half := len(r) / 2
			fmt.Fprintf(&body, `<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r><w:r><w:t xml:space="preserve">%s</w:t></w:r>`,
				html.EscapeString(string(r[:half])), html.EscapeString(string(r[half:])))
		}
		body.WriteString("</w:p>")
	}
	body.WriteString(extraBody)
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>` +
		body.String() + `<w:sectPr/></w:body></w:document>`
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	files := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"_rels/.rels":         `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/document.xml":   doc,
	}
	if numbering != "" {
		files["word/numbering.xml"] = `<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` + numbering + `</w:numbering>`
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/numbering.xml"} {
		content, ok := files[name]
		if !ok {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// lawNumbering is what Word stores for a "第一条" list (numId 1) and a
// "第一章" list (numId 2), both 中文 counting, label then a full-width space.
const lawNumbering = `<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%1条"/><w:suff w:val="nothing"/></w:lvl>` +
	`<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl></w:abstractNum>` +
	`<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%1章"/><w:suff w:val="space"/></w:lvl></w:abstractNum>` +
	`<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>`

func TestAutomaticNumbering(t *testing.T) {
	var paras []para
	paras = append(paras, para{text: "某县养犬管理办法"}, para{text: "总则", numID: "2"})
	for i := 1; i <= 12; i++ {
		paras = append(paras, para{text: fmt.Sprintf("　本条规定第%d项事项。", i), numID: "1"})
	}
	paras = append(paras, para{text: "有下列情形之一的：", numID: "1"},
		para{text: "未登记的；", numID: "1", ilvl: 1}, para{text: "未拴绳的。", numID: "1", ilvl: 1},
		para{text: "附则", numID: "2"}, para{text: "　本办法自公布之日起施行。", numID: "1"})
	text, err := Text(docx(t, paras, lawNumbering, ""))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"第一章 总则\n", "第一条　本条规定第1项事项。\n", "第十条　本条规定第10项", "第十二条　本条规定第12项",
		"第十三条有下列情形之一的：\n（一）未登记的；\n（二）未拴绳的。\n", "第二章 附则\n", "第十四条　本办法自公布之日起施行。\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	doc, err := lawtext.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	arts := doc.Articles()
	if len(arts) != 14 || arts[13].Label != "第十四条" || arts[12].Number != 13 {
		t.Fatalf("parsed %d articles (last %v), want 14 ending 第十四条", len(arts), arts[len(arts)-1].Label)
	}
	if !strings.HasPrefix(arts[13].Chapter, "第二章") {
		t.Errorf("第十四条 in chapter %q, want 第二章", arts[13].Chapter)
	}
}

func TestChineseNumerals(t *testing.T) {
	for n, want := range map[int]string{1: "一", 10: "十", 11: "十一", 20: "二十", 21: "二十一", 100: "一百", 105: "一百零五", 110: "一百一十", 113: "一百一十三", 1000: "一千", 1010: "一千零一十"} {
		if got := chineseNumeral(n, false); got != want {
			t.Errorf("chineseNumeral(%d) = %q, want %q", n, got, want)
		}
		if got, ok := lawtext.ParseNumeral(chineseNumeral(n, false)); !ok || got != n {
			t.Errorf("lawtext.ParseNumeral(%q) = %d, %v; want %d", chineseNumeral(n, false), got, ok, n)
		}
	}
}

func TestTablesTrackedChangesAndBreaks(t *testing.T) {
	table := `<w:tbl><w:tr><w:tc><w:p><w:r><w:t>犬只类型</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>登记费</w:t></w:r></w:p></w:tc></w:tr>` +
		`<w:tr><w:tc><w:p><w:r><w:t>大型犬</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>100元</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`
	paras := []para{
		{text: "第一条　为了规范养犬行为，制定本办法。"},
		{raw: `<w:r><w:t xml:space="preserve">第二条　养犬人应当</w:t></w:r><w:del w:id="1" w:author="x"><w:r><w:delText>立即</w:delText></w:r></w:del><w:ins w:id="2" w:author="x"><w:r><w:t>在三十日内</w:t></w:r></w:ins><w:r><w:t>办理登记。</w:t></w:r>`},
		{raw: `<w:r><w:t>第三条　收费标准如下：</w:t><w:br/><w:t>（见下表）</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>`},
	}
	text, err := Text(docx(t, paras, "", table))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"第二条　养犬人应当在三十日内办理登记。\n", "第三条　收费标准如下：\n（见下表）\n", "犬只类型　登记费\n大型犬　100元\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	for _, gone := range []string{"立即", "PAGE"} {
		if strings.Contains(text, gone) {
			t.Errorf("text holds %q (a deletion or a field code):\n%s", gone, text)
		}
	}
}

func TestRefusals(t *testing.T) {
	cfb := append(append([]byte{}, cfbMagic...), make([]byte, 600)...)
	encrypted := append(append([]byte{}, cfb...), encryptionInfo...)
	var noDoc bytes.Buffer
	zw := zip.NewWriter(&noDoc)
	w, _ := zw.Create("content.xml")
	w.Write([]byte("<x/>"))
	zw.Close()
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"text file", []byte("第一条　这不是 Word 文件。"), ErrNotDocx},
		{"zip without a document", noDoc.Bytes(), ErrNotDocx},
		{"Word 97 .doc", cfb, ErrOldFormat},
		{"encrypted", encrypted, ErrEncrypted},
		{"empty document", docx(t, []para{{text: ""}, {text: "  "}}, "", ""), ErrEmpty},
		{"too large", make([]byte, MaxSize+1), ErrTooLarge},
		{"broken XML", brokenDocx(t), ErrNotDocx},
	} {
		if _, err := Text(tc.data); !errors.Is(err, tc.want) {
			t.Errorf("%s: Text = %v, want %v", tc.name, err, tc.want)
		}
	}
}

func brokenDocx(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("word/document.xml")
	w.Write([]byte(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>第一条`))
	zw.Close()
	return buf.Bytes()
}

// articleLabel matches a typed article label at the start of a line.
var articleLabel = regexp.MustCompile(`^第[零〇一二三四五六七八九十百千]+条[　 ]*`)

// TestCorpusThroughWord writes each corpus text into a .docx whose article
// labels come from Word's list numbering (the labels removed from the text),
// and checks that the text read back parses to the same articles as the
// original.
func TestCorpusThroughWord(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "corpus")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("corpus %s is absent", dir)
		}
		t.Skipf("corpus %s is absent", dir)
	}
	for _, name := range []string{"animal-epidemic-prevention-law/final.txt", "public-security-admin-penalties-law/draft.txt"} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			want, err := lawtext.Parse(string(b))
			if err != nil {
				t.Fatal(err)
			}
			var paras []para
			for _, line := range strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n") {
				if loc := articleLabel.FindStringIndex(line); loc != nil && !strings.Contains(line[:loc[1]], "目") {
					paras = append(paras, para{text: "　" + line[loc[1]:], numID: "1"})
					continue
				}
				paras = append(paras, para{text: line})
			}
			text, err := Text(docx(t, paras, lawNumbering, ""))
			if err != nil {
				t.Fatal(err)
			}
			got, err := lawtext.Parse(text)
			if err != nil {
				t.Fatal(err)
			}
			ga, wa := got.Articles(), want.Articles()
			if len(ga) != len(wa) {
				t.Fatalf("%d articles through Word, want %d", len(ga), len(wa))
			}
			for i := range wa {
				if ga[i].Label != wa[i].Label || ga[i].Chapter != wa[i].Chapter || fmt.Sprint(ga[i].Paragraphs) != fmt.Sprint(wa[i].Paragraphs) {
					t.Fatalf("article %d: got %s %q %v, want %s %q %v", i, ga[i].Label, ga[i].Chapter, ga[i].Paragraphs, wa[i].Label, wa[i].Chapter, wa[i].Paragraphs)
				}
			}
		})
	}
}
