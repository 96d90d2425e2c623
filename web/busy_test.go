package web_test

import (
	"testing"
	"time"
)

// The server is busy for a window after a request starts, and not before
// any request or once the window has passed.
func TestBusy(t *testing.T) {
	e := newEnv(t, "sqlite")
	if e.srv.Busy(time.Hour) {
		t.Error("busy before any request")
	}
	e.do("GET", "/healthz", "", nil)
	if !e.srv.Busy(time.Hour) {
		t.Error("not busy right after a request")
	}
	time.Sleep(5 * time.Millisecond)
	if e.srv.Busy(time.Millisecond) {
		t.Error("still busy 5 ms after a request, with a 1 ms window")
	}
}
