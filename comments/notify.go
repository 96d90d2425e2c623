package comments

import (
	"context"
	"time"

	"yugongkai/consultation"
	"yugongkai/i18n"
	"yugongkai/ident"
)

// Notifications to the commenter (the outbox, consultation.Notification):
// written by the command's commit, each only when the commenter opted in
// (Submission.Notify, default on when a contact is given), to every
// contact given (email, SMS).

// wantsNotify resolves the opt-in of a validated submission: on when a
// contact is given unless the commenter said no.
func (in Submission) wantsNotify() bool {
	if in.ContactEmail == "" && in.ContactPhone == "" {
		return false
	}
	return in.Notify == nil || *in.Notify
}

// notifications returns one notification of kind to each contact of cm,
// or none unless cm's commenter opted in.
func notifications(c *consultation.Consultation, cm *Comment, kind string, params map[string]string, now time.Time) []consultation.Notification {
	if !cm.Notify {
		return nil
	}
	lang := string(i18n.Parse(cm.Lang))
	if params == nil {
		params = map[string]string{}
	}
	if c != nil {
		params["consultation_title"] = c.Title
	}
	params["receipt"] = cm.Receipt
	var out []consultation.Notification
	add := func(channel, to string) {
		if to == "" {
			return
		}
		out = append(out, consultation.Notification{ID: ident.ID(), Consultation: cm.ConsultationID, Comment: cm.ID,
			Kind: kind, Channel: channel, To: to, Lang: lang, Params: params, CreatedAt: now,
			Delivery: consultation.Delivery{State: consultation.NotifyPending, NextTry: now}})
	}
	add(consultation.ChannelEmail, cm.ContactEmail)
	add(consultation.ChannelSMS, cm.ContactPhone)
	return out
}

// receiptNotifications is the copy of the receipt of a new comment.
func receiptNotifications(c *consultation.Consultation, cm *Comment, now time.Time) []consultation.Notification {
	return notifications(c, cm, consultation.NotifyReceipt, map[string]string{
		"received_at": cm.ReceivedAt.UTC().Format(time.RFC3339), "body_sha256": cm.BodySHA256}, now)
}

// moderationNotifications tells the commenter that cm was published, or
// not published and why.
func moderationNotifications(c *consultation.Consultation, cm *Comment, to Status, m Moderation, now time.Time) []consultation.Notification {
	switch to {
	case Published:
		return notifications(c, cm, consultation.NotifyPublished, nil, now)
	case Declined:
		return notifications(c, cm, consultation.NotifyDeclined, map[string]string{"reason": string(m.Reason)}, now)
	}
	return nil
}

// answerNotifications gives the commenter the answer to cm and its reason
// once the adoption report is published.
func answerNotifications(c *consultation.Consultation, cm *Comment, now time.Time) []consultation.Notification {
	if cm.Disposition == nil || cm.Status == Withdrawn {
		return nil
	}
	return notifications(c, cm, consultation.NotifyAnswered, map[string]string{
		"outcome": string(cm.Disposition.Outcome), "reason": cm.Disposition.Reason}, now)
}

// AnswerNotifications returns, for the publication of c's decision (the
// adoption report is final then), the answer of every answered comment
// whose commenter opted in (consultation.Service.AnswerNotices).
func (s *Service) AnswerNotifications(ctx context.Context, c *consultation.Consultation, now time.Time) ([]consultation.Notification, error) {
	labels, err := s.finalLabels(ctx, c) // notices.go
	if err != nil {
		return nil, err
	}
	var out []consultation.Notification
	f := Filter{ConsultationID: c.ID, Limit: 500}
	for {
		page, next, err := s.Store.Comments(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, cm := range page {
			out = append(out, answerNotifications(c, cm, now)...)
			out = append(out, decidedNotifications(c, cm, labels, now)...)
		}
		if next == "" || len(page) == 0 {
			return out, nil
		}
		f.Cursor = next
	}
}
