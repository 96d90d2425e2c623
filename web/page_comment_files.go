package web

import (
	"github.com/gofiber/fiber/v2"

	"yugongkai/comments"
)

// The files of one comment, whatever its status: staff publish or
// restrict each (page_comment_files_save.go) after the comment itself was
// published, when it has left the moderation queue. Reached from the staff
// search's hits and from the dispositions page.

func (s *Server) commentFilesPageRoutes() {
	if s.cfg.Comments == nil {
		return
	}
	s.App.Get("/staff/consultations/:id/comments/:cid/files", s.workCommentFilesPage)
	s.App.Post("/staff/consultations/:id/comments/:cid/files/:aid", limitBody(DefaultBodyLimit), s.workCommentFileSave)
}

type workCommentFilesData struct {
	workBase
	Comment *comments.Comment
	// Failed is the id of the file whose form came back with Errors.
	Failed string
	Reason string
	Errors formErrors
}

// FilesURL is where the files' forms post (the "staffattachments" partial).
func (d workCommentFilesData) FilesURL() string {
	return d.WorkURL("comments") + "/" + d.Comment.ID + "/files"
}

func (s *Server) commentFilesData(c *fiber.Ctx) (workCommentFilesData, error) {
	w, err := s.workData(c, "commentfiles", "page.work.commentfiles_title")
	if err != nil {
		return workCommentFilesData{}, err
	}
	cm, err := s.cfg.Comments.ManagedComment(c.UserContext(), w.User, w.C.ID, c.Params("cid"))
	if err != nil {
		return workCommentFilesData{}, err
	}
	return workCommentFilesData{workBase: w, Comment: cm}, nil
}

func (s *Server) workCommentFilesPage(c *fiber.Ctx) error {
	d, err := s.commentFilesData(c)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "work_comment_files", d)
}
