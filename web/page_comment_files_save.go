package web

import (
	"github.com/gofiber/fiber/v2"

	"yugongkai/comments"
)

// workCommentFileSave publishes or restricts one file of a comment from the
// comment's files page and goes back to it; a refused form (a restriction
// without a reason) comes back with the message beside the file.
func (s *Server) workCommentFileSave(c *fiber.Ctx) error {
	d, err := s.commentFilesData(c)
	if err != nil {
		return err
	}
	f := comments.AttachmentForm{Action: comments.AttachmentAction(c.FormValue("action")), Reason: c.FormValue("reason")}
	_, err = s.cfg.Comments.SetAttachment(c.UserContext(), d.User, d.Comment.ID, c.Params("aid"), f)
	if fe := fieldErrors(d.Lang, err); fe != nil {
		d.Failed, d.Reason, d.Errors = c.Params("aid"), f.Reason, fe
		return s.render(c, fiber.StatusUnprocessableEntity, "work_comment_files", d)
	}
	if err != nil {
		return err
	}
	return redirectWork(c, d.C.ID, "comments/"+d.Comment.ID+"/files", "attachment", "att-"+d.Comment.ID)
}
