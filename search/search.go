// Package search is full-text search over consultations and published
// comments, in Chinese.
//
// Neither MongoDB's $text nor SQLite's FTS tokenizers segment Chinese, so
// the index is built here, as Lucene's CJKAnalyzer does, from characters:
// every document (Doc) is normalized (Normalize) and indexed under each of
// its distinct characters and each of its distinct pairs of consecutive
// characters (Terms). The postings live in the store (Index), so every
// instance of the application sees the same index.
//
// A query is normalized the same way. One character is looked up by its
// unigram, longer queries by their bigrams (QueryTerms); the store returns
// the documents holding every term, filtered and in result order, and the
// Service keeps those whose normalized text contains the normalized query.
// The result is therefore exactly what a plain substring scan over the
// normalized documents would give, in the same order: consultations first,
// then comments, each newest first (At descending), then by id.
package search

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"yugongkai/apperr"
	"yugongkai/consultation"
)

// Kind is what a document is.
type Kind string

const (
	KindConsultation Kind = "consultation"
	KindComment      Kind = "comment"
)

// Doc is one searchable document: the public text of a consultation or of
// a published comment, with the fields of its consultation that searches
// filter on. Only public data goes in: the index is read by anonymous
// searches.
type Doc struct {
	Kind           Kind
	ID             string // consultation id or comment id
	ConsultationID string // the consultation itself for KindConsultation

	// Source is the text as shown, for snippets; Text is Normalize(Source),
	// what is indexed and matched. Service.Put sets Text.
	Source string
	Text   string

	Title string    // the consultation's title, for both kinds
	Name  string    // a comment's public name ("" = 匿名); not searched
	At    time.Time // consultation: PublishedAt; comment: ReceivedAt

	// Filter fields, copied from the consultation.
	State         consultation.State
	ClosesAt      *time.Time
	DepartmentID  string
	ProcedureType consultation.ProcedureType
}

// Key is the document's place in the result order: kind (consultations
// first), then At descending to the millisecond, then id. Keys compare as
// byte strings, so stores order and page by them directly.
func (d *Doc) Key() string {
	rank := byte('1')
	if d.Kind == KindConsultation {
		rank = '0'
	}
	const maxMillis = 9_999_999_999_999
	ms := min(max(d.At.UnixMilli(), 0), maxMillis)
	// As fmt.Sprintf("%s%013d%s", …), without it: a page takes a key per hit.
	var buf [48]byte // on the stack for the usual ids
	b := buf[:14]
	b[0] = rank
	for i, v := 13, maxMillis-ms; i > 0; i, v = i-1, v/10 {
		b[i] = byte('0' + v%10)
	}
	return string(append(b, d.ID...))
}

// Filter narrows a search. Empty fields do not filter.
type Filter struct {
	Kind           Kind
	ConsultationID string
	// Status is the consultation's effective status at Now, as in
	// consultation.ListFilter: "open" is State open with ClosesAt unset or
	// after Now, "closed" is State closed or State open with ClosesAt at or
	// before Now; any other value is compared with State.
	Status        consultation.State
	DepartmentID  string
	ProcedureType consultation.ProcedureType
	// Now is the instant Status is judged at; Service.Search sets it from
	// its clock, truncated to the millisecond.
	Now time.Time
	// After is Hit.Cursor of the last hit of the previous page; only
	// documents after it in result order are returned.
	After string
}

// Match reports whether d passes f (the reference the stores implement).
func (f *Filter) Match(d *Doc) bool {
	if f.Kind != "" && d.Kind != f.Kind ||
		f.ConsultationID != "" && d.ConsultationID != f.ConsultationID ||
		f.DepartmentID != "" && d.DepartmentID != f.DepartmentID ||
		f.ProcedureType != "" && d.ProcedureType != f.ProcedureType ||
		f.After != "" && d.Key() <= f.After {
		return false
	}
	open := d.ClosesAt == nil || d.ClosesAt.After(f.Now)
	switch f.Status {
	case "":
		return true
	case consultation.Open:
		return d.State == consultation.Open && open
	case consultation.Closed:
		return d.State == consultation.Closed || d.State == consultation.Open && !open
	}
	return d.State == f.Status
}

