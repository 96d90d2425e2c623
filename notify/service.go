package notify

import (
	"context"
	"time"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
)

// Service is what the web layer asks of notifications: the delivery state
// of a consultation's notifications (staff), and unsubscribing (anyone
// holding a link).
type Service struct {
	Store         Store
	Consultations *consultation.Service
	Links         Links
	Now           func() time.Time
}

// Delivered is one notification as staff see it: no recipient, no content.
type Delivered struct {
	ID      string `json:"id"`
	Comment string `json:"comment_id,omitempty"`
	Kind    string `json:"kind"`
	Channel string `json:"channel"`
	consultation.Delivery
	CreatedAt time.Time `json:"created_at"`
}

// Status is the delivery state of a consultation's notifications.
type Status struct {
	ConsultationID string         `json:"consultation_id"`
	Counts         map[string]int `json:"counts"` // by state: pending, sent, failed, cancelled
	Notifications  []Delivered    `json:"notifications"`
	// ByKind is the state per kind of notification (notices.go).
	ByKind []KindStatus `json:"by_kind"`
}

// Status returns the delivery state of consultation id's notifications.
// Errors: NotFound (no such consultation visible to actor), Unauthorized
// (anonymous), Forbidden (not
// staff of the owning department or an admin).
func (s *Service) Status(ctx context.Context, actor auth.Principal, id string) (*Status, error) {
	c, err := s.Consultations.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if actor.Anonymous() {
		return nil, apperr.New(apperr.Unauthorized, "error.unauthorized")
	}
	if !consultation.CanManage(actor, c) {
		return nil, apperr.New(apperr.Forbidden, "auth.department_only")
	}
	list, err := s.Store.ConsultationNotifications(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	st := &Status{ConsultationID: c.ID, Notifications: []Delivered{}, Counts: map[string]int{
		consultation.NotifyPending: 0, consultation.NotifySent: 0, consultation.NotifyFailed: 0, consultation.NotifyCancelled: 0}}
	for _, n := range list {
		if n.Channel == ChannelFollowers {
			continue // a fan-out row is bookkeeping: its e-mails are counted (follow.go)
		}
		st.Counts[n.State]++
		st.Notifications = append(st.Notifications, Delivered{ID: n.ID, Comment: n.Comment, Kind: n.Kind, Channel: n.Channel,
			Delivery: n.Delivery, CreatedAt: n.CreatedAt})
	}
	st.ByKind = byKind(st.Notifications)
	return st, nil
}

// ErrBadLink: an unsubscribe link that is not one of ours.
var ErrBadLink = apperr.New(apperr.NotFound, "notify.bad_link")

// Unsubscribe stops every later notification to the recipient of
// notification id, given the token of its unsubscribe link. Errors:
// ErrBadLink (unknown notification or wrong token).
func (s *Service) Unsubscribe(ctx context.Context, id, token string) error {
	if !s.Links.Valid(id, token) {
		return ErrBadLink
	}
	n, err := s.Store.Notification(ctx, id)
	if apperr.Is(err, apperr.NotFound) {
		return ErrBadLink
	}
	if err != nil {
		return err
	}
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	return s.Store.OptOut(ctx, s.Links.RecipientKey(n.Channel, n.To), now.UTC())
}
