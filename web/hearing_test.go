package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"yugongkai/workcal"
)

// TestMajorDecisionWithHearing is the whole story of a 重大行政决策 through
// the API, on both stores: expert review → risk assessment → consultation →
// hearing (announce, apply, select by lot, record: statements become
// comments of channel hearing) → answers → revision → legality review →
// collective decision 修改后再议 → revision → review → 通过 → publication
// with its 政策解读 (refused without one). The applicants' contacts are in
// no public view, feed, history or archive.
func TestMajorDecisionWithHearing(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		b := draftBody(shortText)
		b["procedure_type"], b["technical"], b["high_risk"] = "major_decision", true, true
		id := e.want(e.do("POST", "/api/v1/consultations", w.staffA, b), 201, "create").str("id")
		base := "/api/v1/consultations/" + id
		today := func() string { return workcal.DateOf(e.clock.Now()).String() }
		step := func(form map[string]any, status int, what string) {
			t.Helper()
			e.want(e.do("POST", base+"/steps", w.staffA, form), status, what)
		}
		step(map[string]any{"kind": "expert_review", "held_on": today(), "participants": "县律师协会", "summary": "专家论证认为可行。", "public": true}, 201, "expert review")
		e.want(e.do("POST", base+"/hearings", w.staffA, map[string]any{"held_at": "2026-12-20T09:30", "place": "p", "matters": "m",
			"how_to_apply": "h", "apply_by": "2026-12-15T17:00", "seats": 2}), 409, "hearing before the notice is public")
		end := workcal.DateOf(e.clock.Now()).AddDays(40)
		e.want(e.do("POST", base+"/publish", w.staffA, map[string]string{"closes_at": end.String()}), 200, "publish")
		step(map[string]any{"kind": "risk_assessment", "held_on": today(), "summary": "风险可控。", "risk_types": []string{"public_safety"}}, 201, "risk assessment")
		c1 := e.want(e.do("POST", base+"/comments", w.resident, map[string]any{"body": "建议明确登记期限。", "display": "anonymous"}), 201, "a comment").str("comment_id")

		// The hearing.
		held := e.clock.Now().Add(20 * 24 * time.Hour).Format(time.RFC3339)
		by := e.clock.Now().Add(10 * 24 * time.Hour).Format(time.RFC3339)
		hearing := map[string]any{"held_at": held, "place": "县政府第一会议室", "matters": "养犬登记期限和收费标准",
			"how_to_apply": "在本页在线报名", "apply_by": by, "seats": 2}
		e.want(e.do("POST", base+"/hearings", w.staffB, hearing), 403, "another department announces")
		e.want(e.do("POST", base+"/hearings", w.resident, hearing), 403, "a resident announces")
		e.want(e.do("POST", base+"/hearings", w.staffA, map[string]any{"held_at": by, "place": "p", "matters": "m", "how_to_apply": "h", "apply_by": held, "seats": 2}), 422, "deadline after the hearing")
		hid := e.want(e.do("POST", base+"/hearings", w.staffA, hearing), 201, "announce").str("id")
		hbase := base + "/hearings/" + hid
		apply := func(tok, name, contact, stance string) {
			t.Helper()
			r := e.want(e.do("POST", hbase+"/applications", tok, map[string]string{"name": name, "contact": contact, "stance": stance, "reason": "我家养犬，关心登记期限。"}), 201, "apply "+name)
			if strings.Contains(string(r.Body), contact) {
				t.Errorf("the application receipt echoes the contact: %s", r.Body)
			}
		}
		apply(w.resident, "张三丰", "13911112222", "oppose")
		apply("", "李四光", "lisi@example.cn", "support")
		apply("", "王五一", "13933334444", "neutral")
		e.want(e.do("POST", hbase+"/applications", "", map[string]string{"name": "赵六", "contact": "x", "stance": "maybe", "reason": "r"}), 422, "bad stance")
		e.want(e.do("POST", base+"/hearings/nosuch/applications", "", map[string]string{"name": "赵六", "contact": "x", "stance": "oppose", "reason": "r"}), 404, "no such hearing")
		e.want(e.do("GET", hbase+"/applications", w.resident, nil), 403, "a resident lists applications")
		e.want(e.do("GET", hbase+"/applications", w.staffB, nil), 403, "another department lists applications")
		if list := e.want(e.do("GET", hbase+"/applications", w.legal, nil), 200, "the legal office lists applications"); len(list.JSON["items"].([]any)) != 3 {
			t.Errorf("legal sees %s", list.Body)
		}
		e.want(e.do("POST", hbase+"/record", w.staffA, map[string]any{"held_on": today(), "summary": "s"}), 409, "record before the selection")
		sel := e.want(e.do("POST", hbase+"/selection", w.staffA, map[string]string{"method": "lot"}), 200, "select by lot")
		parts, _ := sel.JSON["participants"].([]any)
		if len(parts) != 2 || len(sel.str("seed")) != 64 || sel.JSON["pool"].(float64) != 3 {
			t.Fatalf("selection %s", sel.Body)
		}
		e.want(e.do("POST", hbase+"/applications", "", map[string]string{"name": "赵六", "contact": "x", "stance": "oppose", "reason": "r"}), 409, "apply after the selection")
		first := parts[0].(map[string]any)["application"].(string)
		e.clock.Add(20*24*time.Hour + 2*time.Hour)
		e.relogin(&w)
		rec := e.want(e.do("POST", hbase+"/record", w.staffA, map[string]any{"held_on": today(), "summary": "听证会于县政府第一会议室举行，2 名参加人发言。",
			"statements": []map[string]string{{"application": first, "body": "建议登记期限延长至六十日。", "stance": "oppose"},
				{"speaker": "县畜牧兽医站", "body": "三十日登记期限可行。"}}}), 201, "record")
		stmts, _ := rec.JSON["statements"].([]any)
		if len(stmts) != 2 {
			t.Fatalf("record %s", rec.Body)
		}
		e.want(e.do("POST", hbase+"/record", w.staffA, map[string]any{"held_on": today(), "summary": "again"}), 409, "a second record")

		// Every comment, the statements included, is moderated and answered.
		list := e.want(e.do("GET", base+"/comments?status=pending", w.staffA, nil), 200, "pending comments")
		hearingComments := 0
		for _, it := range list.JSON["items"].([]any) {
			cm := it.(map[string]any)
			if cm["channel"] == "hearing" {
				hearingComments++
			}
			cid := cm["id"].(string)
			e.want(e.do("POST", "/api/v1/comments/"+cid+"/moderation", w.staffA, map[string]string{"action": "publish"}), 200, "publish comment")
			e.want(e.do("POST", "/api/v1/comments/"+cid+"/disposition", w.staffA, map[string]string{"status": "not_adopted", "reason": "登记期限维持三十日。"}), 200, "answer")
		}
		if hearingComments != 2 {
			t.Errorf("%d pending comments of channel hearing, want 2 (%s)", hearingComments, list.Body)
		}
		_ = c1
		e.clock.Set(workcal.EndOfDay(end).Add(time.Hour))
		e.relogin(&w)

		// Revision, review, 修改后再议, revision, review, 通过, publication.
		e.want(e.do("POST", base+"/versions", w.staffA, map[string]string{"text": shortText + "第三条　登记期限为三十日。\n"}), 201, "revise")
		e.want(e.do("POST", base+"/review", w.staffA, map[string]any{}), 200, "submit")
		e.want(e.do("POST", base+"/review/opinion", w.legal, map[string]string{"outcome": "lawful", "opinion": "合法。"}), 200, "lawful")
		step(map[string]any{"kind": "collective_decision", "held_on": today(), "participants": "县政府第12次常务会议", "summary": "收费标准需调整，修改后再议。", "outcome": "revise", "public": true}, 201, "修改后再议")
		e.want(e.do("POST", base+"/versions", w.staffA, map[string]string{"text": shortText + "第三条　登记期限为三十日，收费标准另行规定。\n"}), 201, "revise again")
		e.want(e.do("POST", base+"/review", w.staffA, map[string]any{}), 200, "resubmit")
		e.want(e.do("POST", base+"/review/opinion", w.legal, map[string]string{"outcome": "lawful", "opinion": "修改后合法。"}), 200, "lawful again")
		step(map[string]any{"kind": "collective_decision", "held_on": today(), "participants": "县政府第13次常务会议", "summary": "会议讨论通过。", "outcome": "passed", "public": true}, 201, "通过")
		fin := map[string]any{"document_number": "某政发〔2027〕5号", "adopted_on": today(), "effective_on": today()}
		r := e.want(e.do("POST", base+"/finalize", w.legal, fin), 422, "finalize without a 政策解读")
		if !strings.Contains(r.field("interpretation"), "政策解读") {
			t.Errorf("refusal names %q, want the interpretation", r.field("interpretation"))
		}
		fin["interpretation"] = "本办法明确养犬登记期限为三十日。"
		fin["qa"] = []map[string]string{{"question": "登记期限从何时起算？", "answer": "自取得犬只之日起算。"}}
		e.want(e.do("POST", base+"/finalize", w.legal, fin), 200, "finalize")

		// The public record.
		page := e.browser().get("/consultations/"+id).want(t, 200, "decision page")
		page.has(t, "decision page", "本办法明确养犬登记期限为三十日。", "登记期限从何时起算？", "自取得犬只之日起算。",
			"县政府第一会议室", "发布听证会公告", "听证会", "2 名参加人发言")
		feed := e.browser().get("/consultations/"+id+"/feed.atom").want(t, 200, "feed")
		feed.has(t, "feed", "本办法明确养犬登记期限为三十日。", "发布听证会公告")
		archive := e.want(e.do("GET", base+"/archive", "", nil), 200, "archive")
		for _, want := range []string{"本办法明确养犬登记期限为三十日。", "登记期限从何时起算？", "hearing.applied", "hearing.selected", "record_sha256"} {
			if !strings.Contains(string(archive.Body), want) {
				t.Errorf("the archive lacks %q", want)
			}
		}
		hist := e.want(e.do("GET", base+"/history", "", nil), 200, "history")
		for _, body := range []string{string(archive.Body), string(hist.Body), page.Body, feed.Body,
			string(e.want(e.do("GET", base+"/hearings", "", nil), 200, "public hearings").Body)} {
			for _, secret := range []string{"13911112222", "lisi@example.cn", "张三丰", "我家养犬"} {
				if strings.Contains(body, secret) {
					t.Errorf("the public record shows the applicant's %q", secret)
				}
			}
		}
		if v := e.want(e.do("GET", base+"/history/verify", "", nil), 200, "verify"); v.JSON["ok"] != true {
			t.Errorf("verify: %s", v.Body)
		}
	})
}

