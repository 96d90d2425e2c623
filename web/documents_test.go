package web_test

import (
	"bytes"
	"strings"
	"testing"

	"yugongkai/attachment"
	"yugongkai/attachment/attachmenttest"
	"yugongkai/consultation"
)

// TestSupportingDocuments: staff attach the 起草说明 and background material
// as files; they are versioned, public with the version, on the notice page,
// in the feed and, by hash, in an archive that still verifies.
func TestSupportingDocuments(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id := e.want(e.do("POST", "/api/v1/consultations", w.staffA, draftBody(shortText)), 201, "create").str("id")
		base := "/api/v1/consultations/" + id
		expl := attachmenttest.DOCX("起草说明：为规范养犬行为……")
		table := attachmenttest.XLSX([]string{"年份", "登记数"}, []string{"2025", "1200"})
		attach := func(tok string, fields map[string]string, status int, what string, files ...upload) response {
			body, ct := multipartBody(t, fields, files...)
			return e.want(e.do("POST", base+"/documents", tok, body, "Content-Type", ct), status, what)
		}
		attach(w.staffA, map[string]string{"role": "drafting_explanation"}, 422, "no file")
		attach(w.staffA, map[string]string{"role": "drafting_explanation"}, 422, "disguised", upload{"attachment", "说明.docx", attachmenttest.PNG()})
		attach(w.staffA, map[string]string{"role": "background"}, 422, "a picture", upload{"attachment", "图.png", attachmenttest.PNG()})
		attach(w.staffA, map[string]string{"role": "nonsense"}, 422, "role", upload{"attachment", "说明.docx", expl})
		attach(w.staffB, map[string]string{"role": "drafting_explanation"}, 404, "another department (a draft it cannot see)", upload{"attachment", "说明.docx", expl})
		d := attach(w.staffA, map[string]string{"role": "drafting_explanation", "title": "起草说明"}, 201, "explanation", upload{"attachment", "说明.docx", expl})
		attach(w.staffA, map[string]string{"role": "background"}, 201, "background", upload{"attachment", "登记数据.xlsx", table})
		if f := d.JSON["file"].(map[string]any); f["sha256"] != attachment.Sum(expl) || d.JSON["version"] != float64(1) {
			t.Errorf("document %s", d.Body)
		}
		e.want(e.do("GET", base+"/documents", "", nil), 404, "a draft's documents")
		e.want(e.do("POST", base+"/publish", w.staffA, map[string]string{"closes_at": "2026-12-31", "shortening_reason": "测试"}), 200, "publish")

		list := e.want(e.do("GET", base+"/documents", "", nil), 200, "public documents")
		items := list.JSON["items"].([]any)
		if len(items) != 2 || items[1].(map[string]any)["title"] != "登记数据" {
			t.Fatalf("public documents %s", list.Body)
		}
		got := e.want(e.do("GET", base+"/documents/"+d.str("id"), "", nil), 200, "download")
		if !bytes.Equal(got.Body, expl) {
			t.Error("downloaded document differs")
		}
		b := e.browser()
		b.get("/consultations/"+id).want(t, 200, "notice").has(t, "notice", "起草说明", "登记数据", base+"/documents/"+d.str("id"))
		feed := b.get("/consultations/"+id+"/feed.atom").want(t, 200, "feed")
		feed.has(t, "feed", "发布附件材料：起草说明")

		arch := e.want(e.do("GET", base+"/archive", "", nil), 200, "archive")
		if !strings.Contains(string(arch.Body), attachment.Sum(expl)) || !strings.Contains(string(arch.Body), attachment.Sum(table)) {
			t.Error("the archive does not carry the documents' hashes")
		}
		head := e.want(e.do("GET", base, "", nil), 200, "consultation").str("history_head")
		if v, err := consultation.VerifyArchive(arch.Body, head); err != nil || !v.OK {
			t.Fatalf("VerifyArchive = %+v, %v", v, err)
		}
		out, err := pythonArchiveCheck(t, arch.Body, head)
		if err != nil || !strings.HasPrefix(out, "OK") {
			t.Fatalf("verify_archive.py: %v\n%s", err, out)
		}
	})
}
