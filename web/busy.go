package web

import "time"

// Busy reports whether a request started within the last window: the
// background work that yields to the people using the server (the
// near-duplicate pass rests only then, comments.Service.NearBusy) asks it.
// A server no one is using lets that work run at full speed.
func (s *Server) Busy(window time.Duration) bool {
	return time.Now().UnixNano()-s.lastRequest.Load() < int64(window)
}
