package main

import (
	"context"
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
