package web_test

import (
	"encoding/hex"
	"encoding/xml"
	"strings"
	"testing"

	"yugongkai/translog"
	"yugongkai/web"
)

func TestAtomFeeds(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id, _ := e.openConsultation(w, map[string]any{"title": "某县<养犬>管理办法 & 附则"})
	e.want(e.do("POST", "/api/v1/consultations", w.staffA, draftBody(shortText)), 201, "a draft that must not appear")
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/extend", w.staffA, map[string]string{"closes_at": "2027-01-15", "reason": "应群众要求延长"}), 200, "extend")

	r := e.want(e.do("GET", "/feed.atom", "", nil), 200, "site feed")
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/atom+xml") {
		t.Errorf("content type %q", r.Header.Get("Content-Type"))
	}
	var feed struct {
		Entries []struct {
			Title string `xml:"title"`
			ID    string `xml:"id"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(r.Body, &feed); err != nil {
		t.Fatalf("site feed is not XML: %v", err)
	}
	if len(feed.Entries) != 1 || feed.Entries[0].Title != "某县<养犬>管理办法 & 附则" {
		t.Errorf("site feed entries %+v, want the one open consultation", feed.Entries)
	}
	if strings.Contains(string(r.Body), "<养犬>") {
		t.Error("title not escaped in XML")
	}
	r = e.want(e.do("GET", "/consultations/"+id+"/feed.atom", "", nil), 200, "consultation feed")
	feed.Entries = nil
	if err := xml.Unmarshal(r.Body, &feed); err != nil {
		t.Fatalf("consultation feed is not XML: %v", err)
	}
	if len(feed.Entries) != 2 || !strings.Contains(feed.Entries[0].Title, "延长") {
		t.Errorf("consultation feed entries %+v, want extension then opening", feed.Entries)
	}
	if strings.Contains(string(r.Body), "创建草案") {
		t.Error("internal events in the public feed")
	}
}

// Feed links come from the configured base URL, not from the Host header a
// client (or a poisoned cache) sends.
func TestFeedLinksFromBaseURL(t *testing.T) {
	e := newEnv(t, "sqlite", func(cfg *web.Config) { cfg.BaseURL = "https://yj.example.gov.cn/" })
	for _, path := range []string{"/feed.atom"} {
		r := e.want(e.do("GET", path, "", nil, "Host", "evil.example", "X-Forwarded-Host", "evil.example"), 200, "feed")
		if strings.Contains(string(r.Body), "evil.example") {
			t.Errorf("%s takes links from the Host header:\n%s", path, r.Body)
		}
		if !strings.Contains(string(r.Body), `href="https://yj.example.gov.cn/feed.atom"`) {
			t.Errorf("%s lacks the self link under the base URL:\n%s", path, r.Body)
		}
	}
	for in, want := range map[string]string{"https://yj.example.gov.cn/": "https://yj.example.gov.cn", "http://localhost:8080": "http://localhost:8080"} {
		if got, err := web.ParseBaseURL(in); err != nil || got != want {
			t.Errorf("ParseBaseURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"yj.example.gov.cn", "ftp://x", "https://x/?q=1", "javascript:alert(1)"} {
		if _, err := web.ParseBaseURL(bad); err == nil {
			t.Errorf("ParseBaseURL(%q) accepted", bad)
		}
	}
}

// A sealed tree head appears in the site feed as an entry whose content is
// the signed note, and its signature verifies with the log key.
func TestSiteFeedCarriesSignedHeads(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id, _ := e.openConsultation(w, map[string]any{"moderation": false})
	for _, body := range []string{"建议明确登记期限。", "建议减免费用。"} {
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/comments", "", comment(body, "display", "anonymous")), 201, "comment")
	}
	type entry struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Summary string `xml:"summary"`
		Content string `xml:"content"`
	}
	feedHeads := func() []entry {
		r := e.want(e.do("GET", "/feed.atom", "", nil), 200, "site feed")
		var feed struct {
			Entries []entry `xml:"entry"`
		}
		if err := xml.Unmarshal(r.Body, &feed); err != nil {
			t.Fatalf("site feed is not XML: %v", err)
		}
		var out []entry
		for _, en := range feed.Entries {
			if en.Content != "" {
				out = append(out, en)
			}
		}
		return out
	}
	if got := feedHeads(); len(got) != 0 {
		t.Errorf("feed before any seal carries heads: %+v", got)
	}
	e.want(e.do("POST", "/api/v1/consultations/"+id+"/close", w.staffA, map[string]string{"reason": "提前结束", "shortening_reason": "情况紧急"}), 200, "close")
	heads := feedHeads()
	if len(heads) != 1 {
		t.Fatalf("feed after the close carries %d heads, want 1", len(heads))
	}
	h := heads[0]
	api := e.want(e.do("GET", "/api/v1/heads", "", nil), 200, "heads").JSON["items"].([]any)[0].(map[string]any)
	if h.Content != api["note"] || !strings.HasSuffix(h.ID, "#comment-log-2") || !strings.Contains(h.Summary, api["root_hash"].(string)) || !strings.Contains(h.Summary, id) {
		t.Errorf("feed head %+v, want the signed note, size and root of %v", h, api)
	}
	key := e.want(e.do("GET", "/api/v1/log-key", "", nil), 200, "log key").str("key")
	th, err := translog.OpenHead([]byte(h.Content), key)
	if err != nil {
		t.Fatalf("feed head does not verify with the log key: %v", err)
	}
	if th.Consultation != id || th.Size != 2 || hex.EncodeToString(th.Root[:]) != api["root_hash"] {
		t.Errorf("signed head %+v, want consultation %s, 2 comments, root %v", th, id, api["root_hash"])
	}
	forged := strings.Replace(h.Content, "\n2\n", "\n3\n", 1)
	if _, err := translog.OpenHead([]byte(forged), key); err == nil {
		t.Error("a head with an altered size verifies")
	}
}
