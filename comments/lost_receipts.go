package comments

import (
	"context"
	"strings"
	"time"

	"yugongkai/consultation"
	"yugongkai/i18n"
	"yugongkai/vcode"
)

// Lost receipts: whoever has lost the receipt codes of their comments asks
// for them by the contact they gave, and gets them in ONE message to that
// contact. Whether the contact gave any comment is not disclosed: the
// answer, its status and the work done before it (parse, limits) are the
// same for every contact; the lookup, and the message if there is one, are
// done after the answer (WaitSends), so neither their cost nor their
// failure reaches the asker.

// MaxLostReceipts caps the receipts one message lists (the most recent);
// the message says so when there are more.
const MaxLostReceipts = 50

// lostReceiptsTimeout bounds the composing and sending of one message.
const lostReceiptsTimeout = time.Minute

// ContactKeys returns the keyed hashes (vcode.Hasher.ContactKey) of the
// normalized email and phone c keeps, "" for a contact it has not: what
// the stores index so that lost receipts are found by contact without the
// contact itself being indexed.
func ContactKeys(h vcode.Hasher, c *Comment) (email, phone string) {
	if c.ContactEmail != "" {
		email = h.ContactKey(vcode.MustParse(c.ContactEmail))
	}
	if c.ContactPhone != "" {
		phone = h.ContactKey(vcode.MustParse(c.ContactPhone))
	}
	return email, phone
}

// SendLostReceipts sends to contact, if comments were submitted with it
// (and still keep it), one message listing their receipt codes, newest
// first, at most MaxLostReceipts; if none was, it sends nothing. It answers
// the same either way, before the lookup: a failure of the lookup or of
// the send is logged (without the contact), not returned. Every request
// counts against the per-contact limit of codes (vcode); the web layer
// limits per client IP. Errors: Invalid (field contact), RateLimited,
// NotFound / Internal with key vcode.unavailable (no sender).
func (s *Service) SendLostReceipts(ctx context.Context, contact, lang string) error {
	codes, err := s.codes()
	if err != nil {
		return err
	}
	c, err := vcode.Parse(contact)
	if err != nil {
		return err
	}
	if err := codes.Allow(c); err != nil {
		return err
	}
	s.sending.Add(1)
	go func() {
		defer s.sending.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lostReceiptsTimeout)
		defer cancel()
		n, err := s.sendLostReceipts(ctx, codes, c, lang)
		if err != nil && s.Consultations != nil && s.Consultations.Log != nil {
			// The error may quote the address (an SMTP refusal): never log it.
			msg := strings.ReplaceAll(err.Error(), c.Address, "[contact]")
			s.Consultations.Log.Error("send lost receipts", "channel", c.Channel, "comments", n, "err", msg)
		}
	}()
	return nil
}

// sendLostReceipts looks up the comments of c and sends their list, or
// nothing when there are none; it returns how many it found.
func (s *Service) sendLostReceipts(ctx context.Context, codes *vcode.Service, c vcode.Contact, lang string) (int, error) {
	list, err := s.Store.CommentsByContact(ctx, c, MaxLostReceipts+1)
	if err != nil || len(list) == 0 {
		return 0, err
	}
	m, err := s.lostReceiptsMessage(ctx, c, lang, list)
	if err != nil {
		return len(list), err
	}
	return len(list), codes.Deliver(ctx, m)
}

// WaitSends waits for the lost-receipt messages being sent (at shutdown,
// and in tests before looking at what was sent).
func (s *Service) WaitSends() { s.sending.Wait() }

// lostReceiptsMessage lists list (newest first, one more than the cap
// meaning "and older ones") in lang; an SMS is in zh-CN.
func (s *Service) lostReceiptsMessage(ctx context.Context, c vcode.Contact, lang string, list []*Comment) (vcode.Message, error) {
	l := i18n.Parse(lang)
	if c.Channel == vcode.SMS {
		l = i18n.ZH
	}
	more := len(list) > MaxLostReceipts
	if more {
		list = list[:MaxLostReceipts]
	}
	type known struct {
		c      *consultation.Consultation
		labels map[int]map[string]string // by version, article id
	}
	cache := map[string]*known{}
	label := func(k *known, n int, article string) string {
		if n <= 0 {
			return ""
		}
		if k.labels[n] == nil {
			k.labels[n] = map[string]string{}
			if v, err := s.Consultations.Store.Version(ctx, k.c.ID, n); err == nil {
				for _, a := range v.Articles() {
					k.labels[n][a.ID] = a.Label
				}
			}
		}
		return k.labels[n][article]
	}
	var lines []string
	for _, cm := range list {
		k := cache[cm.ConsultationID]
		if k == nil {
			cons, err := s.Consultations.Store.Consultation(ctx, cm.ConsultationID)
			if err != nil {
				return vcode.Message{}, err
			}
			k = &known{c: cons, labels: map[int]map[string]string{}}
			cache[cm.ConsultationID] = k
		}
		article := i18n.T(l, "page.receipt.whole")
		if cm.ArticleID != "" {
			// The label in the version commented on, else the public one.
			article = label(k, cm.Version, cm.ArticleID)
			if article == "" {
				article = label(k, k.c.PublicVersion, cm.ArticleID)
			}
		}
		line := i18n.T(l, "receipts.lost.line", cm.Receipt, k.c.Title, consultation.FormatDateTime(cm.ReceivedAt), article)
		if cm.Status == Withdrawn {
			line += i18n.T(l, "receipts.lost.withdrawn")
		}
		lines = append(lines, line)
	}
	if more {
		lines = append(lines, i18n.T(l, "receipts.lost.more", MaxLostReceipts))
	}
	lines = append(lines, i18n.T(l, "receipts.lost.lookup"))
	return vcode.Message{Purpose: vcode.LostReceipts, Contact: c, Lang: string(l), Notice: "receipts.lost.intro",
		Params: []any{len(list)}, Lines: lines}, nil
}
