//go:build unix

package redline

import "syscall"

// cpuTime returns the user+system CPU time of the process in nanoseconds, so that
// benchmarks on a busy machine can report CPU cost beside wall-clock time.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
