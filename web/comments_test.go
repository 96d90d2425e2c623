package web_test

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"yugongkai/comments"
	"yugongkai/translog"
	"yugongkai/workcal"
)

// openConsultation creates and opens a consultation of shortText until
// 2026-12-31 (24:00 Shanghai) and returns its id and its first article id.
func (e *env) openConsultation(w world, extra map[string]any) (string, string) {
	e.t.Helper()
	b := draftBody(shortText)
	for k, v := range extra {
		b[k] = v
	}
	id := e.want(e.do("POST", "/api/v1/consultations", w.staffA, b), 201, "create").str("id")
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, map[string]string{"closes_at": "2026-12-31", "shortening_reason": "测试"}), 200, "publish")
	if r := e.want(e.do("GET", "/api/v1/consultations/"+id, "", nil), 200, "get"); r.JSON["calendar_missing_years"] != nil {
		e.t.Errorf("a period within 2026 warns of missing years: %v", r.JSON["calendar_missing_years"])
	}
	v := e.want(e.do("GET", "/api/v1/consultations/"+id+"/versions/1", "", nil), 200, "version")
	art := v.JSON["articles"].([]any)[0].(map[string]any)["id"].(string)
	return id, art
}

func comment(body string, extra ...string) map[string]string {
	m := map[string]string{"body": body, "commenter_type": "individual", "display": "masked", "real_name": "张小祥"}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return m
}

func TestCommentSubmissionAndReceipt(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, art := e.openConsultation(w, nil)
		base := "/api/v1/consultations/" + id + "/comments"
		r := e.want(e.do("POST", base, "", comment("建议第一条增加“保障动物福利”的表述。", "article_id", art, "contact_phone", "13912345678")), 201, "submit")
		code := r.str("code")
		if !strings.HasPrefix(code, "YGK-") || len(r.str("body_sha256")) != 64 || r.str("received_at") == "" {
			t.Fatalf("receipt %s", r.Body)
		}
		e.want(e.do("POST", base, "", comment("x", "article_id", "nonexistent")), 422, "unknown article")
		e.want(e.do("POST", base, "", comment("   ")), 422, "blank body")
		e.want(e.do("POST", base, "", comment(strings.Repeat("长", 5001))), 422, "over 5000 characters")
		e.want(e.do("POST", base, "", comment(strings.Repeat("长", 5000))), 201, "exactly 5000 characters")
		e.want(e.do("POST", base, "", `{"body":"x","colour":"red"}`), 400, "unknown field")

		// Idempotency: a retry returns the first receipt and stores nothing.
		first := e.want(e.do("POST", base, "", comment("同一条意见"), "Idempotency-Key", "k-1"), 201, "keyed")
		again := e.want(e.do("POST", base, "", comment("同一条意见"), "Idempotency-Key", "k-1"), 200, "retry")
		if first.str("code") != again.str("code") {
			t.Errorf("retry code %s, first %s", again.str("code"), first.str("code"))
		}
		all := e.want(e.do("GET", base+"?status=all&limit=100", w.staffA, nil), 200, "staff list")
		if n := len(all.JSON["items"].([]any)); n != 3 {
			t.Errorf("stored %d comments, want 3", n)
		}
		// The receipt page works without login and says pending.
		rc := e.want(e.do("GET", "/api/v1/receipts/"+strings.ToLower(code), "", nil), 200, "receipt")
		if rc.str("status") != "pending" || rc.str("consultation_state") != "open" {
			t.Errorf("receipt status %s", rc.Body)
		}
		e.want(e.do("GET", "/api/v1/receipts/YGK-0000-0000-0000", "", nil), 404, "unknown receipt")

		// The period is enforced by the server's clock, to the millisecond.
		end := workcal.EndOfDay(workcal.MustParseDate("2026-12-31"))
		e.clock.Set(end.Add(-time.Millisecond))
		e.want(e.do("POST", base, "", comment("最后一刻的意见")), 201, "one ms before the end")
		e.clock.Set(end)
		r = e.want(e.do("POST", base, "", comment("迟到的意见")), 409, "at the end")
		if !strings.Contains(r.errMessage(), "2026年12月31日24时") {
			t.Errorf("closed message %q does not name the end", r.errMessage())
		}
	})
}

