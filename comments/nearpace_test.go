package comments

import (
	"testing"
	"time"
)

// The pass rests only once it has worked nearSlice, and then in proportion
// to its duty.
func TestNearRest(t *testing.T) {
	ms := time.Millisecond
	for _, c := range []struct {
		duty float64
		work time.Duration
		want time.Duration
	}{
		{0.3, 0, 0},
		{0.3, nearSlice - 1, 0},
		{0.3, 3 * ms, 7 * ms},
		{0.5, 4 * ms, 4 * ms},
		{0.25, 40 * ms, 120 * ms},
		{1, 40 * ms, 0},
	} {
		got := nearRest(c.duty, c.work)
		if d := got - c.want; d < -time.Microsecond || d > time.Microsecond {
			t.Errorf("nearRest(%v, %v) = %v, want %v", c.duty, c.work, got, c.want)
		}
	}
}
