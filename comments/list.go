package comments

import (
	"context"
	"strings"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
)

// ListFilter is what GET /consultations/{id}/comments accepts.
type ListFilter struct {
	// Status is pending|published|declined|all for staff ("" = all); the
	// public always gets published comments and may only ask for those.
	Status string
	// ArticleID filters by article; nil: every comment, "": whole-draft comments.
	ArticleID *string
	Cursor    string
	Limit     int
	// Before lists the page before a position (see Filter.Before).
	Before string
}

// Page is one page of the list. Exactly one of Comments (staff: originals
// and contact data) and Public (everyone else) is set; Internal says which.
// Public code paths serialize only Public.
type Page struct {
	Internal bool             `json:"internal"`
	Comments []*Comment       `json:"comments,omitempty"`
	Public   []*PublicComment `json:"public,omitempty"`
	Next     string           `json:"next,omitempty"`
}

// CanSeeOriginals reports whether p sees every comment of c with its original
// text and contact data: staff of the owning department, legal and admin.
func CanSeeOriginals(p auth.Principal, c *consultation.Consultation) bool {
	return consultation.CanSeeInternal(p, c)
}

// List returns a page of a consultation's comments. Staff of the owning
// department, legal and admin get every comment (filtered by status) with
// originals; everyone else gets published public copies, each group once
// with its count, in (first received, group) order with keyset pagination.
// Errors: NotFound (consultation not visible), Invalid (status), BadRequest
// (cursor).
func (s *Service) List(ctx context.Context, actor auth.Principal, consultationID string, f ListFilter) (Page, error) {
	c, err := s.Consultations.Get(ctx, actor, consultationID)
	if err != nil {
		return Page{}, err
	}
	status := strings.TrimSpace(f.Status)
	switch Status(status) {
	case "", "all", Pending, Published, Declined, Withdrawn:
	default:
		return Page{}, apperr.New(apperr.Invalid, "error.bad_param", "status")
	}
	if CanSeeOriginals(actor, c) {
		if f.Limit <= 0 || f.Limit > 500 {
			f.Limit = 50
		}
		sf := Filter{ConsultationID: c.ID, ArticleID: f.ArticleID, Cursor: f.Cursor, Limit: f.Limit, Before: f.Before}
		if status != "all" {
			sf.Status = Status(status)
		}
		list, next, err := s.Store.Comments(ctx, sf)
		if err != nil {
			return Page{}, err
		}
		return Page{Internal: true, Comments: list, Next: next}, nil
	}
	if status != "" && status != string(Published) {
		return Page{}, apperr.New(apperr.Forbidden, "error.forbidden")
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	public, next, err := s.publicPage(ctx, c.ID, f.ArticleID, f.Cursor, f.Limit)
	if err != nil {
		return Page{}, err
	}
	return Page{Public: public, Next: next}, nil
}

// publicPage pages over groups with a published member and fetches their
// representatives by id: two store calls per page, no offset.
func (s *Service) publicPage(ctx context.Context, consultationID string, article *string, cursor string, limit int) ([]*PublicComment, string, error) {
	groups, next, err := s.Store.PublicGroups(ctx, GroupFilter{ConsultationID: consultationID, ArticleID: article, Cursor: cursor, Limit: limit})
	if err != nil {
		return nil, "", err
	}
	ids := make([]string, 0, len(groups))
	for _, g := range groups {
		ids = append(ids, g.RepID)
	}
	reps, err := s.Store.CommentsByID(ctx, ids)
	if err != nil {
		return nil, "", err
	}
	byID := make(map[string]*Comment, len(reps))
	for _, r := range reps {
		byID[r.ID] = r
	}
	out := make([]*PublicComment, 0, len(groups))
	for _, g := range groups {
		r, ok := byID[g.RepID]
		if !ok || r.Status != Published {
			continue // moved or declined between the two reads
		}
		p := r.Public()
		p.GroupID, p.Count = g.ID, g.Count
		if g.Disposition != nil && r.Disposition == nil {
			p.Disposition = publicDisposition(g.Disposition)
		}
		out = append(out, &p)
	}
	return out, next, nil
}