func TestModerationAndDispositionRules(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, art := e.openConsultation(w, nil)
		base := "/api/v1/consultations/" + id + "/comments"
		c1r := e.want(e.do("POST", base, w.resident, comment("第一条应当写明适用范围。", "article_id", art)), 201, "c1")
		c1, c1code := c1r.str("comment_id"), c1r.str("code")
		c2 := e.want(e.do("POST", base, "", comment("广告：低价出售犬只")), 201, "c2").str("comment_id")
		// Public sees nothing until moderation.
		pub := e.want(e.do("GET", base, "", nil), 200, "public list")
		if n := len(pub.JSON["items"].([]any)); n != 0 {
			t.Errorf("public sees %d pending comments", n)
		}
		e.want(e.do("GET", base+"?status=pending", "", nil), 403, "public asks for pending")
		for name, tok := range map[string]string{"other department": w.staffB, "resident": w.resident, "legal": w.legal} {
			r := e.do("POST", "/api/v1/comments/"+c1+"/moderation", tok, map[string]string{"action": "publish"})
			if r.Status != 403 && r.Status != 404 {
				t.Errorf("%s moderates: %d", name, r.Status)
			}
			r = e.do("POST", "/api/v1/comments/"+c1+"/disposition", tok, map[string]string{"status": "adopted"})
			if r.Status != 403 && r.Status != 404 {
				t.Errorf("%s disposes: %d", name, r.Status)
			}
		}
		e.want(e.do("POST", "/api/v1/comments/"+c2+"/moderation", w.staffA, map[string]string{"action": "decline"}), 422, "decline without reason")
		e.want(e.do("POST", "/api/v1/comments/"+c2+"/moderation", w.staffA, map[string]string{"action": "decline", "reason": "spam"}), 200, "decline")
		e.want(e.do("POST", "/api/v1/comments/"+c1+"/moderation", w.staffA, map[string]string{"action": "publish"}), 200, "publish")
		pub = e.want(e.do("GET", base, "", nil), 200, "public list")
		if n := len(pub.JSON["items"].([]any)); n != 1 {
			t.Errorf("public sees %d, want 1", n)
		}
		e.want(e.do("POST", "/api/v1/comments/"+c1+"/disposition", w.staffA, map[string]string{"status": "not_adopted"}), 422, "not adopted without reason")
		e.want(e.do("POST", "/api/v1/comments/"+c2+"/disposition", w.staffA, map[string]string{"status": "out_of_scope", "reason": "与本次征求内容无关"}), 200, "declined comments still get a disposition")
		// The report becomes public once the period is over.
		e.want(e.do("GET", "/api/v1/consultations/"+id+"/report", "", nil), 403, "report before the end")
		e.clock.Set(workcal.EndOfDay(workcal.MustParseDate("2026-12-31")))
		e.relogin(&w)
		rep := e.want(e.do("GET", "/api/v1/consultations/"+id+"/report", "", nil), 200, "report")
		if rep.JSON["received"].(float64) != 2 || rep.JSON["published"].(float64) != 1 || rep.JSON["not_published"].(float64) != 1 {
			t.Errorf("report totals %s", rep.Body)
		}
		csv := e.want(e.do("GET", "/api/v1/consultations/"+id+"/report.csv", "", nil), 200, "csv")
		if !strings.HasPrefix(string(csv.Body), "\ufeff") || !strings.Contains(csv.Header.Get("Content-Type"), "text/csv") {
			t.Errorf("CSV lacks BOM or type: %q", csv.Header.Get("Content-Type"))
		}
		// Review cannot start while a comment has no disposition.
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/versions", w.staffA, map[string]string{"text": shortText + "第三条　本办法自公布之日起施行。\n"}), 201, "revise")
		r := e.want(e.do("POST", "/api/v1/consultations/"+id+"/review", w.staffA, map[string]any{}), 422, "review with undisposed comment")
		if !strings.Contains(r.field("package"), "未答复") {
			t.Errorf("undisposed comments not named: %s", r.Body)
		}
		v2 := e.want(e.do("GET", "/api/v1/consultations/"+id+"/versions/2", w.staffA, nil), 200, "v2")
		newArt := v2.JSON["articles"].([]any)[2].(map[string]any)["id"].(string)
		e.want(e.do("POST", "/api/v1/comments/"+c1+"/disposition", w.staffA, map[string]any{"status": "adopted", "changed_articles": []string{newArt}}), 200, "adopt")
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/review", w.staffA, map[string]any{}), 200, "review")
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/review/opinion", w.legal, map[string]string{"outcome": "lawful", "opinion": "经审查，合法。"}), 200, "lawful")
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/finalize", w.legal, map[string]string{"interpretation": "政策解读：本决策的主要内容。", "document_number": "某政发〔2027〕9号", "registration_number": "R-1", "adopted_on": "2027-01-01", "effective_on": "2027-02-01"}), 200, "finalize")
		// Traceability: the redline links the adopted comment to its article.
		d := e.want(e.do("GET", "/api/v1/consultations/"+id+"/diff?from=1&to=3", "", nil), 200, "diff")
		links := d.JSON["linked_comments"].(map[string]any)
		if l, ok := links[newArt].([]any); !ok || len(l) != 1 {
			t.Errorf("linked comments %v, want one on %s", links, newArt)
		}
		for _, u := range d.JSON["unlinked_changes"].([]any) {
			if u == newArt {
				t.Errorf("the linked article %s is listed as a drafting change", newArt)
			}
		}
		// Comments show what became of their article in the final text.
		list := e.want(e.do("GET", "/api/v1/consultations/"+id+"/comments", "", nil), 200, "list after publication")
		fate := list.JSON["articles"].(map[string]any)[art].(map[string]any)
		if fate["status"] != "unchanged" || fate["to_label"] != "第一条" {
			t.Errorf("fate of the commented article: %v", fate)
		}
		// The commenter's receipt shows the change with its new wording.
		rc := e.want(e.do("GET", "/api/v1/receipts/"+c1code, "", nil), 200, "receipt after publication")
		changes, _ := rc.JSON["changes"].([]any)
		if len(changes) != 1 || !strings.Contains(changes[0].(map[string]any)["text"].(string), "本办法自公布之日起施行") ||
			changes[0].(map[string]any)["label"] != "第三条" {
			t.Errorf("receipt changes: %s", rc.Body)
		}
		page := e.want(e.do("GET", "/receipts/"+c1code, "", nil, "Accept", "text/html"), 200, "receipt page")
		if body := string(page.Body); !strings.Contains(body, "促成了第三条的修改") || !strings.Contains(body, "本办法自公布之日起施行") {
			t.Errorf("receipt page does not show the contribution:\n%s", body)
		}
		// Nothing changes after publication.
		e.want(e.do("POST", "/api/v1/comments/"+c1+"/disposition", w.staffA, map[string]string{"status": "not_adopted", "reason": "x"}), 409, "dispose after publication")
		arch := e.want(e.do("GET", "/api/v1/consultations/"+id+"/archive", "", nil), 200, "archive")
		if n := len(arch.JSON["comments"].([]any)); n != 1 {
			t.Errorf("archive has %d public comments, want 1", n)
		}
	})
}

