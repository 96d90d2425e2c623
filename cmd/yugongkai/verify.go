package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

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
//	yugongkai verify -archive archive.json [published-chain-head]
//
// With -archive it checks an exported archive file instead, from its bytes
// alone (consultation.VerifyArchive).
func verify(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "-archive" || args[0] == "--archive") {
		return verifyArchiveFile(args[1:], stdout)
	}
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

// verifyArchiveFile is `yugongkai verify -archive FILE [HEAD]`.
func verifyArchiveFile(args []string, stdout io.Writer) error {
	if len(args) < 1 || len(args) > 2 {
		return errors.New("usage: yugongkai verify -archive archive.json [published-chain-head]")
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	head := ""
	if len(args) == 2 {
		head = args[1]
	}
	v, err := consultation.VerifyArchive(data, head)
	if err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	if !v.OK {
		for _, p := range v.Problems {
			fmt.Fprintf(stdout, "BAD  %s %s: %s\n", p.What, p.ID, p.Reason)
		}
		p := v.Problems[0]
		return fmt.Errorf("archive %s: %s %s: %s", args[0], p.What, p.ID, p.Reason)
	}
	fmt.Fprintf(stdout, "ok   archive %s  %d events  head %s\n", args[0], v.Events, v.Head)
	if v.Unbound > 0 {
		fmt.Fprintf(stdout, "note events 1 to %d were written before payloads were hashed separately and one is withheld: they are not bound to the head\n", v.Unbound)
	}
	return nil
}
