package web

import (
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/attachment"
	"yugongkai/comments"
	"yugongkai/i18n"
)

// pageFiles reads the files of a page form ("attachment"); none for a
// form that is not multipart.
func pageFiles(c *fiber.Ctx) ([]attachment.File, error) {
	if !isMultipart(c) {
		return nil, nil
	}
	form, err := c.MultipartForm()
	if err != nil {
		return nil, apperr.New(apperr.BadRequest, "attachment.bad_form")
	}
	return formFiles(form)
}

// attachmentFieldErrors is fieldErrors that also shows a file over the size
// limit (413) beside the file input, so the form comes back with the
// visitor's text.
func attachmentFieldErrors(lang i18n.Lang, err error) (formErrors, int) {
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Kind == apperr.TooLarge && ae.Key == "attachment.too_large" {
		return formErrors{"attachment": i18n.T(lang, ae.Key, ae.Args...)}, http.StatusRequestEntityTooLarge
	}
	return fieldErrors(lang, err), http.StatusUnprocessableEntity
}

// workAttachmentSubmit publishes or restricts a comment's file from the
// moderation page and goes back to the comment there.
func (s *Server) workAttachmentSubmit(c *fiber.Ctx) error {
	f := comments.AttachmentForm{Action: comments.AttachmentAction(c.FormValue("action")), Reason: c.FormValue("reason")}
	cm, err := s.cfg.Comments.SetAttachment(c.UserContext(), principal(c), c.Params("cid"), c.Params("aid"), f)
	if err != nil {
		return err
	}
	if cm.ConsultationID != c.Params("id") {
		return apperr.ErrNotFound
	}
	return redirectWork(c, cm.ConsultationID, "moderation", "attachment", "m-"+cm.ID)
}