// TestContactDataNeverPublic walks every public JSON response for the
// commenter's phone, email, ID number and real name.
func TestContactDataNeverPublic(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, art := e.openConsultation(w, nil)
		const phone, email, idno, name = "13987654321", "secret.person@example.com", "110101199003077571", "欧阳小明"
		body := fmt.Sprintf("我的电话是%s，邮箱%s，身份证%s，建议修改第一条。", phone, email, idno)
		r := e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", map[string]string{
			"body": body, "article_id": art, "commenter_type": "individual", "display": "masked",
			"real_name": name, "contact_phone": phone, "contact_email": email}), 201, "submit")
		code, cid := r.str("code"), r.str("comment_id")
		e.want(e.do("POST", "/api/v1/comments/"+cid+"/moderation", w.staffA, map[string]string{"action": "publish"}), 200, "publish")
		staff := e.want(e.do("GET", "/api/v1/consultations/"+id+"/comments?status=all", w.staffA, nil), 200, "staff list")
		if !strings.Contains(string(staff.Body), phone) {
			t.Error("staff do not see the original contact data")
		}
		e.clock.Set(workcal.EndOfDay(workcal.MustParseDate("2026-12-31")))
		e.relogin(&w)
		e.want(e.do("POST", "/api/v1/comments/"+cid+"/disposition", w.staffA, map[string]string{"status": "partially_adopted", "reason": "部分采纳"}), 200, "dispose")
		public := []string{
			"/api/v1/consultations/" + id + "/comments",
			"/api/v1/consultations/" + id + "/comments?article=" + art,
			"/api/v1/receipts/" + code,
			"/api/v1/consultations/" + id + "/report",
			"/api/v1/consultations/" + id + "/report.csv",
			"/api/v1/consultations/" + id,
			"/api/v1/consultations/" + id + "/history",
			"/api/v1/consultations/" + id + "/archive",
		}
		for _, path := range public {
			for _, tok := range []string{"", w.resident, w.staffB} {
				r := e.want(e.do("GET", path, tok, nil), 200, path)
				var v any
				if !strings.HasSuffix(path, ".csv") {
					if err := json.Unmarshal(r.Body, &v); err != nil {
						t.Fatalf("%s: %v", path, err)
					}
				}
				raw := string(r.Body)
				if m, ok := v.(map[string]any); ok && strings.HasPrefix(path, "/api/v1/receipts/") {
					// The receipt shows its holder their own text (the code
					// is the secret), and nothing else of theirs.
					if m["body"] != body {
						t.Errorf("%s: body %v, want the text as submitted", path, m["body"])
					}
					delete(m, "body")
					raw = ""
				}
				for _, secret := range []string{phone, email, idno, name, "小明"} {
					if strings.Contains(raw, secret) || walk(v, secret) {
						t.Errorf("%s leaks %q", path, secret)
					}
				}
			}
		}
		pub := e.want(e.do("GET", "/api/v1/consultations/"+id+"/comments", "", nil), 200, "public")
		item := pub.JSON["items"].([]any)[0].(map[string]any)
		if item["name"] != "欧阳*明" || !strings.Contains(item["body"].(string), "139****4321") {
			t.Errorf("public copy: name %v body %v", item["name"], item["body"])
		}
	})
}

