package main

import (
	"math"
	"runtime/debug"
)

// defaultMemoryLimit is the Go runtime's soft memory limit when the
// operator sets no GOMEMLIMIT (issue 10, goal 7: server RSS under 300 MB on
// the embedded store). Without a limit the collector lets the heap grow to
// twice its live data and returns freed pages to the system only slowly:
// four logins in a row (64 MiB of argon2id memory each, garbage as soon
// as the hash is done) took an idle server from 120 to 250 MiB resident,
// and the large steps of the work, a 100,000-row import or a
// near-duplicate pass, then started from there. Under the limit the
// collector runs sooner and gives the pages back once the process nears
// it. 200 MiB leaves room for what the limit does not count: the binary's
// mapped pages (about 24 MiB) and SQLite's own caches (2 MiB per
// connection, 32 MiB for a bulk import's transaction). The limit is soft:
// a live heap above it makes the collector work harder (at most half the
// CPU), it does not fail. docs/PERFORMANCE.md, "Server memory", has the
// runs.
const defaultMemoryLimit = 200 << 20

// limitMemory sets defaultMemoryLimit unless GOMEMLIMIT is set (the
// runtime has then read it), and returns the limit in force and what
// restores the one before (run is called more than once in the tests).
func limitMemory(getenv func(string) string) (limit int64, restore func()) {
	prev := debug.SetMemoryLimit(-1)
	if getenv("GOMEMLIMIT") != "" || prev != math.MaxInt64 {
		return prev, func() {}
	}
	debug.SetMemoryLimit(defaultMemoryLimit)
	return defaultMemoryLimit, func() { debug.SetMemoryLimit(prev) }
}
