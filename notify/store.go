// Package notify delivers the notifications commands write to the outbox
// (consultation.Change.Notify): a background worker sends each by email
// (SMTP) or SMS (an HTTP gateway), retrying with exponential backoff.
// Delivery is at-least-once: a worker that dies between sending and
// recording the send sends again after its lease, with the same
// Message-ID, so receivers can drop the copy.
package notify

import (
	"context"
	"time"

	"yugongkai/consultation"
)

// Store keeps the outbox. Commands write it through Store.Commit of the
// consultation and comment stores; only the worker uses these methods.
type Store interface {
	// DueNotifications returns up to limit pending notifications whose next
	// try is at or before now, oldest first.
	DueNotifications(ctx context.Context, now time.Time, limit int) ([]*consultation.Notification, error)
	// LeaseNotification takes notification id for one attempt: if it is
	// still pending after attempts attempts, it records attempt attempts+1
	// and moves its next try to until (when a crashed worker's attempt is
	// retried) and reports true; false if another worker took it first.
	LeaseNotification(ctx context.Context, id string, attempts int, until time.Time) (bool, error)
	// RecordDelivery stores the outcome of the attempt numbered d.Attempts.
	RecordDelivery(ctx context.Context, id string, d consultation.Delivery) error
	// ConsultationNotifications returns every notification of a
	// consultation, oldest first. Errors: none for an unknown consultation.
	ConsultationNotifications(ctx context.Context, consultationID string) ([]*consultation.Notification, error)
	// Notification returns one notification. Errors: NotFound.
	Notification(ctx context.Context, id string) (*consultation.Notification, error)
	// OptOut records that the recipient whose RecipientKey is key wants no
	// more notifications (an unsubscribe link); OptedOut tells.
	OptOut(ctx context.Context, key string, at time.Time) error
	OptedOut(ctx context.Context, key string) (bool, error)
}
