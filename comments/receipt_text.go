package comments

import (
	"context"

	"yugongkai/consultation"
)

// receiptText adds to a receipt what only its holder sees: the text as
// submitted and the label of the article (in the version it was made on,
// else the public one), and whether a contact is kept.
func (s *Service) receiptText(ctx context.Context, st *ReceiptStatus, c *consultation.Consultation, cm *Comment) {
	st.Body, st.ArticleID = cm.Body, cm.ArticleID
	st.HasContact = cm.ContactEmail != "" || cm.ContactPhone != ""
	if cm.ArticleID == "" {
		return
	}
	for _, n := range []int{cm.Version, c.PublicVersion} {
		if n <= 0 {
			continue
		}
		v, err := s.Consultations.Store.Version(ctx, c.ID, n)
		if err != nil {
			continue
		}
		for _, a := range v.Articles() {
			if a.ID == cm.ArticleID {
				st.ArticleLabel = a.Label
				return
			}
		}
	}
}