// TestHearingPages runs a hearing through the pages without JavaScript:
// the staff announce it, a resident applies from the consultation page,
// the staff see the application with its contact, select and enter the
// record; the statement is then a comment of channel hearing.
func TestHearingPages(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id := e.want(e.do("POST", "/api/v1/consultations", w.staffA, draftBody(shortText)), 201, "create").str("id")
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, map[string]string{"closes_at": workcal.DateOf(e.clock.Now()).AddDays(40).String()}), 200, "publish")
		staff := e.browser()
		staff.login("staffa", "password-staffa")
		work := "/staff/consultations/" + id + "/hearings"
		staff.get(work).want(t, 200, "hearings page").has(t, "announce form", `name="held_at"`, `name="apply_by"`, `name="seats"`)
		staff.post(work, url.Values{"held_at": {"2026-12-20T09:30"}, "place": {""}, "matters": {"m"}, "how_to_apply": {"h"}, "apply_by": {"2026-12-15T17:00"}, "seats": {"2"}}).
			want(t, 422, "no place").has(t, "place error", "aria-invalid")
		staff.post(work, url.Values{"held_at": {"2026-12-20T09:30"}, "place": {"县政府第一会议室"}, "matters": {"登记期限"}, "how_to_apply": {"在线报名"},
			"apply_by": {"2026-12-15T17:00"}, "seats": {"2"}}).want(t, 303, "announce")
		pub := e.browser()
		cp := pub.get("/consultations/"+id).want(t, 200, "consultation page")
		cp.has(t, "hearing notice", "县政府第一会议室", "登记期限", "报名参加")
		x, err := e.cons.Get(t.Context(), adminPrincipal(), id)
		if err != nil || len(x.Hearings) != 1 {
			t.Fatalf("hearings %v %v", x, err)
		}
		apply := "/consultations/" + id + "/hearings/" + x.Hearings[0].ID + "/apply"
		pub.get(apply).want(t, 200, "apply form").has(t, "apply form", `name="name"`, `name="contact"`, `name="stance"`, `name="reason"`)
		pub.post(apply, url.Values{"name": {"张三丰"}, "contact": {""}, "stance": {"oppose"}, "reason": {"关心。"}}).want(t, 422, "no contact").has(t, "contact error", "aria-invalid")
		pub.post(apply, url.Values{"name": {"张三丰"}, "contact": {"13911112222"}, "stance": {"oppose"}, "reason": {"我家养犬。"}}).want(t, 201, "apply").has(t, "received", "报名序号 1")
		staff.get(work).want(t, 200, "applications").has(t, "application", "张三丰", "13911112222", "我家养犬。")
		if strings.Contains(pub.get("/consultations/"+id).Body, "13911112222") {
			t.Error("the consultation page shows the applicant's contact")
		}
		hw := work + "/" + x.Hearings[0].ID
		staff.post(hw+"/selection", url.Values{"method": {"balance"}}).want(t, 303, "select")
		p := staff.get(work).want(t, 200, "after selection")
		p.has(t, "selected", "按观点均衡", "张*丰", `name="st_body"`)
		staff.post(hw+"/record", url.Values{"held_on": {workcal.DateOf(e.clock.Now()).String()}, "summary": {"听证会概要。"},
			"st_application": {x.Hearings[0].ID + "-wrong", ""}, "st_speaker": {"", "专家"}, "st_body": {"建议延长。", ""}, "st_stance": {"oppose", ""}}).
			want(t, 422, "a statement by someone not selected")
		sel, _ := e.cons.Get(t.Context(), adminPrincipal(), id)
		staff.post(hw+"/record", url.Values{"held_on": {workcal.DateOf(e.clock.Now()).String()}, "summary": {"听证会概要。"},
			"st_application": {sel.Hearings[0].Selection.Participants[0].Application, ""}, "st_speaker": {"", "县畜牧兽医站"},
			"st_body": {"建议延长登记期限。", "期限可行。"}, "st_stance": {"oppose", ""}}).want(t, 303, "record")
		staff.get(work+"?done=hearing_recorded").want(t, 200, "recorded").has(t, "record", "听证会记录已保存", "2 条发言", "听证会概要。")
		list := e.want(e.do("GET", "/api/v1/consultations/"+id+"/comments?status=pending", w.staffA, nil), 200, "comments")
		n := 0
		for _, it := range list.JSON["items"].([]any) {
			if it.(map[string]any)["channel"] == "hearing" {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d hearing comments, want 2", n)
		}
		pub.get("/consultations/"+id).want(t, 200, "public page after the record").has(t, "timeline", "发布听证会公告", "遴选听证参加人 1 名", "听证会概要。")
	})
}
