package ratelimit

import (
	"testing"
	"time"
)

func TestAllow(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := New(3, time.Minute)
	l.Now = func() time.Time { return now }
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow("ip"); !ok {
			t.Fatalf("Allow #%d = false, want true", i+1)
		}
	}
	ok, wait := l.Allow("ip")
	if ok || wait <= 0 || wait > 20*time.Second+time.Millisecond {
		t.Fatalf("Allow #4 = %v, wait %v; want false, ~20s", ok, wait)
	}
	if ok, _ := l.Allow("other"); !ok {
		t.Error("another key is limited too")
	}
	now = now.Add(20 * time.Second)
	if ok, _ := l.Allow("ip"); !ok {
		t.Error("no token after refill time")
	}
	if ok, _ := l.Allow("ip"); ok {
		t.Error("refill gave more than one token")
	}
	l.Reset("ip")
	if ok, _ := l.Allow("ip"); !ok {
		t.Error("Reset did not clear the key")
	}
}

func TestBackoff(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	b := NewBackoff(3, time.Second, time.Minute)
	b.Now = func() time.Time { return now }
	for i := 0; i < 3; i++ {
		if w := b.Wait("k"); w != 0 {
			t.Fatalf("Wait after %d failures = %v, want 0", i, w)
		}
		b.Fail("k")
	}
	for _, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second, time.Minute, time.Minute} {
		if got := b.Wait("k"); got != want {
			t.Fatalf("Wait = %v, want %v", got, want)
		}
		if got := b.Wait("other"); got != 0 {
			t.Fatalf("Wait(other) = %v, want 0", got)
		}
		now = now.Add(want)
		if got := b.Wait("k"); got != 0 {
			t.Fatalf("Wait after waiting %v = %v, want 0", want, got)
		}
		b.Fail("k")
	}
	b.Reset("k")
	if got := b.Wait("k"); got != 0 {
		t.Errorf("Wait after Reset = %v, want 0", got)
	}
}
