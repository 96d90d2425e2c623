package web_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"yugongkai/auth"
)

const xss = `<script>alert("x")</script><img src=x onerror=alert(1)>`

// comment submits a comment through the API as the resident and returns
// its receipt code.
func (e *env) comment(tok, id, article, body string) string {
	e.t.Helper()
	return e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", tok, map[string]string{"article_id": article, "body": body, "display": "anonymous"}), 201, "comment").str("code")
}

// staffComments lists every comment of a consultation as its staff see it.
func (e *env) staffComments(tok, id string) []staffComment {
	e.t.Helper()
	r := e.want(e.do("GET", "/api/v1/consultations/"+id+"/comments?status=all&limit=100", tok, nil), 200, "comments")
	var out struct{ Items []staffComment }
	if err := json.Unmarshal(r.Body, &out); err != nil {
		e.t.Fatal(err)
	}
	return out.Items
}

type staffComment struct {
	ID          string `json:"id"`
	Body        string `json:"body"`
	PublicBody  string `json:"public_body"`
	Status      string `json:"status"`
	GroupID     string `json:"group_id"`
	Receipt     string `json:"receipt"`
	Channel     string `json:"channel"`
	ArticleID   string `json:"article_id"`
	Disposition *struct {
		Status string `json:"status"`
	} `json:"disposition"`
}

func workURL(id, page string) string { return "/staff/consultations/" + id + "/" + page }

func TestWorkPagesAuthorization(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	open := e.openForPages(w, draftBody(shortText))
	draft := e.want(e.do("POST", "/api/v1/consultations", w.staffA, draftBody(shortText)), 201, "draft").str("id")
	anon, resident, legal, other := e.browser(), e.browser(), e.browser(), e.browser()
	resident.login("resident", "password-resident")
	legal.login("legal", "password-legal")
	other.login("staffb", "password-staffb")
	pages := []string{"moderation", "dispositions", "period", "review"}
	for _, page := range pages {
		path := workURL(open, page)
		anon.get(path).want(t, 401, "anonymous "+path)
		resident.get(path).want(t, 403, "resident "+path)
		legal.get(path).want(t, 403, "legal "+path)
		// Another department sees the public consultation but may not work on it.
		other.get(path).want(t, 403, "other department "+path).has(t, path, "只有本部门工作人员可以执行此操作。")
	}
	// A draft is invisible to another department: not found.
	other.get(workURL(draft, "edit")).want(t, 404, "other department's draft")
	other.post(workURL(draft, "edit"), url.Values{"title": {"x"}}).want(t, 404, "other department edits")
	other.post(workURL(draft, "withdraw"), url.Values{"reason": {"x"}}).want(t, 404, "other department withdraws")
	other.post(workURL(open, "close"), url.Values{"reason": {"x"}}).want(t, 403, "other department closes")
	resident.post(workURL(open, "close"), url.Values{"reason": {"x"}}).want(t, 403, "resident closes")
	anon.post(workURL(open, "extend"), url.Values{"reason": {"x"}, "closes_at": {"2027-01-31"}}).want(t, 401, "anonymous extends")
	if x, _ := e.cons.Get(t.Context(), adminPrincipal(), open); x.State != "open" {
		t.Errorf("state after refused posts: %s", x.State)
	}
	// Forms need the CSRF token.
	b := e.browser()
	b.login("staffa", "password-staffa")
	b.postRaw(workURL(open, "close"), url.Values{"reason": {"x"}}).want(t, 403, "close without CSRF token")
}

