package main

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"yugongkai/comments"
)

// The expiry of contact details (comments.ExpireContacts): a sweep at
// start and every hour after, on every instance (a sweep is idempotent
// and commits per consultation, so instances sweeping at once do the work
// once).

const contactSweepEvery = time.Hour

// parseRetention reads a retention period: days ("180d") or a Go
// duration ("4320h"); at least one hour.
func parseRetention(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, fmt.Errorf("contact retention %q: want days (180d) or a duration (4320h)", s)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("contact retention %q: want days (180d) or a duration (4320h)", s)
		}
	}
	if d < time.Hour {
		return 0, fmt.Errorf("contact retention %q: at least 1h", s)
	}
	return d, nil
}

// contactHolders is what both stores offer the sweeper's event counts.
type contactHolders interface {
	ContactHolders(ctx context.Context, consultationID string) (notifications, followers int, err error)
}

// sweepContacts runs one sweep now and then one every contactSweepEvery
// until ctx ends. Errors are logged (with no contact in them: the
// stores' errors name consultations, never recipients).
func sweepContacts(ctx context.Context, svc *comments.Service, retention time.Duration, log *slog.Logger) {
	sweep := func() {
		n, err := svc.ExpireContacts(ctx, retention)
		if err != nil && ctx.Err() == nil {
			log.Error("contact expiry", "err", err)
		}
		if n > 0 {
			log.Info("contact details expired", "consultations", n)
		}
	}
	sweep()
	t := time.NewTicker(contactSweepEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			sweep()
		}
	}
}
