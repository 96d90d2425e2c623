package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"yugongkai/attachment"
	"yugongkai/attachment/attachmenttest"
	"yugongkai/web"
	"yugongkai/workcal"
)

func init() {
	// Downloads of attached files are bytes under their kind's media type.
	raw := func(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		b, err := io.ReadAll(body)
		return string(b), err
	}
	for _, k := range []attachment.Kind{attachment.PDF, attachment.DOCX, attachment.XLSX, attachment.PNG, attachment.JPEG, attachment.GIF, attachment.WebP} {
		openapi3filter.RegisterBodyDecoder(k.MediaType(), raw)
	}
}

type upload struct {
	field, name string
	data        []byte
}

// multipartBody builds a multipart form of fields and files.
func multipartBody(t *testing.T, fields map[string]string, files ...upload) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	for _, f := range files {
		fw, err := w.CreateFormFile(f.field, f.name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(f.data)
	}
	w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

func TestCommentAttachments(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, art := e.openConsultation(w, nil)
		base := "/api/v1/consultations/" + id + "/comments"
		pdf := attachmenttest.PDF("Please keep article 1")
		png := attachmenttest.PNG()
		post := func(fields map[string]string, files ...upload) response {
			body, ct := multipartBody(t, fields, files...)
			return e.do("POST", base, "", body, "Content-Type", ct)
		}
		count := func() int {
			all := e.want(e.do("GET", base+"?status=all&limit=100", w.staffA, nil), 200, "staff list")
			items, _ := all.JSON["items"].([]any)
			return len(items)
		}

		// Refused: nothing stored, a clear message naming the file.
		r := e.want(post(comment("见附件"), upload{"attachment", "扫描件.pdf", png}), 422, "disguised file")
		if msg := r.field("attachment"); !strings.Contains(msg, "扫描件.pdf") || !strings.Contains(msg, "PNG") {
			t.Errorf("disguised message %q", msg)
		}
		six := []upload{}
		for i := range 6 {
			six = append(six, upload{"attachment", fmt.Sprintf("%d.pdf", i), pdf})
		}
		e.want(post(comment("见附件"), six...), 422, "six files")
		r = e.want(post(comment("见附件"), upload{"attachment", "大.pdf", append(bytes.Clone(pdf), make([]byte, 10*attachment.MiB)...)}), 413, "file over 10 MB")
		if !strings.Contains(r.errMessage(), "大.pdf") || !strings.Contains(r.errMessage(), "10 MB") {
			t.Errorf("too large message %q", r.errMessage())
		}
		e.want(post(comment("见附件"), upload{"file", "a.pdf", pdf}), 400, "file in another field")
		e.want(post(map[string]string{"body": "x", "colour": "red"}), 400, "unknown form field")
		if n := count(); n != 0 {
			t.Fatalf("refused uploads stored %d comments", n)
		}

		// Accepted: the receipt, the staff view, the leaf.
		r = e.want(post(comment("意见见附件。", "article_id", art, "notify", "false"), upload{"attachment", "意见.pdf", pdf}, upload{"attachment", "现场照片.png", png}), 201, "with files")
		list := e.want(e.do("GET", base+"?status=all&limit=100", w.staffA, nil), 200, "staff list")
		item := list.JSON["items"].([]any)[0].(map[string]any)
		atts, _ := item["attachments"].([]any)
		if len(atts) != 2 {
			t.Fatalf("staff view attachments %v", item["attachments"])
		}
		a0, a1 := atts[0].(map[string]any), atts[1].(map[string]any)
		if a0["name"] != "意见.pdf" || a0["sha256"] != attachment.Sum(pdf) || a0["status"] != "pending" || a0["size"] != float64(len(pdf)) || a0["id"] == "" {
			t.Errorf("attachment view %v", a0)
		}
		if _, ok := a0["text"]; ok {
			t.Error("the extracted text is in the JSON view")
		}
		cid := item["id"].(string)
		proof := e.want(e.do("GET", "/api/v1/receipts/"+r.str("code")+"/proof", "", nil), 200, "proof")
		if leaf, _ := proof.JSON["leaf"].(string); !strings.Contains(leaf, `"attachments":["`+attachment.Sum(pdf)+`","`+attachment.Sum(png)+`"]`) {
			t.Errorf("leaf %s does not name the files", leaf)
		}

		// Downloads: staff any, the public only published files.
		dl := "/api/v1/comments/" + cid + "/attachments/"
		e.want(e.do("GET", dl+a0["id"].(string), "", nil), 404, "public download of a pending file")
		got := e.want(e.do("GET", dl+a0["id"].(string), w.staffA, nil), 200, "staff download")
		if !bytes.Equal(got.Body, pdf) || got.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(got.Header.Get("Content-Disposition"), "attachment;") || got.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("staff download: %d bytes, headers %v", len(got.Body), got.Header)
		}
		e.want(e.do("GET", dl+a0["id"].(string), w.staffB, nil), 404, "another department's staff")

		e.want(e.do("POST", "/api/v1/comments/"+cid+"/moderation", w.staffA, map[string]string{"action": "publish"}), 200, "publish comment")
		e.want(e.do("POST", "/api/v1/comments/"+cid+"/attachments/"+a0["id"].(string), w.resident, map[string]string{"action": "publish"}), 403, "resident publishes a file")
		e.want(e.do("POST", "/api/v1/comments/"+cid+"/attachments/"+a1["id"].(string), w.staffA, map[string]string{"action": "restrict"}), 422, "restrict without reason")
		e.want(e.do("POST", "/api/v1/comments/"+cid+"/attachments/"+a0["id"].(string), w.staffA, map[string]string{"action": "publish"}), 200, "publish file")
		e.want(e.do("POST", "/api/v1/comments/"+cid+"/attachments/"+a1["id"].(string), w.staffA, map[string]string{"action": "restrict", "reason": "含他人面部影像"}), 200, "restrict file")
		got = e.want(e.do("GET", dl+a0["id"].(string), "", nil), 200, "public download of a published file")
		if !bytes.Equal(got.Body, pdf) {
			t.Error("public download differs")
		}
		e.want(e.do("GET", dl+a1["id"].(string), "", nil), 404, "public download of a restricted file")
		pub := e.want(e.do("GET", base, "", nil), 200, "public list")
		patts := pub.JSON["items"].([]any)[0].(map[string]any)["attachments"].([]any)
		if len(patts) != 2 || patts[0].(map[string]any)["name"] != "意见.pdf" || patts[1].(map[string]any)["reason"] != "含他人面部影像" || patts[1].(map[string]any)["name"] != nil {
			t.Errorf("public attachments %v", patts)
		}
		// The public page shows the link and the placeholder.
		b := e.browser()
		b.get("/consultations/"+id+"/comments").want(t, 200, "public comments page").has(t, "public comments page",
			`href="/api/v1/comments/`+cid+`/attachments/`+a0["id"].(string)+`"`, "附件已限制公开：含他人面部影像")
	})
}

