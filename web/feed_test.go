package web_test

import (
	"encoding/xml"
	"strings"
	"testing"
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