// walk reports whether any string in v contains s.
func walk(v any, s string) bool {
	switch x := v.(type) {
	case string:
		return strings.Contains(x, s)
	case []any:
		for _, y := range x {
			if walk(y, s) {
				return true
			}
		}
	case map[string]any:
		for k, y := range x {
			if strings.Contains(k, s) || walk(y, s) {
				return true
			}
		}
	}
	return false
}

func TestCommentRateLimit(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id, _ := e.openConsultation(w, map[string]any{"moderation": false})
	var last response
	for i := 0; i < 31; i++ {
		last = e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment(fmt.Sprintf("第%d条意见", i)))
	}
	if last.Status != 429 || last.Header.Get("Retry-After") == "" {
		t.Fatalf("31st comment from one IP: %d (Retry-After %q), want 429", last.Status, last.Header.Get("Retry-After"))
	}
	e.clock.Add(time.Minute)
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("一分钟后")), 201, "after the window")
}

func TestOfflineAndGroups(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, _ := e.openConsultation(w, map[string]any{"moderation": false})
		base := "/api/v1/consultations/" + id
		letter := "强烈反对禁止饲养大型犬的规定，请予以删除！"
		for i := 0; i < 3; i++ {
			e.want(e.do("POST", base+"/comments", "", comment(letter)), 201, "campaign copy")
		}
		e.want(e.do("POST", base+"/comments", "", comment("强烈反对 禁止饲养大型犬的规定,请予以删除!")), 201, "copy with other punctuation")
		e.want(e.do("POST", base+"/comments/offline", w.staffA, map[string]any{"body": "来信：建议设立犬只收容场所。", "channel": "letter", "received_on": "2026-12-01", "display": "anonymous"}), 201, "letter")
		e.want(e.do("POST", base+"/comments/offline", w.staffB, map[string]any{"body": "x", "channel": "letter", "received_on": "2026-12-01", "display": "anonymous"}), 403, "letter by other department")
		pub := e.want(e.do("GET", base+"/comments", "", nil), 200, "public")
		items := pub.JSON["items"].([]any)
		if len(items) != 2 {
			t.Fatalf("public shows %d entries, want 2 (a group of 4 and the letter)", len(items))
		}
		var gid string
		for _, it := range items {
			m := it.(map[string]any)
			if m["count"].(float64) == 4 {
				gid = m["group_id"].(string)
			}
		}
		if gid == "" {
			t.Fatalf("no group of 4: %s", pub.Body)
		}
		e.clock.Set(workcal.EndOfDay(workcal.MustParseDate("2026-12-31")))
		e.relogin(&w)
		// A letter received before the end can still be entered after it.
		e.want(e.do("POST", base+"/comments/offline", w.staffA, map[string]any{"body": "座谈会意见：加强宣传。", "channel": "symposium", "received_on": "2026-12-30", "display": "anonymous"}), 201, "late entry of an early symposium")
		e.want(e.do("POST", base+"/comments/offline", w.staffA, map[string]any{"body": "迟到的信", "channel": "letter", "received_on": "2027-01-01", "display": "anonymous"}), 422, "letter received after the end")
		r := e.want(e.do("POST", base+"/groups/"+gid+"/disposition", w.staffA, map[string]string{"status": "not_adopted", "reason": "大型犬伤人风险较高，维持原规定。"}), 200, "answer the group")
		if r.JSON["answered"].(float64) != 4 {
			t.Errorf("group answer reached %v comments, want 4", r.JSON["answered"])
		}
		rep := e.want(e.do("GET", base+"/report", "", nil), 200, "report")
		byDisp := rep.JSON["by_disposition"].(map[string]any)
		if byDisp["not_adopted"].(float64) != 4 || rep.JSON["received"].(float64) != 6 {
			t.Errorf("report: %s", rep.Body)
		}
		q := e.want(e.do("GET", "/api/v1/queues", w.staffA, nil), 200, "queues")
		if !strings.Contains(string(q.Body), id) {
			t.Errorf("queues do not list the consultation with undisposed comments: %s", q.Body)
		}
	})
}

