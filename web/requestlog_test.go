package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"yugongkai/consultation"
	"yugongkai/web"
)

// logBuffer collects a server's JSON log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines decodes every line logged so far.
func (b *logBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// requestLine returns the "request" line with the request id, or nil.
func (b *logBuffer) requestLine(t *testing.T, id string) map[string]any {
	t.Helper()
	for _, l := range b.lines(t) {
		if l["msg"] == "request" && l["request_id"] == id {
			return l
		}
	}
	return nil
}

// withLog makes a server log JSON into buf.
func withLog(buf *logBuffer) func(*web.Config) {
	return func(cfg *web.Config) {
		cfg.Log = slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
}

// listen serves the app on a loopback port for real HTTP and returns its
// base URL.
func (e *env) listen(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.srv.App.Listener(ln)
	t.Cleanup(func() { e.srv.App.Shutdown() })
	return "http://" + ln.Addr().String()
}

// send makes one real HTTP request.
func send(t *testing.T, method, url, tok string, body any, header ...string) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func TestRequestLog(t *testing.T) {
	buf := &logBuffer{}
	e := newEnv(t, "sqlite", withLog(buf))
	w := e.world()
	id, art := e.openConsultation(w, nil)
	base := e.listen(t)

	const email, phone = "zhang.xiaoxiang@example.cn", "13912345678"
	res := send(t, "POST", base+"/api/v1/consultations/"+id+"/comments", w.resident,
		comment("第一条应当写明适用范围。", "article_id", art, "contact_email", email, "contact_phone", phone),
		web.HeaderRequestID, "req-42.a_b:c")
	if res.StatusCode != 201 {
		t.Fatalf("submit: %d", res.StatusCode)
	}
	if got := res.Header.Get(web.HeaderRequestID); got != "req-42.a_b:c" {
		t.Errorf("response X-Request-Id = %q, want the request's", got)
	}
	t.Run("OK", func(t *testing.T) {
		l := buf.requestLine(t, "req-42.a_b:c")
		if l == nil {
			t.Fatalf("no request line with the id; log:\n%s", buf)
		}
		want := map[string]any{"level": "INFO", "method": "POST", "route": "/api/v1/consultations/:id/comments", "status": float64(201), "client_ip": "127.0.0.1"}
		for k, v := range want {
			if l[k] != v {
				t.Errorf("request line %s = %v, want %v", k, l[k], v)
			}
		}
		if b, _ := l["bytes"].(float64); b <= 0 {
			t.Errorf("request line bytes = %v, want the body's size", l["bytes"])
		}
		if _, ok := l["duration_ms"].(float64); !ok {
			t.Errorf("request line has no duration_ms: %v", l)
		}
	})

	t.Run("NoContactDataOrQuery", func(t *testing.T) {
		send(t, "GET", base+"/api/v1/search?q="+phone, "", nil, web.HeaderRequestID, "search-1")
		send(t, "GET", base+"/search?q="+email, "", nil)
		if l := buf.requestLine(t, "search-1"); l == nil || l["route"] != "/api/v1/search" {
			t.Errorf("search request line = %v, want route /api/v1/search", l)
		}
		log := buf.String()
		for _, secret := range []string{email, phone, "zhang.xiaoxiang", "张小祥", "第一条应当写明适用范围"} {
			if strings.Contains(log, secret) {
				t.Errorf("the log contains %q:\n%s", secret, log)
			}
		}
	})

	t.Run("GeneratedID", func(t *testing.T) {
		for _, sent := range []string{"", strings.Repeat("a", web.MaxRequestIDLength+1), "bad id", "x\"y", "<script>"} {
			res := send(t, "GET", base+"/healthz", "", nil, web.HeaderRequestID, sent)
			got := res.Header.Get(web.HeaderRequestID)
			if got == "" || got == sent || len(got) > web.MaxRequestIDLength {
				t.Errorf("X-Request-Id %q: answered %q, want a generated id", sent, got)
				continue
			}
			if l := buf.requestLine(t, got); l == nil || l["route"] != "/healthz" {
				t.Errorf("X-Request-Id %q: no request line for the generated id %q", sent, got)
			}
		}
		if strings.Contains(buf.String(), "<script>") {
			t.Error("a refused request id was logged")
		}
	})

	t.Run("UnmatchedRoute", func(t *testing.T) {
		send(t, "GET", base+"/no/such/"+phone, "", nil, web.HeaderRequestID, "unmatched-1")
		l := buf.requestLine(t, "unmatched-1")
		if l == nil || l["route"] != "unmatched" || l["status"] != float64(404) {
			t.Errorf("unknown URL's request line = %v, want route unmatched, status 404", l)
		}
	})

	t.Run("IDOnEveryLine", func(t *testing.T) {
		// A line logged by the domain service while handling the request
		// (the follow-up after a commit fails) carries the request's id.
		e.cons.Log = slog.New(web.LogHandler(slog.NewJSONHandler(buf, nil)))
		follow := e.cons.OnChange
		e.cons.OnChange = func(ctx context.Context, c *consultation.Consultation) error {
			return errors.New("index unavailable")
		}
		defer func() { e.cons.OnChange = follow }()
		b := draftBody(shortText)
		res := send(t, "POST", base+"/api/v1/consultations", w.staffA, b, web.HeaderRequestID, "create-1")
		if res.StatusCode != 201 {
			t.Fatalf("create: %d", res.StatusCode)
		}
		var found bool
		for _, l := range buf.lines(t) {
			if l["msg"] == "after a consultation change" {
				found = true
				if l["request_id"] != "create-1" {
					t.Errorf("domain line %v has request_id %v, want create-1", l["msg"], l["request_id"])
				}
			}
		}
		if !found {
			t.Errorf("no domain line logged; log:\n%s", buf)
		}
	})
}

func TestRequestLogReadyzLine(t *testing.T) {
	buf := &logBuffer{}
	e := newEnv(t, "sqlite", withLog(buf), func(cfg *web.Config) {
		cfg.Ready = func(context.Context) error { return errors.New("disk gone") }
	})
	base := e.listen(t)
	if res := send(t, "GET", base+"/readyz", "", nil, web.HeaderRequestID, "ready-1"); res.StatusCode != 503 {
		t.Fatalf("readyz: %d, want 503", res.StatusCode)
	}
	var lines []map[string]any
	for _, l := range buf.lines(t) {
		if l["request_id"] == "ready-1" {
			lines = append(lines, l)
		}
	}
	if len(lines) != 2 || lines[0]["msg"] != "store not ready" || lines[1]["msg"] != "request" {
		t.Errorf("lines with the request id = %v, want the warning and the request line", lines)
	}
}

// TestIdleConnectionTimeoutIsNoError opens a connection that never sends a
// request (a browser's pre-connected socket): when the read timeout ends
// it, nothing is logged as an error.
func TestIdleConnectionTimeoutIsNoError(t *testing.T) {
	buf := &logBuffer{}
	e := newEnv(t, "sqlite", withLog(buf), func(cfg *web.Config) { cfg.ReadTimeout = 200 * time.Millisecond })
	base := e.listen(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		t.Fatalf("reading from the idle connection: %v", err)
	}
	if line != "" && !strings.Contains(line, "408") {
		t.Errorf("idle connection answered %q, want 408 or nothing", line)
	}
	time.Sleep(50 * time.Millisecond)
	for _, l := range buf.lines(t) {
		if l["level"] == "ERROR" || l["level"] == "WARN" {
			t.Errorf("idle connection logged %v", l)
		}
	}
	if !strings.Contains(buf.String(), "read timeout") {
		t.Errorf("no debug line for the timeout; log:\n%s", buf)
	}
}

// TestRequestLogClientIP logs the client IP after the trusted-proxy rules:
// X-Forwarded-For counts only when the peer is a trusted proxy.
func TestRequestLogClientIP(t *testing.T) {
	for _, tt := range []struct {
		name    string
		proxies string
		want    string
	}{
		{"Untrusted", "", "127.0.0.1"},
		{"TrustedProxy", "127.0.0.1", "203.0.113.9"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			proxies, err := web.ParseTrustedProxies(tt.proxies)
			if err != nil {
				t.Fatal(err)
			}
			buf := &logBuffer{}
			e := newEnv(t, "sqlite", withLog(buf), func(cfg *web.Config) { cfg.TrustedProxies = proxies })
			base := e.listen(t)
			send(t, "GET", base+"/healthz", "", nil, web.HeaderRequestID, "ip-1", "X-Forwarded-For", "198.51.100.7, 203.0.113.9")
			if l := buf.requestLine(t, "ip-1"); l == nil || l["client_ip"] != tt.want {
				t.Errorf("request line %v, want client_ip %s", l, tt.want)
			}
		})
	}
}
