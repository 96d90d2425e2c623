package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"yugongkai/consultation"
)

func init() {
	// The survey results and responses as .xlsx: checked as bytes.
	openapi3filter.RegisterBodyDecoder("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		func(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
			b, err := io.ReadAll(body)
			return string(b), err
		})
}

// TestSurveys takes a survey through its life over the API and the page:
// written as a draft (hidden from the public), opened, answered once per
// device from the form without JavaScript, counted, exported, and closed by
// its 民意调查报告, a public event in the chain listed on the timeline.
func TestSurveys(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, _ := e.openConsultation(w, nil)
		base := "/api/v1/consultations/" + id + "/surveys"
		form := map[string]any{"title": "养犬管理问卷", "intro": "请花两分钟回答。", "once_per": "device", "questions": []map[string]any{
			{"kind": "single", "text": "您是否养犬？", "required": true, "options": []string{"是", "否"}},
			{"kind": "multiple", "text": "您关心哪些问题？", "options": []string{"噪音", "卫生", "安全"}},
			{"kind": "scale", "text": "您对登记制度的支持程度", "scale_max": 5, "min_label": "很不支持", "max_label": "很支持"},
			{"kind": "text", "text": "其他建议"},
		}}
		bad := map[string]any{"title": "", "questions": []map[string]any{{"kind": "single", "text": "x", "options": []string{"只有一个"}}}}
		if r := e.want(e.do("POST", base, w.staffA, bad), 422, "bad survey"); r.field("questions.0.options") == "" || r.field("title") == "" {
			t.Errorf("bad survey refused with %s", r.Body)
		}
		e.want(e.do("POST", base, w.staffB, form), 403, "another department")
		sid := e.want(e.do("POST", base, w.staffA, form), 201, "create").str("id")
		e.want(e.do("GET", base+"/"+sid, "", nil), 404, "a draft is not public")
		if r := e.want(e.do("GET", base, "", nil), 200, "public list"); len(r.JSON["items"].([]any)) != 0 {
			t.Errorf("public list shows a draft: %s", r.Body)
		}
		form["title"] = "养犬管理问卷（修订）"
		e.want(e.do("PUT", base+"/"+sid, w.staffA, form), 200, "edit draft")
		e.want(e.do("POST", base+"/"+sid+"/open", w.staffA, map[string]any{}), 200, "open")
		e.want(e.do("PUT", base+"/"+sid, w.staffA, form), 409, "edit after opening")
		e.want(e.do("POST", base+"/"+sid+"/responses", "", map[string]any{"answers": map[string][]string{"q1": {"o1"}}}), 400, "API answer without the device cookie")

		page := "/consultations/" + id + "/surveys/" + sid
		b := e.browser()
		p := b.get(page).want(t, 200, "survey page")
		p.has(t, "survey page", "养犬管理问卷（修订）", `type="radio" id="q1-o1" name="q1" value="o1"`, `type="checkbox" id="q2-o3"`, `name="q4"`)
		b.post(page, url.Values{"q2": {"o1"}}).want(t, 422, "required question left out").has(t, "missing answer", "此题为必答题")
		b.post(page, url.Values{"q1": {"o1"}, "q2": {"o1", "o3"}, "q3": {"4"}, "q4": {"办证点太远"}}).want(t, 303, "answer")
		b.get(page).want(t, 200, "answered").has(t, "answered", "您已提交过该问卷")
		b.post(page, url.Values{"q1": {"o2"}}).want(t, 409, "second answer from the same device")
		b2 := e.browser()
		b2.get(page).want(t, 200, "second device")
		b2.post(page, url.Values{"q1": {"o2"}, "q2": {"o1"}, "q3": {"9"}}).want(t, 422, "scale out of range")
		b2.post(page, url.Values{"q1": {"o2"}, "q2": {"o1"}, "q3": {"5"}}).want(t, 303, "second device answers")

		e.want(e.do("GET", base+"/"+sid+"/results", "", nil), 403, "results before the report")
		res := e.want(e.do("GET", base+"/"+sid+"/results", w.staffA, nil), 200, "staff results")
		counts := optionCounts(res.JSON["results"].(map[string]any))
		want := map[string]float64{"q1:o1": 1, "q1:o2": 1, "q2:o1": 2, "q2:o2": 0, "q2:o3": 1, "q3:4": 1, "q3:5": 1, "q4:*": 1, "q1:*": 2}
		for k, n := range want {
			if counts[k] != n {
				t.Errorf("count %s = %v, want %v (all: %v)", k, counts[k], n, counts)
			}
		}
		csv := e.want(e.do("GET", base+"/"+sid+"/responses.csv", w.staffA, nil), 200, "responses csv")
		if body := string(csv.Body); !strings.Contains(body, "办证点太远") || !strings.Contains(body, "噪音；安全") {
			t.Errorf("responses csv = %s", body)
		}
		e.want(e.do("GET", base+"/"+sid+"/responses.csv", "", nil), 403, "responses csv for the public")
		if x := e.want(e.do("GET", base+"/"+sid+"/results.xlsx", w.staffA, nil), 200, "results xlsx"); !strings.HasPrefix(string(x.Body), "PK") {
			t.Errorf("results.xlsx is not a zip")
		}

		e.want(e.do("POST", base+"/"+sid+"/report", w.staffA, map[string]string{"summary": ""}), 422, "report without summary")
		e.want(e.do("POST", base+"/"+sid+"/report", w.staffA, map[string]string{"summary": "多数受访者支持登记制度，关注噪音问题。"}), 200, "report")
		e.want(e.do("POST", base+"/"+sid+"/report", w.staffA, map[string]string{"summary": "again"}), 409, "second report")
		b2.post(page, url.Values{"q1": {"o1"}}).want(t, 409, "answer after the report")
		pub := e.want(e.do("GET", base+"/"+sid+"/results", "", nil), 200, "public results after the report")
		if c := optionCounts(pub.JSON["results"].(map[string]any)); c["q2:o1"] != 2 {
			t.Errorf("public results = %v", c)
		}
		e.want(e.do("GET", base+"/"+sid+"/results.csv", "", nil), 200, "public results csv")
		hist := e.want(e.do("GET", "/api/v1/consultations/"+id+"/history", "", nil), 200, "history")
		var types []string
		for _, ev := range hist.JSON["items"].([]any) {
			m := ev.(map[string]any)
			types = append(types, m["type"].(string))
			if m["type"] == "survey.report_published" && !strings.Contains(string(mustJSON(t, m["payload"])), `"responses":2`) {
				t.Errorf("report event payload = %v", m["payload"])
			}
		}
		if s := strings.Join(types, " "); !strings.Contains(s, "survey.opened") || !strings.Contains(s, "survey.report_published") || strings.Contains(s, "survey.created") {
			t.Errorf("public history = %s, want survey.opened and survey.report_published (not the internal survey.created)", s)
		}
		e.want(e.do("GET", "/api/v1/consultations/"+id+"/history/verify", "", nil), 200, "verify")
		arch := e.want(e.do("GET", "/api/v1/consultations/"+id+"/archive", w.staffA, nil), 200, "archive")
		if !strings.Contains(string(arch.Body), "survey.report_published") || !strings.Contains(string(arch.Body), "多数受访者支持登记制度") {
			t.Errorf("the archive lacks the survey report")
		}
		if v, err := consultation.VerifyArchive(arch.Body, ""); err != nil || !v.OK {
			t.Errorf("VerifyArchive = %+v, %v", v, err)
		}
		cp := b.get("/consultations/"+id).want(t, 200, "consultation page")
		cp.has(t, "timeline", `<a href="/consultations/`+id+`/surveys/`+sid+`">发布民意调查报告：养犬管理问卷（修订）</a>`)
		b.get(page+"?lang=en").want(t, 200, "report page in English").has(t, "report page", "Survey report", "<svg", "多数受访者支持登记制度")
	})
}