func TestCommentAttachmentsPage(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, _ := e.openConsultation(w, nil)
		b := e.browser()
		form := b.get("/consultations/"+id+"/comment").want(t, 200, "comment form")
		form.has(t, "comment form", `enctype="multipart/form-data"`, `<input type="file" id="attachment" name="attachment" multiple`)
		fields := url.Values{"_csrf": {b.csrf()}, "body": {"见附件。"}, "commenter_type": {"individual"}, "display": {"anonymous"}, "key": {"page-key-1"}}
		p := b.postFile("/consultations/"+id+"/comment", "attachment", "照片.pdf", attachmenttest.PNG(), fields)
		p.want(t, 422, "disguised file on the page").has(t, "error page", "照片.pdf", "见附件。")
		p = b.postFile("/consultations/"+id+"/comment", "attachment", "意见.docx", attachmenttest.DOCX("建议。"), fields)
		p.want(t, 303, "file accepted")
		all := e.want(e.do("GET", "/api/v1/consultations/"+id+"/comments?status=all", w.staffA, nil), 200, "staff list")
		items := all.JSON["items"].([]any)
		if len(items) != 1 || len(items[0].(map[string]any)["attachments"].([]any)) != 1 {
			t.Fatalf("stored %v", all.JSON["items"])
		}
		// Staff see the file on the moderation page and publish it there.
		sb := e.browser()
		sb.login("staffa", "password-staffa")
		cid := items[0].(map[string]any)["id"].(string)
		aid := items[0].(map[string]any)["attachments"].([]any)[0].(map[string]any)["id"].(string)
		sb.get("/staff/consultations/"+id+"/moderation").want(t, 200, "moderation page").has(t, "moderation page", "意见.docx", "/moderation/"+cid+"/attachments/"+aid)
		sb.post("/staff/consultations/"+id+"/moderation/"+cid+"/attachments/"+aid, url.Values{"action": {"publish"}}).want(t, 303, "publish from the page")
		cm := e.want(e.do("GET", "/api/v1/consultations/"+id+"/comments?status=all", w.staffA, nil), 200, "staff list")
		if st := cm.JSON["items"].([]any)[0].(map[string]any)["attachments"].([]any)[0].(map[string]any)["status"]; st != "published" {
			t.Errorf("status after the page's publish %v", st)
		}
	})
}