func TestWorkEditPage(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id := e.want(e.do("POST", "/api/v1/consultations", w.staffA, draftBody(shortText)), 201, "draft").str("id")
	b := e.browser()
	b.login("staffa", "password-staffa")

	p := b.get(workURL(id, "edit")).want(t, 200, "edit form")
	p.checkPage(t, "edit", "zh-CN")
	p.has(t, "edit", `action="/staff/consultations/`+id+`/edit"`, "修改草稿", "某县养犬管理办法（征求意见稿）", "第二条　本办法适用于本县城区。", "起草说明全文", `value="县公安局法制大队"`)

	form := url.Values{"title": {"某县养犬管理办法（修改后）"}, "procedure_type": {"normative_document"},
		"explanation": {"新的起草说明"}, "legal_basis": {"《中华人民共和国动物防疫法》"},
		"contact.department": {"县公安局法制大队"}, "contact.phone": {"0571-88888888"},
		"channels.email": {"yijian@example.gov.cn"}, "allow_anonymous": {"1"}, "moderation": {"1"},
		"text": {shortText + "第三条　本办法自公布之日起施行。\n"}}
	t.Run("Preview", func(t *testing.T) {
		f := cloneForm(form)
		f.Set("action", "preview")
		p := b.post(workURL(id, "edit"), f).want(t, 200, "preview")
		p.checkPage(t, "preview", "zh-CN")
		p.has(t, "preview", "预览：识别出 3 条", "本办法自公布之日起施行")
		if x, _ := e.cons.Get(t.Context(), adminPrincipal(), id); x.Title != "某县养犬管理办法（征求意见稿）" {
			t.Errorf("preview saved: title %q", x.Title)
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		f := cloneForm(form)
		f.Set("title", "")
		f.Set("explanation", xss)
		p := b.post(workURL(id, "edit"), f).want(t, 422, "invalid edit")
		p.checkPage(t, "invalid edit", "zh-CN")
		p.has(t, "invalid edit", "必填。", `aria-invalid="true"`, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;")
		p.lacks(t, "invalid edit", xss)
	})
	t.Run("Save", func(t *testing.T) {
		p := b.post(workURL(id, "edit"), form).want(t, 303, "save")
		if p.Location != "/consultations/"+id {
			t.Errorf("after save: Location %q", p.Location)
		}
		x, err := e.cons.Get(t.Context(), adminPrincipal(), id)
		if err != nil {
			t.Fatal(err)
		}
		if x.Title != "某县养犬管理办法（修改后）" || x.ArticleCount != 3 || x.Explanation != "新的起草说明" {
			t.Errorf("after save: title %q, %d articles, explanation %q", x.Title, x.ArticleCount, x.Explanation)
		}
	})
	t.Run("NotADraft", func(t *testing.T) {
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, map[string]string{"closes_at": "2026-12-31"}), 200, "publish")
		b.get(workURL(id, "edit")).want(t, 409, "edit an open consultation")
		b.post(workURL(id, "edit"), form).want(t, 409, "save an open consultation")
	})
}

