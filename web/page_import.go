package web

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/comments"
)

// The bulk import page: choose a file and preview it (every bad cell
// listed, nothing stored); after a clean preview, choose the same file
// again to import it — the form carries the previewed file's SHA-256, so
// the rows stored are the rows seen. Works without JavaScript.

func (s *Server) importPageRoutes() {
	if s.cfg.Comments == nil {
		return
	}
	s.App.Get("/staff/consultations/:id/import", s.workImportPage)
	s.App.Post("/staff/consultations/:id/import", limitImport, s.workImportSubmit)
	s.App.Get("/staff/consultations/:id/import/:sha/receipts.csv", s.importReceiptsCSV)
}

// maxShownImportErrors bounds the errors a preview page lists.
const maxShownImportErrors = 500

type workImportData struct {
	workBase
	MaxRows int
	Preview *importPreviewBody
	// Hidden is the number of errors beyond those listed.
	Hidden int
	// Imported is the digest and count of a committed import (after the
	// redirect), for its receipts link.
	Imported      string
	ImportedCount int
	Error         string
}

// ReceiptsURL is where the receipts of the committed import download.
func (d workImportData) ReceiptsURL() string {
	return d.WorkURL("import") + "/" + url.PathEscape(d.Imported) + "/receipts.csv"
}

func (s *Server) importData(c *fiber.Ctx) (workImportData, error) {
	w, err := s.workData(c, "import", "page.work.import_title")
	if err != nil {
		return workImportData{}, err
	}
	return workImportData{workBase: w, MaxRows: comments.MaxImportRows}, nil
}

func (s *Server) workImportPage(c *fiber.Ctx) error {
	d, err := s.importData(c)
	if err != nil {
		return err
	}
	if sha := c.Query("imported"); len(sha) == 64 {
		d.Imported = sha
		d.ImportedCount, _ = strconv.Atoi(c.Query("count"))
	}
	return s.render(c, fiber.StatusOK, "work_import", d)
}

func (s *Server) workImportSubmit(c *fiber.Ctx) error {
	d, err := s.importData(c)
	if err != nil {
		return err
	}
	data, file, err := importUpload(c)
	if err == nil {
		defer file.Close()
		if c.FormValue("confirm") == "" {
			var p *comments.ImportPreview
			if p, err = s.cfg.Comments.PreviewUpload(c.UserContext(), d.User, d.C.ID, data); err == nil {
				return s.renderImportPreview(c, d, p, fiber.StatusOK)
			}
		} else {
			var p *comments.ImportPreview
			var res *comments.ImportResult
			p, res, err = s.cfg.Comments.ImportUpload(c.UserContext(), d.User, d.C.ID, data, c.FormValue("sha256"))
			if err == nil {
				return c.Redirect(d.WorkURL("import")+"?imported="+res.SHA256+"&count="+strconv.Itoa(res.Count), fiber.StatusSeeOther)
			}
			if p != nil && !p.OK() {
				return s.renderImportPreview(c, d, p, fiber.StatusUnprocessableEntity)
			}
		}
	}
	// A file-level problem (too large, encoding, columns, …) is shown on
	// the form; anything else goes to the error page.
	ae, ok := err.(*apperr.Error)
	if !ok || ae.Kind == apperr.Internal || ae.Kind == apperr.Forbidden || ae.Kind == apperr.NotFound || ae.Kind == apperr.Unauthorized {
		return err
	}
	if fe := fieldErrors(d.Lang, err); fe != nil {
		d.Error = fe.Err("file")
	} else {
		d.Error = d.T(ae.Key, ae.Args...)
	}
	return s.render(c, statusOf(ae.Kind), "work_import", d)
}

func (s *Server) renderImportPreview(c *fiber.Ctx, d workImportData, p *comments.ImportPreview, status int) error {
	b := previewBody(d.Lang, p)
	if len(b.Errors) > maxShownImportErrors {
		d.Hidden = len(b.Errors) - maxShownImportErrors
		b.Errors = b.Errors[:maxShownImportErrors]
	}
	d.Preview = &b
	return s.render(c, status, "work_import", d)
}
