package web_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"yugongkai/consultation"
	"yugongkai/lawtext"
	"yugongkai/redline"
	"yugongkai/workcal"
)

// openAndClose creates a consultation of the given type from text, opens it
// for 30 days from the clock's date and moves the clock past the end. It
// returns the id; w's tokens are renewed.
func (e *env) openAndClose(w *world, typ, text string) string {
	e.t.Helper()
	b := draftBody(text)
	b["procedure_type"] = typ
	id := e.want(e.do("POST", "/api/v1/consultations", w.staffA, b), 201, "create").str("id")
	end := workcal.DateOf(e.clock.Now()).AddDays(30)
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, map[string]string{"closes_at": end.String(), "shortening_reason": "测试"}), 200, "publish")
	e.clock.Set(workcal.EndOfDay(end).Add(time.Hour))
	e.relogin(w)
	return id
}

func (e *env) relogin(w *world) {
	e.t.Helper()
	w.admin = e.login("admin", "admin-password-1")
	w.staffA, w.staffB = e.login("staffa", "password-staffa"), e.login("staffb", "password-staffb")
	w.legal, w.resident = e.login("legal", "password-legal"), e.login("resident", "password-resident")
}

func TestRevisionKeepsArticleIDs(t *testing.T) {
	v1 := corpus(t, "animal-epidemic-prevention-law/draft.txt")
	v2 := corpus(t, "animal-epidemic-prevention-law/draft2.txt")
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id := e.openAndClose(&w, "rule", v1)
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/versions", w.staffB, map[string]string{"text": v2}), 403, "other department revises")
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/versions", w.staffA, map[string]string{"text": "没有条文"}), 422, "revision without articles")
		r := e.want(e.do("POST", "/api/v1/consultations/"+id+"/versions", w.staffA, map[string]string{"text": v2, "note": "根据意见修改"}), 201, "revise")
		if n := r.JSON["version"].(map[string]any)["number"].(float64); n != 2 {
			t.Fatalf("new version number %v, want 2", n)
		}
		a1 := e.want(e.do("GET", "/api/v1/consultations/"+id+"/versions/1", w.staffA, nil), 200, "v1").JSON["articles"].([]any)
		a2 := r.JSON["articles"].([]any)
		ids1 := map[string]bool{}
		for _, a := range a1 {
			ids1[a.(map[string]any)["id"].(string)] = true
		}
		kept := 0
		for _, a := range a2 {
			if ids1[a.(map[string]any)["id"].(string)] {
				kept++
			}
		}
		// 一审稿 → 二审稿 rewrote much but kept most provisions.
		if kept < 80 {
			t.Errorf("only %d of %d articles kept their id", kept, len(a2))
		}
		// The 第一条 purpose clause is the same provision in both.
		if a1[0].(map[string]any)["id"] != a2[0].(map[string]any)["id"] {
			t.Error("第一条 lost its id")
		}
		d := e.want(e.do("GET", "/api/v1/consultations/"+id+"/diff?from=1&to=2", w.staffA, nil), 200, "diff")
		stats := d.JSON["stats"].(map[string]any)
		if stats["modified"].(float64) == 0 || stats["added"].(float64)+stats["deleted"].(float64) == 0 {
			t.Errorf("diff stats %v", stats)
		}
		html := e.want(e.do("GET", "/api/v1/consultations/"+id+"/diff?from=1&to=2&format=html", w.staffA, nil), 200, "diff html")
		if !strings.Contains(string(html.Body), "<ins") || !strings.Contains(string(html.Body), "<del") {
			t.Error("HTML redline has no <ins>/<del>")
		}
		text := e.want(e.do("GET", "/api/v1/consultations/"+id+"/diff?from=1&to=2&format=text", w.staffA, nil), 200, "diff text")
		if len(text.Body) == 0 {
			t.Error("empty unified redline")
		}
		// The internal revision is not public before publication.
		e.want(e.do("GET", "/api/v1/consultations/"+id+"/versions/2", "", nil), 404, "public reads internal revision")
		e.want(e.do("GET", "/api/v1/consultations/"+id+"/diff?from=1&to=2", "", nil), 404, "public diff to internal revision")
		// The redline applied to v1 gives v2.
		ctx := context.Background()
		r1, _ := e.cons.Store.Version(ctx, id, 1)
		r2, _ := e.cons.Store.Version(ctx, id, 2)
		from, to := toRedline(r1.Articles()), toRedline(r2.Articles())
		got, err := redline.Apply(redline.Compare(from, to), from)
		if err != nil || len(got) != len(to) {
			t.Fatalf("Apply: %v (%d articles, want %d)", err, len(got), len(to))
		}
		for i := range got {
			if got[i] != to[i] {
				t.Fatalf("Apply differs at %d: %+v vs %+v", i, got[i], to[i])
			}
		}
	})
}