func TestWorkPeriodPage(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id := e.openForPages(w, draftBody(shortText))
	b := e.browser()
	b.login("staffa", "password-staffa")

	p := b.get(workURL(id, "period")).want(t, 200, "period page")
	p.checkPage(t, "period", "zh-CN")
	p.has(t, "period", `action="/staff/consultations/`+id+`/extend"`, `action="/staff/consultations/`+id+`/close"`,
		`action="/staff/consultations/`+id+`/withdraw"`, "当前征求意见期限：2026年12月1日 至 2026年12月31日。")

	t.Run("ExtendInvalid", func(t *testing.T) {
		p := b.post(workURL(id, "extend"), url.Values{"closes_at": {"2026-12-20"}, "reason": {xss}}).want(t, 422, "extend earlier")
		p.checkPage(t, "extend earlier", "zh-CN")
		p.has(t, "extend earlier", "延长后的截止时间必须晚于原截止时间", `value="2026-12-20"`, "&lt;script&gt;")
		p.lacks(t, "extend earlier", xss)
		p = b.post(workURL(id, "extend"), url.Values{"closes_at": {"2027-01-15"}}).want(t, 422, "extend without reason")
		p.has(t, "extend without reason", "请填写理由。", `<div class="error-summary"`, `<a href="#extend-reason">`)
	})
	t.Run("Extend", func(t *testing.T) {
		b.post(workURL(id, "extend"), url.Values{"closes_at": {"2027-01-15"}, "reason": {"收到意见较多，" + xss}}).want(t, 303, "extend")
		p := b.get("/consultations/"+id).want(t, 200, "consultation")
		p.has(t, "extended", "2027年1月15日", "收到意见较多")
		p.lacks(t, "extended", xss)
	})
	t.Run("CloseWithoutReason", func(t *testing.T) {
		p := b.post(workURL(id, "close"), url.Values{"reason": {"  "}}).want(t, 422, "close without reason")
		p.has(t, "close without reason", "请填写理由。", `id="close-reason"`)
	})
	t.Run("Close", func(t *testing.T) {
		p := b.post(workURL(id, "close"), url.Values{"reason": {"已充分听取意见。"}}).want(t, 422, "close below the minimum")
		p.has(t, "close below the minimum", "缩短理由", `id="close-shortening"`, "少于")
		b.post(workURL(id, "close"), url.Values{"reason": {"已充分听取意见。"}, "shortening_reason": {"上级要求提前出台。"}}).want(t, 303, "close")
		notice := b.get("/consultations/"+id).want(t, 200, "notice after an early close")
		notice.has(t, "notice after an early close", "上级要求提前出台。")
		if x, _ := e.cons.Get(t.Context(), adminPrincipal(), id); x.State != "closed" {
			t.Errorf("after close: %s", x.State)
		}
		p = b.get(workURL(id, "period")).want(t, 200, "period when closed")
		p.lacks(t, "period when closed", `/extend"`)
		p.has(t, "period when closed", `/withdraw"`)
	})
	t.Run("Withdraw", func(t *testing.T) {
		b.post(workURL(id, "withdraw"), url.Values{"reason": {"政策调整，不再制定。"}}).want(t, 303, "withdraw")
		if x, _ := e.cons.Get(t.Context(), adminPrincipal(), id); x.State != "withdrawn" {
			t.Errorf("after withdraw: %s", x.State)
		}
	})
}

func TestWorkModerationPage(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id := e.openForPages(w, draftBody(shortText))
	arts := e.articleIDs(id)
	e.comment(w.resident, id, arts[0], "建议写明登记费用。"+xss+" 联系电话13812345678")
	e.comment(w.resident, id, "", "广告：出售宠物用品")
	b := e.browser()
	b.login("staffa", "password-staffa")

	p := b.get(workURL(id, "moderation")).want(t, 200, "moderation")
	p.checkPage(t, "moderation", "zh-CN")
	p.has(t, "moderation", "原文", "公开文本", "13812345678", "138****5678", "第一条", "总体意见", "&lt;script&gt;",
		`value="spam"`, `value="personal_data"`, `accesskey="p"`, `name="action" value="publish"`, `name="action" value="decline"`)
	p.lacks(t, "moderation", xss)
	if n := strings.Count(p.Body, `class="mod-form"`); n != 2 {
		t.Errorf("moderation: %d forms, want one per comment (2)", n)
	}
	// The comment with a phone number gets the look-twice badge; the other not.
	if n := strings.Count(p.Body, "请仔细核对：可能含个人信息"); n != 1 {
		t.Errorf("moderation: %d look-twice badges, want 1", n)
	}
	list := e.staffComments(w.staffA, id)
	if len(list) != 2 {
		t.Fatalf("comments: %d", len(list))
	}
	first, second := list[0].ID, list[1].ID

	t.Run("Redact", func(t *testing.T) {
		target := first
		for _, c := range list {
			if strings.Contains(c.Body, "登记费用") {
				target = c.ID
			}
		}
		b.post(workURL(id, "moderation/"+target+"/redact"), url.Values{"text": {"不存在的文字"}, "redact_reason": {"third_party"}}).
			want(t, 422, "redact text not in the copy").has(t, "redact text not in the copy", "公开文本中没有这段文字。")
		b.post(workURL(id, "moderation/"+target+"/redact"), url.Values{"text": {"登记费用"}, "redact_reason": {"third_party"}}).want(t, 303, "redact")
		for _, c := range e.staffComments(w.staffA, id) {
			if c.ID == target && (!strings.Contains(c.PublicBody, "建议写明［已隐去］。") || !strings.Contains(c.Body, "登记费用")) {
				t.Errorf("after redaction: public %q, original %q", c.PublicBody, c.Body)
			}
		}
	})

	t.Run("DeclineWithoutReason", func(t *testing.T) {
		p := b.post(workURL(id, "moderation/"+second), url.Values{"action": {"decline"}, "note": {xss}}).want(t, 422, "decline without reason")
		p.checkPage(t, "decline without reason", "zh-CN")
		p.has(t, "decline without reason", "请从列出的选项中选择一项。", `aria-invalid="true"`, "&lt;script&gt;")
		p.lacks(t, "decline without reason", xss, "spam, abusive") // no internal codes on pages
	})
	t.Run("Publish", func(t *testing.T) {
		p := b.post(workURL(id, "moderation/"+first), url.Values{"action": {"publish"}}).want(t, 303, "publish")
		p = b.get(p.Location).want(t, 200, "after publish")
		p.has(t, "after publish", "意见已公开。")
		p.lacks(t, "after publish", `/moderation/`+first+`"`)
	})
	t.Run("Decline", func(t *testing.T) {
		b.post(workURL(id, "moderation/"+second), url.Values{"action": {"decline"}, "reason": {"spam"}, "note": {"广告"}}).want(t, 303, "decline")
		b.get(workURL(id, "moderation")).want(t, 200, "empty queue").has(t, "empty queue", "没有待审核的意见。")
		b.post(workURL(id, "moderation/"+second), url.Values{"action": {"decline"}, "reason": {"spam"}}).want(t, 409, "decline twice")
	})
	for _, c := range e.staffComments(w.staffA, id) {
		want := map[string]string{first: "published", second: "declined"}[c.ID]
		if c.Status != want {
			t.Errorf("comment %s: status %s, want %s", c.ID, c.Status, want)
		}
	}
}

