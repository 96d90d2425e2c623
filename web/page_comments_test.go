package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestCommentPages(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id := e.openForPages(w, draftBody(shortText))
	ids := e.articleIDs(id)
	b := e.browser()

	p := b.get("/consultations/"+id).want(t, 200, "consultation")
	p.has(t, "consultation", `href="/consultations/`+id+`/comment?article=`+ids[0]+`"`, "对第一条提意见")

	p = b.get("/consultations/"+id+"/comment?article="+ids[1]).want(t, 200, "comment form")
	p.checkPage(t, "comment form", "zh-CN")
	p.has(t, "comment form", `<option value="`+ids[1]+`" selected>第二条</option>`, "本办法适用于本县城区。", `<label for="body">`, `name="key" value="`)

	form := url.Values{"article_id": {ids[1]}, "body": {"建议明确城区范围。"}, "commenter_type": {"individual"}, "display": {"masked"},
		"real_name": {"张小祥"}, "contact_phone": {"13800138000"}, "key": {"k-1"}}
	t.Run("Invalid", func(t *testing.T) {
		f := cloneForm(form)
		f.Set("body", "")
		f.Set("contact_email", "nope")
		p := b.post("/consultations/"+id+"/comment", f).want(t, 422, "empty comment")
		p.has(t, "empty comment", "必填。", "电子邮箱格式无效。", `value="13800138000"`)
	})
	var receipt string
	t.Run("Submit", func(t *testing.T) {
		p := b.post("/consultations/"+id+"/comment", form).want(t, 303, "comment")
		if !strings.HasPrefix(p.Location, "/receipts/") || !strings.HasSuffix(p.Location, "?new=1") {
			t.Fatalf("after commenting: Location %q", p.Location)
		}
		receipt = strings.TrimSuffix(strings.TrimPrefix(p.Location, "/receipts/"), "?new=1")
		// A double submission gives the same receipt.
		again := b.post("/consultations/"+id+"/comment", form).want(t, 303, "comment again")
		if again.Location != p.Location {
			t.Errorf("double submission: %q, then %q", p.Location, again.Location)
		}
		p = b.get(p.Location).want(t, 200, "receipt")
		p.checkPage(t, "receipt", "zh-CN")
		p.has(t, "receipt", "您的意见已收到", receipt, "待审核", "待答复", `data-copy="`+receipt+`"`, "某县养犬管理办法（征求意见稿）")
		p.lacks(t, "receipt", "13800138000", "张小祥")
		staff := e.browser()
		staff.login("staffa", "password-staffa")
		staff.get("/staff/").want(t, 200, "dashboard").has(t, "dashboard queues", "待办意见", "1 条待审核", `href="/consultations/`+id+`"`)
	})
	t.Run("Lookup", func(t *testing.T) {
		b.get("/receipts").want(t, 200, "lookup form").checkPage(t, "lookup", "zh-CN")
		p := b.get("/receipts?code="+url.QueryEscape(strings.ToLower(receipt))).want(t, 303, "lookup")
		if p.Location != "/receipts/"+receipt {
			t.Errorf("lookup: Location %q, want /receipts/%s", p.Location, receipt)
		}
		b.get("/receipts?code=%3F%3F").want(t, 422, "bad code").has(t, "bad code", "回执编号格式不正确")
		b.get("/receipts/YG-0000-0000-0000").want(t, 404, "unknown code").has(t, "unknown", "未找到该回执编号。")
	})
	t.Run("Closed", func(t *testing.T) {
		e.clock.Set(time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC))
		p := b.get("/consultations/"+id+"/comment").want(t, 200, "closed form")
		p.has(t, "closed", "本次征求意见已于 2026年12月31日24时 截止。")
		p.lacks(t, "closed", `name="body"`)
		b.get("/consultations/"+id).lacks(t, "closed consultation", "/comment?article=")
		f := cloneForm(form)
		f.Set("key", "k-2")
		b.post("/consultations/"+id+"/comment", f).want(t, 409, "comment after close").has(t, "after close", "本次征求意见已于")
	})
}