func TestReviewAndFinalizeRules(t *testing.T) {
	v1 := corpus(t, "public-security-admin-penalties-law/draft.txt")
	v2 := corpus(t, "public-security-admin-penalties-law/final.txt")
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		b := draftBody(v1)
		b["procedure_type"] = "rule"
		early := e.want(e.do("POST", "/api/v1/consultations", w.staffA, b), 201, "create").str("id")
		e.want(e.do("POST", "/api/v1/consultations/"+early+"/publish", w.staffA, map[string]string{"closes_at": "2027-01-31"}), 200, "publish")
		e.want(e.do("POST", "/api/v1/consultations/"+early+"/review", w.staffA, map[string]any{}), 409, "review while open")

		// The consulted text may go to review unchanged; the package says so.
		same := e.openAndClose(&w, "rule", v1)
		e.want(e.do("POST", "/api/v1/consultations/"+same+"/review", w.staffA, map[string]any{}), 200, "review of the unchanged text")
		e.want(e.do("POST", "/api/v1/consultations/"+same+"/review/opinion", w.legal, map[string]string{"outcome": "revise", "opinion": "须补充处罚条款。"}), 200, "return the unchanged text")

		id := e.openAndClose(&w, "rule", v1)
		base := "/api/v1/consultations/" + id
		e.want(e.do("POST", base+"/versions", w.staffA, map[string]string{"text": v2, "note": "二审后修改"}), 201, "revise")
		e.want(e.do("POST", base+"/review", w.legal, map[string]any{}), 403, "legal submits")
		e.want(e.do("POST", base+"/review", w.staffB, map[string]any{}), 403, "other department submits")
		e.want(e.do("POST", base+"/review", w.staffA, map[string]any{"review_days": 3}), 422, "review days below the minimum")
		r := e.want(e.do("POST", base+"/review", w.staffA, map[string]any{}), 200, "submit")
		if r.str("state") != "in_review" {
			t.Fatalf("state %s", r.str("state"))
		}
		// 2027-01-01 is a holiday; 15 working days from 2027-01-01 in our calendar.
		if due := r.JSON["review"].(map[string]any)["due_on"].(string); due == "" {
			t.Error("no review due date")
		}
		pkg := e.want(e.do("GET", base+"/review", w.legal, nil), 200, "package")
		if pkg.JSON["statement"].(map[string]any)["consulted_version"].(float64) != 1 {
			t.Errorf("statement: %v", pkg.JSON["statement"])
		}
		e.want(e.do("GET", base+"/review", w.resident, nil), 403, "resident reads package")
		q := e.want(e.do("GET", "/api/v1/review-queue", w.legal, nil), 200, "queue")
		if len(q.JSON["items"].([]any)) != 1 {
			t.Errorf("review queue: %s", q.Body)
		}
		e.want(e.do("GET", "/api/v1/review-queue", w.staffA, nil), 403, "staff reads queue")

		e.want(e.do("POST", base+"/review/opinion", w.staffA, map[string]string{"outcome": "lawful"}), 403, "staff gives opinion")
		e.want(e.do("POST", base+"/review/opinion", w.legal, map[string]string{"outcome": "revise"}), 422, "revise without reasons")
		e.want(e.do("POST", base+"/review/opinion", w.legal, map[string]string{"outcome": "maybe"}), 422, "unknown outcome")
		r = e.want(e.do("POST", base+"/review/opinion", w.legal, map[string]string{"outcome": "revise", "opinion": "第十条罚款幅度超出上位法规定，应当予以修改。"}), 200, "revise")
		if r.str("state") != "returned" {
			t.Fatalf("state after revise opinion: %s", r.str("state"))
		}
		e.want(e.do("POST", base+"/finalize", w.legal, map[string]string{"interpretation": "政策解读：本决策的主要内容。", "document_number": "某政发〔2027〕1号", "adopted_on": "2027-01-01", "effective_on": "2027-03-01"}), 409, "finalize returned")
		e.want(e.do("POST", base+"/versions", w.staffA, map[string]string{"text": v2 + "\n第一百四十五条　本法自公布之日起施行。\n", "note": "按审查意见修改"}), 201, "revise again")
		r = e.want(e.do("POST", base+"/review", w.staffA, map[string]any{}), 200, "resubmit")
		if r.JSON["review"].(map[string]any)["rounds"].(float64) != 2 {
			t.Errorf("second round: %v", r.JSON["review"])
		}
		e.want(e.do("POST", base+"/review/opinion", w.legal, map[string]string{"outcome": "lawful", "opinion": "经审查，合法。"}), 200, "lawful")
		e.want(e.do("POST", base+"/finalize", w.staffA, map[string]string{"interpretation": "政策解读：本决策的主要内容。", "document_number": "某政发〔2027〕1号", "adopted_on": "2027-01-01", "effective_on": "2027-03-01"}), 403, "staff finalizes")
		r = e.want(e.do("POST", base+"/finalize", w.legal, map[string]string{"interpretation": "政策解读：本决策的主要内容。", "document_number": "某政发〔2027〕1号", "adopted_on": "2027-01-01", "effective_on": "2027-01-15"}), 422, "rule effective within 30 days")
		if r.field("effective_on") == "" {
			t.Errorf("30-day rule not named: %s", r.Body)
		}
		e.want(e.do("POST", base+"/finalize", w.legal, map[string]string{"interpretation": "政策解读：本决策的主要内容。", "document_number": "", "adopted_on": "2027-13-01", "effective_on": "x"}), 422, "bad finalize form")
		r = e.want(e.do("POST", base+"/finalize", w.legal, map[string]string{"interpretation": "政策解读：本决策的主要内容。", "document_number": "某政发〔2027〕1号", "adopted_on": "2027-01-01", "effective_on": "2027-01-15", "effective_exception": "涉及重大公共安全，公布后立即施行"}), 200, "finalize with exception")
		if r.str("state") != "published" || r.JSON["final"].(map[string]any)["document_number"] != "某政发〔2027〕1号" {
			t.Fatalf("finalized: %s", r.Body)
		}
		// Everything is public now, and nothing changes any more.
		vs := e.want(e.do("GET", base+"/versions", "", nil), 200, "public versions")
		if n := len(vs.JSON["items"].([]any)); n != 4 {
			t.Errorf("public versions after publication = %d, want 4 (征求意见稿, two 修改稿, 公布稿)", n)
		}
		e.want(e.do("POST", base+"/versions", w.staffA, map[string]string{"text": v2}), 409, "revise after publication")
		e.want(e.do("POST", base+"/review/opinion", w.legal, map[string]string{"outcome": "lawful"}), 409, "opinion after publication")
		e.want(e.do("POST", base+"/withdraw", w.staffA, map[string]string{"reason": "x"}), 409, "withdraw after publication")
		hist := e.want(e.do("GET", base+"/history", "", nil), 200, "public history")
		if n := len(hist.JSON["items"].([]any)); n < 8 {
			t.Errorf("public history after publication has %d events", n)
		}
		ver := e.want(e.do("GET", base+"/history/verify", "", nil), 200, "verify")
		if ver.JSON["ok"] != true {
			t.Errorf("verify: %s", ver.Body)
		}
		arch := e.want(e.do("GET", base+"/archive", "", nil), 200, "archive")
		if arch.str("chain_head") != ver.str("head") || len(arch.JSON["manifest"].(map[string]any)) < 9 {
			t.Errorf("archive head %s vs %s, manifest %v", arch.str("chain_head"), ver.str("head"), arch.JSON["manifest"])
		}
		// 文号 is unique: a second decision cannot reuse it.
		other := e.openAndClose(&w, "normative_document", shortText)
		e.want(e.do("POST", "/api/v1/consultations/"+other+"/versions", w.staffA, map[string]string{"text": shortText + "第三条　本办法自公布之日起施行。\n"}), 201, "revise other")
		e.want(e.do("POST", "/api/v1/consultations/"+other+"/review", w.staffA, map[string]any{}), 200, "submit other")
		e.want(e.do("POST", "/api/v1/consultations/"+other+"/review/opinion", w.legal, map[string]string{"outcome": "lawful", "opinion": "经审查，合法。"}), 200, "lawful other")
		r = e.want(e.do("POST", "/api/v1/consultations/"+other+"/finalize", w.legal, map[string]string{"interpretation": "政策解读：本决策的主要内容。", "document_number": "某政发〔2027〕1号", "registration_number": "ZJSD01-2027-0001", "adopted_on": "2027-01-01", "effective_on": "2027-02-01"}), 409, "reused 文号")
		if r.field("document_number") == "" {
			t.Errorf("reused number not named: %s", r.Body)
		}
		e.want(e.do("POST", "/api/v1/consultations/"+other+"/finalize", w.legal, map[string]string{"interpretation": "政策解读：本决策的主要内容。", "document_number": "某政发〔2027〕2号", "adopted_on": "2027-01-01", "effective_on": "2027-02-01"}), 422, "normative document without registration number")
		e.want(e.do("POST", "/api/v1/consultations/"+other+"/finalize", w.admin, map[string]string{"interpretation": "政策解读：本决策的主要内容。", "document_number": "某政发〔2027〕2号", "registration_number": "ZJSD01-2027-0001", "adopted_on": "2027-01-01", "effective_on": "2027-02-01"}), 200, "admin finalizes")
		// Later status is stamped on the public record.
		e.want(e.do("POST", base+"/later-status", w.resident, map[string]string{"status": "repealed", "reason": "x"}), 403, "resident stamps")
		for _, bad := range []string{"//evil.example/law", "/\\evil.example", "javascript:alert(1)"} {
			r = e.want(e.do("POST", base+"/later-status", w.staffA, map[string]string{"status": "amended", "reason": "2028年修正", "successor_url": bad}), 422, "successor "+bad)
			if r.field("successor_url") == "" {
				t.Errorf("successor %q refused without naming the field: %s", bad, r.Body)
			}
		}
		r = e.want(e.do("POST", base+"/later-status", w.staffA, map[string]string{"status": "amended", "reason": "2028年修正", "successor_url": "/consultations/" + other}), 200, "stamp")
		if r.JSON["final"].(map[string]any)["later_status"] != "amended" {
			t.Errorf("stamp: %s", r.Body)
		}
	})
}

