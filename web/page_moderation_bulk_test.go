package web_test

import (
	"net/url"
	"sort"
	"strings"
	"testing"
)

func TestModerationBulk(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id := e.openForPages(w, draftBody(shortText))
	for _, body := range []string{"第一份意见。", "第二份意见。", "第三份意见。", "第四份意见。"} {
		e.comment(w.resident, id, "", body)
	}
	b := e.browser()
	b.login("staffa", "password-staffa")
	p := b.get(workURL(id, "moderation")).want(t, 200, "moderation")
	p.checkPage(t, "moderation", "zh-CN")
	p.has(t, "moderation", `<form method="post" action="/staff/consultations/`+id+`/moderation/bulk" id="bulk-form"`, "本页全部 4 条", `form="bulk-form"`)
	list := e.staffComments(w.staffA, id)
	if len(list) != 4 {
		t.Fatalf("%d comments", len(list))
	}
	// The page lists them in this order.
	var order []string
	for _, c := range list {
		order = append(order, c.ID)
	}
	pos := func(id string) int { return strings.Index(p.Body, `id="m-`+id+`"`) }
	sort.Slice(order, func(i, j int) bool { return pos(order[i]) < pos(order[j]) })

	b.post(workURL(id, "moderation/bulk"), url.Values{"action": {"publish"}}).want(t, 422, "none selected").
		has(t, "none selected", "请先勾选要处理的意见。", `class="error-summary"`)
	p = b.post(workURL(id, "moderation/bulk"), url.Values{"action": {"decline"}, "ids": {order[0]}}).want(t, 422, "decline without reason")
	p.has(t, "decline without reason", `<a href="#bulk-reason">`, `id="sel-`+order[0]+`" name="ids" value="`+order[0]+`" form="bulk-form" checked`)

	p = b.post(workURL(id, "moderation/bulk"), url.Values{"action": {"publish"}, "ids": {order[0], order[1]}}).want(t, 303, "publish two")
	if want := "/staff/consultations/" + id + "/moderation?done=bulk_published#m-" + order[2]; p.Location != want {
		t.Errorf("after publishing two: Location %q, want %q (the next comment)", p.Location, want)
	}
	b.get(p.Location).want(t, 200, "after").has(t, "after", "所选意见已公开。", "本页全部 2 条")
	form := url.Values{"action": {"decline"}, "reason": {"spam"}, "all": {"1"}, "page_ids": {order[2], order[3]}}
	b.post(workURL(id, "moderation/bulk"), form).want(t, 303, "decline all on the page")
	for _, c := range e.staffComments(w.staffA, id) {
		want := "declined"
		if c.ID == order[0] || c.ID == order[1] {
			want = "published"
		}
		if string(c.Status) != want {
			t.Errorf("comment %s is %s, want %s", c.ID, c.Status, want)
		}
	}
	b.get(workURL(id, "moderation")).want(t, 200, "empty queue").lacks(t, "empty queue", `id="bulk-form"`)
	// Another department's staff cannot.
	other := e.browser()
	other.login("staffb", "password-staffb")
	other.post(workURL(id, "moderation/bulk"), url.Values{"action": {"publish"}, "ids": {order[0]}}).want(t, 403, "other department")
}
