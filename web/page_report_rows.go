package web

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/i18n"
)

// reportPageRows is how many rows of the adoption report's table a page shows.
const reportPageRows = 100

// reportRowsPage reads the page of the report's table the request asks
// for (?after=) into r.Rows and returns its links: the next page, and the
// first page from any later one (the table pages forward only).
func (s *Server) reportRowsPage(c *fiber.Ctx, x *consultation.Consultation, r *comments.Report) (pager, error) {
	lang, after := langOf(c), strings.Clone(c.Query("after"))
	rows, next, err := s.cfg.Comments.ReportRows(c.UserContext(), principal(c), x.ID, after, reportPageRows)
	if err != nil {
		return pager{}, err
	}
	r.Rows = rows
	base := "/consultations/" + url.PathEscape(x.ID) + "/report"
	p := pager{After: after, Label: i18n.T(lang, "page.pager.label"), PrevText: i18n.T(lang, "page.pager.first"), NextText: i18n.T(lang, "page.pager.next"), First: true}
	if after != "" {
		p.PrevURL = base + "#rows-h"
	}
	if next != "" {
		p.NextURL = base + "?" + url.Values{"after": {next}}.Encode() + "#rows-h"
	}
	return p, nil
}