func TestUnlawfulCanOnlyBeWithdrawn(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id := e.openAndClose(&w, "major_decision", shortText)
	base := "/api/v1/consultations/" + id
	e.want(e.do("POST", base+"/versions", w.staffA, map[string]string{"text": shortText + "第三条　新增。\n"}), 201, "revise")
	e.want(e.do("POST", base+"/review", w.staffA, map[string]any{"review_days": 5}), 422, "major decision: at least 7 working days")
	e.want(e.do("POST", base+"/review", w.staffA, map[string]any{"review_days": 7}), 200, "submit")
	e.want(e.do("POST", base+"/review/opinion", w.legal, map[string]string{"outcome": "unlawful"}), 422, "unlawful without reasons")
	r := e.want(e.do("POST", base+"/review/opinion", w.legal, map[string]string{"outcome": "unlawful", "opinion": "无上位法依据，设定了行政许可。"}), 200, "unlawful")
	if r.str("state") != "rejected" {
		t.Fatalf("state %s", r.str("state"))
	}
	e.want(e.do("POST", base+"/finalize", w.legal, map[string]string{"interpretation": "政策解读：本决策的主要内容。", "document_number": "x号", "adopted_on": "2027-01-01", "effective_on": "2027-03-01"}), 409, "finalize unlawful")
	e.want(e.do("POST", base+"/versions", w.staffA, map[string]string{"text": shortText}), 409, "revise unlawful")
	e.want(e.do("POST", base+"/review", w.staffA, map[string]any{}), 409, "resubmit unlawful")
	e.want(e.do("POST", base+"/withdraw", w.staffA, map[string]string{"reason": "审查不合法，撤回"}), 200, "withdraw")
}

