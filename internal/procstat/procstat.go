// Package procstat reads what the load tool reports of a process and of
// the machine from Linux's /proc: resident memory, CPU time and the load
// average. /proc is the kernel's interface, the same on every Linux
// machine; elsewhere every reader says it has nothing (ok false, "").
package procstat

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

const root = "/proc" // the kernel's process file system

// Available reports whether /proc can be read here.
func Available() bool {
	_, err := os.Stat(root + "/self/status")
	return err == nil
}

// Memory is the resident set size (VmRSS) and its peak (VmHWM) of process
// pid, in bytes.
func Memory(pid int) (rss, hwm int64, ok bool) {
	fh, err := os.Open(fmt.Sprintf("%s/%d/status", root, pid))
	if err != nil {
		return 0, 0, false
	}
	defer fh.Close()
	kb := func(v string) int64 {
		n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		return n << 10
	}
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if v, found := strings.CutPrefix(sc.Text(), "VmRSS:"); found {
			rss = kb(v)
		}
		if v, found := strings.CutPrefix(sc.Text(), "VmHWM:"); found {
			hwm = kb(v)
		}
	}
	return rss, hwm, rss > 0
}

// CPUTime is the user + system CPU time of process pid.
func CPUTime(pid int) (time.Duration, bool) {
	b, err := os.ReadFile(fmt.Sprintf("%s/%d/stat", root, pid))
	if err != nil {
		return 0, false
	}
	// The command name (field 2) may hold spaces; fields after it are plain.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks, true
}

// LoadAverage is the 1, 5 and 15 minute load averages, as uptime prints
// them ("" where unknown).
func LoadAverage() string {
	b, err := os.ReadFile(root + "/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