// Index keeps the documents and their postings. Implementations:
// sqlite.SearchIndex, mongodb.SearchIndex.
type Index interface {
	// Put stores d under (Kind, ID), replacing the document there and its
	// postings (Terms(d.Text)). Putting a consultation also copies its
	// Title and filter fields (State, ClosesAt, DepartmentID,
	// ProcedureType) to the comment documents of that consultation.
	Put(ctx context.Context, d Doc) error
	// Delete removes a document and its postings; an absent document is
	// not an error.
	Delete(ctx context.Context, kind Kind, id string) error
	// Candidates returns at most limit documents holding every one of
	// terms (at least one) and passing f, in Key order, after f.After. It
	// makes one round trip to the store.
	Candidates(ctx context.Context, terms []string, f Filter, limit int) ([]Doc, error)
}

// Change is one change of a batch (BatchIndex.Apply, Service.Apply): Doc
// is put, or, with Delete, the document (Doc.Kind, Doc.ID) is removed.
type Change struct {
	Doc    Doc
	Delete bool
}

// BatchIndex is an Index that applies many changes in one store write. The
// index worker (Service.Drain) uses it when the index implements it.
type BatchIndex interface {
	Index
	// Apply makes changes in order and leaves the index as Put and Delete
	// called one by one would (documents normalized as for Put), except
	// for store-internal numbering. done are keys of jobs of the same
	// store's index queue (Queue.Done) to remove in the same write. On
	// SQLite the whole call is one transaction: it takes full effect or
	// none. On MongoDB (no transactions) it is a few unordered bulk
	// writes with the queue's jobs removed last: a failed call may leave
	// part of the batch written, but its jobs stay queued, and applying
	// them again is harmless.
	Apply(ctx context.Context, changes []Change, done []string) error
}

// Hit is one search result.
type Hit struct {
	Kind           Kind      `json:"kind"`
	ID             string    `json:"id"`
	ConsultationID string    `json:"consultation_id"`
	Title          string    `json:"title"`
	Name           string    `json:"name,omitempty"` // comments: the public name, "" = 匿名
	At             time.Time `json:"at"`
	// Snippet is the source text around the first match; Match holds the
	// rune offsets [start, end) of the match in Snippet, for highlighting.
	Snippet string `json:"snippet"`
	Match   [2]int `json:"match"`
	// Cursor continues the search after this hit (Filter.After).
	Cursor string `json:"cursor"`
}

// Limits of Search.
const (
	MaxQueryRunes = 100
	DefaultLimit  = 20
	MaxLimit      = 100
)

// Service searches an Index and keeps it up to date.
type Service struct {
	Index Index
	// Versions gives IndexConsultation the public text of a consultation;
	// a consultation.Store will do.
	Versions interface {
		Version(ctx context.Context, consultationID string, n int) (*consultation.Version, error)
	}
	// Queue and Records let Drain apply the index queue (queue.go); nil
	// Queue: the index follows only the calls of IndexConsultation and
	// IndexComment.
	Queue   Queue
	Records Records
	// Shared says that other instances drain the same queue (MongoDB):
	// each write of a job is checked against a fresh read (queue.go).
	Shared bool
	// Unbatched makes Drain and Apply write one Put or Delete per job,
	// each its own store write, even on a BatchIndex: the way before
	// batching, kept as the benchmarks' baseline.
	Unbatched bool
	Now       func() time.Time

	drain drainer
	kick  chan struct{}
	once  sync.Once
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC().Truncate(time.Millisecond)
	}
	return s.Now().UTC().Truncate(time.Millisecond)
}

// Put normalizes d (Text from Source, times to UTC milliseconds, as both
// stores keep them) and stores it in the index.
func (s *Service) Put(ctx context.Context, d Doc) error {
	return s.Index.Put(ctx, normalized(d))
}