func TestStepAttachments(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id := e.want(e.do("POST", "/api/v1/consultations", w.staffA, draftBody(shortText)), 201, "create").str("id")
		base := "/api/v1/consultations/" + id
		memo := attachmenttest.PDF("Expert opinion: 30 days")
		scan := attachmenttest.JPEG()
		step := func(public string, status int, files ...upload) response {
			body, ct := multipartBody(t, map[string]string{"kind": "expert_review", "held_on": "2026-11-30", "participants": "县律师协会",
				"summary": "论证意见见附件。", "public": public}, files...)
			return e.want(e.do("POST", base+"/steps", w.staffA, body, "Content-Type", ct), status, "step public="+public)
		}
		step("true", 422, upload{"attachment", "表.xlsx", attachmenttest.XLSX([]string{"a"})})
		step("true", 422, upload{"attachment", "意见.pdf", scan})
		pub := step("true", 201, upload{"attachment", "意见.pdf", memo}, upload{"attachment", "签到表.jpg", scan})
		internal := step("false", 201, upload{"attachment", "内部.pdf", memo})
		patts := pub.JSON["attachments"].([]any)
		if len(patts) != 2 || patts[0].(map[string]any)["sha256"] != attachment.Sum(memo) || patts[1].(map[string]any)["name"] != "签到表.jpg" {
			t.Fatalf("step attachments %v", pub.JSON["attachments"])
		}
		e.want(e.do("POST", base+"/publish", w.staffA, map[string]string{"closes_at": "2026-12-31", "shortening_reason": "测试"}), 200, "publish")
		dl := func(st response, tok string, status int) response {
			aid := st.JSON["attachments"].([]any)[0].(map[string]any)["id"].(string)
			return e.want(e.do("GET", base+"/steps/"+st.str("id")+"/attachments/"+aid, tok, nil), status, "step download")
		}
		if got := dl(pub, "", 200); !bytes.Equal(got.Body, memo) {
			t.Error("public step file differs")
		}
		dl(internal, "", 404)
		if got := dl(internal, w.staffA, 200); !bytes.Equal(got.Body, memo) {
			t.Error("internal step file differs for staff")
		}
		// The step's event in the archive names the public record's files.
		arch := e.want(e.do("GET", base+"/archive", "", nil), 200, "archive")
		if !strings.Contains(string(arch.Body), attachment.Sum(memo)) {
			t.Error("the archive does not carry the public step's file hash")
		}
	})
}

// TestAttachmentLimitsFitTheBodyLimit: every use's largest request fits
// under the server's overall body limit, so the per-file limits answer first.
func TestAttachmentLimitsFitTheBodyLimit(t *testing.T) {
	for u := range attachment.Table {
		if n := attachment.MaxRequest(u); n > web.ImportBodyLimit {
			t.Errorf("MaxRequest(%s) = %d, over the body limit %d", u, n, web.ImportBodyLimit)
		}
	}
}

