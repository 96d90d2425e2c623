package web_test

import (
	"strings"
	"testing"
	"time"
)

func TestPublicCommentsPage(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id, art := e.openConsultation(w, map[string]any{"moderation": false})
	xss := `<script>alert(1)</script>`
	for i := 0; i < 3; i++ {
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("建议延长登记期限。"+xss, "article_id", art)), 201, "copy")
	}
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("整体赞成。电话13912345678", "display", "anonymous")), 201, "whole draft")
	e.clock.Add(time.Second) // the list is in order received: these come after
	for i := 0; i < 25; i++ {
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("第"+strings.Repeat("一", i+1)+"个不同的意见", "display", "anonymous")), 201, "more")
	}
	r := e.want(e.do("GET", "/consultations/"+id+"/comments", "", nil, "Accept", "text/html"), 200, "page")
	body := string(r.Body)
	for _, want := range []string{"相同意见共 3 条", "张*祥", "匿名", "139****5678", "&lt;script&gt;", "下一页", `<html lang="zh-CN"`} {
		if !strings.Contains(body, want) {
			t.Errorf("comments page lacks %q", want)
		}
	}
	for _, bad := range []string{xss, "13912345678", "张小祥"} {
		if strings.Contains(body, bad) {
			t.Errorf("comments page shows %q", bad)
		}
	}
	if n := strings.Count(body, `class="comment"`); n != 20 {
		t.Errorf("first page has %d comments, want 20", n)
	}
	// Filtered by article: only the group on it.
	r = e.want(e.do("GET", "/consultations/"+id+"/comments?article="+art, "", nil, "Accept", "text/html"), 200, "by article")
	if n := strings.Count(string(r.Body), `class="comment"`); n != 1 {
		t.Errorf("article filter shows %d entries, want 1 group", n)
	}
	e.want(e.do("GET", "/consultations/nope/comments", "", nil, "Accept", "text/html"), 404, "unknown consultation")
}

func TestConsultationPageShowsCommentCounts(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id, art := e.openConsultation(w, map[string]any{"moderation": false})
	for i := 0; i < 2; i++ {
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("关于本条的意见"+strings.Repeat("！", i), "article_id", art)), 201, "comment")
	}
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment("整体意见")), 201, "whole")
	r := e.want(e.do("GET", "/consultations/"+id, "", nil, "Accept", "text/html"), 200, "page")
	body := string(r.Body)
	for _, want := range []string{"已公开意见 2 条", "/consultations/" + id + "/comments?article=" + art, "对草案整体的意见 1 条", "查看全部公开意见"} {
		if !strings.Contains(body, want) {
			t.Errorf("consultation page lacks %q", want)
		}
	}
}
