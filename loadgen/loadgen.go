// Package loadgen drives the traffic that users produce against a running
// server on this machine: many concurrent commenters (a campaign of
// near-identical comments from many source addresses), readers of the
// consultation page and its comment list, and reports what was accepted, how
// fast and how slowly, as JSON. It is the tool behind the ingestion figures
// in docs/PERFORMANCE.md; cmd/yugongkai-load is its command.
//
// It is bounded in count and in time and only talks to loopback addresses,
// so it cannot be pointed at someone else's site by mistake.
package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Limits that bound every run.
const (
	MaxCount   = 1_000_000
	MaxTime    = 10 * time.Minute
	MaxClients = 1024
)

// Config is one run.
type Config struct {
	// Target is the server's base URL (http://127.0.0.1:8080); it must be a
	// loopback address.
	Target string
	// Consultation is the id of an open consultation to comment on.
	Consultation string
	// Clients is the number of concurrent commenters, each with its own
	// keep-alive connection.
	Clients int
	// Count bounds the comments sent; MaxTime bounds the run's duration.
	Count   int
	MaxTime time.Duration
	// Readers is the number of concurrent readers, each fetching the
	// consultation page and the public comment list in turn while the
	// commenters run (0: none).
	Readers int
	// Forwarded sends each comment with its own X-Forwarded-For address, as
	// a campaign from many addresses behind the site's reverse proxy looks
	// (the server must trust 127.0.0.1 as a proxy).
	Forwarded bool
	// Endpoint is the comment endpoint under Target; default
	// /api/v1/consultations/{Consultation}/comments.
	Endpoint string
}

// Result is what a run measured. Latencies are in milliseconds.
type Result struct {
	Clients   int     `json:"clients"`
	Sent      int     `json:"sent"`
	Accepted  int     `json:"accepted"`
	Refused   int     `json:"refused"`
	Errors    int     `json:"errors"`
	Seconds   float64 `json:"seconds"`
	PerSecond float64 `json:"accepted_per_second"`
	P50       float64 `json:"p50_ms"`
	P99       float64 `json:"p99_ms"`
	Max       float64 `json:"max_ms"`
	// CPUPerComment is the server process's CPU time per accepted comment
	// (ms), when the run knows the process (Comparison).
	CPUPerComment float64 `json:"server_cpu_ms_per_comment,omitempty"`
	// PeakRSS is the server process's highest resident size (VmHWM) at
	// the run's end, in MiB, where /proc tells it (goal 7).
	PeakRSS float64  `json:"server_peak_rss_mib,omitempty"`
	Reads   int      `json:"reads,omitempty"`
	ReadP50 float64  `json:"read_p50_ms,omitempty"`
	ReadP99 float64  `json:"read_p99_ms,omitempty"`
	Samples []string `json:"error_samples,omitempty"`
}

// CheckLoopback refuses a target that is not on this machine.
func CheckLoopback(target string) error {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("loadgen: target %q is not an http URL", target)
	}
	host := u.Hostname()
	ips, err := net.LookupIP(host)
	if err != nil || len(ips) == 0 {
		return fmt.Errorf("loadgen: target host %q does not resolve", host)
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return fmt.Errorf("loadgen: target %q is not a loopback address; this tool only loads this machine", target)
		}
	}
	return nil
}

// Body returns the i-th comment of a campaign: one form letter with small
// variations, as residents copy and adapt it.
func Body(i int) string {
	openings := []string{"我坚决支持", "我们小区居民一致赞成", "本人认为应当完善", "强烈建议修改"}
	subjects := []string{"犬只登记", "文明养犬", "禁养区域", "收容管理"}
	return fmt.Sprintf("%s本办法关于%s的规定。建议明确登记时限和收费标准，公开办理流程，方便群众办理。（第%d号意见）",
		openings[i%len(openings)], subjects[i/len(openings)%len(subjects)], i)
}

