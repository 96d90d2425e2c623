package web_test

import (
	"strings"
	"testing"
	"time"
)

// TestMyComments: 我的意见 lists the account's own comments on both stores,
// with the text as submitted, status and answer; nobody else's, and not
// for the anonymous.
func TestMyComments(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, art := e.openConsultation(w, nil)
		mine := e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", w.resident, comment("建议写明登记地点，电话13912345678。", "article_id", art)), 201, "mine").str("code")
		e.clock.Set(e.clock.Now().Add(time.Minute)) // newest first
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", w.resident, comment("整体赞成。")), 201, "mine, whole draft")
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("匿名意见。", "display", "anonymous")), 201, "anonymous")
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", w.legal, comment("别人的意见。")), 201, "someone else's")
		e.want(e.do("GET", "/api/v1/me/comments", "", nil), 401, "anonymous")
		r := e.want(e.do("GET", "/api/v1/me/comments", w.resident, nil), 200, "mine")
		items, _ := r.JSON["items"].([]any)
		if len(items) != 2 {
			t.Fatalf("%d comments, want the resident's 2: %s", len(items), r.Body)
		}
		last := items[1].(map[string]any)
		if last["code"] != mine || last["body"] != "建议写明登记地点，电话13912345678。" || last["article_label"] != "第一条" || last["status"] != "pending" {
			t.Errorf("the resident's first comment: %v", last)
		}
		b := e.browser()
		b.login("resident", "password-resident")
		p := b.get("/me/comments").want(t, 200, "page")
		p.has(t, "mine", "我的意见", mine, "建议写明登记地点", "整体赞成", "针对：第一条")
		if strings.Contains(p.Body, "别人的意见") || strings.Contains(p.Body, "匿名意见") {
			t.Error("another person's comment on 我的意见")
		}
	})
}
