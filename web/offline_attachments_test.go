package web_test

import (
	"bytes"
	"strings"
	"testing"

	"yugongkai/attachment"
	"yugongkai/attachment/attachmenttest"
)

// TestOfflineEntryAttachments: staff entering a letter or a 座谈会 record
// attach its files through the offline endpoint (multipart), under the
// limits and content checks of online comments: refused files store
// nothing; accepted ones are pending, downloadable by staff, in the leaf,
// and their text is searchable by staff.
func TestOfflineEntryAttachments(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, art := e.openConsultation(w, nil)
		base := "/api/v1/consultations/" + id
		fields := map[string]string{"body": "来信，详见扫描件。", "channel": "letter", "received_on": "2026-12-01",
			"display": "anonymous", "commenter_type": "individual", "article_id": art}
		post := func(tok string, fields map[string]string, files ...upload) response {
			body, ct := multipartBody(t, fields, files...)
			return e.do("POST", base+"/comments/offline", tok, body, "Content-Type", ct)
		}
		count := func() int {
			all := e.want(e.do("GET", base+"/comments?status=all&limit=100", w.staffA, nil), 200, "staff list")
			items, _ := all.JSON["items"].([]any)
			return len(items)
		}
		pdf := attachmenttest.CIDPDF(false, "座谈会记录：与会代表建议设立犬只收容场所。")

		// Refused, nothing stored, messages in both languages.
		r := e.want(post(w.staffA, fields, upload{"attachment", "扫描件.pdf", attachmenttest.PNG()}), 422, "disguised file")
		if msg := r.field("attachment"); !strings.Contains(msg, "扫描件.pdf") || !strings.Contains(msg, "PNG") {
			t.Errorf("disguised message %q", msg)
		}
		body, ct := multipartBody(t, fields, upload{"attachment", "scan.docx", attachmenttest.PDF("x")})
		r = e.want(e.do("POST", base+"/comments/offline", w.staffA, body, "Content-Type", ct, "Accept-Language", "en"), 422, "disguised file, English")
		if msg := r.field("attachment"); !strings.Contains(msg, "scan.docx") || !strings.Contains(msg, "not what its extension says") {
			t.Errorf("English disguised message %q", msg)
		}
		var six []upload
		for i := range 6 {
			six = append(six, upload{"attachment", "p" + string(rune('0'+i)) + ".pdf", pdf})
		}
		e.want(post(w.staffA, fields, six...), 422, "six files")
		r = e.want(post(w.staffA, fields, upload{"attachment", "大.pdf", append(bytes.Clone(pdf), make([]byte, 10*attachment.MiB)...)}), 413, "file over 10 MB")
		if !strings.Contains(r.errMessage(), "大.pdf") {
			t.Errorf("too large message %q", r.errMessage())
		}
		e.want(post(w.staffA, fields, upload{"scan", "a.pdf", pdf}), 400, "file in another field")
		bad := map[string]string{"body": "x", "channel": "letter", "received_on": "2026-12-01", "display": "anonymous", "signatories": "0"}
		if r := e.want(post(w.staffA, bad), 422, "signatories 0"); r.field("signatories") == "" {
			t.Errorf("signatories error %s", r.Body)
		}
		e.want(post(w.staffB, fields, upload{"attachment", "记录.pdf", pdf}), 403, "another department")
		if n := count(); n != 0 {
			t.Fatalf("refused entries stored %d comments", n)
		}

		// Accepted: a symposium record with its files and signatories.
		rec := map[string]string{"body": "座谈会意见汇总，见附件。", "channel": "symposium", "received_on": "2026-12-01",
			"display": "anonymous", "commenter_type": "individual", "signatories": "12"}
		r = e.want(post(w.staffA, rec, upload{"attachment", "座谈会记录.pdf", pdf}, upload{"attachment", "签到表.docx", attachmenttest.DOCX("签到：12 人")}), 201, "record with files")
		list := e.want(e.do("GET", base+"/comments?status=all&limit=100", w.staffA, nil), 200, "staff list")
		item := list.JSON["items"].([]any)[0].(map[string]any)
		atts, _ := item["attachments"].([]any)
		if len(atts) != 2 || item["channel"] != "symposium" || item["signatories"] != float64(12) {
			t.Fatalf("stored entry %v", item)
		}
		a0 := atts[0].(map[string]any)
		if a0["name"] != "座谈会记录.pdf" || a0["sha256"] != attachment.Sum(pdf) || a0["status"] != "pending" {
			t.Errorf("attachment %v", a0)
		}
		proof := e.want(e.do("GET", "/api/v1/receipts/"+r.str("code")+"/proof", "", nil), 200, "proof")
		if leaf, _ := proof.JSON["leaf"].(string); !strings.Contains(leaf, attachment.Sum(pdf)) {
			t.Errorf("leaf %s does not name the file", leaf)
		}
		cid := item["id"].(string)
		got := e.want(e.do("GET", "/api/v1/comments/"+cid+"/attachments/"+a0["id"].(string), w.staffA, nil), 200, "staff download")
		if !bytes.Equal(got.Body, pdf) {
			t.Error("download differs")
		}
		e.want(e.do("GET", "/api/v1/comments/"+cid+"/attachments/"+a0["id"].(string), "", nil), 404, "public download of a pending file")
		s := e.want(e.do("GET", base+"/staff-search?q="+"%E6%94%B6%E5%AE%B9%E5%9C%BA%E6%89%80", w.staffA, nil), 200, "staff search of the record") // 收容场所
		if hits, _ := s.JSON["hits"].([]any); len(hits) != 1 || !strings.Contains(string(s.Body), "座谈会记录.pdf") {
			t.Errorf("staff search of the record: %s", s.Body)
		}
		// JSON entries still work.
		e.want(e.do("POST", base+"/comments/offline", w.staffA, map[string]any{"body": "来信：无附件。", "channel": "letter", "received_on": "2026-12-01", "display": "anonymous"}), 201, "JSON entry")
	})
}
