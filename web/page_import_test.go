package web_test

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// The import page works without JavaScript: preview, fix, preview again,
// choose the same file again to import, download the receipts.
func TestWorkImportPage(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id := e.openForPages(w, draftBody(shortText))
	b := e.browser()
	b.login("staffa", "password-staffa")
	u := workURL(id, "import")

	p := b.get(u).want(t, 200, "import page")
	p.checkPage(t, "import", "zh-CN")
	p.has(t, "import page", `enctype="multipart/form-data"`, `name="file"`, `name="_csrf"`)
	b.get(workURL(id, "offline")).want(t, 200, "offline page").has(t, "work tabs", `href="`+u+`"`)

	bad := []byte("意见内容,收到方式,收到日期\n<script>x</script>,传真,2026-12-01\n")
	p = b.postFile(u, "file", "bad.csv", bad, url.Values{"_csrf": {b.csrf()}}).want(t, 200, "preview bad file")
	p.has(t, "bad preview", "<td>2</td><td>收到方式</td>", "取值无效", "发现 1 处错误")
	p.lacks(t, "bad preview", `name="confirm"`)

	// Headings are the file's text, shown escaped.
	xssHead := b.postFile(u, "file", "x.csv", []byte("body,channel,received_on,<script>alert(1)</script>\n"), url.Values{"_csrf": {b.csrf()}}).want(t, 422, "unknown column")
	xssHead.has(t, "unknown column", "未知的列", "&lt;script&gt;")
	xssHead.lacks(t, "unknown column", "<script>alert(1)")

	missing := b.postFile(u, "file", "m.csv", []byte("意见内容\nx\n"), url.Values{"_csrf": {b.csrf()}}).want(t, 422, "missing columns")
	missing.has(t, "missing columns", "缺少必需的列：channel, received_on")

	gb, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("意见内容,收到方式,收到日期\n来信：建议延长过渡期。,信函,2026-12-01\n座谈会意见。,座谈会,2026-12-01\n"))
	p = b.postFile(u, "file", "gb.csv", gb, url.Values{"_csrf": {b.csrf()}}).want(t, 200, "preview GB18030")
	p.has(t, "good preview", "已按 GB18030 转换", `name="confirm"`, "共 2 行")
	sha := regexp.MustCompile(`name="sha256" value="([0-9a-f]{64})"`).FindStringSubmatch(p.Body)
	if sha == nil {
		t.Fatalf("preview has no sha256 field:\n%s", p.Body)
	}
	if n := len(e.staffComments(w.staffA, id)); n != 0 {
		t.Fatalf("a preview stored %d comments", n)
	}
	done := b.postFile(u, "file", "gb.csv", gb, url.Values{"_csrf": {b.csrf()}, "confirm": {"1"}, "sha256": {sha[1]}}).want(t, 303, "import")
	if !strings.Contains(done.Location, "imported="+sha[1]) {
		t.Fatalf("redirect to %q", done.Location)
	}
	p = b.get(done.Location).want(t, 200, "after import")
	p.has(t, "after import", "已导入 2 条意见", u+"/"+sha[1]+"/receipts.csv")
	csv := b.get(u+"/"+sha[1]+"/receipts.csv").want(t, 200, "receipts csv")
	if !strings.HasPrefix(csv.Body, "\xEF\xBB\xBF行号,回执编号") || strings.Count(csv.Body, "YGK-") != 2 {
		t.Errorf("receipts csv: %q", csv.Body)
	}
	list := e.staffComments(w.staffA, id)
	if len(list) != 2 || list[0].Channel == "online" {
		t.Fatalf("stored: %+v", list)
	}
	// The form sent twice does not import twice.
	again := b.postFile(u, "file", "gb.csv", gb, url.Values{"_csrf": {b.csrf()}, "confirm": {"1"}, "sha256": {sha[1]}}).want(t, 409, "import twice")
	again.has(t, "import twice", "该文件已于")
	if n := len(e.staffComments(w.staffA, id)); n != 2 {
		t.Errorf("stored %d comments after a second post, want 2", n)
	}
	// Without the CSRF token nothing happens.
	if st := b.postFile(u, "file", "gb.csv", bytes.Clone(gb), nil).Status; st != 403 {
		t.Errorf("post without CSRF token: %d", st)
	}
	other := e.browser()
	other.login("staffb", "password-staffb")
	if st := other.get(u).Status; st != 403 && st != 404 {
		t.Errorf("other department: status %d", st)
	}
}
