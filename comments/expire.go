package comments

import (
	"context"
	"time"

	"yugongkai/auth"
	"yugongkai/consultation"
)

// Contact details expire (个人信息保护法 art. 19, 47: kept no longer than
// the purpose needs). The purpose is following the comment up; it ends
// when the decision is published or the consultation is withdrawn. A
// retention period after that (DefaultContactRetention, configurable),
// every contact the consultation holds is erased in one commit: the
// comments' phone numbers and e-mail addresses, the recipients of its
// outbox (pending notifications are cancelled), and its followers'
// addresses. The erasure is an event in the chain, contacts.expired,
// carrying counts only; the comments, their public copies and their
// answers stay.

// DefaultContactRetention is how long contacts are kept after the end.
const DefaultContactRetention = 180 * 24 * time.Hour

// ContactHolders counts, for a consultation, the contacts held outside
// its comments: outbox recipients and followers. The store erases them in
// the ExpireContacts commit; the counts go into the event.
type ContactHolders func(ctx context.Context, consultationID string) (notifications, followers int, err error)

// ContactsEnd is when the purpose of c's contact details ended: the
// decision's publication or the withdrawal; false while it runs.
func ContactsEnd(c *consultation.Consultation) (time.Time, bool) {
	switch {
	case c.State == consultation.Published && c.Final != nil:
		return c.Final.PublishedAt, true
	case c.State == consultation.Withdrawn && c.Withdrawal != nil:
		return c.Withdrawal.At, true
	}
	return time.Time{}, false
}

// ContactsDue reports whether c's contacts are to be erased at now.
func ContactsDue(c *consultation.Consultation, retention time.Duration, now time.Time) bool {
	end, ok := ContactsEnd(c)
	return ok && c.ContactsExpiredAt == nil && !now.Before(end.Add(retention))
}

// ExpireContacts erases the contacts of every consultation whose purpose
// ended retention ago or more, one commit per consultation, and returns
// how many it erased. It is idempotent (a consultation is erased once:
// ContactsExpiredAt), safe to run on several instances at once (the
// second commit is refused as stale and finds the work done), and meant
// to run at start and periodically.
func (s *Service) ExpireContacts(ctx context.Context, retention time.Duration) (int, error) {
	now := s.now()
	done := 0
	for _, st := range []consultation.State{consultation.Published, consultation.Withdrawn} {
		f := consultation.ListFilter{Status: st, Limit: 100, Now: now}
		for {
			page, next, err := s.Consultations.Store.Consultations(ctx, f)
			if err != nil {
				return done, err
			}
			for _, c := range page {
				if !ContactsDue(c, retention, now) {
					continue
				}
				erased, err := s.expireContactsOf(ctx, c.ID, retention)
				if err != nil {
					return done, err
				}
				if erased {
					done++
				}
			}
			if next == "" || len(page) == 0 {
				break
			}
			f.Cursor = next
		}
	}
	return done, nil
}

// expireContactsOf erases consultation id's contacts in one commit;
// false if they were erased already (or are not due).
func (s *Service) expireContactsOf(ctx context.Context, id string, retention time.Duration) (bool, error) {
	erased := false
	err := consultation.Retry(func() error {
		c, err := s.Consultations.Store.Consultation(ctx, id)
		if err != nil {
			return err
		}
		now := s.now()
		if !ContactsDue(c, retention, now) {
			return nil
		}
		n := 0
		f := Filter{ConsultationID: id, Limit: 500}
		for {
			page, next, err := s.Store.Comments(ctx, f)
			if err != nil {
				return err
			}
			for _, cm := range page {
				if cm.ContactEmail != "" || cm.ContactPhone != "" {
					n++
				}
			}
			if next == "" || len(page) == 0 {
				break
			}
			f.Cursor = next
		}
		notifications, followers := 0, 0
		if s.ContactHolders != nil {
			if notifications, followers, err = s.ContactHolders(ctx, id); err != nil {
				return err
			}
		}
		c.ContactsExpiredAt = &now
		ch := &Change{Change: consultation.Change{Consultation: c, Write: consultation.Update}, ExpireContacts: true}
		if err := s.Consultations.Record(&ch.Change, auth.Principal{}, "contacts.expired", true, map[string]any{
			"comments": n, "notifications": notifications, "followers": followers,
			"retention_days": int(retention / (24 * time.Hour))}); err != nil {
			return err
		}
		if err := s.commit(ctx, ch); err != nil {
			return err
		}
		erased = true
		return nil
	})
	return erased, err
}
