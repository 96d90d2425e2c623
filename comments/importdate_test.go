package comments

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestNormalizeDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2026-12-01", "2026-12-01"},
		{" 2026-12-01\t", "2026-12-01"},
		{"2026-12-1", "2026-12-01"},
		{"2026/12/1", "2026-12-01"},
		{"2026.12.01", "2026-12-01"},
		{"2026年12月1日", "2026-12-01"},
		{"0000-01-01", "0000-01-01"},
		{"2026-02-30", "2026-02-30"}, // not a date: kept
		{"2026-13-01", "2026-13-01"},
		{"2026/02/30", "2026/02/30"},
		{"26-12-01", "26-12-01"},
		{"", ""},
		{"十二月一日", "十二月一日"},
	}
	for _, tt := range tests {
		if got := normalizeDate(tt.in); got != tt.want {
			t.Errorf("normalizeDate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestNormalizeDateAsBefore compares normalizeDate with what it was before
// its allocation-free path (replace every separator, parse, format) on
// generated cells.
func TestNormalizeDateAsBefore(t *testing.T) {
	before := func(v string) string {
		v = strings.TrimSpace(v)
		if d, err := time.Parse("2006-1-2", dateSeparators.Replace(v)); err == nil {
			return d.Format(time.DateOnly)
		}
		return v
	}
	pieces := []string{"0", "1", "2", "9", "12", "31", "2026", "0000", "-", "/", ".", "年", "月", "日", " ", "+", "a", "\u3000"}
	r := rand.New(rand.NewPCG(10, 7))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(8) + 1 {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		v := b.String()
		if r.IntN(2) == 0 { // mostly dates, of every shape
			v = time.Date(r.IntN(10000), time.Month(1+r.IntN(12)), 1+r.IntN(31), 0, 0, 0, 0, time.UTC).
				Format([]string{"2006-01-02", "2006-1-2", "2006/1/2", "2006.01.02", "2006年1月2日", " 2006-01-02 "}[r.IntN(6)])
		}
		if got, want := normalizeDate(v), before(v); got != want {
			t.Fatalf("normalizeDate(%q) = %q, before %q", v, got, want)
		}
	}
}

func BenchmarkNormalizeDate(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		_ = normalizeDate("2026-12-01")
	}
}
