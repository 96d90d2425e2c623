package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"yugongkai/consultation"
)

// verify recomputes the hash chain of every consultation (or the ones named)
// in a data directory or MongoDB database. It returns an error naming the
// first bad event, so the command exits non-zero.
//
//	yugongkai verify [-data ./data | -mongodb-uri URI] [consultation-id ...]
func verify(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("yugongkai verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := config{}
	data := getenv("YUGONGKAI_DATA")
	if data == "" {
		data = "data"
	}
	fs.StringVar(&cfg.dataDir, "data", data, "data directory of the embedded store")
	fs.StringVar(&cfg.mongoURI, "mongodb-uri", getenv("MONGODB_URI"), "MongoDB URI")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := openStores(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.close()
	ids := fs.Args()
	if len(ids) == 0 {
		cursor := ""
		for {
			page, next, err := st.consultations.Consultations(ctx, consultation.ListFilter{Cursor: cursor, Limit: 100})
			if err != nil {
				return err
			}
			for _, c := range page {
				ids = append(ids, c.ID)
			}
			if next == "" {
				break
			}
			cursor = next
		}
	}
	bad := 0
	var first error
	for _, id := range ids {
		c, err := st.consultations.Consultation(ctx, id)
		if err != nil {
			return fmt.Errorf("consultation %s: %w", id, err)
		}
		events, err := st.consultations.Events(ctx, id)
		if err != nil {
			return fmt.Errorf("events of %s: %w", id, err)
		}
		v := consultation.VerifyChain(c, events)
		if v.OK {
			fmt.Fprintf(stdout, "ok   %s  %d events  head %s\n", id, v.Events, v.Head)
			continue
		}
		bad++
		fmt.Fprintf(stdout, "BAD  %s  event seq %d: %s\n", id, v.BadSeq, v.Problem)
		if first == nil {
			first = fmt.Errorf("consultation %s: first bad event is seq %d: %s", id, v.BadSeq, v.Problem)
		}
	}
	fmt.Fprintf(stdout, "%d consultations checked, %d with a broken history\n", len(ids), bad)
	return first
}
