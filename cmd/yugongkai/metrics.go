package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"yugongkai/apperr"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/history"
	"yugongkai/search"
	"yugongkai/web"
)

// defaultMetricsAddr is where /metrics is served unless -metrics-addr says
// otherwise: loopback only, apart from the public port (see README).
const defaultMetricsAddr = "127.0.0.1:9464"

// serveMetrics serves m's GET /metrics (and, with pprof, Go's profiles under
// /debug/pprof/) on addr until ctx ends. When addr is
// the default and taken (another instance on the host), the server runs
// without metrics and says so; an address given explicitly must be free.
func serveMetrics(ctx context.Context, addr string, explicit, profiles bool, m *web.Metrics, log *slog.Logger) error {
	if addr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if !explicit {
			log.Warn("metrics not served: the default metrics address is taken; set -metrics-addr", "addr", addr, "err", err)
			return nil
		}
		return fmt.Errorf("metrics address: %w", err)
	}
	handler := m.Handler()
	write := 30 * time.Second
	if profiles {
		mux := http.NewServeMux()
		mux.Handle("/metrics", handler)
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		handler = mux
		write = 5 * time.Minute // a CPU profile takes its seconds
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: write}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener", "err", err)
		}
	}()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	log.Info("serving metrics", "addr", ln.Addr().String())
	return nil
}

// timeStores wraps the stores so that their commits and main reads are
// timed into m (yugongkai_store_operation_duration_seconds); the domain
// packages know nothing of it.
func timeStores(st *stores, m *web.Metrics) {
	st.consultations = timedConsultations{Store: st.consultations, m: m}
	st.comments = timedComments{Store: st.comments, m: m}
	st.search = timedSearch{searchStore: st.search, m: m}
}

type timedConsultations struct {
	consultation.Store
	m *web.Metrics
}

func (s timedConsultations) Commit(ctx context.Context, ch *consultation.Change) error {
	start := time.Now()
	err := s.Store.Commit(ctx, ch)
	s.m.ObserveStore("consultations", "commit", start, err)
	return err
}

func (s timedConsultations) Consultation(ctx context.Context, id string) (*consultation.Consultation, error) {
	start := time.Now()
	c, err := s.Store.Consultation(ctx, id)
	s.m.ObserveStore("consultations", "get", start, ignoreNotFound(err))
	return c, err
}

func (s timedConsultations) Consultations(ctx context.Context, f consultation.ListFilter) ([]*consultation.Consultation, string, error) {
	start := time.Now()
	list, next, err := s.Store.Consultations(ctx, f)
	s.m.ObserveStore("consultations", "list", start, err)
	return list, next, err
}

func (s timedConsultations) Events(ctx context.Context, id string) ([]history.Event, error) {
	start := time.Now()
	evs, err := s.Store.Events(ctx, id)
	s.m.ObserveStore("consultations", "events", start, err)
	return evs, err
}

type timedComments struct {
	comments.Store
	m *web.Metrics
}

func (s timedComments) Commit(ctx context.Context, ch *comments.Change) error {
	start := time.Now()
	err := s.Store.Commit(ctx, ch)
	s.m.ObserveStore("comments", "commit", start, err)
	return err
}

func (s timedComments) Comments(ctx context.Context, f comments.Filter) ([]*comments.Comment, string, error) {
	start := time.Now()
	list, next, err := s.Store.Comments(ctx, f)
	s.m.ObserveStore("comments", "list", start, err)
	return list, next, err
}

func (s timedComments) CommentByReceipt(ctx context.Context, code string) (*comments.Comment, error) {
	start := time.Now()
	c, err := s.Store.CommentByReceipt(ctx, code)
	s.m.ObserveStore("comments", "by_receipt", start, ignoreNotFound(err))
	return c, err
}

type timedSearch struct {
	searchStore
	m *web.Metrics
}

func (s timedSearch) Done(ctx context.Context, keys []string) error {
	start := time.Now()
	err := s.searchStore.Done(ctx, keys)
	s.m.ObserveStore("search", "queue_done", start, err)
	if err == nil && len(keys) > 0 {
		s.m.SearchApplied()
	}
	return err
}

// Apply is the index worker's batch; the jobs it removes count as applied,
// as Done's do.
func (s timedSearch) Apply(ctx context.Context, changes []search.Change, done []string) error {
	start := time.Now()
	err := s.searchStore.Apply(ctx, changes, done)
	s.m.ObserveStore("search", "apply", start, err)
	if err == nil && len(done) > 0 {
		s.m.SearchApplied()
	}
	return err
}

func (s timedSearch) Candidates(ctx context.Context, terms []string, f search.Filter, limit int) ([]search.Doc, error) {
	start := time.Now()
	docs, err := s.searchStore.Candidates(ctx, terms, f, limit)
	s.m.ObserveStore("search", "candidates", start, err)
	return docs, err
}

// ignoreNotFound keeps a read of an absent record from counting as an
// error of the store.
func ignoreNotFound(err error) error {
	if apperr.Is(err, apperr.NotFound) {
		return nil
	}
	return err
}
