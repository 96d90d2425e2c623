package web

import (
	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/attachment"
	"yugongkai/consultation"
)

// The supporting documents tab of the staff workspace (起草说明, 依据,
// 背景材料, 解读; consultation/documents.go): the documents attached so
// far and a form to attach the next, one file per submission (no JS).

type documentsPageData struct {
	workBase
	Documents []consultation.Document
	Roles     []option
	Title     string
	Errors    formErrors
	Files     attachment.Limits
}

func (s *Server) documentsPageRoutes() {
	s.App.Get("/staff/consultations/:id/documents", s.workDocumentsPage)
	s.App.Post("/staff/consultations/:id/documents", attachmentLimit(attachment.ForNotice, DefaultBodyLimit), s.workDocumentsSubmit)
}

func (s *Server) documentsData(c *fiber.Ctx, role consultation.DocumentRole, title string) (documentsPageData, error) {
	w, err := s.workData(c, "documents", "page.documents.title")
	if err != nil {
		return documentsPageData{}, err
	}
	d := documentsPageData{workBase: w, Documents: w.C.Documents, Title: title, Files: attachment.Table[attachment.ForNotice]}
	for _, r := range consultation.DocumentRoles {
		if w.C.AcceptsDocument(r) {
			d.Roles = append(d.Roles, option{string(r), w.T("document.role." + string(r)), r == role})
		}
	}
	return d, nil
}

func (s *Server) workDocumentsPage(c *fiber.Ctx) error {
	d, err := s.documentsData(c, "", "")
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "work_documents", d)
}

func (s *Server) workDocumentsSubmit(c *fiber.Ctx) error {
	f := consultation.DocumentForm{Role: consultation.DocumentRole(c.FormValue("role")), Title: formText(c, "title")}
	d, err := s.documentsData(c, f.Role, f.Title)
	if err != nil {
		return err
	}
	files, err := pageFiles(c)
	if err == nil {
		switch len(files) {
		case 0:
		case 1:
			f.File = files[0]
		default:
			var fe apperr.Fields
			fe.Add("attachment", "attachment.too_many", 1)
			err = fe.Err()
		}
	}
	if err == nil {
		_, err = s.cfg.Consultations.AttachDocument(c.UserContext(), d.User, d.C.ID, f)
	}
	if apperr.Is(err, apperr.TooLarge) {
		var status int
		d.Errors, status = attachmentFieldErrors(d.Lang, err)
		return s.render(c, status, "work_documents", d)
	}
	if fe := formOrConflict(d.Lang, err, "role"); fe != nil {
		d.Errors = fe
		return s.render(c, fiber.StatusUnprocessableEntity, "work_documents", d)
	}
	if err != nil {
		return err
	}
	return redirectWork(c, d.C.ID, "documents", "document", "")
}
