// Command yugongkai-load drives load against a yugongkai server on this
// machine and prints what it measured as JSON (see package loadgen).
//
//	yugongkai-load comments -target http://127.0.0.1:8080 -consultation ID -clients 16 -count 5000
//	yugongkai-load compare -server ./yugongkai -clients 16,64 -count 6000
//	yugongkai-load setup -target http://127.0.0.1:8080 -admin-password …   (prints a new open consultation's id)
//	yugongkai-load baseline -addr 127.0.0.1:8090 -data /tmp/baseline
//	yugongkai-load pages -sizes 100,1000000 -clients 8   (page p95 at each size, and the ratios)
//	yugongkai-load export -comments 1000000              (RSS growth while the report is exported)
//	yugongkai-load import -server ./yugongkai -rows 100000 -formats csv,xlsx   (bulk import: wall time, read p99, peak RSS)
//	yugongkai-load isolation -server ./yugongkai -import-rows 20000 -near-comments 100000   (steady load during each disturbance)
//
// compare starts the server binary and the baseline service (this binary's
// baseline subcommand) on fresh data directories and measures both in one
// run; it is the command behind the ingestion rows of docs/PERFORMANCE.md.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"yugongkai/loadgen"
	"yugongkai/loadgen/baseline"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "yugongkai-load:", err)
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: yugongkai-load comments|setup|compare|baseline|pages|export|import|isolation [flags]")
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	switch args[0] {
	case "comments":
		var cfg loadgen.Config
		fs.StringVar(&cfg.Target, "target", "http://127.0.0.1:8080", "server base URL (loopback only)")
		fs.StringVar(&cfg.Consultation, "consultation", "", "id of an open consultation")
		fs.IntVar(&cfg.Clients, "clients", 16, "concurrent commenters")
		fs.IntVar(&cfg.Count, "count", 5000, "comments to send (at most 1,000,000)")
		fs.DurationVar(&cfg.MaxTime, "max-time", time.Minute, "longest run (at most 10m)")
		fs.IntVar(&cfg.Readers, "readers", 0, "concurrent readers of the consultation page and comment list")
		fs.BoolVar(&cfg.Forwarded, "forwarded", false, "give each comment its own X-Forwarded-For (the server must trust 127.0.0.1)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		res, err := loadgen.Run(ctx, cfg)
		if err != nil {
			return err
		}
		return print(res)
	case "compare":
		var cmp loadgen.Comparison
		clients := fs.String("clients", "16,64", "comma-separated concurrencies")
		fs.StringVar(&cmp.Server, "server", "yugongkai", "yugongkai server binary")
		fs.IntVar(&cmp.Count, "count", 6000, "comments per run")
		fs.DurationVar(&cmp.MaxTime, "max-time", 2*time.Minute, "longest run")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		self, err := os.Executable()
		if err != nil {
			return err
		}
		cmp.Baseline = self
		for _, f := range strings.Split(*clients, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				return fmt.Errorf("-clients: %w", err)
			}
			cmp.Clients = append(cmp.Clients, n)
		}
		rows, err := cmp.Run(ctx)
		if err != nil {
			return err
		}
		return print(rows)
	case "setup":
		target := fs.String("target", "http://127.0.0.1:8080", "server base URL (loopback only)")
		password := fs.String("admin-password", os.Getenv("YUGONGKAI_ADMIN_PASSWORD"), "the server's admin password (YUGONGKAI_ADMIN_PASSWORD)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if err := loadgen.CheckLoopback(*target); err != nil {
			return err
		}
		id, err := loadgen.OpenConsultation(ctx, *target, "admin", *password)
		if err != nil {
			return err
		}
		fmt.Println(id)
		return nil
	case "import":
		var ir loadgen.ImportRun
		formats := fs.String("formats", "csv,xlsx", "comma-separated file formats (csv, xlsx)")
		fs.StringVar(&ir.Server, "server", "yugongkai", "yugongkai server binary")
		fs.IntVar(&ir.Rows, "rows", 100_000, "rows of the generated file (at most 200,000)")
		fs.IntVar(&ir.Readers, "readers", 4, "concurrent public readers")
		fs.DurationVar(&ir.ReadInterval, "read-interval", 50*time.Millisecond, "pause of each reader after each read")
		fs.DurationVar(&ir.BaselineTime, "baseline", 10*time.Second, "how long reads are measured before the import")
		verbose := fs.Bool("v", false, "pass the server's log to stderr")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *verbose {
			ir.Log = os.Stderr
		}
		for _, f := range strings.Split(*formats, ",") {
			ir.Formats = append(ir.Formats, strings.TrimSpace(f))
		}
		res, err := ir.Run(ctx)
		if err != nil {
			return err
		}
		return print(res)
	case "isolation":
		var ir loadgen.IsolationRun
		fs.StringVar(&ir.Server, "server", "yugongkai", "yugongkai server binary")
		fs.IntVar(&ir.Clients, "clients", 16, "concurrent comment submitters")
		fs.IntVar(&ir.Readers, "readers", 4, "concurrent public readers")
		fs.DurationVar(&ir.ReadInterval, "read-interval", 50*time.Millisecond, "pause of each reader after each read")
		fs.DurationVar(&ir.Window, "window", 20*time.Second, "length of each baseline, least length of the near-duplicate phase")
		fs.IntVar(&ir.ImportRows, "import-rows", 20_000, "rows of the bulk import phase (at most 200,000)")
		fs.IntVar(&ir.NearComments, "near-comments", 100_000, "comments of the consultation whose near-duplicates are proposed (at most 1,000,000)")
		fs.DurationVar(&ir.NearLimit, "near-limit", 5*time.Minute, "longest wait for one near-duplicate pass; the phase stops waiting and reports it")
		verbose := fs.Bool("v", false, "pass the server's log to stderr")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *verbose {
			ir.Log = os.Stderr
		}
		ir.Progress = os.Stderr
		res, err := ir.Run(ctx)
		if err != nil {
			return err
		}
		return print(res)
	case "pages", "export":
		return runPages(ctx, args[0], fs, args[1:])
	case "baseline":
		addr := fs.String("addr", "127.0.0.1:8090", "listen address")
		dir := fs.String("data", "", "directory for baseline.db")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *dir == "" {
			return fmt.Errorf("baseline: -data is required")
		}
		ln, err := net.Listen("tcp", *addr)
		if err != nil {
			return err
		}
		return baseline.Serve(ctx, ln, *dir)
	}
	return fmt.Errorf("unknown subcommand %q", args[0])
}

func print(v any) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