func TestWorkDispositionsPage(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	body := draftBody(shortText)
	body["moderation"] = false
	id := e.openForPages(w, body)
	arts := e.articleIDs(id)
	campaign := "反对将登记费用提高，建议维持现行标准。"
	e.comment(w.resident, id, arts[0], campaign)
	e.comment(w.resident, id, arts[0], campaign)
	single := e.comment(w.resident, id, arts[1], "建议增加文明养犬的具体要求。"+xss)
	_ = single
	b := e.browser()
	b.login("staffa", "password-staffa")

	p := b.get(workURL(id, "dispositions")).want(t, 200, "dispositions")
	p.checkPage(t, "dispositions", "zh-CN")
	p.has(t, "dispositions", "同类意见 2 条", "统一答复本组 2 条意见", "第一条", "第二条", `name="changed_articles"`,
		`value="adopted"`, `value="out_of_scope"`, "&lt;script&gt;")
	p.lacks(t, "dispositions", xss)
	if n := strings.Count(p.Body, campaign); n != 3 {
		t.Errorf("the group's text appears %d times, want once as the group and once per member (3)", n)
	}
	var group, lone string
	for _, c := range e.staffComments(w.staffA, id) {
		if c.Receipt == single {
			lone = c.ID
		} else {
			group = c.GroupID
		}
	}

	t.Run("ReasonRequired", func(t *testing.T) {
		p := b.post(workURL(id, "dispositions/groups/"+group), url.Values{"status": {"not_adopted"}}).want(t, 422, "no reason")
		p.checkPage(t, "no reason", "zh-CN")
		p.has(t, "no reason", "除“采纳”外，须说明理由。", `id="g-`+group+`-not_adopted" name="status" value="not_adopted" checked`)
	})
	t.Run("UnknownArticle", func(t *testing.T) {
		p := b.post(workURL(id, "dispositions/comments/"+lone), url.Values{"status": {"adopted"}, "changed_articles": {"nosuch"}}).want(t, 422, "unknown article")
		p.has(t, "unknown article", "条文 nosuch 不存在。")
	})
	t.Run("AnswerGroup", func(t *testing.T) {
		p := b.post(workURL(id, "dispositions/groups/"+group), url.Values{"status": {"adopted"}, "changed_articles": {arts[0]}}).want(t, 303, "answer group")
		if !strings.HasSuffix(p.Location, "#g-"+group) {
			t.Errorf("after answering: Location %q", p.Location)
		}
		for _, c := range e.staffComments(w.staffA, id) {
			if c.GroupID == group && (c.Disposition == nil || c.Disposition.Status != "adopted") {
				t.Errorf("member %s: disposition %+v", c.ID, c.Disposition)
			}
		}
		p = b.get(strings.Split(p.Location, "#")[0]).want(t, 200, "after answer")
		p.has(t, "after answer", "答复已保存。", `-a-`+arts[0]+`" name="changed_articles" value="`+arts[0]+`" checked>`)
	})
	t.Run("AnswerOne", func(t *testing.T) {
		b.post(workURL(id, "dispositions/comments/"+lone), url.Values{"status": {"not_adopted"}, "reason": {"已有规定。" + xss}}).want(t, 303, "answer one")
		p := b.get(workURL(id, "dispositions")).want(t, 200, "after answer")
		p.has(t, "after answer", "已有规定。&lt;script&gt;")
		p.lacks(t, "after answer", xss)
	})
	t.Run("SplitAndMerge", func(t *testing.T) {
		var member string
		for _, c := range e.staffComments(w.staffA, id) {
			if c.GroupID == group {
				member = c.ID
			}
		}
		p := b.post(workURL(id, "dispositions/comments/"+member+"/split"), nil).want(t, 303, "split")
		p = b.get(p.Location).want(t, 200, "after split")
		p.has(t, "after split", "已从分组中拆出。")
		p.lacks(t, "after split", "同类意见 2 条")
		p = b.post(workURL(id, "dispositions/merge"), url.Values{"group_ids": {group}}).want(t, 422, "merge one group")
		p.has(t, "merge one group", "请至少选择两个分组。")
		b.post(workURL(id, "dispositions/merge"), url.Values{"group_ids": {group, "s" + member}}).want(t, 303, "merge")
		b.get(workURL(id, "dispositions")).want(t, 200, "after merge").has(t, "after merge", "同类意见 2 条")
	})
}

