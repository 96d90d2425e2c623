package web_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"yugongkai/comments"
	"yugongkai/storetest"
)

// loadPending stores n pending comments with unique texts (n groups) on the
// whole draft plus a group of `campaign` identical ones, in one commit (the
// bulk path), received a second apart from T0.
func loadPending(t *testing.T, e *env, id string, n, campaign int) {
	t.Helper()
	var list []*comments.Comment
	for i := 0; i < n+campaign; i++ {
		body := fmt.Sprintf("第%03d位居民：建议明确登记期限。", i)
		if i >= n {
			body = "统一意见：反对提高登记费用。"
		}
		c := storetest.NewComment(id, comments.ExactGroupID("", body), body, T0.Add(time.Duration(i)*time.Second))
		c.Status = comments.Pending
		list = append(list, c)
	}
	if err := e.comments.Store.Commit(context.Background(), &comments.Change{ForConsultation: id, Insert: list}); err != nil {
		t.Fatal(err)
	}
}

var relLink = regexp.MustCompile(`rel="(prev|next)" href="([^"]+)"`)

// links returns the page's previous and next links ("" when absent).
func links(body string) (prev, next string) {
	for _, m := range relLink.FindAllStringSubmatch(body, -1) {
		if m[1] == "prev" {
			prev = html.UnescapeString(m[2])
		} else {
			next = html.UnescapeString(m[2])
		}
	}
	return prev, next
}

var modID = regexp.MustCompile(`id="m-([^"]+)"`)

func TestModerationPagesByKeyset(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id := e.openForPages(w, draftBody(shortText))
	loadPending(t, e, id, 70, 0)
	b := e.browser()
	b.login("staffa", "password-staffa")

	ids := func(body string) (out []string) {
		for _, m := range modID.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	first := b.get(workURL(id, "moderation")).want(t, 200, "first page")
	page1 := ids(first.Body)
	prev, next := links(first.Body)
	if len(page1) != 50 || prev != "" || next == "" {
		t.Fatalf("first page: %d comments, prev %q, next %q; want 50, none, a link", len(page1), prev, next)
	}
	second := b.get(next).want(t, 200, "second page")
	page2 := ids(second.Body)
	prev, next = links(second.Body)
	if len(page2) != 20 || prev == "" || next != "" {
		t.Fatalf("second page: %d comments, prev %q, next %q; want 20, a link, none", len(page2), prev, next)
	}
	if page2[0] == page1[0] {
		t.Fatal("the second page repeats the first")
	}
	back := b.get(prev).want(t, 200, "back")
	if got := ids(back.Body); strings.Join(got, ",") != strings.Join(page1, ",") {
		t.Errorf("back from page 2: %d comments, not the first page", len(got))
	}

	// "All on this page" on page 2 publishes those 20 only and returns there.
	after := postedAfter(second.Body)
	if after == "" {
		t.Fatal("the forms of page 2 do not post its position")
	}
	form := url.Values{"action": {"publish"}, "all": {"1"}, "page_ids": page2, "after": {after}}
	done := b.post(workURL(id, "moderation/bulk"), form).want(t, 303, "bulk on page 2")
	if !strings.Contains(done.Location, "after="+url.QueryEscape(after)) {
		t.Errorf("after the bulk action: Location %q, want the same page", done.Location)
	}
	published, err := e.comments.Store.CountComments(context.Background(), comments.CountFilter{ConsultationID: id, Status: comments.Published})
	if err != nil {
		t.Fatal(err)
	}
	if published != 20 {
		t.Errorf("published %d, want the 20 of page 2", published)
	}
	if got := ids(b.get(workURL(id, "moderation")).want(t, 200, "first page again").Body); len(got) != 50 || got[0] != page1[0] {
		t.Errorf("first page after the bulk action: %d comments", len(got))
	}
	b.get(workURL(id, "moderation")+"?after=%25%25garbage").want(t, 400, "garbage cursor")
}

// postedAfter is the position the page's forms post back ("" if none).
func postedAfter(body string) string {
	m := regexp.MustCompile(`name="after" value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

var dispGroup = regexp.MustCompile(`class="card disp-group" id="([^"]+)"`)

func TestDispositionsPagesByKeyset(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id := e.openForPages(w, draftBody(shortText))
	loadPending(t, e, id, 60, 15) // 61 groups: 60 single, one of 15
	b := e.browser()
	b.login("staffa", "password-staffa")

	groups := func(body string) int { return len(dispGroup.FindAllString(body, -1)) }
	first := b.get(workURL(id, "dispositions")).want(t, 200, "first page")
	prev, next := links(first.Body)
	if n := groups(first.Body); n != 50 || prev != "" || next == "" {
		t.Fatalf("first page: %d groups, prev %q, next %q; want 50, none, a link", n, prev, next)
	}
	second := b.get(next).want(t, 200, "second page")
	prev, next = links(second.Body)
	if n := groups(second.Body); n != 11 || prev == "" || next != "" {
		t.Fatalf("second page: %d groups, prev %q, next %q; want 11, a link, none", n, prev, next)
	}
	// The campaign group (received last) shows 10 of its 15 and links to all.
	second.has(t, "second page", "同类意见 15 条", "本组共 15 条，此处显示前 10 条。")
	m := regexp.MustCompile(`href="([^"]*\?group=[^"]+)"`).FindStringSubmatch(second.Body)
	if m == nil {
		t.Fatal("no link to the whole group")
	}
	whole := b.get(html.UnescapeString(m[1])).want(t, 200, "the group")
	if n := strings.Count(whole.Body, `class="member"`); n != 15 {
		t.Errorf("the group's page: %d members, want 15", n)
	}
	// Answering a group from page 2 returns to page 2.
	gid := comments.ExactGroupID("", "统一意见：反对提高登记费用。")
	after := postedAfter(second.Body)
	if after == "" {
		t.Fatal("the forms of page 2 do not post its position")
	}
	done := b.post(workURL(id, "dispositions/groups/"+gid), url.Values{"status": {"not_adopted"}, "reason": {"已有规定。"}, "after": {after}}).
		want(t, 303, "answer the group")
	if !strings.Contains(done.Location, "after=") || !strings.HasSuffix(done.Location, "#g-"+gid) {
		t.Errorf("after answering: Location %q, want page 2 at the group", done.Location)
	}
	b.get(done.Location).want(t, 200, "page 2 again").has(t, "page 2 again", "答复已保存。", "已有规定。")
}
