package web

import (
	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/consultation"
	"yugongkai/search"
)

func init() {
	registerOperations(apiOperation{Method: "GET", Path: "/search", ID: "search", Summary: "Search consultations and published comments (Chinese 1–4 character queries; exact substring semantics)",
		Params: []string{"q", "status", "department", "type", "kind", "consultation", "after", "limit"}, Response: SearchResults{}})
}

// searchFilter reads the search filters from the query string.
func searchFilter(c *fiber.Ctx) (search.Filter, error) {
	f := search.Filter{
		Status:         consultation.State(c.Query("status")),
		DepartmentID:   c.Query("department"),
		ProcedureType:  consultation.ProcedureType(c.Query("type")),
		Kind:           search.Kind(c.Query("kind")),
		ConsultationID: c.Query("consultation"),
		After:          c.Query("after"),
	}
	if f.Status != "" && !f.Status.Valid() {
		return f, apperr.New(apperr.Invalid, "error.bad_param", "status")
	}
	if f.ProcedureType != "" && !f.ProcedureType.Valid() {
		return f, apperr.New(apperr.Invalid, "error.bad_param", "type")
	}
	if f.Kind != "" && f.Kind != search.KindConsultation && f.Kind != search.KindComment {
		return f, apperr.New(apperr.Invalid, "error.bad_param", "kind")
	}
	return f, nil
}

// SearchResults is a page of search hits; Next is the after= value of the
// next page.
type SearchResults struct {
	Hits []search.Hit `json:"hits"`
	Next string       `json:"next,omitempty"`
	// IndexLag is how many records the index has still to take in (absent
	// when it has caught up).
	IndexLag int `json:"index_lag,omitempty"`
}

func (s *Server) search(c *fiber.Ctx) error {
	f, err := searchFilter(c)
	if err != nil {
		return err
	}
	limit, err := intQuery(c, "limit", 20)
	if err != nil || limit > 100 {
		return apperr.New(apperr.Invalid, "error.bad_param", "limit")
	}
	hits, err := s.cfg.Search.Search(c.UserContext(), c.Query("q"), f, limit)
	if err != nil {
		return err
	}
	out := SearchResults{Hits: hits}
	// Records the index has still to take in: fresh comments may be missing.
	if lag, err := s.cfg.Search.Lag(c.UserContext()); err == nil && lag > 0 {
		out.IndexLag = lag
	}
	if len(hits) == limit && limit > 0 {
		out.Next = hits[len(hits)-1].Cursor
	}
	return c.JSON(out)
}
