package web_test

import (
	"net/url"
	"testing"
)

// TestPetitionOnPages enters a 联名信 on the offline page and an
// enterprise's comment through the API: the public list shows the
// petition as "联名 312 人" and the enterprise by name, and the report
// counts every signatory, by category.
func TestPetitionOnPages(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, _ := e.openConsultation(w, nil)
		b := e.browser()
		b.login("staffa", "password-staffa")
		off := "/staff/consultations/" + id + "/offline"
		b.get(off).want(t, 200, "offline form").has(t, "offline form", `id="signatories"`, `id="ct-peoples_deputy"`, `id="on_behalf_of"`)
		form := url.Values{"channel": {"letter"}, "received_on": {"2026-12-01"}, "body": {"联名信：请保留遛犬时段。"}, "commenter_type": {"individual"},
			"display": {"anonymous"}, "signatories": {"312"}}
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("signatories", "很多")
		b.post(off, bad).want(t, 422, "bad signatories").has(t, "bad signatories", "联名人数须为")
		b.post(off, form).want(t, 303, "petition")
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", w.resident, map[string]string{"body": "建议设置宠物友好区。",
			"commenter_type": "enterprise", "organization_name": "某宠物医院有限公司", "display": "masked", "on_behalf_of": "本院职工"}), 201, "enterprise")
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", w.resident, map[string]string{"body": "x", "commenter_type": "enterprise", "display": "masked"}),
			422, "enterprise without a name")
		all := e.want(e.do("GET", "/api/v1/consultations/"+id+"/comments?status=pending", w.staffA, nil), 200, "pending")
		for _, it := range all.JSON["items"].([]any) {
			cid := it.(map[string]any)["id"].(string)
			e.want(e.do("POST", "/api/v1/comments/"+cid+"/moderation", w.staffA, map[string]string{"action": "publish"}), 200, "publish")
		}
		p := b.get("/consultations/"+id+"/comments").want(t, 200, "public list")
		p.has(t, "public list", "联名 312 人", "某宠物医院有限公司", "代表：本院职工")
		r := e.want(e.do("GET", "/api/v1/consultations/"+id+"/report", w.staffA, nil), 200, "report")
		if r.JSON["received"] != float64(313) || r.JSON["submissions"] != float64(2) {
			t.Errorf("report received %v, submissions %v; want 313, 2", r.JSON["received"], r.JSON["submissions"])
		}
		if cat := r.JSON["by_category"].(map[string]any); cat["individual"] != float64(312) || cat["enterprise"] != float64(1) {
			t.Errorf("by_category = %v", cat)
		}
	})
}
