package comments

import (
	"context"
	"encoding/json"
	"sort"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
)

// Facts counts the comment record of c for the procedure statement and the
// review package check (consultation.Service.Facts).
func (s *Service) Facts(ctx context.Context, c *consultation.Consultation) (consultation.RecordFacts, error) {
	f := consultation.RecordFacts{ByChannel: map[string]int{}}
	count := s.liveCounter(ctx, c) // withdraw.go
	var err error
	if f.Received, err = count(CountFilter{}); err != nil {
		return f, err
	}
	if f.Published, err = count(CountFilter{Status: Published}); err != nil {
		return f, err
	}
	if f.Declined, err = count(CountFilter{Status: Declined}); err != nil {
		return f, err
	}
	if f.Undisposed, err = count(CountFilter{Undisposed: true}); err != nil {
		return f, err
	}
	if f.Undisposed > 0 {
		list, _, err := s.Store.Comments(ctx, Filter{ConsultationID: c.ID, Undisposed: true, Limit: consultation.MaxUnanswered})
		if err != nil {
			return f, err
		}
		for _, cm := range list {
			if cm.Status != Withdrawn {
				f.Unanswered = append(f.Unanswered, cm.Receipt)
			}
		}
	}
	for _, ch := range Channels {
		n, err := count(CountFilter{Channel: ch})
		if err != nil {
			return f, err
		}
		if n > 0 {
			f.ByChannel[string(ch)] = n
		}
	}
	return f, nil
}

// ArchiveEntry is one comment in the decision archive: the public copy and
// its disposition history (public fields only).
type ArchiveEntry struct {
	PublicComment
	Status       Status              `json:"status"`
	Dispositions []PublicDisposition `json:"dispositions,omitempty"`
}

// Archive returns the public copies of every published comment of c with
// their dispositions, in (received, id) order, for the archive
// (consultation.CommentsArchiver). Declined comments appear only as counts
// in the report; their text is not public.
func (s *Service) Archive(ctx context.Context, actor auth.Principal, c *consultation.Consultation) (json.RawMessage, error) {
	var out []ArchiveEntry
	cursor := ""
	for {
		page, next, err := s.Store.Comments(ctx, Filter{ConsultationID: c.ID, Status: Published, Cursor: cursor, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, cm := range page {
			e := ArchiveEntry{PublicComment: cm.Public(), Status: cm.Status}
			for _, d := range cm.Dispositions {
				e.Dispositions = append(e.Dispositions, *publicDisposition(&d))
			}
			out = append(out, e)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	out, err := s.archiveWithdrawn(ctx, c, out) // withdraw.go
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ArchiveEntry{}
	}
	raw, err := json.Marshal(out)
	if err != nil {
		return nil, apperr.Wrap(err, "encode archive comments")
	}
	return raw, nil
}

// Linked returns, for each article id named in a published comment's
// adopted or partially adopted disposition, the public copies of those
// comments: the traceability shown beside the redline.
func (s *Service) Linked(ctx context.Context, c *consultation.Consultation) (map[string][]PublicComment, error) {
	out := map[string][]PublicComment{}
	cursor := ""
	for {
		page, next, err := s.Store.Comments(ctx, Filter{ConsultationID: c.ID, Status: Published,
			Outcomes: []Outcome{Adopted, PartiallyAdopted}, Cursor: cursor, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, cm := range page {
			d := cm.Disposition
			for _, id := range d.ChangedArticles {
				out[id] = append(out[id], cm.Public())
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	for id := range out {
		sort.SliceStable(out[id], func(i, j int) bool { return out[id][i].ReceivedAt.Before(out[id][j].ReceivedAt) })
	}
	return out, nil
}
