package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"yugongkai/auth"
	"yugongkai/consultation"
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

// TestContractCatchesDrift shows that the check every API test runs can
// fail: a real response passes, the same response with one field renamed,
// retyped or added does not, and neither does an undocumented status or a
// request the document calls invalid that the server answered 2xx.
func TestContractCatchesDrift(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	path := "/api/v1/consultations/" + e.want(e.do("POST", "/api/v1/consultations", w.staffA, draftBody(shortText)), 201, "create").str("id")
	r := e.want(e.do("GET", path, w.staffA, nil), 200, "get")
	c := apiContract(t)
	if _, _, err := c.router.FindRoute(httptest.NewRequest("GET", "http://yugongkai.test"+path, nil)); err != nil {
		t.Fatalf("FindRoute(GET %s) = %v: the contract check would skip every request", path, err)
	}
	hdr := http.Header{"Authorization": {"Bearer " + w.staffA}}
	if err := c.check("GET", path, hdr, nil, 200, r.Header, r.Body); err != nil {
		t.Fatalf("the real response fails the contract: %v", err)
	}
	alter := func(f func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(r.Body, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	for _, tc := range []struct {
		name   string
		status int
		body   []byte
	}{
		{"renamed field", 200, alter(func(m map[string]any) { m["Title"] = m["title"]; delete(m, "title") })},
		{"retyped field", 200, alter(func(m map[string]any) { m["accepting_comments"] = "no" })},
		{"undocumented field", 200, alter(func(m map[string]any) { m["secret"] = "x" })},
		{"unknown enum value", 200, alter(func(m map[string]any) { m["state"] = "limbo" })},
		{"undocumented status", 202, r.Body},
	} {
		if err := c.check("GET", path, hdr, nil, tc.status, r.Header, tc.body); err == nil {
			t.Errorf("%s: the contract check passed", tc.name)
		} else {
			t.Logf("%s: %v", tc.name, err)
		}
	}
	publish := path + "/publish"
	jsonHdr := http.Header{"Authorization": {"Bearer " + w.staffA}, "Content-Type": {"application/json"}}
	if err := c.check("POST", publish, jsonHdr, []byte(`{"closes_at": 20261231}`), 200, r.Header, r.Body); err == nil {
		t.Error("a 200 to a request with a number for closes_at passed the contract check")
	}
	if err := c.check("POST", publish, jsonHdr, []byte(`{"closes_at": 20261231}`), 422,
		http.Header{"Content-Type": {"application/json"}}, []byte(`{"error":{"code":"invalid","message":"无效"}}`)); err != nil {
		t.Errorf("a refused invalid request fails the contract check: %v", err)
	}
}

var updateOpenAPI = flag.Bool("update-openapi", false, "rewrite docs/openapi.json from the code")

// TestOpenAPIFileIsCurrent keeps docs/openapi.json, the copy of the
// document that .ci/run lints with Redocly and reviewers read, equal to the
// document the server generates. After changing an API type, run
// go test ./web -run TestOpenAPIFileIsCurrent -update-openapi.
func TestOpenAPIFileIsCurrent(t *testing.T) {
	want, err := json.MarshalIndent(web.OpenAPI(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	const file = "../docs/openapi.json"
	if *updateOpenAPI {
		if err := os.WriteFile(file, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not the generated document; run go test ./web -run TestOpenAPIFileIsCurrent -update-openapi", file)
	}
}

// TestOpenAPIDocumentRules checks, without node, what .ci/run's Redocly
// lint checks most: the document is valid OpenAPI 3 (kin-openapi), has a
// server, and every operation has a unique operationId, a summary, a 4xx
// response and a security requirement (an empty one when public).
func TestOpenAPIDocumentRules(t *testing.T) {
	doc := apiContract(t).doc
	if len(doc.Servers) == 0 {
		t.Error("no servers")
	}
	ids := map[string]string{}
	n := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			n++
			where := method + " " + path
			if op.OperationID == "" {
				t.Errorf("%s has no operationId", where)
			} else if other, ok := ids[op.OperationID]; ok {
				t.Errorf("%s and %s share operationId %s", where, other, op.OperationID)
			}
			ids[op.OperationID] = where
			if op.Summary == "" {
				t.Errorf("%s has no summary", where)
			}
			if op.Responses.Value("4XX") == nil {
				t.Errorf("%s has no 4xx response", where)
			}
			if op.Security == nil {
				t.Errorf("%s has no security requirement", where)
			}
		}
	}
	if n < 45 {
		t.Errorf("only %d operations documented", n)
	}
	// The lifecycle table travels with the document, one row per transition.
	rows, _ := doc.Extensions["x-lifecycle"].([]any)
	if len(rows) != len(consultation.Lifecycle) {
		t.Errorf("x-lifecycle has %d rows, consultation.Lifecycle %d", len(rows), len(consultation.Lifecycle))
	}
	for i, row := range rows {
		m, _ := row.(map[string]any)
		if m["action"] != string(consultation.Lifecycle[i].Action) {
			t.Errorf("x-lifecycle row %d = %v, want action %s", i, row, consultation.Lifecycle[i].Action)
		}
	}
}

// TestOpenAPIPasswordRule: the documented minimum is the one auth applies.
func TestOpenAPIPasswordRule(t *testing.T) {
	doc := apiContract(t).doc
	for _, name := range []string{"SignupFormInput", "NewUserInput"} {
		p := doc.Components.Schemas[name].Value.Properties["password"].Value
		if p.MinLength != uint64(auth.MinPasswordLength) {
			t.Errorf("%s.password minLength = %d, want auth.MinPasswordLength %d", name, p.MinLength, auth.MinPasswordLength)
		}
	}
}
