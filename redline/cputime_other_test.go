//go:build !unix

package redline

func cpuTime() int64 { return 0 }
