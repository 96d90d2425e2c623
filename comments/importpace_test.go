package comments

import (
	"testing"
	"time"
)

func TestImportPause(t *testing.T) {
	const ms = time.Millisecond
	budget := 45 * time.Second // 100,000 rows
	tests := []struct {
		name                     string
		duty                     float64
		worked, slept, sinceRest time.Duration
		done, total              int
		want                     time.Duration
	}{
		// Fast machine: 100,000 rows would take 26 s of work; at 0.6 the
		// import rests 2/3 of each stretch of work.
		{"rests at the duty", 0.6, 2600 * ms, 1700 * ms, 60 * ms, 10_000, 100_000, 40 * ms},
		{"half duty rests as long as it worked", 0.5, 2600 * ms, 2600 * ms, 60 * ms, 10_000, 100_000, 60 * ms},
		// Near the budget: 26 s of projected work and 18.97 s of rests
		// leave 30 ms.
		{"cut to the budget", 0.6, 23400 * ms, 18970 * ms, 60 * ms, 90_000, 100_000, 30 * ms},
		// Slow machine: the work alone is projected at 50 s, over the
		// budget: no rest at all.
		{"slow machine not paced", 0.6, 5000 * ms, 0, 60 * ms, 10_000, 100_000, 0},
		{"budget spent", 0.6, 23400 * ms, 19 * time.Second, 60 * ms, 90_000, 100_000, 0},
		{"unpaced at duty 1", 1, 2600 * ms, 0, 60 * ms, 10_000, 100_000, 0},
		{"no rate before the first row", 0.6, 0, 0, 0, 0, 100_000, 0},
		{"none after the last row", 0.6, 26 * time.Second, 17 * time.Second, 60 * ms, 100_000, 100_000, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := importPause(tt.duty, tt.worked, tt.slept, tt.sinceRest, tt.done, tt.total, budget); got != tt.want {
				t.Errorf("importPause(%v, %v, %v, %v, %d, %d) = %v, want %v", tt.duty, tt.worked, tt.slept, tt.sinceRest, tt.done, tt.total, got, tt.want)
			}
		})
	}
}

// A small import is not paced, whatever the duty; a large one rests.
func TestImportPacerRests(t *testing.T) {
	s := &Service{ImportDuty: 0.5}
	small := s.importPacer(importPacedRows - 1)
	start := time.Now()
	for done := 1; done < importPacedRows; done++ {
		small(done)
	}
	if d := time.Since(start); d > 50*time.Millisecond {
		t.Errorf("a %d-row import rested %v", importPacedRows-1, d)
	}
	large := s.importPacer(100 * importPacedRows)
	time.Sleep(20 * time.Millisecond) // work on the first chunk
	start = time.Now()
	for done := 1; done <= importPaceRows; done++ {
		large(done)
	}
	if d := time.Since(start); d < 15*time.Millisecond {
		t.Errorf("after 20 ms of work at duty 0.5 the import rested %v, want about 20 ms", d)
	}
}
