package web

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yugongkai/consultation"
	"yugongkai/i18n"
	"yugongkai/search"
)

// searchPageRoutes registers the search page once the search service is
// wired (Config.Search).
func (s *Server) searchPageRoutes() {
	if s.cfg.Search != nil {
		s.App.Get("/search", s.searchPage)
	}
}

// searchResult is a hit with its snippet cut around the match, so the
// template escapes the text and marks only the match.
type searchResult struct {
	search.Hit
	Before, Match, After string
	URL                  string
}

type searchPageData struct {
	pageBase
	Query       string
	Results     []searchResult
	Searched    bool
	Statuses    []option
	Departments []option
	Types       []option
	Kinds       []option
	NextURL     string
	// Behind is how many records the index has still to take in (its
	// queue), so that a missing fresh comment is explained.
	Behind int
}

// searchPageSize is how many hits a page of results shows.
const searchPageSize = 20

// searchPage searches consultations and published comments (full text,
// Chinese) with the list's filters; an empty query shows the form only.
func (s *Server) searchPage(c *fiber.Ctx) error {
	ctx, lang := c.UserContext(), langOf(c)
	q := strings.TrimSpace(c.Query("q"))
	f, err := searchFilter(c)
	if err != nil {
		return err
	}
	d := searchPageData{pageBase: s.base(c, i18n.T(lang, "page.fts.title")), Query: q}
	for _, st := range consultation.States {
		if st != consultation.Draft {
			d.Statuses = append(d.Statuses, option{string(st), i18n.T(lang, "state."+string(st)), st == f.Status})
		}
	}
	for _, t := range consultation.ProcedureTypes {
		d.Types = append(d.Types, option{string(t), i18n.T(lang, "type."+string(t)), t == f.ProcedureType})
	}
	for _, k := range []search.Kind{search.KindConsultation, search.KindComment} {
		d.Kinds = append(d.Kinds, option{string(k), i18n.T(lang, "page.fts.kind."+string(k)), k == f.Kind})
	}
	depts, err := s.cfg.Auth.Store.Departments(ctx)
	if err != nil {
		return err
	}
	for _, dep := range depts {
		d.Departments = append(d.Departments, option{dep.ID, dep.Name, dep.ID == f.DepartmentID})
	}
	if q == "" {
		return s.render(c, fiber.StatusOK, "search", d)
	}
	hits, err := s.cfg.Search.Search(ctx, q, f, searchPageSize)
	if err != nil {
		return err
	}
	d.Searched = true
	d.Behind, _ = s.cfg.Search.Lag(ctx) // unknown: say nothing
	for _, h := range hits {
		d.Results = append(d.Results, resultOf(h))
	}
	if len(hits) == searchPageSize {
		next, _ := url.ParseQuery(string(c.Request().URI().QueryString()))
		next.Set("after", hits[len(hits)-1].Cursor)
		next.Del("lang")
		d.NextURL = "/search?" + next.Encode()
	}
	return s.render(c, fiber.StatusOK, "search", d)
}

// resultOf cuts the snippet at the match (rune offsets) and links the hit.
func resultOf(h search.Hit) searchResult {
	r := searchResult{Hit: h, URL: consultationURL(h.ConsultationID)}
	if h.Kind == search.KindComment {
		r.URL = consultationURL(h.ConsultationID) + "/comments"
	}
	runes := []rune(h.Snippet)
	start, end := h.Match[0], h.Match[1]
	if start < 0 || end > len(runes) || start > end {
		r.Before = h.Snippet
		return r
	}
	r.Before, r.Match, r.After = string(runes[:start]), string(runes[start:end]), string(runes[end:])
	return r
}
