package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"yugongkai/web"
)

// scrape fetches the metrics text over real HTTP.
func scrape(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: %d %s\n%s", res.StatusCode, res.Header.Get("Content-Type"), b)
	}
	return string(b)
}

// metricValue returns the value of the sample with exactly this name and
// labels, or -1.
func metricValue(text, sample string) float64 {
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(sample) + ` (\S+)$`)
	m := re.FindStringSubmatch(text)
	if m == nil {
		return -1
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

func TestMetrics(t *testing.T) {
	m := web.NewMetrics()
	e := newEnv(t, "sqlite", func(cfg *web.Config) { cfg.Metrics = m })
	w := e.world()
	id, art := e.openConsultation(w, nil)
	base := e.listen(t)
	mon := httptest.NewServer(m.Handler())
	defer mon.Close()

	for range 3 {
		send(t, "GET", base+"/api/v1/consultations/"+id, "", nil)
	}
	send(t, "GET", base+"/api/v1/consultations/zzzzzzzzzzzzzzzz", "", nil)
	send(t, "GET", base+"/no/such/page-13912345678", "", nil)
	if res := send(t, "POST", base+"/api/v1/consultations/"+id+"/comments", w.resident, comment("建议写明适用范围。", "article_id", art)); res.StatusCode != 201 {
		t.Fatalf("comment: %d", res.StatusCode)
	}
	if res := send(t, "POST", base+"/api/v1/consultations/"+id+"/comments", w.resident, map[string]string{"body": ""}); res.StatusCode != 422 {
		t.Fatalf("empty comment: %d, want 422", res.StatusCode)
	}

	text := scrape(t, mon.URL)
	tests := []struct {
		sample string
		want   float64
	}{
		{`yugongkai_http_requests_total{method="GET",route="/api/v1/consultations/:id",status="200"}`, 1 + 3}, // openConsultation's and these
		{`yugongkai_http_requests_total{method="GET",route="/api/v1/consultations/:id",status="404"}`, 1},
		{`yugongkai_http_requests_total{method="GET",route="unmatched",status="404"}`, 1},
		{`yugongkai_http_requests_total{method="POST",route="/api/v1/consultations/:id/comments",status="201"}`, 1},
		{`yugongkai_http_request_duration_seconds_count{method="GET",route="/api/v1/consultations/:id"}`, 1 + 3 + 1},
		{`yugongkai_comments_total{outcome="accepted",reason=""}`, 1},
		{`yugongkai_comments_total{outcome="refused",reason="invalid"}`, 1},
		{`yugongkai_search_queue_depth`, 0},
		{`yugongkai_search_queue_lag_seconds`, 0},
	}
	// Every write the store made went through the group commit's writer.
	if b, w := metricValue(text, "yugongkai_store_write_batches_total"), metricValue(text, "yugongkai_store_writes_total"); b < 1 || w < b {
		t.Errorf("write batches %v, writes %v: want ≥ 1 batch holding ≥ that many writes", b, w)
	}
	for _, tt := range tests {
		if got := metricValue(text, tt.sample); got != tt.want {
			t.Errorf("%s = %v, want %v", tt.sample, got, tt.want)
		}
	}
	// Labels are route templates, never URLs: no id, no path value.
	for _, raw := range []string{id, "zzzzzzzzzzzzzzzz", "13912345678", "/no/such"} {
		if strings.Contains(text, raw) {
			t.Errorf("the metrics contain the raw URL part %q", raw)
		}
	}
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes"} {
		if !strings.Contains(text, "\n"+name+" ") {
			t.Errorf("no runtime metric %s", name)
		}
	}

	t.Run("NotOnThePublicPort", func(t *testing.T) {
		for _, path := range []string{"/metrics", "/metrics/", "/api/metrics"} {
			res := send(t, "GET", base+path, "", nil)
			if res.StatusCode != 404 {
				t.Errorf("public GET %s: %d, want 404", path, res.StatusCode)
			}
		}
		// And the metrics listener serves nothing but GET /metrics.
		if res := send(t, "POST", mon.URL+"/metrics", "", nil); res.StatusCode != 405 {
			t.Errorf("POST /metrics on the metrics listener: %d, want 405", res.StatusCode)
		}
		if res := send(t, "GET", mon.URL+"/api/v1/consultations", "", nil); res.StatusCode != 404 {
			t.Errorf("GET /api/v1/consultations on the metrics listener: %d, want 404", res.StatusCode)
		}
	})
}
