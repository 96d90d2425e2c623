package web_test

import (
	"archive/zip"
	"bytes"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"
)

// numberedDocx is a Word file whose article labels come from automatic
// numbering (第%1条 in Chinese counting), with a table in 第二条 and
// full-width spaces in the heading, as drafting offices write them.
func numberedDocx(t *testing.T) []byte {
	t.Helper()
	const ns = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	p := func(s string) string { return `<w:p><w:r><w:t xml:space="preserve">` + s + `</w:t></w:r></w:p>` }
	n := func(s string) string {
		return `<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>` + s + `</w:t></w:r></w:p>`
	}
	body := p("某县养犬管理办法") + p("第一章　　总　　则") + n("为了规范养犬行为，制定本办法。") + n("收费标准如下：") +
		`<w:tbl><w:tr><w:tc>` + p("小型犬") + `</w:tc><w:tc>` + p("100元") + `</w:tc></w:tr></w:tbl>` + n("本办法自公布之日起施行。")
	parts := map[string]string{
		"word/document.xml":  `<?xml version="1.0"?><w:document ` + ns + `><w:body>` + body + `</w:body></w:document>`,
		"word/numbering.xml": `<?xml version="1.0"?><w:numbering ` + ns + `><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%1条"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>`,
	}
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for name, s := range parts {
		w, _ := z.Create(name)
		w.Write([]byte(s))
	}
	z.Close()
	return buf.Bytes()
}

func multipartFile(t *testing.T, data []byte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", "草案.docx")
	fw.Write(data)
	w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

func TestTextImport(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	word := numberedDocx(t)

	t.Run("API", func(t *testing.T) {
		body, ct := multipartFile(t, word)
		r := e.want(e.do("POST", "/api/v1/text/import", w.staffA, body, "Content-Type", ct), 200, "import")
		if text := r.str("text"); !strings.Contains(text, "第一章　总则\n") || !strings.Contains(text, "第二条　收费标准如下：\n小型犬\u3000100元\n") || !strings.Contains(text, "第三条　本办法自公布之日起施行。") {
			t.Errorf("text = %q", text)
		}
		if arts, _ := r.JSON["articles"].([]any); len(arts) != 3 || arts[2].(map[string]any)["label"] != "第三条" {
			t.Errorf("articles = %v", r.JSON["articles"])
		}
		e.want(e.do("POST", "/api/v1/text/import", "", body, "Content-Type", ct), 401, "anonymous")
		e.want(e.do("POST", "/api/v1/text/import", w.resident, body, "Content-Type", ct), 403, "resident")
		for _, tc := range []struct{ name, data, lang, want string }{
			{"not docx", "%PDF-1.7", "zh-CN", "该文件不是 Word 文档（.docx）"},
			{"not docx en", "%PDF-1.7", "en", "This file is not a Word document (.docx)"},
			{"encrypted", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e\x00", "zh-CN", "设有打开密码"},
			{"empty", "", "zh-CN", "请选择要导入的 Word 文档"},
		} {
			body, ct := multipartFile(t, []byte(tc.data))
			r := e.want(e.do("POST", "/api/v1/text/import", w.staffA, body, "Content-Type", ct, "Accept-Language", tc.lang), 422, tc.name)
			if got := r.field("file"); !strings.Contains(got, tc.want) {
				t.Errorf("%s: file error %q, want %q", tc.name, got, tc.want)
			}
		}
	})

	t.Run("Page", func(t *testing.T) {
		b := e.browser()
		b.login("staffa", "password-staffa")
		b.get("/staff/consultations/new").want(t, 200, "form").has(t, "form", `enctype="multipart/form-data"`, `<input type="file" id="file" name="file"`, `name="action" value="import"`)
		form := url.Values{"_csrf": {b.csrf()}, "action": {"import"}, "title": {"某县养犬管理办法（征求意见稿）"}}
		p := b.postFile("/staff/consultations/new", "file", "草案.docx", word, form).want(t, 200, "import")
		p.checkPage(t, "import", "zh-CN")
		p.has(t, "import", "已从 草案.docx 导入", "识别出 3 条", `<button type="submit" form="draft-form" name="action" value="save">`, `id="draft-form"`, "第二条　收费标准如下：\n小型犬\u3000100元", `value="某县养犬管理办法（征求意见稿）"`)
		p = b.postFile("/staff/consultations/new", "file", "a.pdf", []byte("%PDF"), form).want(t, 422, "bad file")
		p.has(t, "bad file", "该文件不是 Word 文档（.docx）", `id="file" name="file"`, `aria-invalid="true"`)
	})
}
