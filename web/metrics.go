package web

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"yugongkai/apperr"
	"yugongkai/search"
)

// Metrics are the server's Prometheus metrics, in a registry of their own
// (nothing global). They are served by Handler on a listener apart from the
// public one (cmd/yugongkai -metrics-addr), never by the Fiber app: the
// public port answers 404 for /metrics.
//
// A nil *Metrics records nothing.
type Metrics struct {
	reg *prometheus.Registry

	requests *prometheus.CounterVec   // route, method, status
	duration *prometheus.HistogramVec // route, method
	comments *prometheus.CounterVec   // outcome, reason
	store    *prometheus.HistogramVec // store, op, outcome

	writesOnce sync.Once
	searchOnce sync.Once
	mu         sync.Mutex
	// searchProgress is when the search queue was last seen empty or a
	// batch of it applied (SearchApplied); the lag is the time since.
	searchProgress time.Time
	now            func() time.Time
}

// NewMetrics makes the metrics with the Go runtime and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), now: time.Now}
	m.searchProgress = m.now()
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "yugongkai_http_requests_total",
		Help: "HTTP requests by route template, method and status.",
	}, []string{"route", "method", "status"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "yugongkai_http_request_duration_seconds",
		Help:    "Time from a request's arrival to its response, by route template and method.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"route", "method"})
	m.comments = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "yugongkai_comments_total",
		Help: "Public comment submissions: accepted (a receipt issued), repeated (the same idempotency key again) or refused, with the error kind (invalid, period_closed, rate_limited, …).",
	}, []string{"outcome", "reason"})
	m.store = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "yugongkai_store_operation_duration_seconds",
		Help:    "Store operations by store, operation and outcome (ok or error).",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"store", "op", "outcome"})
	m.reg.MustRegister(m.requests, m.duration, m.comments, m.store,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves GET /metrics in the Prometheus text format and 404 for
// anything else.
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	return mux
}

// Registry is where the metrics are registered (for collectors of other
// packages).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

func (m *Metrics) observeRequest(route, method string, status int, d time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route, method).Observe(d.Seconds())
}

// commentOutcome counts one comment submission by its result.
func (m *Metrics) commentOutcome(repeated bool, err error) {
	if m == nil {
		return
	}
	switch {
	case err != nil:
		m.comments.WithLabelValues("refused", string(apperr.KindOf(err))).Inc()
	case repeated:
		m.comments.WithLabelValues("repeated", "").Inc()
	default:
		m.comments.WithLabelValues("accepted", "").Inc()
	}
}

// ObserveStore records one store operation that began at start. Store
// wrappers at the service/store boundary call it (cmd/yugongkai).
func (m *Metrics) ObserveStore(store, op string, start time.Time, err error) {
	if m == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.store.WithLabelValues(store, op, outcome).Observe(time.Since(start).Seconds())
}

// SearchApplied records that jobs of the search queue were applied.
func (m *Metrics) SearchApplied() {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.searchProgress = m.now()
	m.mu.Unlock()
}

// watchSearch adds the search queue's gauges, read at each scrape: its
// depth (search.Service.Lag, the jobs /readyz shows) and its lag, the
// seconds since the queue was last empty or had jobs applied (0 while
// empty): a stuck queue shows as a growing lag.
func (m *Metrics) watchSearch(svc *search.Service) {
	if m == nil || svc == nil {
		return
	}
	m.searchOnce.Do(func() {
		var depth struct {
			mu sync.Mutex
			n  float64
			at time.Time
		}
		// read asks the store at most once per second, however many
		// gauges or scrapers ask.
		read := func() float64 {
			depth.mu.Lock()
			defer depth.mu.Unlock()
			if now := m.now(); now.Sub(depth.at) >= time.Second {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				n, err := svc.Lag(ctx)
				cancel()
				if err != nil {
					depth.n = -1
				} else {
					depth.n = float64(n)
				}
				depth.at = now
				if n == 0 && err == nil {
					m.SearchApplied()
				}
			}
			return depth.n
		}
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "yugongkai_search_queue_depth",
			Help: "Jobs waiting in the search index queue (-1 when the store cannot be read).",
		}, read))
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "yugongkai_search_queue_lag_seconds",
			Help: "Seconds since the search index queue was last empty or had jobs applied; 0 while empty.",
		}, func() float64 {
			if read() == 0 {
				return 0
			}
			m.mu.Lock()
			defer m.mu.Unlock()
			return m.now().Sub(m.searchProgress).Seconds()
		}))
	})
}

// watchWrites adds the store's group-commit counters: write transactions
// and the writes they held (writes / batches is the average batch).
func (m *Metrics) watchWrites(stats func() (batches, writes int64)) {
	if m == nil || stats == nil {
		return
	}
	m.writesOnce.Do(func() {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "yugongkai_store_write_batches_total",
			Help: "Write transactions the embedded store committed or tried (group commit).",
		}, func() float64 { b, _ := stats(); return float64(b) }))
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "yugongkai_store_writes_total",
			Help: "Writes (commands) the embedded store's write transactions held.",
		}, func() float64 { _, w := stats(); return float64(w) }))
	})
}
