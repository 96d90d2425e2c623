package web

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yugongkai/comments"
	"yugongkai/i18n"
)

// Staff pages over large lists are paged by keyset (comments.Neighbours):
// a page is addressed by ?after= (forward from a position) or ?before=
// (the page ending at a position), plain links that work without
// JavaScript. Forms on such a page carry the position (template
// "pagerkeep") so that after a post the browser returns to the same page.

// pager is the data of the "pager" and "pagerkeep" templates.
type pager struct {
	// After and Before are the position the page was asked with.
	After, Before string
	// PrevURL and NextURL are "" when there is no such page.
	PrevURL, NextURL          string
	Label, PrevText, NextText string
	// First: the previous link goes to the first page (lists paged forward only).
	First bool
}

// pagePosition reads the page's position from the query or the posted form.
func pagePosition(c *fiber.Ctx) (after, before string) {
	after = strings.Clone(c.FormValue("after"))
	before = strings.Clone(c.FormValue("before"))
	if after != "" {
		before = ""
	}
	return after, before
}

// newPager builds the links of a page at base (with the query q, which it
// does not change) listed with (after, before) for which the store
// returned returned.
func newPager(lang i18n.Lang, base string, q url.Values, after, before, returned string) pager {
	p := pager{After: after, Before: before, Label: i18n.T(lang, "page.pager.label"),
		PrevText: i18n.T(lang, "page.pager.prev"), NextText: i18n.T(lang, "page.pager.next")}
	prev, next := comments.Neighbours(after, before, returned)
	link := func(key, pos string) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set(key, pos)
		return base + "?" + v.Encode()
	}
	if prev != "" {
		p.PrevURL = link("before", prev)
	}
	if next != "" {
		p.NextURL = link("after", next)
	}
	return p
}

// Query is the page's position as query parameters ("" on the first page).
func (p pager) Query() url.Values {
	v := url.Values{}
	if p.After != "" {
		v.Set("after", p.After)
	}
	if p.Before != "" {
		v.Set("before", p.Before)
	}
	return v
}

// redirectWorkPage is redirectWork back to the page at position p.
func redirectWorkPage(c *fiber.Ctx, id, page, done, anchor string, p pager, extra url.Values) error {
	q := p.Query()
	for k, vs := range extra {
		q[k] = vs
	}
	if done != "" {
		q.Set("done", done)
	}
	u := "/staff/consultations/" + url.PathEscape(id) + "/" + page
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	if anchor != "" {
		u += "#" + anchor
	}
	return c.Redirect(u, fiber.StatusSeeOther)
}

// hiddenField is a name and value a form posts back unchanged.
type hiddenField struct{ Name, Value string }

// Dispositions page size: groups per page, the members shown with each,
// and members per page of one group (?group=).
const (
	workspaceGroups  = 50
	workspaceMembers = 10
	groupMembersPage = 100
)

// workspacePage reads the disposition workspace's page for the request
// (?article=, ?group=, ?after=, ?before=, from the query or the posted
// form) and sets the page's links and the fields its forms post back.
func (s *Server) workspacePage(c *fiber.Ctx, d *workDispositionsData) ([]comments.WorkspaceGroup, error) {
	ctx, w := c.UserContext(), d.workBase
	after, before := pagePosition(c)
	q := url.Values{}
	var article *string
	if c.Context().QueryArgs().Has("article") || c.Context().PostArgs().Has("article") {
		a := strings.Clone(c.FormValue("article"))
		article = &a
		q.Set("article", a)
	}
	if gid := strings.Clone(c.FormValue("group")); gid != "" {
		g, members, next, err := s.cfg.Comments.GroupMembers(ctx, w.User, w.C.ID, gid, after, before, groupMembersPage)
		if err != nil {
			return nil, err
		}
		d.Group = g.ID
		q.Set("group", g.ID)
		d.Pager = newPager(w.Lang, w.WorkURL("dispositions"), q, after, before, next)
		d.Keep = append(d.Keep, hiddenField{"group", g.ID})
		d.Keep = append(d.Keep, pagerFields(d.Pager)...)
		if len(members) == 0 {
			return nil, nil
		}
		return []comments.WorkspaceGroup{{Group: g, Members: members}}, nil
	}
	ws, err := s.cfg.Comments.Workspace(ctx, w.User, w.C.ID, comments.WorkspaceFilter{ArticleID: article, Cursor: after, Before: before,
		Limit: workspaceGroups, Members: workspaceMembers})
	if err != nil {
		return nil, err
	}
	d.Pager = newPager(w.Lang, w.WorkURL("dispositions"), q, after, before, ws.Next)
	if article != nil {
		d.Keep = append(d.Keep, hiddenField{"article", *article})
	}
	d.Keep = append(d.Keep, pagerFields(d.Pager)...)
	return ws.Groups, nil
}

func pagerFields(p pager) []hiddenField {
	var out []hiddenField
	for k, vs := range p.Query() {
		out = append(out, hiddenField{k, vs[0]})
	}
	return out
}

// workQuery is what a redirect after a post to the workspace keeps.
func (d workDispositionsData) workQuery() url.Values {
	q := url.Values{}
	for _, h := range d.Keep {
		q.Set(h.Name, h.Value)
	}
	return q
}