// A receipt's proof shows the comment is in the log unchanged: it verifies
// from the proof alone, its tree head is signed with the served log key,
// it is against the sealed head once the period closed, and a later head
// provably extends an earlier one.
func TestReceiptProof(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, _ := e.openConsultation(w, map[string]any{"moderation": false})
		var codes []string
		for _, body := range []string{"第一条意见：建议明确登记期限。", "第二条意见：建议减免费用。", "第三条意见：建议加强宣传。"} {
			r := e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment(body, "display", "anonymous")), 201, "comment")
			codes = append(codes, r.str("code"))
		}
		proof := func(code string) comments.InclusionProof {
			r := e.want(e.do("GET", "/api/v1/receipts/"+code+"/proof", "", nil), 200, "proof")
			var p comments.InclusionProof
			if err := json.Unmarshal(r.Body, &p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		key := e.want(e.do("GET", "/api/v1/log-key", "", nil), 200, "log key").str("key")
		verifier, err := note.NewVerifier(key)
		if err != nil {
			t.Fatal(err)
		}
		p := proof(codes[1])
		if p.LeafIndex != 1 || p.TreeSize != 3 || p.Head.Sealed {
			t.Errorf("before the close: leaf %d of %d, sealed %v; want 1 of 3, unsealed", p.LeafIndex, p.TreeSize, p.Head.Sealed)
		}
		if err := p.InclusionProof.Verify(); err != nil {
			t.Errorf("inclusion proof does not verify: %v", err)
		}
		if _, err := note.Open([]byte(p.Head.Note), note.VerifierList(verifier)); err != nil {
			t.Fatalf("tree head not signed with the log key: %v", err)
		}
		h, err := translog.OpenHead([]byte(p.Head.Note), key)
		if err != nil || h.Size != p.TreeSize || hex.EncodeToString(h.Root[:]) != p.RootHash || h.Consultation != id {
			t.Errorf("signed head %+v (%v) does not match the proof (%d, %s)", h, err, p.TreeSize, p.RootHash)
		}
		// A proof of another leaf, or of a tampered leaf, fails.
		bad := p
		bad.Leaf = strings.Replace(bad.Leaf, "online", "letter", 1)
		if bad.InclusionProof.Verify() == nil {
			t.Error("a proof of an altered leaf verifies")
		}
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/close", w.staffA, map[string]string{"reason": "提前结束", "shortening_reason": "情况紧急"}), 200, "close")
		if p := proof(codes[2]); !p.Head.Sealed || p.TreeSize != 3 || p.InclusionProof.Verify() != nil {
			t.Errorf("after the close: %+v, want a verified proof against the sealed head of 3", p)
		}
		r := e.want(e.do("GET", "/api/v1/consultations/"+id+"/log/consistency?from=1&to=3", "", nil), 200, "consistency")
		var cp translog.ConsistencyProof
		json.Unmarshal(r.Body, &cp)
		if err := cp.Verify(); err != nil {
			t.Errorf("consistency 1→3: %v", err)
		}
		e.want(e.do("GET", "/api/v1/consultations/"+id+"/log/consistency?from=3&to=1", "", nil), 400, "sizes out of order")
		e.want(e.do("GET", "/api/v1/receipts/YGK-0000-0000-0000/proof", "", nil), 404, "unknown receipt")
		heads := e.want(e.do("GET", "/api/v1/heads", "", nil), 200, "heads")
		items, _ := heads.JSON["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["consultation_id"] != id || items[0].(map[string]any)["tree_size"] != float64(3) {
			t.Errorf("heads = %s, want the sealed head of 3 comments", heads.Body)
		}
	})
}