func toRedline(arts []lawtextArticle) []redline.Article {
	out := make([]redline.Article, len(arts))
	for i, a := range arts {
		out[i] = redline.Article{ID: a.ID, Number: a.Number, Label: a.Label, Text: a.Text()}
	}
	return out
}

type lawtextArticle = lawtext.Article

func TestCommentsFollowTheirArticle(t *testing.T) {
	v1 := corpus(t, "animal-epidemic-prevention-law/draft.txt")
	v2 := corpus(t, "animal-epidemic-prevention-law/draft2.txt")
	e := newEnv(t, "sqlite")
	w := e.world()
	b := draftBody(v1)
	b["procedure_type"] = "rule"
	b["moderation"] = false
	id := e.want(e.do("POST", "/api/v1/consultations", w.staffA, b), 201, "create").str("id")
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, map[string]string{"closes_at": "2026-12-31"}), 200, "publish")
	arts := e.want(e.do("GET", "/api/v1/consultations/"+id+"/versions/1", "", nil), 200, "v1").JSON["articles"].([]any)
	idOf := func(label string) string {
		for _, a := range arts {
			if m := a.(map[string]any); m["label"] == label {
				return m["id"].(string)
			}
		}
		t.Fatalf("no %s", label)
		return ""
	}
	// 第二十五条 (动物病料) becomes 第二十七条 in the 二审稿; 第五十三条 (检疫收费) is deleted.
	moved, gone := idOf("第二十五条"), idOf("第五十三条")
	for _, a := range []string{moved, gone} {
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("对本条的意见", "article_id", a, "display", "anonymous")), 201, "comment")
	}
	e.clock.Set(workcal.EndOfDay(workcal.MustParseDate("2026-12-31")))
	e.relogin(&w)
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/versions", w.staffA, map[string]string{"text": v2}), 201, "revise")
	list := e.want(e.do("GET", "/api/v1/consultations/"+id+"/comments?status=all", w.staffA, nil), 200, "staff list")
	fates := list.JSON["articles"].(map[string]any)
	if f := fates[moved].(map[string]any); f["to_label"] != "第二十七条" || f["status"] == "deleted" {
		t.Errorf("第二十五条's comment now points to %v", f)
	}
	if f := fates[gone].(map[string]any); f["status"] != "deleted" {
		t.Errorf("第五十三条's comment: %v, want deleted", f)
	}
	// The public still sees the consultation draft only: its fate is unchanged.
	pub := e.want(e.do("GET", "/api/v1/consultations/"+id+"/comments", "", nil), 200, "public list")
	if f := pub.JSON["articles"].(map[string]any)[moved].(map[string]any); f["status"] != "unchanged" {
		t.Errorf("public fate before publication: %v", f)
	}
}

