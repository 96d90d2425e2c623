package web_test

import (
	"context"
	"sync/atomic"
	"testing"

	"yugongkai/consultation"
	"yugongkai/history"
	corpusfiles "yugongkai/internal/corpus"
)

// countingStore counts the reads a page makes of the consultation store.
// Methods it does not override pass through uncounted; the reads a page
// can make are all here.
type countingStore struct {
	consultation.Store
	n atomic.Int64
}

func (s *countingStore) Consultation(ctx context.Context, id string) (*consultation.Consultation, error) {
	s.n.Add(1)
	return s.Store.Consultation(ctx, id)
}

func (s *countingStore) Consultations(ctx context.Context, f consultation.ListFilter) ([]*consultation.Consultation, string, error) {
	s.n.Add(1)
	return s.Store.Consultations(ctx, f)
}

func (s *countingStore) Version(ctx context.Context, id string, n int) (*consultation.Version, error) {
	s.n.Add(1)
	return s.Store.Version(ctx, id, n)
}

func (s *countingStore) Versions(ctx context.Context, id string) ([]*consultation.Version, error) {
	s.n.Add(1)
	return s.Store.Versions(ctx, id)
}

func (s *countingStore) Events(ctx context.Context, id string) ([]history.Event, error) {
	s.n.Add(1)
	return s.Store.Events(ctx, id)
}

func (s *countingStore) ConsultationByDocumentNumber(ctx context.Context, number string) (*consultation.Consultation, error) {
	s.n.Add(1)
	return s.Store.ConsultationByDocumentNumber(ctx, number)
}

func (s *countingStore) Setting(ctx context.Context, key string) ([]byte, error) {
	s.n.Add(1)
	return s.Store.Setting(ctx, key)
}

// countStoreCalls makes e's consultation service count its store calls.
func (e *env) countStoreCalls() *countingStore {
	cs := &countingStore{Store: e.cons.Store}
	e.cons.Store = cs
	return cs
}

// TestConsultationPageStoreCalls holds the consultation page to a fixed
// number of store reads however long the draft or its history: Get, then
// the versions, plus the calendar setting the first time.
func TestConsultationPageStoreCalls(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id := e.openForPages(w, draftBody(corpusOrShort(t)))
	for i := 0; i < 3; i++ {
		e.want(e.do("POST", "/api/v1/consultations/"+id+"/extend", w.staffA, map[string]string{"closes_at": "2027-01-1" + string(rune('0'+i)), "reason": "延长"}), 200, "extend")
	}
	cs := e.countStoreCalls()
	b := e.browser()
	for _, path := range []string{"/consultations/" + id, "/consultations/" + id + "?lang=en"} {
		cs.n.Store(0)
		b.get(path).want(t, 200, path)
		got, max := cs.n.Load(), int64(4)
		if got > max {
			t.Errorf("GET %s: %d consultation store calls, want at most %d", path, got, max)
		}
		if got < 2 {
			t.Errorf("GET %s: %d store calls counted; is the counting store in use?", path, got)
		}
	}
	cs.n.Store(0)
	b.get("/").want(t, 200, "home")
	if got, max := cs.n.Load(), int64(3); got > max {
		t.Errorf("GET /: %d consultation store calls, want at most %d", got, max)
	}
}

// corpusOrShort is the animal epidemic prevention law draft when the
// corpus is present, else the short test text.
func corpusOrShort(t *testing.T) string {
	t.Helper()
	text, ok := corpusfiles.Lookup(t, "animal-epidemic-prevention-law/draft.txt")
	if !ok {
		return shortText
	}
	return text
}

// TestArticleFatesCached: the fate of each commented article is computed
// once per newest version; later comment lists read no version at all.
func TestArticleFatesCached(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id, _ := e.openConsultation(w, nil)
	cs := e.countStoreCalls()
	calls := func() int64 {
		cs.n.Store(0)
		e.want(e.do("GET", "/api/v1/consultations/"+id+"/comments", "", nil), 200, "list")
		return cs.n.Load()
	}
	first, second := calls(), calls()
	if second >= first {
		t.Errorf("store calls: first list %d, second %d; want fewer once the fates are cached", first, second)
	}
}