// Run drives one bounded run and returns its measurements. It returns an
// error only for a bad configuration; failed requests are counted.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if err := CheckLoopback(cfg.Target); err != nil {
		return Result{}, err
	}
	if cfg.Clients < 1 || cfg.Clients > MaxClients {
		return Result{}, fmt.Errorf("loadgen: clients must be 1–%d", MaxClients)
	}
	if cfg.Count < 1 || cfg.Count > MaxCount {
		return Result{}, fmt.Errorf("loadgen: count must be 1–%d", MaxCount)
	}
	if cfg.MaxTime <= 0 || cfg.MaxTime > MaxTime {
		cfg.MaxTime = MaxTime
	}
	if cfg.Endpoint == "" {
		if cfg.Consultation == "" {
			return Result{}, errors.New("loadgen: no consultation")
		}
		cfg.Endpoint = commentsEndpoint(cfg.Consultation)
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.MaxTime)
	defer cancel()

	transport := &http.Transport{MaxIdleConns: cfg.Clients + cfg.Readers, MaxIdleConnsPerHost: cfg.Clients + cfg.Readers,
		MaxConnsPerHost: cfg.Clients + cfg.Readers, IdleConnTimeout: time.Minute}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}

	var (
		next     atomic.Int64
		mu       sync.Mutex
		lat      []time.Duration
		readLat  []time.Duration
		res      = Result{Clients: cfg.Clients}
		samples  = map[string]bool{}
		wg       sync.WaitGroup
		readers  sync.WaitGroup
		stopRead = make(chan struct{})
	)
	record := func(kind string, d time.Duration, status int, err error) {
		mu.Lock()
		defer mu.Unlock()
		res.Sent++
		switch {
		case err != nil:
			res.Errors++
			if len(samples) < 5 {
				samples[err.Error()] = true
			}
		case status == http.StatusCreated || status == http.StatusOK:
			res.Accepted++
			lat = append(lat, d)
		case status >= 500:
			res.Errors++
			if len(samples) < 5 {
				samples[fmt.Sprintf("%s: HTTP %d", kind, status)] = true
			}
		default:
			res.Refused++
			if len(samples) < 5 {
				samples[fmt.Sprintf("%s: HTTP %d", kind, status)] = true
			}
		}
	}
	for r := 0; r < cfg.Readers; r++ {
		readers.Add(1)
		go func(r int) {
			defer readers.Done()
			paths := []string{"/consultations/" + url.PathEscape(cfg.Consultation), "/api/v1/consultations/" + url.PathEscape(cfg.Consultation) + "/comments?limit=20"}
			for i := r; ; i++ {
				select {
				case <-stopRead:
					return
				case <-ctx.Done():
					return
				default:
				}
				start := time.Now()
				status, err := send(ctx, client, "GET", cfg.Target+paths[i%len(paths)], nil, "")
				if err == nil && status == http.StatusOK {
					mu.Lock()
					readLat = append(readLat, time.Since(start))
					mu.Unlock()
				}
			}
		}(r)
	}
	began := time.Now()
	for w := 0; w < cfg.Clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= cfg.Count {
					return
				}
				body, _ := json.Marshal(map[string]string{"body": Body(i), "display": "anonymous"})
				forwarded := ""
				if cfg.Forwarded {
					forwarded = fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
				}
				start := time.Now()
				status, err := send(ctx, client, "POST", cfg.Target+cfg.Endpoint, body, forwarded)
				if ctx.Err() != nil && err != nil {
					return // the run's time is up: not the server's error
				}
				record("comment", time.Since(start), status, err)
			}
		}()
	}
	wg.Wait()
	res.Seconds = time.Since(began).Seconds()
	close(stopRead)
	readers.Wait()

	res.PerSecond = float64(res.Accepted) / res.Seconds
	res.P50, res.P99, res.Max = quantile(lat, 0.50), quantile(lat, 0.99), quantile(lat, 1)
	res.Reads = len(readLat)
	res.ReadP50, res.ReadP99 = quantile(readLat, 0.50), quantile(readLat, 0.99)
	for s := range samples {
		res.Samples = append(res.Samples, s)
	}
	sort.Strings(res.Samples)
	return res, nil
}

func send(ctx context.Context, client *http.Client, method, u string, body []byte, forwarded string) (int, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if forwarded != "" {
		req.Header.Set("X-Forwarded-For", forwarded)
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// quantile returns the q-quantile of ds in milliseconds (nearest rank).
func quantile(ds []time.Duration, q float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(q*float64(len(s))+0.999999) - 1
	i = min(max(i, 0), len(s)-1)
	return float64(s[i].Microseconds()) / 1000
}

// commentsEndpoint is the API address of a consultation's comments.
func commentsEndpoint(consultation string) string {
	return "/api/v1/consultations/" + url.PathEscape(consultation) + "/comments"
}
