package search

import (
	"context"
	"reflect"
	"sync"
	"time"

	"yugongkai/apperr"
	"yugongkai/comments"
	"yugongkai/consultation"
)

// The index follows the record through a durable queue: every commit that
// affects a search document queues an IndexJob in the same store commit
// (consultation.Change.Index), and Drain applies the queue. A crash after
// the commit leaves the jobs queued; Drain at start applies them, so a
// stored comment is never missing from search for longer than the queue
// takes.

// Queued is a job in the queue, with the store's key for it.
type Queued struct {
	Key string
	Job consultation.IndexJob
}

// Queue is the store side of the index queue (sqlite.SearchIndex,
// mongodb.SearchIndex).
type Queue interface {
	// Queued returns at most limit jobs, oldest first.
	Queued(ctx context.Context, limit int) ([]Queued, error)
	// Done removes the jobs with these keys; absent keys are ignored.
	Done(ctx context.Context, keys []string) error
	// QueueDepth counts the jobs still queued.
	QueueDepth(ctx context.Context) (int, error)
}

// Records reads what the jobs name.
type Records interface {
	Consultation(ctx context.Context, id string) (*consultation.Consultation, error)
	Comment(ctx context.Context, id string) (*comments.Comment, error)
}

// drainer lets one Drain run at a time in a process; a Drain asked for
// meanwhile makes the running one go round once more.
type drainer struct {
	mu      sync.Mutex
	running bool
	again   bool
}

// Drain applies queued jobs until the queue is empty and returns how many
// it applied. Each job brings one document to the current state of its
// record, so applying a job twice, or in another order, is harmless.
func (s *Service) Drain(ctx context.Context) (int, error) { return s.drainRounds(ctx, -1) }

// followRounds bounds the batches a request applies after its own commit,
// so that under a flood of commits no request is kept working for others;
// what is left is applied by the next request or by Run.
const followRounds = 2

// drainRounds is Drain with at most rounds batches (-1: no bound).
func (s *Service) drainRounds(ctx context.Context, rounds int) (int, error) {
	if s.Queue == nil || s.Records == nil {
		return 0, nil
	}
	s.drain.mu.Lock()
	if s.drain.running {
		s.drain.again = true
		s.drain.mu.Unlock()
		return 0, nil
	}
	s.drain.running = true
	s.drain.mu.Unlock()
	total := 0
	for round := 1; ; round++ {
		n, err := s.drainOnce(ctx)
		total += n
		s.drain.mu.Lock()
		if err != nil || (n == 0 && !s.drain.again) || round == rounds {
			s.drain.running, s.drain.again = false, false
			s.drain.mu.Unlock()
			return total, err
		}
		s.drain.again = false
		s.drain.mu.Unlock()
	}
}

// Run applies the queue when kicked (Kick) and every interval until ctx
// ends: it applies what comment submissions queued, and picks up what
// requests left (followRounds) or could not apply (a store error).
func (s *Service) Run(ctx context.Context, interval time.Duration, onError func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.kicks():
		}
		if _, err := s.Drain(ctx); err != nil && ctx.Err() == nil && onError != nil {
			onError(err)
		}
	}
}

// Kick tells Run that jobs were queued. It never blocks: a submission's
// answer does not wait for its indexing (comments.Service.OnSubmit), and
// kicks that arrive while Run drains make it drain once more.
func (s *Service) Kick() {
	select {
	case s.kicks() <- struct{}{}:
	default:
	}
}

func (s *Service) kicks() chan struct{} {
	s.once.Do(func() { s.kick = make(chan struct{}, 1) })
	return s.kick
}

