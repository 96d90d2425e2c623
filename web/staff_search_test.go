package web_test

import (
	"net/url"
	"strings"
	"testing"

	"yugongkai/attachment/attachmenttest"
)

// TestStaffSearch: the department and the legal office find pending
// comments by their text and by the text of their files (the file named),
// page by page with a cursor; another department, residents and the public
// are refused; contacts are neither found nor returned; bad queries get a
// localized message.
func TestStaffSearch(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, art := e.openConsultation(w, nil)
		base := "/api/v1/consultations/" + id
		e.want(e.do("POST", base+"/comments", "", comment("建议养犬登记免费办理。", "contact_phone", "13987650001", "contact_email", "findme@example.cn")), 201, "c1")
		body, ct := multipartBody(t, comment("意见见附件。", "article_id", art),
			upload{"attachment", "来信.docx", attachmenttest.DOCX("建议延长办证时间，增加夜间窗口。")},
			upload{"attachment", "扫描件.pdf", attachmenttest.CIDPDF(true, "附件二：请公布办理地点。")})
		e.want(e.do("POST", base+"/comments", "", body, "Content-Type", ct), 201, "c2 with a file")
		e.want(e.do("POST", base+"/comments", "", comment("建议增加养犬登记的网上办理渠道，联系电话13987650002。")), 201, "c3")
		search := func(tok, q string, extra ...string) response {
			t.Helper()
			u := base + "/staff-search?q=" + url.QueryEscape(q)
			for i := 0; i+1 < len(extra); i += 2 {
				u += "&" + extra[i] + "=" + url.QueryEscape(extra[i+1])
			}
			return e.do("GET", u, tok, nil)
		}
		hits := func(r response) []map[string]any {
			var out []map[string]any
			list, _ := r.JSON["hits"].([]any)
			for _, h := range list {
				out = append(out, h.(map[string]any))
			}
			return out
		}

		// In the body of pending comments.
		r := e.want(search(w.staffA, "登记"), 200, "search the bodies")
		if h := hits(r); len(h) != 2 || h[0]["in_body"] != true || h[0]["status"] != "pending" || !strings.Contains(h[0]["excerpt"].(string), "登记") {
			t.Errorf("登记: %s", r.Body)
		}
		// In a file's text, with the file named; several words must all occur.
		for _, q := range []string{"夜间窗口", "办证 夜间", "窗"} {
			r = e.want(search(w.legal, q), 200, "search the files "+q)
			h := hits(r)
			if len(h) != 1 || h[0]["in_body"] != false {
				t.Fatalf("%s: %s", q, r.Body)
			}
			files, _ := h[0]["files"].([]any)
			if len(files) != 1 || files[0].(map[string]any)["name"] != "来信.docx" || !strings.Contains(files[0].(map[string]any)["excerpt"].(string), "夜间窗口") {
				t.Errorf("%s: files %v", q, h[0]["files"])
			}
		}
		// In a Chinese PDF's text (a CID font read through its ToUnicode CMap).
		r = e.want(search(w.staffA, "办理地点"), 200, "search a Chinese PDF")
		if h := hits(r); len(h) != 1 || len(h[0]["files"].([]any)) != 1 || h[0]["files"].([]any)[0].(map[string]any)["name"] != "扫描件.pdf" {
			t.Errorf("办理地点: %s", r.Body)
		}
		if h := hits(e.want(search(w.staffA, "养犬 夜间"), 200, "no comment has both")); len(h) != 0 {
			t.Errorf("养犬 夜间 matched %v", h)
		}
		// Contacts: not found, not returned (a number typed into the text is masked too).
		for _, q := range []string{"13987650001", "findme", "example.cn", "13987650002", "650002"} {
			r = e.want(search(w.staffA, q), 200, "contact "+q)
			if h := hits(r); len(h) != 0 || r.JSON["query"] != q {
				t.Errorf("search %q finds or returns a contact: %s", q, r.Body)
			}
		}
		r = e.want(search(w.staffA, "网上办理"), 200, "c3")
		if len(hits(r)) != 1 || strings.Contains(string(r.Body), "13987650002") {
			t.Errorf("the excerpt shows the typed phone number: %s", r.Body)
		}

		// Pages of one hit, each going on from the last.
		var seen []string
		cursor := ""
		for range 5 {
			r = e.want(search(w.staffA, "建议", "limit", "1", "cursor", cursor), 200, "page")
			for _, h := range hits(r) {
				seen = append(seen, h["comment_id"].(string))
			}
			cursor = r.str("next")
			if cursor == "" {
				break
			}
		}
		if len(seen) != 3 || seen[0] == seen[1] || seen[1] == seen[2] || seen[0] == seen[2] || cursor != "" {
			t.Errorf("paged hits %v, last cursor %q; want three different comments and the end", seen, cursor)
		}

		// Who may search.
		e.want(search(w.staffB, "登记"), 403, "another department")
		e.want(search(w.resident, "登记"), 403, "a resident")
		if r := search("", "登记"); r.Status != 401 && r.Status != 403 {
			t.Errorf("the public: %d", r.Status)
		}
		// Bad queries, localized.
		r = e.want(search(w.staffA, "  "), 422, "empty query")
		if r.field("q") != "请输入要搜索的字词。" {
			t.Errorf("empty query message %q", r.field("q"))
		}
		r = e.want(e.do("GET", base+"/staff-search?q="+strings.Repeat("长", 101), w.staffA, nil, "Accept-Language", "en"), 422, "long query")
		if r.field("q") != "The search is too long (at most 100 characters)." {
			t.Errorf("long query message %q", r.field("q"))
		}
		e.want(search(w.staffA, "登记", "limit", "0"), 422, "limit 0")
		e.want(search(w.staffA, "登记", "cursor", "!!"), 400, "bad cursor")

		// The page: a search box on the moderation page, the hits with the file named.
		sb := e.browser()
		sb.login("staffa", "password-staffa")
		sb.get("/staff/consultations/"+id+"/moderation").want(t, 200, "moderation page").has(t, "moderation page",
			`action="/staff/consultations/`+id+`/search"`, `name="q"`)
		p := sb.get("/staff/consultations/"+id+"/search?q="+url.QueryEscape("夜间窗口")).want(t, 200, "search page")
		p.has(t, "search page", "附件“来信.docx”", "夜间窗口", "/files")
		sb.get("/staff/consultations/"+id+"/search?q=").want(t, 422, "empty query on the page").has(t, "empty query page", "请输入要搜索的字词。")
		p = sb.get("/staff/consultations/"+id+"/search?q="+url.QueryEscape("网上 电话")).want(t, 200, "the page of comments with contacts")
		p.has(t, "the page of comments with contacts", "联系电话")
		p.lacks(t, "the page of comments with contacts", "13987650001", "findme", "13987650002")
		lb := e.browser() // the legal office searches from the same page
		lb.login("legal", "password-legal")
		lb.get("/staff/consultations/"+id+"/search?q="+url.QueryEscape("夜间窗口")).want(t, 200, "legal search page").has(t, "legal search page", "附件“来信.docx”")
		lb.get("/staff/consultations/"+id+"/search?q="+url.QueryEscape("夜间窗口")).lacks(t, "legal search page", "/moderation", "/files")
		ob := e.browser()
		ob.login("staffb", "password-staffb")
		ob.get("/staff/consultations/"+id+"/search?q="+url.QueryEscape("登记")).want(t, 403, "another department's page")
	})
}