func TestWorkProposalsMerge(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	body := draftBody(shortText)
	body["moderation"] = false
	id := e.openForPages(w, body)
	arts := e.articleIDs(id)
	text := "我们坚决反对本办法第一条关于登记费用的规定，登记费用过高将加重养犬家庭负担，建议取消收费或者大幅降低收费标准，并对低保家庭予以减免。"
	e.comment(w.resident, id, arts[0], text)
	e.comment(w.resident, id, arts[0], text+"谢谢！")
	b := e.browser()
	b.login("staffa", "password-staffa")
	p := b.get(workURL(id, "dispositions")).want(t, 200, "dispositions")
	p.has(t, "find near", "查找内容相近、可合并的意见", `name="near" value="1"`)
	if strings.Contains(p.Body, "疑似同类意见") {
		t.Error("proposals computed on a plain load of the workspace")
	}
	// Asking starts the pass in the background and answers at once.
	p = b.get(workURL(id, "dispositions")+"?near=1").want(t, 200, "dispositions, proposals asked for")
	p.has(t, "computing", "正在后台查找内容相近的意见")
	if strings.Contains(p.Body, "疑似同类意见") {
		t.Error("proposals shown before the pass ran")
	}
	e.comments.WaitNear()
	p = b.get(workURL(id, "dispositions")+"?near=1").want(t, 200, "dispositions with proposals")
	p.has(t, "proposals", "以下结果查找于", `action="/staff/consultations/`+id+`/dispositions/near"`, "疑似同类意见", "2 组意见内容相近，共 2 条", `action="/staff/consultations/`+id+`/dispositions/merge"`)
	m := regexpGroupIDs.FindAllStringSubmatch(p.Body, -1)
	if len(m) != 2 {
		t.Fatalf("merge form: %d group ids", len(m))
	}
	p = b.post(workURL(id, "dispositions/merge"), url.Values{"group_ids": {m[0][1], m[1][1]}}).want(t, 303, "merge")
	b.get(p.Location).want(t, 200, "merged").has(t, "merged", "同类意见 2 条", "已合并为一组。")
}

