package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/attachment"
	"yugongkai/consultation"
)

// Supporting documents of the notice (consultation/documents.go): staff
// upload one file per request (multipart: role, title, attachment); the
// notice page, the consultation's JSON and feed and the archive list them.

func (s *Server) documentRoutes(api fiber.Router) {
	api.Post("/consultations/:id/documents", attachmentLimit(attachment.ForNotice, DefaultBodyLimit), s.attachDocument)
	api.Get("/consultations/:id/documents", s.listDocuments)
	api.Get("/consultations/:id/documents/:did", s.documentFile)
}

func init() {
	registerOperations(
		apiOperation{Method: "POST", Path: "/consultations/{id}/documents", ID: "attachDocument", Auth: "staff",
			Summary: "Attach a supporting document to the current version (multipart/form-data: role drafting_explanation 起草说明, legal_basis 依据, background 背景材料 or interpretation 解读; optional title; the file as attachment: PDF, .docx or .xlsx, 20 MB); an event in the hash chain with the file's SHA-256",
			Files:   []string{"attachment"}, Form: consultation.DocumentForm{}, Status: 201, Response: consultation.Document{}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/documents", ID: "listDocuments",
			Summary: "The supporting documents: those of public versions for everyone, all for the department and the legal office", Response: List[consultation.Document]{}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/documents/{did}", ID: "documentFile", Summary: "Download a supporting document", Media: attachmentMedia()},
	)
}

func (s *Server) attachDocument(c *fiber.Ctx) error {
	if !isMultipart(c) {
		return apperr.New(apperr.BadRequest, "error.bad_content_type")
	}
	form, err := c.MultipartForm()
	if err != nil {
		return apperr.New(apperr.BadRequest, "attachment.bad_form")
	}
	var f consultation.DocumentForm
	for name, vs := range form.Value {
		if len(vs) != 1 {
			return apperr.New(apperr.BadRequest, "error.bad_param", name)
		}
		switch name {
		case "role":
			f.Role = consultation.DocumentRole(strings.Clone(vs[0]))
		case "title":
			f.Title = strings.Clone(vs[0])
		default:
			return apperr.New(apperr.BadRequest, "error.unknown_field", name)
		}
	}
	files, err := formFiles(form)
	if err != nil {
		return err
	}
	if len(files) > 1 {
		var fe apperr.Fields
		fe.Add("attachment", "attachment.too_many", 1)
		return fe.Err()
	}
	if len(files) == 1 {
		f.File = files[0]
	}
	d, err := s.cfg.Consultations.AttachDocument(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(d)
}

func (s *Server) listDocuments(c *fiber.Ctx) error {
	p := principal(c)
	x, err := s.cfg.Consultations.Get(c.UserContext(), p, c.Params("id"))
	if err != nil {
		return err
	}
	docs := consultation.DocumentsFor(p, x)
	if docs == nil {
		docs = []consultation.Document{}
	}
	return c.JSON(List[consultation.Document]{Items: docs})
}

func (s *Server) documentFile(c *fiber.Ctx) error {
	d, data, err := s.cfg.Consultations.DocumentFile(c.UserContext(), principal(c), c.Params("id"), c.Params("did"))
	if err != nil {
		return err
	}
	return sendAttachment(c, d.File, data)
}
