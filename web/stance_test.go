package web_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestStance: a commenter may give a stance; the public page and the
// adoption report count the published ones, per article in the report; a
// stance that is not one of the three is refused.
func TestStance(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, art := e.openConsultation(w, map[string]any{"moderation": false})
		post := func(body map[string]string, status int, what string) {
			t.Helper()
			e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", body), status, what)
		}
		post(comment("支持出台。", "stance", "support", "display", "anonymous"), 201, "support")
		post(comment("支持，但登记期限宜放宽。", "stance", "support", "article_id", art, "display", "anonymous"), 201, "support on an article")
		post(comment("反对收费。", "stance", "oppose", "article_id", art, "display", "anonymous"), 201, "oppose on an article")
		post(comment("没有表态。", "display", "anonymous"), 201, "no stance")
		r := e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("x", "stance", "maybe", "display", "anonymous")), 422, "unknown stance")
		if r.field("stance") == "" {
			t.Errorf("unknown stance refused without naming the field: %s", r.Body)
		}
		page := e.browser().get("/consultations/"+id).want(t, 200, "public page")
		page.has(t, "stance line", "表态", "支持 2 条 · 反对 1 条 · 中立 0 条")
		rep := e.want(e.do("GET", "/api/v1/consultations/"+id+"/report", w.staffA, nil), 200, "report")
		stances, _ := rep.JSON["stances"].([]any)
		if len(stances) != 2 {
			t.Fatalf("report stances: %v, want the whole draft and one article", rep.JSON["stances"])
		}
		first, second := stances[0].(map[string]any), stances[1].(map[string]any)
		if first["article_id"] != "" || first["counts"].(map[string]any)["support"] != float64(1) ||
			second["article_id"] != art || second["counts"].(map[string]any)["oppose"] != float64(1) {
			t.Errorf("report stances = %v", stances)
		}
		// Through the page form, without JavaScript.
		b := e.browser()
		form := b.get("/consultations/"+id+"/comment").want(t, 200, "form")
		form.has(t, "stance radios", `name="stance" value="neutral"`, "您对草案的总体态度")
		key := ""
		if i := strings.Index(form.Body, `name="key" value="`); i >= 0 {
			key = form.Body[i+len(`name="key" value="`):]
			key = key[:strings.Index(key, `"`)]
		}
		b.post("/consultations/"+id+"/comment", url.Values{"body": {"中立，请多听取意见。"}, "display": {"anonymous"}, "stance": {"neutral"}, "key": {key}}).want(t, 303, "page comment")
		e.browser().get("/consultations/"+id).want(t, 200, "after").has(t, "neutral counted", "中立 1 条")
	})
}