func normalized(d Doc) Doc {
	d.Text = Normalize(d.Source)
	d.At = d.At.UTC().Truncate(time.Millisecond)
	if d.ClosesAt != nil {
		t := d.ClosesAt.UTC().Truncate(time.Millisecond)
		d.ClosesAt = &t
	}
	return d
}

// Apply makes changes in order, with the documents normalized as Put does:
// in one store write when the index is a BatchIndex, else one Put or
// Delete each. The index ends as Put and Delete one by one would leave it.
func (s *Service) Apply(ctx context.Context, changes []Change) error {
	return s.applyChanges(ctx, changes, nil)
}

// applyChanges is Apply that also removes the queued jobs done: in the same
// write when the batch index is the queue's store, else after it.
func (s *Service) applyChanges(ctx context.Context, changes []Change, done []string) error {
	norm := make([]Change, len(changes))
	for i, c := range changes {
		norm[i] = c
		if !c.Delete {
			norm[i].Doc = normalized(c.Doc)
		}
	}
	if b, ok := s.Index.(BatchIndex); ok && !s.Unbatched {
		if len(done) > 0 && sameStore(s.Index, s.Queue) {
			return b.Apply(ctx, norm, done)
		}
		if err := b.Apply(ctx, norm, nil); err != nil {
			return err
		}
	} else {
		for _, c := range norm {
			var err error
			if c.Delete {
				err = s.Index.Delete(ctx, c.Doc.Kind, c.Doc.ID)
			} else {
				err = s.Index.Put(ctx, c.Doc)
			}
			if err != nil {
				return err
			}
		}
	}
	if len(done) == 0 {
		return nil
	}
	return s.Queue.Done(ctx, done)
}

// sameStore reports whether the index and the queue are one store value
// (as the server wires them), so that the queue's keys mean something to
// the index's Apply.
func sameStore(idx Index, q Queue) bool {
	if q == nil {
		return false
	}
	a, b := any(idx), any(q)
	t := reflect.TypeOf(a)
	return t == reflect.TypeOf(b) && t.Comparable() && a == b
}

// Search returns at most limit (DefaultLimit if ≤ 0, at most MaxLimit)
// documents passing f whose normalized text contains the normalized query
// q, consultations first, then comments, each newest first. Errors:
// Invalid for a query empty after normalization or longer than
// MaxQueryRunes runes.
//
// Queries of one or two characters take one store call (their postings are
// exact); longer ones take one call per page of candidates, and a page
// rarely holds a candidate that fails verification.
func (s *Service) Search(ctx context.Context, q string, f Filter, limit int) ([]Hit, error) {
	if utf8.RuneCountInString(q) > MaxQueryRunes {
		return nil, apperr.New(apperr.Invalid, "error.bad_param", "q")
	}
	nq := Normalize(q)
	if nq == "" {
		return nil, apperr.New(apperr.Invalid, "error.bad_param", "q")
	}
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	f.Now = s.now()
	terms := QueryTerms(nq)
	page := limit
	if utf8.RuneCountInString(nq) > 2 {
		page += 4 // room for a few candidates that fail verification
	}
	var hits []Hit
	for {
		docs, err := s.Index.Candidates(ctx, terms, f, page)
		if err != nil {
			return nil, err
		}
		for i := range docs {
			d := &docs[i]
			if !strings.Contains(d.Text, nq) {
				continue
			}
			h := Hit{Kind: d.Kind, ID: d.ID, ConsultationID: d.ConsultationID, Title: d.Title, Name: d.Name,
				At: d.At, Cursor: d.Key()}
			h.Snippet, h.Match = snippet(d.Source, nq)
			hits = append(hits, h)
			if len(hits) == limit {
				return hits, nil
			}
		}
		if len(docs) < page {
			return hits, nil
		}
		f.After = docs[len(docs)-1].Key()
	}
}
