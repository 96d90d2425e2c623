//go:build unix

// Package cputime reads the process's CPU time, so that benchmarks on a
// busy machine can report CPU cost beside wall-clock time.
package cputime

import "syscall"

// Process returns the user+system CPU time of the process in nanoseconds
// (0 where it cannot be read).
func Process() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