// drainOnce applies one batch of the queue (at most batchJobs jobs).
//
// The batch's records are read first (the comments in one read when
// Records is BatchRecords, each consultation once), then every job's
// document is written, and the jobs removed from the queue, in one call of
// BatchIndex.Apply: on SQLite one transaction, so a crash never leaves the
// batch half applied. Without a BatchIndex (or with Unbatched) each job is
// one Put or Delete, as before.
//
// Shared: the batch is written, then the records of all its jobs read
// again, and the jobs whose document moved meanwhile written again (at
// most maxRewrites times), as apply does for one job; the jobs leave the
// queue only after that, in a write of their own, so a crash in between
// leaves them queued.
func (s *Service) drainOnce(ctx context.Context) (int, error) {
	jobs, err := s.Queue.Queued(ctx, batchJobs)
	if err != nil || len(jobs) == 0 {
		return 0, err
	}
	seen := map[consultation.IndexJob]bool{}
	keys := make([]string, 0, len(jobs))
	var distinct []consultation.IndexJob
	for _, q := range jobs {
		if !seen[q.Job] {
			seen[q.Job] = true
			distinct = append(distinct, q.Job)
		}
		keys = append(keys, q.Key)
	}
	if _, ok := s.Index.(BatchIndex); !ok || s.Unbatched {
		for _, j := range distinct {
			if err := s.apply(ctx, j); err != nil {
				return 0, err
			}
		}
		return len(jobs), s.Queue.Done(ctx, keys)
	}
	targets, err := s.targets(ctx, distinct)
	if err != nil {
		return 0, err
	}
	if !s.Shared {
		return len(jobs), s.applyChanges(ctx, changes(distinct, targets), keys)
	}
	pending, docs := distinct, targets
	for round := 0; ; round++ {
		if err := s.applyChanges(ctx, changes(pending, docs), nil); err != nil {
			return 0, err
		}
		if round == maxRewrites {
			break
		}
		again, err := s.targets(ctx, pending)
		if err != nil {
			return 0, err
		}
		var moved []consultation.IndexJob
		var movedDocs []target
		for i, t := range again {
			if t.ok != docs[i].ok || t.ok && !reflect.DeepEqual(t.d, docs[i].d) {
				moved = append(moved, pending[i])
				movedDocs = append(movedDocs, t)
			}
		}
		if len(moved) == 0 {
			break
		}
		pending, docs = moved, movedDocs
	}
	return len(jobs), s.Queue.Done(ctx, keys)
}

// batchJobs is how many queued jobs one round of a drain takes.
const batchJobs = 200

// target is what the index should hold for a job's record: d, or nothing
// (ok false).
type target struct {
	d  Doc
	ok bool
}

// changes are the index changes that bring jobs' documents to targets.
func changes(jobs []consultation.IndexJob, targets []target) []Change {
	out := make([]Change, len(jobs))
	for i, j := range jobs {
		if targets[i].ok {
			out[i] = Change{Doc: targets[i].d}
		} else {
			out[i] = Change{Doc: Doc{Kind: Kind(j.Kind), ID: j.ID}, Delete: true}
		}
	}
	return out
}

// BatchRecords is Records that can also read many comments in one call
// (StoreRecords does); Drain then reads a batch's comments at once.
type BatchRecords interface {
	Records
	// CommentsByID returns the comments with these ids that exist, in any
	// order (comments.Store.CommentsByID).
	CommentsByID(ctx context.Context, ids []string) ([]*comments.Comment, error)
}

// targets is target for each job, read as stored now: each consultation
// once, and the comments in one read when Records is BatchRecords.
func (s *Service) targets(ctx context.Context, jobs []consultation.IndexJob) ([]target, error) {
	cons := map[string]*consultation.Consultation{} // nil: absent
	for _, j := range jobs {
		if _, ok := cons[j.Consultation]; ok {
			continue
		}
		c, err := s.Records.Consultation(ctx, j.Consultation)
		if apperr.Is(err, apperr.NotFound) {
			c = nil
		} else if err != nil {
			return nil, err
		}
		cons[j.Consultation] = c
	}
	var byID map[string]*comments.Comment // nil: read one by one
	if br, ok := s.Records.(BatchRecords); ok {
		var ids []string
		for _, j := range jobs {
			if j.Kind == consultation.IndexComment && cons[j.Consultation] != nil {
				ids = append(ids, j.ID)
			}
		}
		if len(ids) > 0 {
			list, err := br.CommentsByID(ctx, ids)
			if err != nil {
				return nil, err
			}
			byID = make(map[string]*comments.Comment, len(list))
			for _, cm := range list {
				byID[cm.ID] = cm
			}
		}
	}
	out := make([]target, len(jobs))
	for i, j := range jobs {
		c := cons[j.Consultation]
		if c == nil {
			continue
		}
		switch j.Kind {
		case consultation.IndexConsultation:
			d, ok, err := s.consultationDoc(ctx, c)
			if err != nil {
				return nil, err
			}
			out[i] = target{d, ok}
		case consultation.IndexComment:
			var cm *comments.Comment
			if byID != nil {
				cm = byID[j.ID]
			} else {
				var err error
				if cm, err = s.Records.Comment(ctx, j.ID); apperr.Is(err, apperr.NotFound) {
					cm = nil
				} else if err != nil {
					return nil, err
				}
			}
			if cm != nil {
				d, ok := CommentDoc(c, cm)
				out[i] = target{d, ok}
			}
		}
	}
	return out, nil
}

