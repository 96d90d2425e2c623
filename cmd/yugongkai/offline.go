package main

import (
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"yugongkai/consultation"
)

// openOffline parses the flags of a subcommand that works on a store
// directly (verify, reindex) and opens the store they name. The remaining
// arguments are returned.
func openOffline(ctx context.Context, name string, args []string, getenv func(string) string, stderr io.Writer) (*stores, []string, error) {
	fs := flag.NewFlagSet("yugongkai "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := config{}
	data := getenv("YUGONGKAI_DATA")
	if data == "" {
		data = "data"
	}
	fs.StringVar(&cfg.dataDir, "data", data, "data directory of the embedded store")
	fs.StringVar(&cfg.mongoURI, "mongodb-uri", getenv("MONGODB_URI"), "MongoDB URI")
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	st, err := openStores(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	skey := strings.TrimSpace(getenv("YUGONGKAI_LOG_KEY"))
	if skey == "" && cfg.mongoURI == "" {
		if b, err := os.ReadFile(filepath.Join(cfg.dataDir, "log.key")); err == nil {
			skey = strings.TrimSpace(string(b))
		}
	}
	if skey != "" {
		if st.logVerifier, err = verifierKey(skey); err != nil {
			st.close()
			return nil, nil, err
		}
	}
	return st, fs.Args(), nil
}

// eachConsultation calls fn for every stored consultation, newest first.
func eachConsultation(ctx context.Context, store consultation.Store, fn func(*consultation.Consultation) error) error {
	cursor := ""
	for {
		page, next, err := store.Consultations(ctx, consultation.ListFilter{Cursor: cursor, Limit: 100, Now: time.Now()})
		if err != nil {
			return err
		}
		for _, c := range page {
			if err := fn(c); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		cursor = next
	}
}
