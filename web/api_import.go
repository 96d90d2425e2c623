package web

import (
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/comments"
	"yugongkai/i18n"
)

// Bulk import of comments received offline (comments.Service.PreviewImport
// and Import). One multipart upload previews; the same file sent again with
// confirm and its SHA-256 imports it, all rows or none.

// ImportBodyLimit is the largest import request: the 50 MiB file and the
// multipart envelope around it. It is also the transport's cap (Fiber's
// BodyLimit); every other route keeps its own limit (limitBody).
const ImportBodyLimit = comments.MaxImportBytes + 1<<20

func (s *Server) importRoutes(api fiber.Router) {
	if s.cfg.Comments == nil {
		return
	}
	api.Post("/consultations/:id/comments/import", limitImport, s.importComments)
	api.Get("/consultations/:id/imports/:sha/receipts.csv", s.importReceiptsCSV)
}

func init() {
	registerOperations(
		apiOperation{Method: "POST", Path: "/consultations/{id}/comments/import", ID: "importComments", Auth: "staff", Files: []string{"file"}, Params: []string{"confirm", "sha256"},
			Summary:  "Bulk import of offline comments (file: CSV or XLSX ≤ 50 MiB; confirm, sha256). Without confirm: a per-row validation report, nothing stored. With confirm=true and the file's sha256: every row in one commit, or none; 201 with each row's receipt (CSV with Accept: text/csv)",
			Response: oneOf{importPreviewBody{}, comments.ImportResult{}}, Also: []int{201}, Media: []string{"text/csv"}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/imports/{sha}/receipts.csv", ID: "importReceiptsCSV", Auth: "staff",
			Summary: "The receipts of an import, one row per imported row (CSV, UTF-8 with BOM)", Media: []string{"text/csv"}},
	)
}

// limitImport refuses an upload over the import limit before it is parsed.
func limitImport(c *fiber.Ctx) error {
	if bodyOver(c, ImportBodyLimit) {
		return apperr.New(apperr.TooLarge, "import.too_large", "50 MiB")
	}
	return c.Next()
}

// importUpload opens the uploaded file of field "file" where it lies:
// fasthttp keeps a file part of over 16 MiB in a temporary file, and the
// import reads it from there as a stream (comments.Upload) instead of
// copying it into memory. The caller closes it.
func importUpload(c *fiber.Ctx) (comments.Upload, io.Closer, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		var f apperr.Fields
		f.Add("file", "field.required")
		return comments.Upload{}, nil, f.Err()
	}
	if fh.Size > comments.MaxImportBytes {
		return comments.Upload{}, nil, apperr.New(apperr.TooLarge, "import.too_large", "50 MiB")
	}
	f, err := fh.Open()
	if err != nil {
		return comments.Upload{}, nil, apperr.Wrap(err, "open upload")
	}
	return comments.NewUpload(f, fh.Size), f, nil
}

// importRowError is one row error as the API shows it: localized.
type importRowError struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Field   string `json:"field,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// importPreviewBody is the API's preview.
type importPreviewBody struct {
	SHA256    string           `json:"sha256"`
	Format    string           `json:"format"`
	Encoding  string           `json:"encoding"`
	Converted bool             `json:"converted"`
	Rows      int              `json:"rows"`
	OK        bool             `json:"ok"`
	Errors    []importRowError `json:"errors"`
}

func previewBody(lang i18n.Lang, p *comments.ImportPreview) importPreviewBody {
	b := importPreviewBody{SHA256: p.SHA256, Format: p.Format, Encoding: p.Encoding, Converted: p.Converted, Rows: p.Rows,
		OK: p.OK(), Errors: make([]importRowError, 0, len(p.Errors))}
	for _, e := range p.Errors {
		b.Errors = append(b.Errors, importRowError{Row: e.Row, Column: e.Column, Field: e.Field, Code: e.Key, Message: i18n.T(lang, e.Key, e.Args...)})
	}
	return b
}

func truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

func (s *Server) importComments(c *fiber.Ctx) error {
	data, file, err := importUpload(c)
	if err != nil {
		return err
	}
	defer file.Close()
	lang := langOf(c)
	confirm, sha := c.FormValue("confirm"), c.FormValue("sha256")
	if confirm == "" {
		confirm = c.Query("confirm")
	}
	if sha == "" {
		sha = c.Query("sha256")
	}
	if !truthy(confirm) {
		p, err := s.cfg.Comments.PreviewUpload(c.UserContext(), principal(c), c.Params("id"), data)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.JSON(previewBody(lang, p))
	}
	p, res, err := s.cfg.Comments.ImportUpload(c.UserContext(), principal(c), c.Params("id"), data, sha)
	if err != nil {
		ae, ok := err.(*apperr.Error)
		if p == nil || !ok || ae.Kind != apperr.Invalid {
			return err
		}
		// Bad rows: the error and the report that lists them.
		return c.Status(fiber.StatusUnprocessableEntity).JSON(struct {
			Error   ErrorDetail       `json:"error"`
			Preview importPreviewBody `json:"preview"`
		}{ErrorDetail{Code: string(ae.Kind), Message: i18n.T(lang, ae.Key, ae.Args...)}, previewBody(lang, p)})
	}
	if strings.Contains(c.Get(fiber.HeaderAccept), "text/csv") {
		return sendReceiptsCSV(c, lang, res, fiber.StatusCreated)
	}
	return c.Status(fiber.StatusCreated).JSON(res)
}

func (s *Server) importReceiptsCSV(c *fiber.Ctx) error {
	res, err := s.cfg.Comments.ImportReceipts(c.UserContext(), principal(c), c.Params("id"), c.Params("sha"))
	if err != nil {
		return err
	}
	return sendReceiptsCSV(c, langOf(c), res, fiber.StatusOK)
}

func sendReceiptsCSV(c *fiber.Ctx, lang i18n.Lang, res *comments.ImportResult, status int) error {
	name := "receipts-" + res.SHA256
	if len(name) > 21 {
		name = name[:21]
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+url.PathEscape(name)+`.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Import-Count", strconv.Itoa(res.Count))
	c.Status(status)
	if err := res.WriteCSV(c.Response().BodyWriter(), lang); err != nil {
		return apperr.Wrap(err, "write receipts csv")
	}
	return nil
}