// TestStepAttachmentsPage: the steps page's form takes files (no
// JavaScript): a disguised one comes back on the form with the text kept and
// nothing recorded; a PDF is stored with the record, listed on the page and
// downloads with its hash.
func TestStepAttachmentsPage(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, _ := e.openConsultation(w, nil)
		sb := e.browser()
		sb.login("staffa", "password-staffa")
		page := "/staff/consultations/" + id + "/steps"
		sb.get(page).want(t, 200, "steps page").has(t, "steps page", `enctype="multipart/form-data"`, `<input type="file" id="attachment" name="attachment" multiple`)
		fields := url.Values{"_csrf": {sb.csrf()}, "kind": {"expert_review"}, "held_on": {workcal.DateOf(e.clock.Now()).String()},
			"participants": {"县律师协会"}, "summary": {"专家意见见附件。"}, "public": {"1"}}
		sb.postFile(page, "attachment", "论证意见.pdf", attachmenttest.PNG(), fields).want(t, 422, "disguised file").has(t, "form again", "论证意见.pdf", "专家意见见附件。")
		if st := e.want(e.do("GET", "/api/v1/consultations/"+id+"/steps", w.staffA, nil), 200, "steps").JSON["items"].([]any); len(st) != 0 {
			t.Fatalf("a refused upload recorded %v", st)
		}
		pdf := attachmenttest.PDF("expert opinion")
		sb.postFile(page, "attachment", "论证意见.pdf", pdf, fields).want(t, 303, "record with its file")
		st := e.want(e.do("GET", "/api/v1/consultations/"+id+"/steps", w.staffA, nil), 200, "steps").JSON["items"].([]any)
		if len(st) != 1 {
			t.Fatalf("steps %v", st)
		}
		step := st[0].(map[string]any)
		atts, _ := step["attachments"].([]any)
		if len(atts) != 1 {
			t.Fatalf("the record's files %v", step["attachments"])
		}
		a := atts[0].(map[string]any)
		link := "/api/v1/consultations/" + id + "/steps/" + step["id"].(string) + "/attachments/" + a["id"].(string)
		sb.get(page).want(t, 200, "steps page").has(t, "the file listed", `href="`+link+`"`, "论证意见.pdf")
		got := e.want(e.do("GET", link, "", nil), 200, "public download of a public record's file")
		if sum := sha256.Sum256(got.Body); hex.EncodeToString(sum[:]) != a["sha256"] {
			t.Errorf("downloaded file hashes to %x, the record says %v", sum, a["sha256"])
		}
	})
}

// TestDocumentsPage: staff attach a supporting document on the documents
// tab (no JS); a missing file comes back on the form; the notice page lists
// the document once its version is public, and after the decision only 解读
// may be added.
func TestDocumentsPage(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, _ := e.openConsultation(w, nil)
		sb := e.browser()
		sb.login("staffa", "password-staffa")
		page := "/staff/consultations/" + id + "/documents"
		sb.get(page).want(t, 200, "documents page").has(t, "documents page", `enctype="multipart/form-data"`, `name="role"`, "起草说明", "背景材料")
		sb.post(page, url.Values{"role": {"drafting_explanation"}, "title": {"起草说明"}}).want(t, 422, "no file").has(t, "form again", "起草说明")
		fields := url.Values{"_csrf": {sb.csrf()}, "role": {"drafting_explanation"}, "title": {"关于《办法》的起草说明"}}
		sb.postFile(page, "attachment", "说明.pdf", attachmenttest.PNG(), fields).want(t, 422, "disguised file")
		sb.postFile(page, "attachment", "说明.pdf", attachmenttest.PDF("drafting explanation"), fields).want(t, 303, "attached")
		docs := e.want(e.do("GET", "/api/v1/consultations/"+id+"/documents", "", nil), 200, "documents").JSON["items"].([]any)
		if len(docs) != 1 || docs[0].(map[string]any)["title"] != "关于《办法》的起草说明" {
			t.Fatalf("documents %v", docs)
		}
		did := docs[0].(map[string]any)["id"].(string)
		sb.get(page).want(t, 200, "documents page").has(t, "listed", "/api/v1/consultations/"+id+"/documents/"+did)
		e.browser().get("/consultations/"+id).want(t, 200, "notice page").has(t, "notice page lists it", "关于《办法》的起草说明", "起草说明")
	})
}
