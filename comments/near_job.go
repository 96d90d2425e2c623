package comments

import (
	"context"
	"errors"
	"math"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/ident"
)

// The near-duplicate proposals of a large consultation take seconds to
// minutes (a pass over every group, proposeNear), so no request computes
// them: a request starts a pass in the background and shows the last stored
// result with its state. The result and the claim of the pass running live
// in the store (NearRun), so every app instance shows the same result and
// at most one pass runs per consultation; a pass whose process died frees
// its claim when its lease ends.

// NearLease bounds a pass: its claim expires after it, and the pass gives
// up at it.
const NearLease = 30 * time.Minute

// NearState is the state of a consultation's proposals.
type NearState string

const (
	NearComputing NearState = "computing" // a pass is running; Items are the last result, if any
	NearDone      NearState = "done"      // Items are the result of the pass done at DoneAt
	NearFailed    NearState = "failed"    // the last pass failed; Items are the result before it, if any
)

// NearStatus is what staff see of a consultation's proposals.
type NearStatus struct {
	State NearState `json:"state"`
	// StartedAt is when the running or last pass started.
	StartedAt *time.Time `json:"started_at,omitempty"`
	// DoneAt is when the pass that found Items finished (nil: none yet).
	DoneAt *time.Time `json:"done_at,omitempty"`
	// NewComments counts the comments received since that pass started,
	// which it does not cover (the result is stale when > 0).
	NewComments int `json:"new_comments"`
	// Error says why the last pass failed (State failed).
	Error string     `json:"error,omitempty"`
	Items []Proposal `json:"items"`
}

// NearProposals returns the stored near-duplicate proposals of a
// consultation at once, with their state. It starts a pass in the
// background when start is set or when there is no result yet (none
// stored, or only failures), unless one is running. Only the owning
// department and legal office see them, as ProposeGroups. Errors:
// NotFound, Forbidden.
func (s *Service) NearProposals(ctx context.Context, actor auth.Principal, consultationID string, start bool) (*NearStatus, error) {
	c, err := s.manage(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	run, err := s.Store.NearRun(ctx, c.ID)
	if errors.Is(err, apperr.ErrNotFound) {
		run, err = &NearRun{ConsultationID: c.ID}, nil
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	running := run.Running && run.Until.After(now)
	if !running && (start || run.DoneAt.IsZero()) {
		owner := ident.ID()
		ok, err := s.Store.ClaimNear(ctx, c.ID, owner, now, now.Add(NearLease))
		if err != nil {
			return nil, err
		}
		if ok {
			run.Running, run.Owner, run.Until, run.StartedAt, running = true, owner, now.Add(NearLease), now, true
			s.startNear(c.ID, owner)
		} else if run, err = s.Store.NearRun(ctx, c.ID); err != nil { // another instance started one
			return nil, err
		} else {
			running = run.Running && run.Until.After(now)
		}
	}
	st := &NearStatus{Items: run.Proposals, Error: run.Error}
	if st.Items == nil {
		st.Items = []Proposal{}
	}
	switch {
	case running:
		st.State, st.Error = NearComputing, ""
	case run.Error != "":
		st.State = NearFailed
	default:
		st.State = NearDone
	}
	if !run.StartedAt.IsZero() {
		t := run.StartedAt
		st.StartedAt = &t
	}
	if !run.DoneAt.IsZero() {
		t := run.DoneAt
		st.DoneAt = &t
		live, err := s.liveComments(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		st.NewComments = max(0, live-run.Comments)
	}
	return st, nil
}

// liveComments counts the comments of a consultation that are not
// withdrawn, from the report's counters (one small read).
func (s *Service) liveComments(ctx context.Context, consultationID string) (int, error) {
	rc, err := s.Store.ReportCounts(ctx, consultationID)
	if err != nil {
		return 0, err
	}
	n := 0
	for k, v := range rc {
		if strings.HasPrefix(k, keyArticle) {
			n += v
		}
	}
	return n, nil
}

// nearJobs are the passes of this process.
type nearJobs struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func (j *nearJobs) init() {
	j.once.Do(func() { j.ctx, j.cancel = context.WithCancel(context.Background()) })
}

// startNear runs owner's pass over consultationID in the background and
// stores its result (or its failure).
func (s *Service) startNear(consultationID, owner string) {
	s.near.init()
	s.near.wg.Add(1)
	go func() {
		defer s.near.wg.Done()
		defer limitMemory()()
		ctx, cancel := context.WithTimeout(s.near.ctx, NearLease)
		defer cancel()
		run := &NearRun{ConsultationID: consultationID, Owner: owner}
		live, err := s.liveComments(ctx, consultationID)
		if err == nil {
			run.Comments = live
			run.Proposals, err = s.proposeNear(ctx, consultationID, live)
		}
		run.DoneAt = s.now()
		if err != nil {
			run.Error = err.Error()
			s.logNear("near-duplicate pass failed", consultationID, err)
		}
		fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer fcancel()
		if _, err := s.Store.FinishNear(fctx, run); err != nil {
			s.logNear("store near-duplicate pass", consultationID, err)
		}
		run = nil
		debug.FreeOSMemory() // the pass's sketches and records: give the pages back
	}()
}

// NearMemoryLimit is the Go runtime's soft memory limit while a pass runs,
// unless one is set already: the pass's sketches and group records are
// live for its whole length, and without a limit the collector lets the
// heap grow to twice the live data (goal 7: server RSS under 300 MB). The
// server sets a lower limit for its whole life (cmd/yugongkai, memory.go),
// so this one serves the processes that run a pass without it (the
// benchmarks, other programs built on the package).
const NearMemoryLimit = 256 << 20

var memLimit struct {
	sync.Mutex
	passes int
	set    bool
}

// limitMemory sets NearMemoryLimit for the first pass running, if no limit
// is set, and returns what restores it after the last.
func limitMemory() func() {
	memLimit.Lock()
	defer memLimit.Unlock()
	if memLimit.passes == 0 && debug.SetMemoryLimit(-1) == math.MaxInt64 {
		debug.SetMemoryLimit(NearMemoryLimit)
		memLimit.set = true
	}
	memLimit.passes++
	return func() {
		memLimit.Lock()
		defer memLimit.Unlock()
		if memLimit.passes--; memLimit.passes == 0 && memLimit.set {
			debug.SetMemoryLimit(math.MaxInt64)
			memLimit.set = false
		}
	}
}

func (s *Service) logNear(msg, consultationID string, err error) {
	if s.Consultations != nil && s.Consultations.Log != nil {
		s.Consultations.Log.Error(msg, "consultation", consultationID, "err", err)
	}
}

// WaitNear waits for the passes this process started (in tests, before
// looking at their results).
func (s *Service) WaitNear() { s.near.wg.Wait() }

// StopNear cancels the passes this process is running and waits for them
// to record their failure (at shutdown; another instance, or the next
// request after a restart, starts a new pass).
func (s *Service) StopNear() {
	s.near.init()
	s.near.cancel()
	s.near.wg.Wait()
}