func TestWorkReviseAndReview(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	body := draftBody(shortText)
	body["moderation"] = false
	id := e.openForPages(w, body)
	arts := e.articleIDs(id)
	e.comment(w.resident, id, arts[0], "建议写明立法目的包括保障公共安全。")
	b := e.browser()
	b.login("staffa", "password-staffa")
	b.get(workURL(id, "revise")).want(t, 409, "revise while open")
	b.post(workURL(id, "close"), url.Values{"reason": {"已充分听取意见。"}, "shortening_reason": {"情况紧急。"}}).want(t, 303, "close")

	revised := strings.Replace(shortText, "为了规范养犬行为", "为了规范养犬行为，保障公共安全", 1) + "第三条　" + xss + "\n"
	t.Run("Form", func(t *testing.T) {
		p := b.get(workURL(id, "revise")).want(t, 200, "revise form")
		p.checkPage(t, "revise", "zh-CN")
		p.has(t, "revise", "第一条　为了规范养犬行为，制定本办法。", `value="preview"`, `value="save"`, `name="note"`)
	})
	t.Run("Preview", func(t *testing.T) {
		p := b.post(workURL(id, "revise"), url.Values{"text": {revised}, "action": {"preview"}}).want(t, 200, "preview")
		p.checkPage(t, "preview", "zh-CN")
		if i := strings.Index(p.Body, `<div class="redline">`); i >= 0 && testing.Verbose() {
			t.Log(p.Body[i:min(len(p.Body), i+1500)])
		}
		p.has(t, "preview", "与第 1 稿对照", "修改 1 条，新增 1 条", "<ins>保障公共安全，</ins>", "【修改】", "【新增】", "&lt;script&gt;")
		p.lacks(t, "preview", xss)
		if x, _ := e.cons.Get(t.Context(), adminPrincipal(), id); x.CurrentVersion != 1 {
			t.Errorf("preview stored version %d", x.CurrentVersion)
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		p := b.post(workURL(id, "revise"), url.Values{"text": {"没有条文的文本"}, "action": {"save"}}).want(t, 422, "no articles")
		p.has(t, "no articles", "未能从文本中识别出任何条文", `aria-invalid="true"`)
		b.post(workURL(id, "revise"), url.Values{"text": {"没有条文"}, "action": {"preview"}}).want(t, 422, "preview without articles")
	})
	t.Run("ReviewIncomplete", func(t *testing.T) {
		p := b.get(workURL(id, "review")).want(t, 200, "review page")
		p.checkPage(t, "review", "zh-CN")
		p.has(t, "review", "送审材料尚不完整", "完整的意见采纳情况", "收到 1 条，公开 1 条，不予公开 0 条，待答复 1 条。",
			"网上提交：1", "应为 5 至 15 个工作日。", `value="15"`)
		p = b.post(workURL(id, "review"), url.Values{"review_days": {"15"}}).want(t, 422, "submit incomplete")
		p.has(t, "submit incomplete", "送审材料不完整")
	})
	t.Run("Save", func(t *testing.T) {
		p := b.post(workURL(id, "revise"), url.Values{"text": {revised}, "note": {"根据意见修改第一条。"}, "action": {"save"}}).want(t, 303, "save")
		if p.Location != "/consultations/"+id {
			t.Errorf("after save: Location %q", p.Location)
		}
		x, _ := e.cons.Get(t.Context(), adminPrincipal(), id)
		if x.CurrentVersion != 2 || x.ArticleCount != 3 {
			t.Errorf("after save: version %d, %d articles", x.CurrentVersion, x.ArticleCount)
		}
	})
	t.Run("Submit", func(t *testing.T) {
		c := e.staffComments(w.staffA, id)[0]
		b.get(workURL(id, "dispositions")).want(t, 200, "dispositions after revision").has(t, "fate", "第 2 稿已修改（第一条）", "据此修改的条文（第 2 稿）")
		b.post(workURL(id, "dispositions/comments/"+c.ID), url.Values{"status": {"adopted"}, "changed_articles": {arts[0]}}).want(t, 303, "dispose")
		p := b.get(workURL(id, "review")).want(t, 200, "complete package")
		p.has(t, "complete package", "送审材料齐全。", "征求意见稿第 1 稿，送审稿第 2 稿")
		p = b.post(workURL(id, "review"), url.Values{"review_days": {"30"}}).want(t, 422, "too many days")
		p.has(t, "too many days", "审查期限应为 5 至 15 个工作日。", `value="30"`)
		b.post(workURL(id, "review"), url.Values{"review_days": {"abc"}}).want(t, 422, "not a number")
		b.post(workURL(id, "review"), url.Values{"review_days": {"10"}}).want(t, 303, "submit")
		x, _ := e.cons.Get(t.Context(), adminPrincipal(), id)
		if x.State != "in_review" || x.Review == nil {
			t.Fatalf("after submit: %s", x.State)
		}
		p = b.get(workURL(id, "review")).want(t, 200, "in review")
		p.has(t, "in review", "合法性审查中，应于 "+x.Review.DueOn+" 前完成。")
		p.lacks(t, "in review", `name="review_days"`)
		b.get("/staff/").want(t, 200, "dashboard").has(t, "dashboard", `id="inreview-h"`)
	})
	t.Run("Returned", func(t *testing.T) {
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/review/opinion", w.legal,
			map[string]string{"outcome": "revise", "opinion": "第三条须删除。" + xss}), 200, "opinion")
		p := b.get("/staff/").want(t, 200, "dashboard")
		p.has(t, "returned", `id="returned-h"`, "第三条须删除。&lt;script&gt;", `href="/staff/consultations/`+id+`/revise"`)
		p.lacks(t, "returned", xss)
		p = b.get(workURL(id, "review")).want(t, 200, "review after return")
		p.has(t, "review after return", "上一轮审查意见", "应当予以修改", "第三条须删除。", `name="review_days"`)
		p.lacks(t, "review after return", xss)
		b.get(workURL(id, "revise")).want(t, 200, "revise after return")
	})
}

