package web_test

import (
	"net/url"
	"strings"
	"testing"

	"yugongkai/attachment/attachmenttest"
)

// TestCommentFilesPage: after a comment is published (and has left the
// moderation queue), staff publish and restrict its files one at a time
// from the comment's files page, in either language; a restriction needs a
// reason; the forms carry CSRF; other departments and residents are
// refused.
func TestCommentFilesPage(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, _ := e.openConsultation(w, nil)
		base := "/api/v1/consultations/" + id
		body, ct := multipartBody(t, comment("意见见附件。"),
			upload{"attachment", "意见.docx", attachmenttest.DOCX("建议。")}, upload{"attachment", "照片.png", attachmenttest.PNG()})
		e.want(e.do("POST", base+"/comments", "", body, "Content-Type", ct), 201, "comment with files")
		item := e.want(e.do("GET", base+"/comments?status=all", w.staffA, nil), 200, "staff list").JSON["items"].([]any)[0].(map[string]any)
		cid := item["id"].(string)
		atts := item["attachments"].([]any)
		a0, a1 := atts[0].(map[string]any)["id"].(string), atts[1].(map[string]any)["id"].(string)
		e.want(e.do("POST", "/api/v1/comments/"+cid+"/moderation", w.staffA, map[string]string{"action": "publish"}), 200, "publish the comment")
		fileStatus := func() (string, string, string) {
			t.Helper()
			it := e.want(e.do("GET", base+"/comments?status=all", w.staffA, nil), 200, "staff list").JSON["items"].([]any)[0].(map[string]any)
			as := it["attachments"].([]any)
			r, _ := as[1].(map[string]any)["reason"].(string)
			return as[0].(map[string]any)["status"].(string), as[1].(map[string]any)["status"].(string), r
		}

		sb := e.browser()
		sb.login("staffa", "password-staffa")
		sb.get("/staff/consultations/"+id+"/moderation").want(t, 200, "moderation").lacks(t, "moderation page", "意见.docx")
		filesURL := "/staff/consultations/" + id + "/comments/" + cid + "/files"
		sb.get("/staff/consultations/"+id+"/dispositions").want(t, 200, "dispositions").has(t, "dispositions page", `href="`+filesURL+`"`, "附件（2 个）")
		p := sb.get(filesURL).want(t, 200, "files page")
		p.has(t, "files page", "意见.docx", "照片.png", `action="`+filesURL+`/`+a0+`"`, `action="`+filesURL+`/`+a1+`"`, `name="_csrf"`, "待审核，未公开")
		p.checkPage(t, "files page", "zh-CN")

		// One file per action.
		r := sb.post(filesURL+"/"+a0, url.Values{"action": {"publish"}}).want(t, 303, "publish one file")
		if !strings.HasPrefix(r.Location, filesURL+"?done=attachment") {
			t.Errorf("redirect %q", r.Location)
		}
		if s0, s1, _ := fileStatus(); s0 != "published" || s1 != "pending" {
			t.Errorf("after publishing one: %s, %s", s0, s1)
		}
		sb.get(r.Location).want(t, 200, "back on the page").has(t, "back on the page", "附件状态已更新。")
		// A restriction without a reason comes back, in both languages.
		sb.post(filesURL+"/"+a1, url.Values{"action": {"restrict"}}).want(t, 422, "restrict without reason").has(t, "no reason", "必填", `aria-invalid="true"`)
		en := e.browser()
		en.lang = "en"
		en.login("staffa", "password-staffa")
		en.get(filesURL).want(t, 200, "files page en").has(t, "files page en", "Files of a comment", "Withhold", "Reason for withholding")
		en.post(filesURL+"/"+a1, url.Values{"action": {"restrict"}}).want(t, 422, "restrict without reason en").has(t, "no reason en", "Required.")
		if _, s1, _ := fileStatus(); s1 != "pending" {
			t.Errorf("a refused restriction changed the file: %s", s1)
		}
		sb.post(filesURL+"/"+a1, url.Values{"action": {"restrict"}, "reason": {"含他人面部影像"}}).want(t, 303, "restrict with reason")
		if _, s1, reason := fileStatus(); s1 != "restricted" || reason != "含他人面部影像" {
			t.Errorf("after restricting: %s %q", s1, reason)
		}
		e.browser().get("/consultations/"+id+"/comments").want(t, 200, "public list").has(t, "public list", "附件已限制公开：含他人面部影像", "意见.docx")
		sb.post(filesURL+"/"+a1, url.Values{"action": {"restrict"}, "reason": {"含他人面部影像"}}).want(t, 409, "the same again")

		// CSRF, other departments, residents, a comment of another consultation.
		sb.postRaw(filesURL+"/"+a1, url.Values{"action": {"publish"}}).want(t, 403, "no CSRF token")
		if _, s1, _ := fileStatus(); s1 != "restricted" {
			t.Errorf("a post without CSRF changed the file: %s", s1)
		}
		ob := e.browser()
		ob.login("staffb", "password-staffb")
		ob.get(filesURL).want(t, 403, "another department")
		ob.post(filesURL+"/"+a1, url.Values{"action": {"publish"}}).want(t, 403, "another department posts")
		other, _ := e.openConsultation(w, nil)
		sb.get("/staff/consultations/"+other+"/comments/"+cid+"/files").want(t, 404, "the comment under another consultation")
		rb := e.browser()
		rb.post("/login", url.Values{"username": {"resident"}, "password": {"password-resident"}})
		if st := rb.get(filesURL).Status; st != 403 && st != 401 && st != 303 {
			t.Errorf("resident: %d", st)
		}
	})
}

// commentFilesForAxe posts a comment with two files to the demo's open
// consultation as the resident and returns the staff page of its files.
func commentFilesForAxe(t *testing.T, e *env, id, resident, adminTok string) string {
	t.Helper()
	up := strings.Split(resident, "\x00")
	if len(up) != 2 {
		t.Fatal("no demo resident")
	}
	body, ct := multipartBody(t, comment("意见见附件（无障碍检查）。"),
		upload{"attachment", "意见.docx", attachmenttest.DOCX("建议。")}, upload{"attachment", "照片.png", attachmenttest.PNG()})
	code := e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", e.login(up[0], up[1]), body, "Content-Type", ct), 201, "comment with files for the axe pages").str("code")
	r := e.want(e.do("GET", "/api/v1/receipts/"+code, "", nil), 200, "receipt")
	cid, _ := r.JSON["comment_id"].(string)
	if cid == "" {
		list := e.want(e.do("GET", "/api/v1/consultations/"+id+"/comments?status=all&limit=100", adminTok, nil), 200, "comments").JSON["items"].([]any)
		for _, it := range list {
			if m := it.(map[string]any); m["receipt"] == code {
				cid = m["id"].(string)
			}
		}
	}
	if cid == "" {
		t.Fatalf("no comment with receipt %s", code)
	}
	return "/staff/consultations/" + id + "/comments/" + cid + "/files"
}
