package web

import (
	"errors"
	"io"

	"github.com/gofiber/fiber/v2"

	"yugongkai/consultation"
	"yugongkai/lawtext"
)

// Word in: the draft form (new and edit) has a file field; "导入并预览"
// posts it with the form, the text is read from the .docx
// (consultation.ImportWord) and shown parsed, article by article, in the
// text field and the preview, so staff check it before they save. Nothing
// is saved by the import.

// WordBodyLimit bounds a draft form or import carrying a .docx (the
// server's overall limit).
const WordBodyLimit = 2 * DraftBodyLimit

// uploadedFile reads the multipart file field name; a missing field gives
// no data and no error (the domain says the file is required).
func uploadedFile(c *fiber.Ctx, name string) ([]byte, string, error) {
	fh, err := c.FormFile(name)
	if err != nil {
		return nil, "", nil
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, WordBodyLimit))
	return data, fh.Filename, err
}

// draftImport answers the draft form's "import" action.
func (s *Server) draftImport(c *fiber.Ctx, d draftPageData) error {
	data, name, err := uploadedFile(c, "file")
	if err != nil {
		return err
	}
	res, err := consultation.ImportWord(d.User, data)
	if fe := fieldErrors(d.Lang, err); fe != nil {
		d.Errors = fe
		return s.render(c, fiber.StatusUnprocessableEntity, "draft_new", d)
	}
	if err != nil {
		return err
	}
	d.Form.Text, d.Imported = res.Text, name
	if d.Imported == "" {
		d.Imported = "Word"
	}
	d.preview(res.Document, nil)
	return s.render(c, fiber.StatusOK, "draft_new", d)
}

// preview fills the preview of a parsed text.
func (d *draftPageData) preview(doc lawtext.Document, perr error) {
	d.Preview, d.Blocks, d.Articles = true, blocksOf(doc), len(doc.Articles())
	d.Gaps, d.Duplicates, d.NoArticles = doc.Gaps(), doc.Duplicates(), errors.Is(perr, lawtext.ErrNoArticles)
}

// textImport is POST /api/v1/text/import: a .docx in the multipart field
// file, answered with {"text": …, "articles": […]}; nothing is saved.
func (s *Server) textImport(c *fiber.Ctx) error {
	p, err := requireLogin(c)
	if err != nil {
		return err
	}
	data, _, err := uploadedFile(c, "file")
	if err != nil {
		return err
	}
	res, err := consultation.ImportWord(p, data)
	if err != nil {
		return err
	}
	return c.JSON(ImportedTextResponse{Text: res.Text, Articles: articleViews(res.Articles)})
}

// ImportedTextResponse is a Word draft read into text and articles.
type ImportedTextResponse struct {
	Text     string        `json:"text"`
	Articles []ArticleView `json:"articles"`
}

func init() {
	registerOperations(apiOperation{Method: "POST", Path: "/text/import", ID: "importText", Auth: "staff", Files: []string{"file"},
		Summary:  "Read a Word document (.docx) as a draft's text and parsed articles; nothing is saved",
		Response: ImportedTextResponse{}})
}
