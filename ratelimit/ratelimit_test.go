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
