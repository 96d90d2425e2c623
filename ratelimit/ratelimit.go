// Package ratelimit limits how often one key (an IP, an account) may act.
// Limits are kept in process memory: with several instances behind a load
// balancer each instance applies the limit on its own, which bounds abuse
// per instance; sticky sessions or a lower limit compensate.
package ratelimit

import (
	"sync"
	"time"
)

// Limiter allows Burst events per key, refilled at Burst per Window
// (a token bucket). Safe for concurrent use.
type Limiter struct {
	Burst  int
	Window time.Duration
	Now    func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	sweep   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// New returns a limiter of burst events per window.
func New(burst int, window time.Duration) *Limiter {
	return &Limiter{Burst: burst, Window: window, Now: time.Now}
}

// Allow takes one token for key. When none is left it returns false and how
// long until one is.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	if l == nil || l.Burst <= 0 {
		return true, 0
	}
	now := l.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = map[string]*bucket{}
	}
	rate := float64(l.Burst) / float64(l.Window)
	if now.Sub(l.sweep) > l.Window {
		for k, b := range l.buckets {
			if now.Sub(b.last) > l.Window {
				delete(l.buckets, k)
			}
		}
		l.sweep = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(l.Burst), last: now}
		l.buckets[key] = b
	}
	b.tokens += float64(now.Sub(b.last)) * rate
	if b.tokens > float64(l.Burst) {
		b.tokens = float64(l.Burst)
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / rate)
	return false, wait
}

// Reset forgets key (e.g. after a successful login).
func (l *Limiter) Reset(key string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	delete(l.buckets, key)
	l.mu.Unlock()
}

// Backoff makes a key wait longer after each failure beyond the first Free
// ones: Base after Free failures, then twice as long after each further
// one, up to Max. A success (Reset) clears the key; a key idle for Forget
// is dropped. Logins use it per (account, source address), so guessing from
// one place slows down exponentially while the owner elsewhere is not
// affected. Safe for concurrent use.
type Backoff struct {
	Free   int
	Base   time.Duration
	Max    time.Duration
	Forget time.Duration
	Now    func() time.Time

	mu    sync.Mutex
	keys  map[string]*failures
	sweep time.Time
}

type failures struct {
	n    int
	last time.Time
}

// NewBackoff returns a Backoff with free failures, then base doubling up
// to max; keys are forgotten after a day without failures.
func NewBackoff(free int, base, max time.Duration) *Backoff {
	return &Backoff{Free: free, Base: base, Max: max, Forget: 24 * time.Hour, Now: time.Now}
}

// delay is how long after the last failure the next attempt must wait.
func (b *Backoff) delay(n int) time.Duration {
	if n < b.Free {
		return 0
	}
	d := b.Base
	for i := b.Free; i < n && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// Wait returns how long key must still wait before its next attempt; zero
// when it may try now.
func (b *Backoff) Wait(key string) time.Duration {
	if b == nil {
		return 0
	}
	now := b.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	f, ok := b.keys[key]
	if !ok {
		return 0
	}
	if wait := f.last.Add(b.delay(f.n)).Sub(now); wait > 0 {
		return wait
	}
	return 0
}

// Fail records a failed attempt for key.
func (b *Backoff) Fail(key string) {
	if b == nil {
		return
	}
	now := b.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.keys == nil {
		b.keys = map[string]*failures{}
	}
	if now.Sub(b.sweep) > b.Forget {
		for k, f := range b.keys {
			if now.Sub(f.last) > b.Forget {
				delete(b.keys, k)
			}
		}
		b.sweep = now
	}
	f, ok := b.keys[key]
	if !ok || now.Sub(f.last) > b.Forget {
		f = &failures{}
		b.keys[key] = f
	}
	f.n++
	f.last = now
}

// Reset forgets key's failures (after a success).
func (b *Backoff) Reset(key string) {
	if b == nil {
		return
	}
	b.mu.Lock()
	delete(b.keys, key)
	b.mu.Unlock()
}
