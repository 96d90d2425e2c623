package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"yugongkai/loadgen/pages"
)

// runPages builds consultations of the given sizes on the embedded store
// with the bulk insert path and measures their pages (pages) or the memory
// of exporting the report of the largest (export).
func runPages(ctx context.Context, cmd string, fs *flag.FlagSet, args []string) error {
	sizes := fs.String("sizes", "100,1000000", "comma-separated consultation sizes (comments)")
	dir := fs.String("dir", "", "directory for the stores (default: a new temporary directory, removed afterwards)")
	clients := fs.Int("clients", 8, "concurrent clients")
	rounds := fs.Int("rounds", 5, "rounds over every page of every size")
	per := fs.Int("per-round", 40, "requests per page, size and round")
	n := fs.Int("comments", 1_000_000, "export: comments in the consultation")
	if err := fs.Parse(args); err != nil {
		return err
	}
	root := *dir
	if root == "" {
		tmp, err := os.MkdirTemp("", "yugongkai-pages-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		root = tmp
	}
	var list []int
	if cmd == "export" {
		list = []int{*n}
	} else {
		for _, f := range strings.Split(*sizes, ",") {
			v, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || v < 1 || v > 2_000_000 {
				return fmt.Errorf("-sizes: %q is not a size from 1 to 2,000,000", f)
			}
			list = append(list, v)
		}
	}
	var fixtures []*pages.Fixture
	defer func() {
		for _, f := range fixtures {
			f.Close()
		}
	}()
	for _, size := range list {
		start := time.Now()
		f, err := pages.Build(ctx, filepath.Join(root, fmt.Sprintf("n%d", size)), size, func(done int) {
			if done%100_000 == 0 || done == size {
				fmt.Fprintf(os.Stderr, "%d/%d comments stored (%.0f s)\n", done, size, time.Since(start).Seconds())
			}
		})
		if err != nil {
			return err
		}
		fixtures = append(fixtures, f)
	}
	if cmd == "export" {
		res, err := pages.MeasureExport(ctx, fixtures[0])
		if err != nil {
			return err
		}
		return print(res)
	}
	res, err := pages.Measure(ctx, fixtures, *clients, *rounds, *per)
	if err != nil {
		return err
	}
	return print(res)
}
