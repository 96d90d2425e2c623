package main

import (
	"context"
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
	st, _, err := openOffline(ctx, "reindex", args, getenv, stderr)
	if err != nil {
		return err
	}
	defer st.close()
	idx := &search.Service{Index: st.search, Versions: st.consultations, Now: time.Now}
	nc, nm := 0, 0
	err = eachConsultation(ctx, st.consultations, func(c *consultation.Consultation) error {
		if err := idx.IndexConsultation(ctx, c); err != nil {
			return fmt.Errorf("index consultation %s: %w", c.ID, err)
		}
		nc++
		for cursor := ""; ; {
			list, next, err := st.comments.Comments(ctx, comments.Filter{ConsultationID: c.ID, Status: comments.Published, Cursor: cursor, Limit: 500})
			if err != nil {
				return err
			}
			for _, cm := range list {
				if err := idx.IndexComment(ctx, c, cm); err != nil {
					return fmt.Errorf("index comment %s: %w", cm.ID, err)
				}
				nm++
			}
			if next == "" {
				return nil
			}
			cursor = next
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "reindexed %d consultations and %d published comments\n", nc, nm)
	return nil
}
