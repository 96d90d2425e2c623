package comments

import (
	"context"
	"strings"
	"time"

	"yugongkai/apperr"
	"yugongkai/consultation"
)

// decidedNotifications tells the commenter of cm that the decision is
// published, and which articles of it the answer to cm changed (labels
// maps the final text's article ids to their labels).
func decidedNotifications(c *consultation.Consultation, cm *Comment, labels map[string]string, now time.Time) []consultation.Notification {
	if c.Final == nil {
		return nil
	}
	var changed []string
	if cm.Disposition != nil {
		for _, id := range cm.Disposition.ChangedArticles {
			if l := labels[id]; l != "" {
				changed = append(changed, l)
			}
		}
	}
	return notifications(c, cm, consultation.NotifyDecided, map[string]string{
		"decision_title": c.Final.Title, "document_number": c.Final.DocumentNumber,
		"changed_articles": strings.Join(changed, "、"), "consultation_id": c.ID}, now)
}

// finalLabels maps the article ids of the text c's finalization publishes
// (the reviewed version, which the final text copies) to their labels.
func (s *Service) finalLabels(ctx context.Context, c *consultation.Consultation) (map[string]string, error) {
	labels := map[string]string{}
	if s.Consultations == nil || c.CurrentVersion < 1 {
		return labels, nil
	}
	for _, n := range []int{c.CurrentVersion, c.CurrentVersion - 1} {
		if n < 1 {
			continue
		}
		v, err := s.Consultations.Store.Version(ctx, c.ID, n)
		if apperr.Is(err, apperr.NotFound) {
			continue // the final version is written by the commit that sends these
		}
		if err != nil {
			return nil, err
		}
		for _, a := range v.Articles() {
			labels[a.ID] = a.Label
		}
		return labels, nil
	}
	return labels, nil
}