func TestWorkDashboard(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id := e.openForPages(w, draftBody(shortText))
	draft := e.want(e.do("POST", "/api/v1/consultations", w.staffA, draftBody(shortText)), 201, "draft").str("id")
	e.comment(w.resident, id, "", "总体赞成。")
	b := e.browser()
	b.login("staffa", "password-staffa")
	p := b.get("/staff/").want(t, 200, "dashboard")
	p.checkPage(t, "dashboard", "zh-CN")
	p.has(t, "dashboard", `href="/staff/consultations/`+id+`/moderation">某县养犬管理办法（征求意见稿）</a>`, "1 条待审核", "1 条待答复",
		`href="/staff/consultations/`+draft+`/edit"`, `href="/staff/consultations/`+draft+`/publish"`,
		`href="/staff/consultations/`+id+`/dispositions"`, `href="/staff/consultations/`+id+`/period"`, "还剩 31 天")
	en := e.browser()
	en.login("staffa", "password-staffa")
	p = en.get(workURL(id, "moderation")+"?lang=en").want(t, 200, "english")
	p.checkPage(t, "english", "en")
	p.has(t, "english", "Moderate comments", "Original", "Public copy", "Decline")
}

var regexpGroupIDs = regexp.MustCompile(`name="group_ids" value="([^"]+)"`)

func adminPrincipal() auth.Principal { return auth.Principal{UserID: "test-admin", Role: auth.Admin} }