// TestProofCheckableFromOutside: docs/verify_archive.py (plain Python, no
// yugongkai code) accepts a receipt's proof and refuses a tampered one,
// agreeing with Go.
func TestProofCheckableFromOutside(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 is missing (CI installs it)")
		}
		t.Skip("python3 not installed")
	}
	e := newEnv(t, "sqlite")
	w := e.world()
	id, _ := e.openConsultation(w, map[string]any{"moderation": false})
	var code string
	for i := 0; i < 5; i++ {
		code = e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment(fmt.Sprintf("第%d条意见：建议明确期限。", i), "display", "anonymous")), 201, "comment").str("code")
	}
	body := e.want(e.do("GET", "/api/v1/receipts/"+code+"/proof", "", nil), 200, "proof").Body
	dir := t.TempDir()
	good := filepath.Join(dir, "proof.json")
	os.WriteFile(good, body, 0o600)
	script := filepath.Join("..", "docs", "verify_archive.py")
	if out, err := exec.Command(py, script, "--proof", good).CombinedOutput(); err != nil || !strings.HasPrefix(string(out), "OK") {
		t.Errorf("python refuses a good proof: %v\n%s", err, out)
	}
	var p map[string]any
	json.Unmarshal(body, &p)
	path := p["inclusion_path"].([]any)
	path[0] = strings.Repeat("0", 64)
	tampered, _ := json.Marshal(p)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, tampered, 0o600)
	if out, err := exec.Command(py, script, "--proof", bad).CombinedOutput(); err == nil || !strings.Contains(string(out), "BAD") {
		t.Errorf("python accepts a tampered proof:\n%s", out)
	}
	var gp comments.InclusionProof
	json.Unmarshal(tampered, &gp)
	if gp.InclusionProof.Verify() == nil {
		t.Error("Go accepts the tampered proof")
	}
}

