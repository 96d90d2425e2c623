//go:build race

package sqlite

// underRace is true when the tests run with the race detector, which makes
// single-goroutine property tests some 20 times slower; they then run
// fewer cases (the concurrent tests run in full).
const underRace = true
