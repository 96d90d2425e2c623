package main

import (
	"context"
	"fmt"
	"io"

	"yugongkai/comments"
	"yugongkai/consultation"
)

// verify recomputes the hash chain of every consultation (or the ones named)
// in a data directory or MongoDB database, and checks against it every
// version text, the comments' transparency log and every answer. It prints
// each problem and returns an error naming the first, so the command exits
// non-zero.
//
//	yugongkai verify [-data ./data | -mongodb-uri URI] [consultation-id ...]
func verify(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	st, ids, err := openOffline(ctx, "verify", args, getenv, stderr)
	if err != nil {
		return err
	}
	defer st.close()
	if len(ids) == 0 {
		err := eachConsultation(ctx, st.consultations, func(c *consultation.Consultation) error {
			ids = append(ids, c.ID)
			return nil
		})
		if err != nil {
			return err
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
			if err := comments.VerifyRecord(ctx, st.consultations, st.comments, c, events, v); err != nil {
				return fmt.Errorf("record of %s: %w", id, err)
			}
			if st.logVerifier != "" {
				comments.VerifySeals(events, st.logVerifier, v)
			}
		}
		if v.OK {
			fmt.Fprintf(stdout, "ok   %s  %d events  head %s\n", id, v.Events, v.Head)
			continue
		}
		bad++
		for _, p := range v.Problems {
			fmt.Fprintf(stdout, "BAD  %s  %s %s: %s\n", id, p.What, p.ID, p.Reason)
		}
		if first == nil {
			p := v.Problems[0]
			first = fmt.Errorf("consultation %s: %s %s: %s", id, p.What, p.ID, p.Reason)
			if p.What == "event" {
				first = fmt.Errorf("consultation %s: first bad event is seq %d: %s", id, v.BadSeq, v.Problem)
			}
		}
	}
	fmt.Fprintf(stdout, "%d consultations checked, %d with a broken record\n", len(ids), bad)
	return first
}
