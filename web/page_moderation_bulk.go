package web

import (
	"github.com/gofiber/fiber/v2"

	"yugongkai/comments"
)

// Moderation in bulk: every comment of the moderation page has a checkbox
// of the bulk form (form="bulk-form"), and the form at the top, which stays
// in view, publishes or declines the selected ones, or all on the page,
// with one reason and note (comments.ModerateMany, one commit). Afterwards
// the page opens at the comment after the last one handled.

// postValues are the values of a repeated urlencoded form field.
func postValues(c *fiber.Ctx, name string) []string {
	var out []string
	for _, v := range c.Context().PostArgs().PeekMulti(name) {
		out = append(out, string(v))
	}
	return out
}

// nextAfter is the id of the first item after the last selected one that
// was not selected (wrapping to the first unselected), "" when none is left.
func nextAfter(items []moderationItem, selected map[string]bool) string {
	last := -1
	for i, it := range items {
		if selected[it.ID] {
			last = i
		}
	}
	for _, from := range []int{last + 1, 0} {
		for i := from; i < len(items); i++ {
			if !selected[items[i].ID] {
				return items[i].ID
			}
		}
	}
	return ""
}

func (s *Server) workModerationBulkSubmit(c *fiber.Ctx) error {
	d, err := s.moderationData(c)
	if err != nil {
		return err
	}
	ids := postValues(c, "ids")
	if c.FormValue("all") != "" {
		ids = postValues(c, "page_ids")
	}
	f := comments.ModerationForm{Action: comments.Action(c.FormValue("action")), Reason: comments.DeclineReason(c.FormValue("reason")), Note: formText(c, "note")}
	if f.Action == comments.Publish {
		f.Reason = ""
	}
	selected := map[string]bool{}
	for _, id := range ids {
		selected[id] = true
	}
	n, err := s.cfg.Comments.ModerateMany(c.UserContext(), d.User, d.C.ID, ids, f)
	if fe := fieldErrors(d.Lang, err); fe != nil {
		d.BulkErrors, d.BulkReason, d.BulkNote, d.BulkAll = fe, string(f.Reason), f.Note, c.FormValue("all") != ""
		for i := range d.Items {
			d.Items[i].Selected = selected[d.Items[i].ID]
		}
		return s.render(c, fiber.StatusUnprocessableEntity, "work_moderation", d)
	}
	if err != nil {
		return err
	}
	done := "bulk_published"
	if f.Action == comments.Decline {
		done = "bulk_declined"
	}
	if n == 0 {
		done = "bulk_none"
	}
	anchor := ""
	if next := nextAfter(d.Items, selected); next != "" {
		anchor = "m-" + next
	}
	return redirectWorkPage(c, d.C.ID, "moderation", done, anchor, d.Pager, nil)
}
