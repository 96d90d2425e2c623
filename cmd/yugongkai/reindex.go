package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/search"
)

// reindex rebuilds the search index from the stored record: every
// consultation (public ones indexed, others removed) and every published
// comment. The index is derived data; this repairs it after a failed update
// or fills it for data written before the index existed.
//
//	yugongkai reindex [-data ./data | -mongodb-uri URI]
func reindex(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("yugongkai reindex", flag.ContinueOnError)
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
	idx := &search.Service{Index: st.search, Versions: st.consultations, Now: time.Now}
	nc, nm := 0, 0
	cursor := ""
	for {
		page, next, err := st.consultations.Consultations(ctx, consultation.ListFilter{Cursor: cursor, Limit: 100, Now: time.Now()})
		if err != nil {
			return err
		}
		for _, c := range page {
			if err := idx.IndexConsultation(ctx, c); err != nil {
				return fmt.Errorf("index consultation %s: %w", c.ID, err)
			}
			nc++
			ccur := ""
			for {
				list, cnext, err := st.comments.Comments(ctx, comments.Filter{ConsultationID: c.ID, Status: comments.Published, Cursor: ccur, Limit: 500})
				if err != nil {
					return err
				}
				for _, cm := range list {
					if err := idx.IndexComment(ctx, c, cm); err != nil {
						return fmt.Errorf("index comment %s: %w", cm.ID, err)
					}
					nm++
				}
				if cnext == "" {
					break
				}
				ccur = cnext
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	fmt.Fprintf(stdout, "reindexed %d consultations and %d published comments\n", nc, nm)
	return nil
}
