package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/i18n"
)

// The staff search page: a GET form (no JavaScript) over every comment of
// the consultation and its files' text (comments.Service.StaffSearch), for
// the department and the legal office. A page shows the hits of one scan
// and a link that goes on from where it stopped.

type workSearchData struct {
	workBase
	Q      string
	Page   *comments.StaffSearchPage
	Errors formErrors
	// NextURL goes on with the search; "" at the end.
	NextURL string
	// Manage: the viewer manages the consultation (links to its files).
	Manage bool
}

func (s *Server) workSearchPage(c *fiber.Ctx) error {
	p, err := requirePage(c, auth.Staff, auth.Legal)
	if err != nil {
		return err
	}
	x, err := s.cfg.Consultations.Get(c.UserContext(), p, c.Params("id"))
	if err != nil {
		return err
	}
	if !comments.CanStaffSearch(p, x) {
		return apperr.New(apperr.Forbidden, "auth.department_only")
	}
	lang := langOf(c)
	d := workSearchData{workBase: workBase{pageBase: s.base(c, i18n.T(lang, "page.work.search_title")+" · "+x.Title), C: x, Tab: "search",
		Comments: true, Notify: s.cfg.Notify != nil, Visitor: !consultation.CanManage(p, x)}, Q: c.Query("q"), Manage: consultation.CanManage(p, x)}
	if !c.Context().QueryArgs().Has("q") {
		return s.render(c, fiber.StatusOK, "work_search", d)
	}
	q, err := staffSearchQuery(c)
	if err != nil {
		return err
	}
	page, err := s.cfg.Comments.StaffSearch(c.UserContext(), p, x.ID, q)
	if fe := fieldErrors(lang, err); fe != nil {
		d.Errors = fe
		return s.render(c, fiber.StatusUnprocessableEntity, "work_search", d)
	}
	if err != nil {
		return err
	}
	d.Page = &page
	if page.Next != "" {
		d.NextURL = d.WorkURL("search") + "?" + url.Values{"q": {d.Q}, "cursor": {page.Next}}.Encode()
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return s.render(c, fiber.StatusOK, "work_search", d)
}

// StaffQ and StaffQError fill the search box of the other work pages
// (_staffsearch.html): empty. The search page's own are below.
func (w workBase) StaffQ() string      { return "" }
func (w workBase) StaffQError() string { return "" }

func (d workSearchData) StaffQ() string      { return d.Q }
func (d workSearchData) StaffQError() string { return d.Errors.Err("q") }

func (s *Server) staffSearchPageRoutes() {
	if s.cfg.Comments == nil {
		return
	}
	s.App.Get("/staff/consultations/:id/search", s.workSearchPage)
}
