package main

import (
	"context"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"

	"yugongkai/internal/procstat"
)

// rssBudget is the resident memory the server keeps to when the operator
// sets no GOMEMLIMIT (issue 10, goal 7: server RSS under 300 MB = 286 MiB
// on the embedded store, less a margin: the runtime overshoots its soft
// limit by some MiB, and what is outside Go grows between two looks).
// The Go runtime's soft memory limit is what keeps the heap in it: without
// one the collector lets the heap grow to twice its live data and returns
// freed pages to the system only slowly (four logins in a row, 64 MiB of
// argon2id memory each, took an idle server from 120 to 250 MiB resident).
// The limit cannot see what the process holds outside Go's heap — SQLite's
// page caches (2 MiB per connection, 32 MiB for a bulk import's
// transaction), the binary's mapped pages, the write-ahead log's index —
// and that part moves: at a million comments the fixed 200 MiB limit of
// before left the seed imports at 296–300 MiB. So governMemory sets the
// limit to the budget less what is outside Go, as it is now, between
// minMemoryLimit and maxMemoryLimit. The limit is soft: a live heap above
// it makes the collector work harder (at most half the CPU), it does not
// fail. docs/PERFORMANCE.md, "Server memory", has the runs.
const rssBudget = 264 << 20

// maxMemoryLimit is the highest limit governMemory sets: where little is
// outside Go, a higher limit would only let garbage stand (the logins'
// hashes) and buy nothing in these runs.
const maxMemoryLimit = 200 << 20

// minMemoryLimit is the lowest limit governMemory sets, whatever SQLite
// holds: below it the collector would run almost without pause.
const minMemoryLimit = 128 << 20

// governEvery is how often governMemory looks.
const governEvery = 250 * time.Millisecond

// limitMemory starts governMemory unless GOMEMLIMIT is set (the runtime
// has then read it; GOMEMLIMIT=off is no limit at all), and returns the
// budget in force (0: the operator's limit, not governed) and what stops
// the governor and restores the limit before (run is called more than
// once in the tests).
func limitMemory(ctx context.Context, getenv func(string) string) (budget int64, restore func()) {
	prev := debug.SetMemoryLimit(-1)
	if getenv("GOMEMLIMIT") != "" || prev != math.MaxInt64 {
		return 0, func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	debug.SetMemoryLimit(goLimit(rssBudget, outsideGo()))
	go func() {
		defer close(done)
		governMemory(ctx, rssBudget, governEvery)
	}()
	return rssBudget, func() {
		cancel()
		<-done
		debug.SetMemoryLimit(prev)
	}
}

// governMemory sets the Go soft memory limit every period to budget less
// the process's resident memory outside Go (goLimit), until ctx ends.
func governMemory(ctx context.Context, budget int64, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	last := debug.SetMemoryLimit(-1)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if l := goLimit(budget, outsideGo()); l-last > 1<<20 || last-l > 1<<20 {
			debug.SetMemoryLimit(l)
			last = l
		}
	}
}

// goLimit is the Go limit that leaves budget for the whole process when
// outside bytes of it are not Go's, between minMemoryLimit and
// maxMemoryLimit.
func goLimit(budget, outside int64) int64 {
	return min(max(budget-max(outside, 0), minMemoryLimit), maxMemoryLimit)
}

// outsideGo is the process's resident memory (VmRSS) less what the Go
// runtime has mapped and not returned to the system: SQLite's allocations
// (modernc.org/sqlite maps its own), the binary's pages, mapped files. 0
// where /proc cannot be read.
func outsideGo() int64 {
	rss, _, ok := procstat.Memory(os.Getpid())
	if !ok {
		return 0
	}
	m := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(m)
	inGo := int64(m[0].Value.Uint64() - m[1].Value.Uint64())
	return max(rss-inGo, 0)
}
