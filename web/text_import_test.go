package web_test

import (
	"archive/zip"
	"bytes"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"
)

// wordDraft builds a .docx whose article labels come from Word's automatic
// numbering (numbering.xml), the way drafts arrive from departments.
func wordDraft(t *testing.T, title string, articles ...string) []byte {
	t.Helper()
	var body strings.Builder
	body.WriteString(`<w:p><w:r><w:t>` + title + `</w:t></w:r></w:p>`)
	for _, a := range articles {
		body.WriteString(`<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t xml:space="preserve">` + a + `</w:t></w:r></w:p>`)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range map[string]string{
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() + `</w:body></w:document>`,
		"word/numbering.xml": `<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
			`<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%1条"/></w:lvl></w:abstractNum>` +
			`<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>`,
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	zw.Close()
	return buf.Bytes()
}

func multipartFile(t *testing.T, field, name string, data []byte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile(field, name)
	fw.Write(data)
	w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

func TestTextImportAPI(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	doc := wordDraft(t, "某县养犬管理办法", "为了规范养犬行为，制定本办法。", "养犬人应当依法登记。", "本办法自公布之日起施行。")
	body, ct := multipartFile(t, "file", "办法.docx", doc)
	r := e.want(e.do("POST", "/api/v1/text/import", w.staffA, body, "Content-Type", ct), 200, "import")
	if text := r.str("text"); !strings.Contains(text, "第二条　养犬人应当依法登记。") || !strings.HasPrefix(text, "某县养犬管理办法\n") {
		t.Errorf("text = %q, want the numbered articles written out", text)
	}
	if arts, _ := r.JSON["articles"].([]any); len(arts) != 3 {
		t.Errorf("%d articles, want 3", len(arts))
	}
	e.want(e.do("POST", "/api/v1/text/import", w.resident, body, "Content-Type", ct), 403, "resident")
	e.want(e.do("POST", "/api/v1/text/import", "", body, "Content-Type", ct), 403, "anonymous") // as every staff action answers the anonymous

	for _, tc := range []struct {
		name string
		data []byte
		msg  string
	}{
		{"plain text", []byte("第一条　不是 Word。"), "这不是 Word（.docx）文件"},
		{"old .doc", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), "旧版 Word（.doc）"},
		{"no articles", wordDraft(t, "只有标题，没有条文"), "未能从文本中识别出任何条文"},
	} {
		body, ct := multipartFile(t, "file", "x.docx", tc.data)
		r := e.want(e.do("POST", "/api/v1/text/import", w.staffA, body, "Content-Type", ct), 422, tc.name)
		if got := r.field("file"); !strings.Contains(got, tc.msg) {
			t.Errorf("%s: file error %q, want it to say %q", tc.name, got, tc.msg)
		}
	}
	body, ct = multipartFile(t, "other", "x.docx", doc)
	if r := e.want(e.do("POST", "/api/v1/text/import", w.staffA, body, "Content-Type", ct), 422, "no file field"); r.field("file") == "" {
		t.Error("a request without the file field: no error on field file")
	}
}

func TestDraftFromWordPage(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.world()
	b := e.browser()
	b.login("staffa", "password-staffa")
	form := b.get("/staff/consultations/new").want(t, 200, "form")
	form.has(t, "word import", `formaction="/staff/consultations/new/import"`, `formenctype="multipart/form-data"`, `type="file"`)
	doc := wordDraft(t, "某县养犬管理办法", "为了规范养犬行为，制定本办法。", "养犬人应当依法登记。")
	p := b.postFile("/staff/consultations/new/import", "file", "办法.docx", doc, url.Values{"_csrf": {b.csrf()},
		"procedure_type": {"other"}, "explanation": {"起草说明"}}).want(t, 200, "imported")
	p.has(t, "preview", "已从 Word 文件读取正文", "第二条", "养犬人应当依法登记。", `value="某县养犬管理办法"`, "起草说明")
	// The text read is in the form, ready to be saved as usual.
	if !strings.Contains(p.Body, "第一条　为了规范养犬行为，制定本办法。") {
		t.Errorf("the form's text does not hold the imported articles:\n%s", p.Body)
	}
	bad := b.postFile("/staff/consultations/new/import", "file", "old.doc", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...),
		url.Values{"_csrf": {b.csrf()}, "title": {"我的标题"}}).want(t, 422, "old doc")
	bad.has(t, "old doc", "旧版 Word（.doc）", `value="我的标题"`)
	if strings.Contains(bad.Body, "import.old_doc") {
		t.Error("the page shows the message key")
	}
}