// TestArchiveCheckableFromOutside runs docs/verify_archive.py (plain Python,
// no yugongkai code) on a published decision's archive, then on a tampered
// copy.
func TestArchiveCheckableFromOutside(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 not installed; the archive check is also covered by TestReviewAndFinalizeRules")
		}
		t.Skip("python3 not installed; the archive check is also covered by TestReviewAndFinalizeRules")
	}
	e := newEnv(t, "sqlite")
	w := e.world()
	id := e.openAndClose(&w, "normative_document", shortText)
	base := "/api/v1/consultations/" + id
	e.want(e.do("POST", base+"/versions", w.staffA, map[string]string{"text": shortText + "第三条　本办法自公布之日起施行。\n", "note": "增加施行日期"}), 201, "revise")
	e.want(e.do("POST", base+"/review", w.staffA, map[string]any{}), 200, "submit")
	e.want(e.do("POST", base+"/review/opinion", w.legal, map[string]string{"outcome": "lawful", "opinion": "合法。"}), 200, "lawful")
	e.want(e.do("POST", base+"/finalize", w.legal, map[string]string{"interpretation": "政策解读：本决策的主要内容。", "document_number": "某政规〔2027〕3号", "registration_number": "R-3", "adopted_on": workcal.DateOf(e.clock.Now()).String(), "effective_on": "2027-06-01"}), 200, "finalize")
	arch := e.want(e.do("GET", base+"/archive", "", nil), 200, "archive")
	head := e.want(e.do("GET", base, "", nil), 200, "decision").str("history_head")
	if v, err := consultation.VerifyArchive(arch.Body, head); err != nil || !v.OK || v.Events == 0 {
		t.Errorf("VerifyArchive(published archive) = %+v, %v", v, err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "archive.json")
	os.WriteFile(good, arch.Body, 0o600)
	out, err := exec.Command(py, filepath.Join("..", "docs", "verify_archive.py"), good, head).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "OK") {
		t.Fatalf("outside check of a genuine archive: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "2 sealed tree heads") { // before the review and at the publication
		t.Errorf("outside check did not recompute the sealed tree heads:\n%s", out)
	}
	// A comment log whose manifest is recomputed is still caught by the seals.
	var a map[string]any
	json.Unmarshal(arch.Body, &a)
	if log, ok := a["comment_log"].(map[string]any); ok {
		log["leaf_hashes"] = append(log["leaf_hashes"].([]any), strings.Repeat("ab", 32))
		log["tree_size"] = float64(len(log["leaf_hashes"].([]any)))
		forged, _ := json.Marshal(a)
		f := filepath.Join(dir, "forged-log.json")
		os.WriteFile(f, forged, 0o600)
		if out, err := exec.Command(py, filepath.Join("..", "docs", "verify_archive.py"), f, head).CombinedOutput(); err == nil || !strings.Contains(string(out), "BAD") {
			t.Errorf("outside check of an archive with an added leaf passed:\n%s", out)
		}
	} else {
		t.Error("the archive has no comment_log")
	}
	tampered := strings.ReplaceAll(string(arch.Body), "合法。", "合法，但建议修改。")
	if tampered == string(arch.Body) {
		t.Fatal("opinion text not found in the archive")
	}
	bad := filepath.Join(dir, "tampered.json")
	os.WriteFile(bad, []byte(tampered), 0o600)
	out, err = exec.Command(py, filepath.Join("..", "docs", "verify_archive.py"), bad, head).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "BAD") {
		t.Fatalf("outside check of a tampered archive passed:\n%s", out)
	}
}
