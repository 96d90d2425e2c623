package comments

import "time"

// Pacing a large import's commit.
//
// An import's commit is one transaction on the store's writer that works
// as fast as the machine allows: on two cores it takes one of them whole,
// and its garbage makes the collector take more of the other, so the
// public reads served beside it slow down (issue 10, goal 5: read p99
// during an import within 2× of its baseline). A large import therefore
// rests between chunks of rows, working DefaultImportDuty of the time,
// but never so much that its pauses would make the commit last longer
// than importRowBudget a row: pacing trades the import's length for the
// readers' latency only while the import stays well within its own bound
// (100,000 rows durable within a minute). On a slow machine, where the
// work alone takes most of the budget, the import is not paced at all.
//
// Submissions wait for the writer either way; a paced import makes them
// wait longer (goal 6 for imports needs the import interleaved with the
// submissions, which this does not do).
const (
	// DefaultImportDuty is the share of its commit's time a large import
	// works; the rest it rests, between chunks of importPaceRows rows.
	DefaultImportDuty = 0.6
	// importPacedRows: smaller imports are not paced (they take a few
	// seconds at most).
	importPacedRows = 5000
	importPaceRows  = 256
	// importRowBudget bounds the commit's length that pacing may reach:
	// 45 s for 100,000 rows.
	importRowBudget = 450 * time.Microsecond
)

// importPause is how long an import rests after done of its total rows:
// worked is its working time so far (its pauses not counted), slept the
// time it has rested, sinceRest the time it worked since its last rest.
// It rests sinceRest·(1−duty)/duty, cut to what keeps the projected whole
// (the work projected from the rate so far, plus every rest) within
// budget; never less than nothing.
func importPause(duty float64, worked, slept, sinceRest time.Duration, done, total int, budget time.Duration) time.Duration {
	if duty <= 0 || duty >= 1 || done <= 0 || done >= total {
		return 0
	}
	want := time.Duration(float64(sinceRest) * (1 - duty) / duty)
	projected := time.Duration(float64(worked) * float64(total) / float64(done))
	return max(0, min(want, budget-projected-slept))
}

// importPacer returns what an import of total rows calls after each row
// it wrote (the rows written so far): it rests as importPause says.
func (s *Service) importPacer(total int) func(done int) {
	duty := s.ImportDuty
	if duty == 0 {
		duty = DefaultImportDuty
	}
	if total < importPacedRows || duty >= 1 || duty < 0 {
		return func(int) {}
	}
	budget := time.Duration(total) * importRowBudget
	start := time.Now()
	lastRest, slept := start, time.Duration(0)
	return func(done int) {
		if done%importPaceRows != 0 {
			return
		}
		now := time.Now()
		d := importPause(duty, now.Sub(start)-slept, slept, now.Sub(lastRest), done, total, budget)
		// Not cut short if the client goes away: the import still
		// completes, as an unpaced one does (ending the transaction
		// here would discard every row written).
		time.Sleep(d)
		slept += time.Since(now)
		lastRest = time.Now()
	}
}
