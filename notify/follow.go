package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/i18n"
	"yugongkai/ident"
)

// Followers of a consultation: anyone may follow one by e-mail, without
// an account, and hears when it opens, is extended, closes early, opens
// a new version for comment and when the decision is published.
//
// Double opt-in: Follow writes only a confirmation mail to the outbox
// (kind follow.confirm, one outbox row: nothing else is stored about the
// address until it is confirmed). Its link carries the notification id
// and an HMAC token; ConfirmFollow, within FollowLinkTTL, stores the
// follower under that id, so the link works once.
//
// Fan-out: a command that causes a follower notification writes one
// outbox row of channel ChannelFollowers in its own commit (FanOut), never
// a row per follower, so a consultation with 100 000 followers commits as
// fast as one without. The delivery worker expands that row into one
// e-mail per follower confirmed at that moment (ids derived from the row
// and the follower, so an expansion repeated after a crash adds nothing),
// then marks it sent.

// ChannelFollowers is the channel of a fan-out row.
const ChannelFollowers = "followers"

// Kinds of follower notifications.
const (
	FollowConfirm     = "follow.confirm"
	FollowOpened      = "follow.opened"
	FollowExtended    = "follow.extended"
	FollowClosedEarly = "follow.closed_early"
	FollowNewVersion  = "follow.new_version"
	FollowDecided     = "follow.decided"
)

// FollowLinkTTL is how long a confirmation link works.
const FollowLinkTTL = 48 * time.Hour

// Follower is a confirmed follower of a consultation. ID is the id of the
// confirmation mail that confirmed it. Email is contact data.
type Follower struct {
	ID           string    `json:"id" bson:"_id"`
	Consultation string    `json:"consultation" bson:"consultation"`
	Email        string    `json:"-" bson:"email"`
	Lang         string    `json:"lang" bson:"lang"`
	Key          string    `json:"-" bson:"key"` // Links.RecipientKey: one follower per address and consultation
	CreatedAt    time.Time `json:"created_at" bson:"created_at"`
}

// FollowerStore keeps followers and the notifications written outside a
// command's commit (confirmation mails, the expansion of fan-out rows).
type FollowerStore interface {
	// Enqueue stores notifications as pending; one whose id exists is
	// left as it is (an expansion repeated).
	Enqueue(ctx context.Context, list []consultation.Notification) error
	// AddFollower stores f; false if its id is stored already (a link
	// used twice). Another follower of the same address and consultation
	// leaves f unstored and reports true.
	AddFollower(ctx context.Context, f Follower) (bool, error)
	// Followers returns the followers of a consultation, oldest first.
	Followers(ctx context.Context, consultationID string) ([]Follower, error)
}

// FollowForm asks to follow a consultation.
type FollowForm struct {
	Email string `json:"email" jsonschema:"required"`
	// Lang of the mails: zh-CN (default) or en.
	Lang string `json:"lang"`
}

// Errors of following.
var (
	ErrFollowClosed  = apperr.New(apperr.Conflict, "follow.closed")
	ErrFollowExpired = apperr.New(apperr.Conflict, "follow.expired")
	ErrFollowUsed    = apperr.New(apperr.Conflict, "follow.used")
)

// Followable reports whether c may be followed: public and not ended.
func Followable(c *consultation.Consultation) bool {
	switch c.State {
	case consultation.Draft, consultation.Withdrawn, consultation.Published:
		return false
	}
	return c.OpensAt != nil
}

// Follow sends a confirmation mail to form.Email for consultation id.
// Errors: NotFound (no such public consultation), Invalid (the address),
// ErrFollowClosed (withdrawn, decided or not yet public), Internal
// (no follower store).
func (s *Service) Follow(ctx context.Context, id string, form FollowForm) error {
	fs, ok := s.Store.(FollowerStore)
	if !ok {
		return apperr.New(apperr.Internal, "error.internal")
	}
	c, err := s.Consultations.Get(ctx, auth.Principal{}, id)
	if err != nil {
		return err
	}
	if !Followable(c) {
		return ErrFollowClosed
	}
	email := strings.TrimSpace(form.Email)
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
		var f apperr.Fields
		f.Add("email", "field.email")
		return f.Err()
	}
	now := s.now()
	n := consultation.Notification{ID: ident.ID(), Consultation: c.ID, Kind: FollowConfirm, Channel: consultation.ChannelEmail,
		To: email, Lang: string(i18n.Parse(form.Lang)), CreatedAt: now,
		Params:   map[string]string{"consultation_title": c.Title, "consultation_id": c.ID},
		Delivery: consultation.Delivery{State: consultation.NotifyPending, NextTry: now}}
	return fs.Enqueue(ctx, []consultation.Notification{n})
}

