package procstat

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// On Linux the readers give this process's own figures; elsewhere they
// say they have none.
func TestReaders(t *testing.T) {
	if runtime.GOOS != "linux" {
		if Available() {
			t.Fatal("Available on a system without /proc")
		}
		return
	}
	if !Available() {
		t.Fatal("no /proc on Linux")
	}
	ballast := make([]byte, 64<<20)
	for i := range ballast {
		ballast[i] = 1
	}
	rss, hwm, ok := Memory(os.Getpid())
	if !ok || rss < 64<<20 || hwm < rss {
		t.Errorf("Memory = %d, %d, %v; want rss ≥ 64 MiB (the ballast) and hwm ≥ rss", rss, hwm, ok)
	}
	runtime.KeepAlive(ballast)
	before, ok1 := CPUTime(os.Getpid())
	for end := time.Now().Add(150 * time.Millisecond); time.Now().Before(end); {
	}
	after, ok2 := CPUTime(os.Getpid())
	if !ok1 || !ok2 || after-before < 50*time.Millisecond {
		t.Errorf("CPUTime %v → %v (%v, %v): want ≥ 50 ms of the busy loop", before, after, ok1, ok2)
	}
	la := strings.Fields(LoadAverage())
	if len(la) != 3 {
		t.Fatalf("LoadAverage = %q", LoadAverage())
	}
	for _, f := range la {
		if _, err := strconv.ParseFloat(f, 64); err != nil {
			t.Errorf("LoadAverage field %q: %v", f, err)
		}
	}
	if _, _, ok := Memory(-1); ok {
		t.Error("Memory of no process")
	}
}
