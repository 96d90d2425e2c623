package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"yugongkai/auth"
	"yugongkai/lawtext"
)

// draftImportSubmit reads an uploaded Word draft into the new-draft form and
// shows its parsed articles, as "preview" does for pasted text; nothing is
// saved until staff press save. The other fields of the form come along.
func (s *Server) draftImportSubmit(c *fiber.Ctx) error {
	p, err := requirePage(c, auth.Staff, auth.Admin)
	if err != nil {
		return err
	}
	f := parseDraftForm(c)
	d, err := s.draftPage(c, p, f)
	if err != nil {
		return err
	}
	data, err := wordUpload(c, "file")
	if err == nil {
		var t *importedDraft
		if t, err = s.importDraft(p, data); err == nil {
			d.Form.Text = t.text
			if d.Form.Title == "" {
				d.Form.Title = t.title
			}
			d.Preview, d.Blocks, d.Articles = true, blocksOf(t.doc), len(t.doc.Articles())
			d.Gaps, d.Duplicates, d.NoArticles = t.doc.Gaps(), t.doc.Duplicates(), errors.Is(t.perr, lawtext.ErrNoArticles)
			d.Imported = true
			return s.render(c, fiber.StatusOK, "draft_new", d)
		}
	}
	fe := fieldErrors(langOf(c), err)
	if fe == nil {
		return err
	}
	d.Errors = fe
	return s.render(c, fiber.StatusUnprocessableEntity, "draft_new", d)
}

type importedDraft struct {
	text, title string
	doc         lawtext.Document
	perr        error
}

func (s *Server) importDraft(p auth.Principal, data []byte) (*importedDraft, error) {
	t, err := s.cfg.Consultations.ImportText(p, data)
	if err != nil {
		return nil, err
	}
	return &importedDraft{text: t.Text, title: t.Document.Title, doc: t.Document}, nil
}