// ConfirmFollow confirms the follow request of confirmation mail id,
// given its link's token. Errors: ErrBadLink, ErrFollowExpired (older
// than FollowLinkTTL), ErrFollowUsed (confirmed already).
func (s *Service) ConfirmFollow(ctx context.Context, id, token string) error {
	fs, ok := s.Store.(FollowerStore)
	if !ok || !s.Links.ValidFollow(id, token) {
		return ErrBadLink
	}
	n, err := s.Store.Notification(ctx, id)
	if apperr.Is(err, apperr.NotFound) || err == nil && (n.Kind != FollowConfirm || n.To == "") {
		return ErrBadLink
	}
	if err != nil {
		return err
	}
	if s.now().After(n.CreatedAt.Add(FollowLinkTTL)) {
		return ErrFollowExpired
	}
	added, err := fs.AddFollower(ctx, Follower{ID: n.ID, Consultation: n.Consultation, Email: n.To, Lang: n.Lang,
		Key: s.Links.RecipientKey(consultation.ChannelEmail, n.To), CreatedAt: s.now()})
	if err != nil {
		return err
	}
	if !added {
		return ErrFollowUsed
	}
	return nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// FollowURL is the confirmation link of confirmation mail id.
func (l Links) FollowURL(id string) string {
	return strings.TrimRight(l.BaseURL, "/") + "/follow/confirm?n=" + url.QueryEscape(id) + "&t=" + l.followToken(id)
}

func (l Links) followToken(id string) string {
	m := hmac.New(sha256.New, l.Key)
	m.Write([]byte("follow\x00" + id))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// ValidFollow reports whether t is the confirmation token of mail id.
func (l Links) ValidFollow(id, t string) bool {
	return hmac.Equal([]byte(l.followToken(id)), []byte(t))
}

// FanOut returns the follower notifications a consultation change causes:
// one fan-out row per event that followers hear of (consultation.Service
// writes them in the change's commit).
func FanOut(ch *consultation.Change, now time.Time) []consultation.Notification {
	c := ch.Consultation
	if c == nil {
		return nil
	}
	var out []consultation.Notification
	for _, e := range ch.Events {
		kind := ""
		params := map[string]string{"consultation_title": c.Title, "consultation_id": c.ID}
		switch e.Type {
		case "consultation.opened":
			kind = FollowOpened
			if c.PublicVersion > 1 {
				kind = FollowNewVersion
			}
			if c.ClosesAt != nil {
				params["closes_at"] = c.ClosesAt.UTC().Format(time.RFC3339)
			}
		case "consultation.extended":
			kind = FollowExtended
			if c.ClosesAt != nil {
				params["closes_at"] = c.ClosesAt.UTC().Format(time.RFC3339)
			}
			if n := len(c.Extensions); n > 0 {
				params["reason"] = c.Extensions[n-1].Reason
			}
		case "consultation.closed_early":
			kind = FollowClosedEarly
			if c.ClosedEarly != nil {
				params["reason"] = c.ClosedEarly.Reason
			}
		case "consultation.finalized":
			kind = FollowDecided
			if c.Final != nil {
				params["decision_title"], params["document_number"] = c.Final.Title, c.Final.DocumentNumber
			}
		}
		if kind == "" {
			continue
		}
		out = append(out, consultation.Notification{ID: ident.ID(), Consultation: c.ID, Kind: kind, Channel: ChannelFollowers,
			Params: params, CreatedAt: now, Delivery: consultation.Delivery{State: consultation.NotifyPending, NextTry: now}})
	}
	return out
}

// expand turns fan-out row n into one e-mail per follower (idempotent:
// the ids derive from n's and the follower's).
func expand(ctx context.Context, fs FollowerStore, n *consultation.Notification) (int, error) {
	list, err := fs.Followers(ctx, n.Consultation)
	if err != nil {
		return 0, err
	}
	var out []consultation.Notification
	for _, f := range list {
		if f.Email == "" {
			continue
		}
		params := make(map[string]string, len(n.Params))
		for k, v := range n.Params {
			params[k] = v
		}
		out = append(out, consultation.Notification{ID: childID(n.ID, f.ID), Consultation: n.Consultation, Kind: n.Kind,
			Channel: consultation.ChannelEmail, To: f.Email, Lang: f.Lang, Params: params, CreatedAt: n.CreatedAt,
			Delivery: consultation.Delivery{State: consultation.NotifyPending, NextTry: n.CreatedAt}})
	}
	for len(out) > 0 {
		batch := out[:min(len(out), 500)]
		if err := fs.Enqueue(ctx, batch); err != nil {
			return 0, err
		}
		out = out[len(batch):]
	}
	return len(list), nil
}

func childID(fanout, follower string) string {
	h := sha256.Sum256([]byte(fanout + "\x00" + follower))
	return "f" + hex.EncodeToString(h[:12])
}

// expand delivers fan-out row n: its e-mails are enqueued, then the row is
// recorded sent (or retried, like any failed attempt).
func (w *Worker) expand(ctx context.Context, n *consultation.Notification, d consultation.Delivery) error {
	now := w.now()
	fs, ok := w.Store.(FollowerStore)
	var err error
	count := 0
	if !ok {
		d.State, d.NextTry, d.LastError = consultation.NotifyFailed, now, "no follower store"
	} else if count, err = expand(ctx, fs, n); err != nil {
		d.State, d.NextTry, d.LastError = consultation.NotifyPending, now.Add(DefaultBackoff(d.Attempts)), redact(err, "")
		if d.Attempts >= orDefault(w.MaxAttempts, 12) {
			d.State = consultation.NotifyFailed
		}
	} else {
		d.State, d.NextTry, d.SentAt = consultation.NotifySent, now, now
	}
	w.log().InfoContext(ctx, "notify: fan-out", "notification", n.ID, "consultation", n.Consultation, "kind", n.Kind,
		"followers", count, "state", d.State, "err", d.LastError)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return w.Store.RecordDelivery(rctx, n.ID, d)
}