// TestSurveyStaffPage writes a survey on the staff page, questions one a
// line, and opens it.
func TestSurveyStaffPage(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, _ := e.openConsultation(w, nil)
		b := e.browser()
		b.login("staffa", "password-staffa")
		work := "/staff/consultations/" + id + "/surveys"
		b.get(work).want(t, 200, "surveys tab").has(t, "surveys tab", "新建问卷")
		b.post(work, url.Values{"title": {"问卷"}, "questions": {"单选*：是否养犬？｜只有一个"}}).want(t, 422, "bad line").has(t, "bad line", "第 1 行")
		b.post(work, url.Values{"title": {"问卷"}, "once_per": {"account"}, "questions": {"单选*：是否养犬？｜是｜否\n多选：关心的问题｜噪音｜卫生\n量表7：支持程度\n简答：建议"}}).want(t, 303, "create")
		list := e.want(e.do("GET", "/api/v1/consultations/"+id+"/surveys", w.staffA, nil), 200, "list")
		sv := list.JSON["items"].([]any)[0].(map[string]any)
		qs := sv["questions"].([]any)
		if len(qs) != 4 || sv["once_per"] != "account" || qs[0].(map[string]any)["required"] != true || qs[2].(map[string]any)["scale_max"] != float64(7) {
			t.Fatalf("survey from the page = %v", sv)
		}
		b.post(work+"/"+sv["id"].(string)+"/open", nil).want(t, 303, "open")
		b.get(work).want(t, 200, "after open").has(t, "after open", "发布民意调查报告")
	})
}

// optionCounts flattens results to "question:option" → count, with
// "question:*" the number who answered.
func optionCounts(res map[string]any) map[string]float64 {
	out := map[string]float64{}
	for _, q := range res["questions"].([]any) {
		m := q.(map[string]any)
		out[m["id"].(string)+":*"] = m["answered"].(float64)
		opts, _ := m["options"].([]any)
		for _, o := range opts {
			om := o.(map[string]any)
			out[m["id"].(string)+":"+om["id"].(string)] = om["count"].(float64)
		}
	}
	return out
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