// apply brings the document of one job's record up to date, in writes of
// its own (the way of Unbatched, and of an index without Apply). When
// several instances drain one queue (Service.Shared), another may commit a
// change to the record and index it between this one's read and its write,
// which the write would then undo. So then, after writing, apply reads the
// record again and writes again while what the index should hold has moved
// (at most maxRewrites times: a record changing that often is indexed by
// its own later jobs). One process needs none of it: its drains take turns.
func (s *Service) apply(ctx context.Context, j consultation.IndexJob) error {
	d, ok, err := s.target(ctx, j)
	for round := 0; ; round++ {
		if err != nil {
			return err
		}
		if err := s.write(ctx, j, d, ok); err != nil {
			return err
		}
		if !s.Shared || round == maxRewrites {
			return nil
		}
		d2, ok2, err2 := s.target(ctx, j)
		if err2 == nil && ok2 == ok && (!ok || reflect.DeepEqual(d, d2)) {
			return nil
		}
		d, ok, err = d2, ok2, err2
	}
}

// maxRewrites bounds the writes of a job after its first.
const maxRewrites = 3

// target is what the index should hold for j's record as stored now: its
// document, or none (ok false).
func (s *Service) target(ctx context.Context, j consultation.IndexJob) (d Doc, ok bool, err error) {
	c, err := s.Records.Consultation(ctx, j.Consultation)
	if apperr.Is(err, apperr.NotFound) {
		return Doc{}, false, nil
	}
	if err != nil {
		return Doc{}, false, err
	}
	switch j.Kind {
	case consultation.IndexConsultation:
		return s.consultationDoc(ctx, c)
	case consultation.IndexComment:
		cm, err := s.Records.Comment(ctx, j.ID)
		if apperr.Is(err, apperr.NotFound) {
			return Doc{}, false, nil
		}
		if err != nil {
			return Doc{}, false, err
		}
		d, ok := CommentDoc(c, cm)
		return d, ok, nil
	}
	return Doc{}, false, nil
}

// write puts d for j's record, or removes the record's document.
func (s *Service) write(ctx context.Context, j consultation.IndexJob, d Doc, ok bool) error {
	if !ok {
		return s.Index.Delete(ctx, Kind(j.Kind), j.ID)
	}
	return s.Put(ctx, d)
}

// Lag is how many index jobs are still queued (0 without a queue).
func (s *Service) Lag(ctx context.Context) (int, error) {
	if s.Queue == nil {
		return 0, nil
	}
	return s.Queue.QueueDepth(ctx)
}

// FollowConsultation is what a consultation service calls after a commit
// (consultation.Service.OnChange): it applies the index queue, or, without
// one, indexes c directly.
func (s *Service) FollowConsultation(ctx context.Context, c *consultation.Consultation) error {
	if s.Queue == nil {
		return s.IndexConsultation(ctx, c)
	}
	_, err := s.drainRounds(ctx, followRounds)
	return err
}

// FollowComment is FollowConsultation for comment commits
// (comments.Service.OnChange).
func (s *Service) FollowComment(ctx context.Context, c *consultation.Consultation, cm *comments.Comment) error {
	if s.Queue == nil {
		return s.IndexComment(ctx, c, cm)
	}
	_, err := s.drainRounds(ctx, followRounds)
	return err
}

// StoreRecords reads consultations and comments from their stores (Records).
type StoreRecords struct {
	Consultations consultation.Store
	Comments      comments.Store
}

// Consultation implements Records.
func (r StoreRecords) Consultation(ctx context.Context, id string) (*consultation.Consultation, error) {
	return r.Consultations.Consultation(ctx, id)
}

// Comment implements Records.
func (r StoreRecords) Comment(ctx context.Context, id string) (*comments.Comment, error) {
	return r.Comments.Comment(ctx, id)
}

// CommentsByID implements BatchRecords.
func (r StoreRecords) CommentsByID(ctx context.Context, ids []string) ([]*comments.Comment, error) {
	return r.Comments.CommentsByID(ctx, ids)
}