// TestGroupsSplitMergeAndRedaction drives the grouping and redaction
// operations through the API (and so through the contract check).
func TestGroupsSplitMergeAndRedaction(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	if r := e.want(e.do("GET", "/api/v1/departments", "", nil), 200, "departments"); len(r.JSON["items"].([]any)) != 2 {
		t.Errorf("departments = %s, want the 2 of the world", r.Body)
	}
	id, _ := e.openConsultation(w, map[string]any{"moderation": false})
	base := "/api/v1/consultations/" + id
	letter := "强烈反对禁止饲养大型犬的规定，请予以删除！我家的狗很温顺，从来没有伤过人。"
	var first string
	for i := 0; i < 2; i++ {
		first = e.want(e.do("POST", base+"/comments", "", comment(letter)), 201, "campaign copy").str("comment_id")
	}
	e.want(e.do("POST", base+"/comments", "", comment(letter+"谢谢")), 201, "near copy")
	public := func() int {
		return len(e.want(e.do("GET", base+"/comments", "", nil), 200, "public").JSON["items"].([]any))
	}
	if n := public(); n != 2 {
		t.Fatalf("public shows %d entries, want 2 (a group of 2 and the near copy)", n)
	}
	e.want(e.do("GET", base+"/groups/proposals", w.resident, nil), 403, "proposals for a resident")
	// The first request starts the pass and answers at once: computing,
	// nothing found yet; the stored result follows.
	asked := e.want(e.do("GET", base+"/groups/proposals", w.staffA, nil), 200, "proposals asked for")
	if st := asked.str("state"); st != "computing" || len(asked.JSON["items"].([]any)) != 0 {
		t.Fatalf("first answer = %s, want computing with no items", asked.Body)
	}
	e.comments.WaitNear()
	res := e.want(e.do("GET", base+"/groups/proposals", w.staffA, nil), 200, "proposals")
	if st, done := res.str("state"), res.str("done_at"); st != "done" || done == "" {
		t.Fatalf("after the pass: %s, want done with done_at", res.Body)
	}
	props := res.JSON["items"].([]any)
	if len(props) != 1 {
		t.Fatalf("proposals = %v, want 1 (the near copy with the group)", props)
	}
	ids := props[0].(map[string]any)["group_ids"]
	if gid := e.want(e.do("POST", base+"/groups/merge", w.staffA, map[string]any{"group_ids": ids}), 200, "merge").str("group_id"); gid == "" {
		t.Error("merge names no group")
	}
	if n := public(); n != 1 {
		t.Errorf("after the merge public shows %d entries, want 1", n)
	}
	// The stored proposal is now out of date: merging it again is refused
	// (its second group is gone).
	if r := e.do("POST", base+"/groups/merge", w.staffA, map[string]any{"group_ids": ids}); r.Status != 409 {
		t.Errorf("merging a merged proposal again: HTTP %d %s, want 409", r.Status, r.Body)
	}
	e.want(e.do("POST", "/api/v1/comments/"+first+"/split", w.staffA, nil), 204, "split")
	if n := public(); n != 2 {
		t.Errorf("after the split public shows %d entries, want 2", n)
	}
	r := e.want(e.do("POST", "/api/v1/comments/"+first+"/redaction", w.staffA, map[string]string{"text": "我家的狗很温顺", "reason": "personal_data"}), 200, "redact")
	if !strings.Contains(string(r.Body), "［已隐去］") {
		t.Errorf("redacted comment = %s", r.Body)
	}
	e.want(e.do("POST", "/api/v1/comments/"+first+"/redaction", w.staffA, map[string]string{"text": "不在文中"}), 422, "redaction without a reason")
	// A new comment makes the stored result stale until a new pass, which
	// staff ask for.
	e.want(e.do("POST", base+"/comments", "", comment("另一条意见：建议延长办理时间。")), 201, "new comment")
	if st := e.want(e.do("GET", base+"/groups/proposals", w.staffA, nil), 200, "stale"); st.str("state") != "done" || st.JSON["new_comments"] != 1.0 {
		t.Errorf("after a new comment: %s, want done with new_comments 1", st.Body)
	}
	if st := e.want(e.do("POST", base+"/groups/proposals", w.staffA, nil), 202, "recompute"); st.str("state") != "computing" || len(st.JSON["items"].([]any)) != 1 {
		t.Errorf("recompute: %s, want computing with the last result", st.Body)
	}
	e.comments.WaitNear()
	if st := e.want(e.do("GET", base+"/groups/proposals", w.staffA, nil), 200, "recomputed"); st.str("state") != "done" || st.JSON["new_comments"] != 0.0 || len(st.JSON["items"].([]any)) != 1 {
		t.Errorf("after the new pass: %s, want done, nothing new, one proposal (the split comment with its copies)", st.Body)
	}
	e.want(e.do("POST", base+"/groups/proposals", w.resident, nil), 403, "recompute by a resident")
}
