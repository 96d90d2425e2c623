package notify

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"yugongkai/consultation"
)

// Sender delivers messages of one channel. An error wrapped by Permanent
// ends the notification's tries at once (the server refused it for good);
// any other error is tried again later.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks err as not worth retrying.
func Permanent(err error) error { return permanent{err} }

// IsPermanent reports whether err was marked Permanent.
func IsPermanent(err error) bool { var p permanent; return errors.As(err, &p) }

// Worker delivers due notifications in the background. Several workers,
// in one process or several, may run over one store: each attempt is
// leased first (Store.LeaseNotification), so only one sends it.
//
// At-least-once: a notification is marked sent after its server accepted
// it; a worker killed in between leaves it pending, and it is sent again
// after the lease, with the same Message-ID. It never blocks a command:
// commands only write the outbox.
type Worker struct {
	Store   Store
	Senders map[string]Sender // by channel (consultation.ChannelEmail, …)
	Links   Links
	Domain  string // of the Message-IDs
	Now     func() time.Time
	Log     *slog.Logger

	Poll        time.Duration // how often to look for due notifications (2 s)
	Lease       time.Duration // how long an attempt may take before it is retried (2 min)
	MaxAttempts int           // then the notification is failed (12)
	// Backoff is the wait after failed attempt n (1, 2, …): by default
	// 30 s doubled each time, at most 6 h.
	Backoff func(attempt int) time.Duration
	Batch   int // notifications per round (50)
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now().UTC()
	}
	return time.Now().UTC()
}

func (w *Worker) log() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.Default()
}

func orDefault[T int | time.Duration](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}

// DefaultBackoff waits 30 s after the first failure, doubling up to 6 h.
func DefaultBackoff(attempt int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempt && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// Run delivers until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(orDefault(w.Poll, 2*time.Second))
	defer t.Stop()
	for {
		if _, err := w.RunOnce(ctx); err != nil && ctx.Err() == nil {
			w.log().ErrorContext(ctx, "notify: delivery round", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce makes one attempt at every notification due now (up to Batch)
// and returns how many it attempted.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	now := w.now()
	due, err := w.Store.DueNotifications(ctx, now, orDefault(w.Batch, 50))
	if err != nil {
		return 0, err
	}
	tried := 0
	for _, n := range due {
		if ctx.Err() != nil {
			return tried, ctx.Err()
		}
		ok, err := w.attempt(ctx, n)
		if err != nil {
			return tried, err
		}
		if ok {
			tried++
		}
	}
	return tried, nil
}

// attempt leases n, sends it and records the outcome; false if another
// worker had leased it.
func (w *Worker) attempt(ctx context.Context, n *consultation.Notification) (bool, error) {
	now := w.now()
	ok, err := w.Store.LeaseNotification(ctx, n.ID, n.Attempts, now.Add(orDefault(w.Lease, 2*time.Minute)))
	if err != nil || !ok {
		return false, err
	}
	attempt := n.Attempts + 1
	d := consultation.Delivery{Attempts: attempt}
	if n.Channel == ChannelFollowers { // follow.go: a fan-out row becomes one e-mail per follower
		return true, w.expand(ctx, n, d)
	}
	optedOut, err := w.Store.OptedOut(ctx, w.Links.RecipientKey(n.Channel, n.To))
	if err != nil {
		return true, err
	}
	sender := w.Senders[n.Channel]
	switch {
	case optedOut:
		d.State, d.NextTry = consultation.NotifyCancelled, now
	case sender == nil:
		d.State, d.NextTry, d.LastError = consultation.NotifyFailed, now, "no sender configured for "+n.Channel
	default:
		err = sender.Send(ctx, Compose(n, w.Links, w.Domain))
		now = w.now()
		switch {
		case err == nil:
			d.State, d.NextTry, d.SentAt = consultation.NotifySent, now, now
		case IsPermanent(err) || attempt >= orDefault(w.MaxAttempts, 12):
			d.State, d.NextTry, d.LastError = consultation.NotifyFailed, now, redact(err, n.To)
		default:
			backoff := w.Backoff
			if backoff == nil {
				backoff = DefaultBackoff
			}
			d.State, d.NextTry, d.LastError = consultation.NotifyPending, now.Add(backoff(attempt)), redact(err, n.To)
		}
	}
	// The recipient is contact data: logs name the notification only.
	w.log().InfoContext(ctx, "notify: attempt", "notification", n.ID, "consultation", n.Consultation, "kind", n.Kind,
		"channel", n.Channel, "attempt", attempt, "state", d.State, "err", d.LastError)
	// Recorded even if ctx ended meanwhile: the message may have gone.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return true, w.Store.RecordDelivery(rctx, n.ID, d)
}

// redact returns err's text without the recipient's address, short.
func redact(err error, to string) string {
	s := err.Error()
	if to != "" {
		s = strings.ReplaceAll(s, to, "[recipient]")
	}
	if len(s) > 300 {
		s = s[:300]
	}
	return strings.ToValidUTF8(s, "")
}
