package web_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath finds the headless Chromium on PATH ("" when absent).
func chromiumPath() string {
	p, err := exec.LookPath("chromium")
	if err != nil {
		return ""
	}
	return p
}

// needBrowser skips a test when headless Chromium is not installed or in
// -short mode; under CI=true a missing Chromium fails the test (.ci/run
// installs it).
func needBrowser(t *testing.T) {
	t.Helper()
	if chromiumPath() == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("headless Chromium is not on PATH (.ci/run installs chromium chromium-driver fonts-noto-cjk)")
		}
		t.Skip("headless Chromium not found on PATH (apt-get install chromium chromium-driver fonts-noto-cjk): skipping the browser test")
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
}

// headless is a Chromium session against e's server, served on a
// loopback port. It records every console error, exception and error log
// entry; checkConsole fails the test on any.
type headless struct {
	t      *testing.T
	ctx    context.Context
	base   string
	shots  string
	prefix string

	mu       sync.Mutex
	problems []string
}

// startBrowser serves e and starts Chromium with the flags this machine
// needs (no network beyond loopback); screenshots go to
// testdata/screenshots/<prefix><name>.png (ignored by git).
func startBrowser(t *testing.T, e *env, prefix string, timeout time.Duration) *headless {
	t.Helper()
	needBrowser(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.srv.App.Listener(ln)
	t.Cleanup(func() { _ = e.srv.App.Shutdown() })
	b := &headless{t: t, base: "http://" + ln.Addr().String(), shots: filepath.Join("testdata", "screenshots"), prefix: prefix}
	if err := os.MkdirAll(b.shots, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath()),
		chromedp.Headless, chromedp.NoSandbox, chromedp.NoFirstRun,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(cancelBrowser)
	// Starting the browser happens on this first call, without a timeout.
	if err := chromedp.Listen(bctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				b.report("console.%s: %s", ev.Type, strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			b.report("exception: %s", ev.ExceptionDetails.Text)
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError {
				b.report("log: %s %s", ev.Entry.Text, ev.Entry.URL)
			}
		}
	}); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	if _, err := chromedp.Call(bctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(bctx, timeout)
	t.Cleanup(cancel)
	b.ctx = ctx
	return b
}

func (b *headless) report(format string, args ...any) {
	b.mu.Lock()
	b.problems = append(b.problems, fmt.Sprintf(format, args...))
	b.mu.Unlock()
}

// step runs actions, then saves a screenshot named name.
func (b *headless) step(name string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", name, err)
	}
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("%s: screenshot: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, b.prefix+name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression yielding a string.
func (b *headless) eval(what, js string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// checkConsole first proves the listener sees console errors (a probe the
// page logs), then fails the test for every other problem recorded.
func (b *headless) checkConsole() {
	b.t.Helper()
	b.eval("probe", `console.error("probe-console-listener"); "ok"`)
	deadline := time.Now().Add(2 * time.Second)
	for {
		b.mu.Lock()
		seen := false
		for i, p := range b.problems {
			if strings.Contains(p, "probe-console-listener") {
				b.problems = append(b.problems[:i], b.problems[i+1:]...)
				seen = true
				break
			}
		}
		b.mu.Unlock()
		if seen {
			break
		}
		if time.Now().After(deadline) {
			b.t.Fatal("the console listener did not see console.error")
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		b.t.Errorf("browser: %s", p)
	}
}
