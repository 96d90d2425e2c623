package web_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestEraseContact: the receipt page shows the commenter's own text and
// the article; the contact is erased with a code sent to it; the comment
// stays, and the history has the event, without the contact.
func TestEraseContact(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, art := e.openConsultation(w, nil)
		r := e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("建议第一条写明“文明养犬”。", "article_id", art,
			"contact_email", "Zhang@Example.cn", "contact_phone", "13912345678")), 201, "submit")
		code := r.str("code")
		rc := e.want(e.do("GET", "/api/v1/receipts/"+code, "", nil), 200, "receipt")
		if rc.str("body") != "建议第一条写明“文明养犬”。" || rc.str("article_label") != "第一条" || rc.JSON["has_contact"] != true {
			t.Errorf("receipt lacks the own text, the article or has_contact: %s", rc.Body)
		}
		// A contact that is not the comment's gets nothing, and the same answer.
		sent := len(e.codes.Sent)
		other := e.want(e.do("POST", "/api/v1/receipts/"+code+"/erase-contact/code", "", map[string]string{"contact": "li@example.cn"}), 202, "other contact")
		own := e.want(e.do("POST", "/api/v1/receipts/"+code+"/erase-contact/code", "", map[string]string{"contact": "zhang@example.cn"}), 202, "own contact")
		if string(other.Body) != string(own.Body) {
			t.Errorf("answers differ: %s / %s", other.Body, own.Body)
		}
		if len(e.codes.Sent) != sent+1 || e.codes.Sent[sent].Contact.Address != "zhang@example.cn" {
			t.Fatalf("codes sent: %+v", e.codes.Sent[sent:])
		}
		vc := e.codes.Last(t).Code
		e.want(e.do("POST", "/api/v1/receipts/"+code+"/erase-contact", "", map[string]string{"contact": "13912345678", "code": vc}), 422, "code of the other contact")
		er := e.want(e.do("POST", "/api/v1/receipts/"+code+"/erase-contact", "", map[string]string{"contact": "zhang@example.cn", "code": vc}), 200, "erase")
		if n, _ := er.JSON["erased"].(float64); n != 2 {
			t.Errorf("erased %v, want 2", er.JSON["erased"])
		}
		rc = e.want(e.do("GET", "/api/v1/receipts/"+code, "", nil), 200, "receipt after")
		if rc.JSON["has_contact"] != false || rc.str("body") == "" {
			t.Errorf("after erasure: %s", rc.Body)
		}
		all := e.want(e.do("GET", "/api/v1/consultations/"+id+"/comments?status=all", w.staffA, nil), 200, "staff list")
		if strings.Contains(string(all.Body), "13912345678") || strings.Contains(strings.ToLower(string(all.Body)), "zhang@example.cn") {
			t.Errorf("staff still see the contact: %s", all.Body)
		}
		if !strings.Contains(string(all.Body), "文明养犬") {
			t.Errorf("the comment is gone")
		}
		hist := e.want(e.do("GET", "/api/v1/consultations/"+id+"/history", w.staffA, nil), 200, "history")
		if !strings.Contains(string(hist.Body), "comment.contact_erased") || strings.Contains(string(hist.Body), "13912345678") {
			t.Errorf("history: %.2000s", hist.Body)
		}
		e.want(e.do("POST", "/api/v1/receipts/"+code+"/erase-contact", "", map[string]string{"contact": "zhang@example.cn", "code": vc}), 422, "code used twice")
	})
}

// TestEraseContactPages: the same from the receipt page, without JavaScript.
func TestEraseContactPages(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id, art := e.openConsultation(w, nil)
	code := e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("第一条的“犬只”应包括幼犬。", "article_id", art, "contact_phone", "139 1234 5678")), 201, "submit").str("code")
	b := e.browser()
	p := b.get("/receipts/"+code).want(t, 200, "receipt page")
	p.checkPage(t, "receipt page", "zh-CN")
	p.has(t, "receipt page", "第一条的“犬只”应包括幼犬。", "第一条", `action="/receipts/`+code+`/erase-contact/code"`)
	p = b.post("/receipts/"+code+"/erase-contact/code", url.Values{"contact": {"+86 13912345678"}}).want(t, 200, "code sent")
	p.checkPage(t, "erase step 2", "zh-CN")
	vc := e.codes.Last(t).Code
	p = b.post("/receipts/"+code+"/erase-contact", url.Values{"contact": {"+86 13912345678"}, "code": {"12"}}).want(t, 422, "wrong code")
	p.has(t, "wrong code", "验证码错误或已失效")
	p = b.post("/receipts/"+code+"/erase-contact", url.Values{"contact": {"+86 13912345678"}, "code": {vc}}).want(t, 303, "erased")
	p = b.get(p.Location).want(t, 200, "receipt after")
	p.has(t, "receipt after", "联系方式已删除")
	p.lacks(t, "receipt after", "erase-contact/code")
}
