package comments

import (
	"context"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
)

// MaxMine is how many of an account's comments 我的意见 lists (newest first).
const MaxMine = 500

// MyComment is one of the account's own comments, as its author sees it:
// the text as submitted, where it stands, the answer, and what became of
// the article it was about.
type MyComment struct {
	ReceiptStatus // with the text as submitted and the article's label
	// Fate is what the newest public version did to the article (changed,
	// moved, deleted, …); nil for a comment on the whole draft, or while
	// there is no newer public version.
	Fate *consultation.ArticleFate `json:"fate,omitempty"`
}

// Mine returns the comments submitted through actor's account, newest
// first (at most MaxMine). Errors: Unauthorized (anonymous).
func (s *Service) Mine(ctx context.Context, actor auth.Principal) ([]MyComment, error) {
	if actor.Anonymous() {
		return nil, apperr.New(apperr.Unauthorized, "error.unauthorized")
	}
	list, err := s.Store.CommentsByUser(ctx, actor.UserID, MaxMine)
	if err != nil {
		return nil, err
	}
	type known struct {
		c      *consultation.Consultation
		labels map[string]string
		fates  map[string]consultation.ArticleFate
	}
	cache := map[string]*known{}
	anyone := auth.Principal{} // what the public may see of the consultation's versions
	out := make([]MyComment, 0, len(list))
	for _, cm := range list {
		k := cache[cm.ConsultationID]
		if k == nil {
			c, err := s.Consultations.Store.Consultation(ctx, cm.ConsultationID)
			if err != nil {
				return nil, err
			}
			c.Settle(s.now())
			k = &known{c: c, labels: map[string]string{}}
			if c.PublicVersion > 0 {
				if v, err := s.Consultations.Store.Version(ctx, c.ID, c.PublicVersion); err == nil {
					for _, a := range v.Articles() {
						k.labels[a.ID] = a.Label
					}
				}
			}
			if k.fates, err = s.Consultations.ArticleFatesOf(ctx, anyone, c); err != nil {
				return nil, err
			}
			cache[cm.ConsultationID] = k
		}
		m := MyComment{ReceiptStatus: ReceiptStatus{Code: cm.Receipt, LeafIndex: cm.LeafIndex, ReceivedAt: cm.ReceivedAt, BodySHA256: cm.BodySHA256,
			Status: cm.Status, Disposition: publicDisposition(cm.Disposition), ConsultationID: k.c.ID, ConsultationTitle: k.c.Title,
			ConsultationState: string(k.c.State), Body: cm.Body, ArticleID: cm.ArticleID, ArticleLabel: k.labels[cm.ArticleID],
			HasContact: cm.ContactEmail != "" || cm.ContactPhone != ""}}
		if cm.Status == Declined && cm.Moderation != nil {
			m.DeclineReason = cm.Moderation.Reason
		}
		withdrawalStatus(&m.ReceiptStatus, k.c, cm, s.now()) // withdraw.go
		if f, ok := k.fates[cm.ArticleID]; ok && cm.ArticleID != "" && f.Status != "unchanged" {
			m.Fate = &f
		}
		out = append(out, m)
	}
	return out, nil
}
