package web_test

import (
	"net/url"
	"strings"
	"testing"

	"yugongkai/attachment/attachmenttest"
	"yugongkai/workcal"
)

func TestWorkOfflinePage(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id := e.openForPages(w, draftBody(shortText))
	arts := e.articleIDs(id)
	b := e.browser()
	b.login("staffa", "password-staffa")

	p := b.get(workURL(id, "offline")).want(t, 200, "offline form")
	p.checkPage(t, "offline", "zh-CN")
	p.has(t, "offline form", `value="letter"`, `value="symposium"`, `value="hearing"`, `name="received_on"`, `value="`+arts[0]+`"`)

	bad := b.post(workURL(id, "offline"), url.Values{"channel": {"letter"}, "received_on": {"2027-05-01"}, "body": {xss}, "display": {"anonymous"}}).
		want(t, 422, "received in the future")
	bad.has(t, "offline form", "&lt;script&gt;")
	bad.lacks(t, "offline form", xss)

	// A letter received before the end is entered after it.
	e.clock.Set(workcal.EndOfDay(workcal.MustParseDate("2026-12-31")))
	e.relogin(&w)
	b = e.browser()
	b.login("staffa", "password-staffa")
	done := b.post(workURL(id, "offline"), url.Values{"channel": {"letter"}, "received_on": {"2026-12-20"}, "article_id": {arts[0]},
		"body": {"来信：建议增加犬只免疫的规定。"}, "display": {"masked"}, "real_name": {"王小明"}, "contact_phone": {"13912345678"}}).want(t, 303, "enter a letter")
	if !strings.Contains(done.Location, "receipt=YGK-") {
		t.Errorf("redirect %q does not carry the receipt", done.Location)
	}
	list := e.staffComments(w.staffA, id)
	if len(list) != 1 || list[0].Channel != "letter" || list[0].ArticleID != arts[0] {
		t.Fatalf("stored offline comments: %+v", list)
	}
	// The letter's scan goes with it; a disguised file comes back named, nothing stored.
	form := b.get(workURL(id, "offline")).want(t, 200, "offline form again")
	form.has(t, "offline form", `enctype="multipart/form-data"`, `name="attachment"`)
	fields := url.Values{"_csrf": {b.csrf()}, "channel": {"letter"}, "received_on": {"2026-12-21"}, "body": {"来信，见扫描件。"}, "display": {"anonymous"}, "commenter_type": {"individual"}}
	b.postFile(workURL(id, "offline"), "attachment", "扫描件.pdf", attachmenttest.PNG(), fields).want(t, 422, "disguised scan").has(t, "disguised scan", "扫描件.pdf", "来信，见扫描件。")
	b.postFile(workURL(id, "offline"), "attachment", "扫描件.pdf", attachmenttest.CIDPDF(false, "来信原件"), fields).want(t, 303, "letter with its scan")
	r := e.want(e.do("GET", "/api/v1/consultations/"+id+"/comments?status=all&limit=100", w.staffA, nil), 200, "staff list")
	if n := strings.Count(string(r.Body), `"name":"扫描件.pdf"`); n != 1 || len(e.staffComments(w.staffA, id)) != 2 {
		t.Fatalf("stored %s; want two letters, the second with its scan", r.Body)
	}
	// Another department may not enter comments here.
	other := e.browser()
	other.login("staffb", "password-staffb")
	if st := other.get(workURL(id, "offline")).Status; st != 403 && st != 404 {
		t.Errorf("other department: status %d", st)
	}
}
