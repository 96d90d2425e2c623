package web_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"yugongkai/history"
	"yugongkai/web"
)

func TestOpenAPICoversRoutes(t *testing.T) {
	e := newEnv(t, "sqlite")
	r := e.want(e.do("GET", "/api/openapi.json", "", nil), 200, "openapi")
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi version %q", doc.OpenAPI)
	}
	param := regexp.MustCompile(`:(\w+)`)
	checked := 0
	for _, route := range e.srv.App.GetRoutes(true) {
		if !strings.HasPrefix(route.Path, "/api/v1/") || route.Method == "HEAD" || route.Method == "USE" || strings.Contains(route.Path, "*") {
			continue
		}
		path := param.ReplaceAllString(route.Path, "{$1}")
		if _, ok := doc.Paths[path][strings.ToLower(route.Method)]; !ok {
			t.Errorf("route %s %s is not in the OpenAPI document", route.Method, path)
		}
		checked++
	}
	if checked < 15 {
		t.Errorf("checked only %d routes", checked)
	}
	// And the document names no route that does not exist.
	registered := map[string]bool{}
	for _, route := range e.srv.App.GetRoutes(true) {
		registered[route.Method+" "+param.ReplaceAllString(route.Path, "{$1}")] = true
	}
	for path, ops := range web.OpenAPI()["paths"].(map[string]any) {
		for method := range ops.(map[string]any) {
			if !registered[strings.ToUpper(method)+" "+path] {
				t.Errorf("OpenAPI documents %s %s, which is not routed", method, path)
			}
		}
	}
}

func TestLifecycleIsRecordedInTheChain(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id := e.want(e.do("POST", "/api/v1/consultations", w.staffA, draftBody(shortText)), 201, "create").str("id")
		e.want(e.do("PATCH", "/api/v1/consultations/"+id, w.staffA, map[string]any{"title": "新标题"}), 200, "edit")
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/publish", w.staffA, map[string]string{"closes_at": "2026-12-31"}), 200, "publish")
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/extend", w.staffA, map[string]string{"closes_at": "2027-01-10", "reason": "延期"}), 200, "extend")
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/close", w.staffA, map[string]string{"reason": "提前结束", "shortening_reason": "情况紧急"}), 200, "close")
		events, err := e.cons.Store.Events(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		var types []string
		for _, ev := range events {
			types = append(types, ev.Type)
		}
		want := "consultation.created consultation.edited consultation.opened consultation.extended consultation.closed_early comments.sealed"
		if got := strings.Join(types, " "); got != want {
			t.Errorf("event types = %s\nwant %s", got, want)
		}
		if err := history.Verify(events); err != nil {
			t.Errorf("Verify = %v", err)
		}
		c, _ := e.cons.Store.Consultation(context.Background(), id)
		if c.HistoryHead != history.Head(events) || c.HistorySeq != int64(len(events)) {
			t.Errorf("consultation head %d %s, chain head %d %s", c.HistorySeq, c.HistoryHead, len(events), history.Head(events))
		}
	})
}
