package web

import (
	"io"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/wordtext"
)

// WordBodyLimit bounds a Word upload: the largest .docx read plus the
// multipart envelope.
const WordBodyLimit = wordtext.MaxSize + 64<<10

func init() {
	registerOperations(apiOperation{Method: "POST", Path: "/text/import", ID: "importText", Auth: "staff", Files: []string{"file"},
		Summary:  "Read a Word (.docx) draft into text and parsed articles, for review before saving; nothing is stored",
		Response: ImportedTextResponse{}})
}

// ImportedTextResponse is a Word draft read into text and articles.
type ImportedTextResponse struct {
	Text     string        `json:"text"`
	Articles []ArticleView `json:"articles"`
}

// wordUpload reads the uploaded file of field; a missing file is a field
// error on it.
func wordUpload(c *fiber.Ctx, field string) ([]byte, error) {
	fh, err := c.FormFile(field)
	if err != nil {
		var f apperr.Fields
		f.Add(field, "field.required")
		return nil, f.Err()
	}
	if fh.Size > wordtext.MaxSize {
		var f apperr.Fields
		f.Add(field, "import.too_large", wordtext.MaxSize>>20)
		return nil, f.Err()
	}
	r, err := fh.Open()
	if err != nil {
		return nil, apperr.Wrap(err, "open upload")
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, wordtext.MaxSize+1))
	if err != nil {
		return nil, apperr.Wrap(err, "read upload")
	}
	return data, nil
}

// importText answers POST /api/v1/text/import with {"text", "articles"}.
func (s *Server) importText(c *fiber.Ctx) error {
	data, err := wordUpload(c, "file")
	if err != nil {
		return err
	}
	t, err := s.cfg.Consultations.ImportText(principal(c), data)
	if err != nil {
		return err
	}
	return c.JSON(ImportedTextResponse{Text: t.Text, Articles: articleViews(t.Document.Articles())})
}
