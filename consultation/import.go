package consultation

import (
	"errors"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/lawtext"
	"yugongkai/wordtext"
)

// ImportedText is a draft read from a Word file, shown to staff before it
// is saved as the text of a draft.
type ImportedText struct {
	Text     string
	Document lawtext.Document
}

// ImportText reads the text of a Word (.docx) draft — list numbering
// written out as labels, tables row by row — and parses it, without saving
// anything: staff check the articles, then save the text as usual.
// Errors: Forbidden (not staff or an administrator); Invalid on field
// "file" (not a .docx, a Word 97–2003 .doc, password-protected, too large,
// no text, text over MaxTextBytes, no articles).
func (s *Service) ImportText(actor auth.Principal, data []byte) (*ImportedText, error) {
	if !actor.Is(auth.Staff) && !actor.Is(auth.Admin) {
		return nil, apperr.New(apperr.Forbidden, "auth.role_required", "staff")
	}
	var f apperr.Fields
	text, err := wordtext.Text(data)
	switch {
	case errors.Is(err, wordtext.ErrOldFormat):
		f.Add("file", "import.old_doc")
	case errors.Is(err, wordtext.ErrEncrypted):
		f.Add("file", "import.encrypted")
	case errors.Is(err, wordtext.ErrTooLarge):
		f.Add("file", "import.too_large", wordtext.MaxSize>>20)
	case errors.Is(err, wordtext.ErrEmpty):
		f.Add("file", "import.empty")
	case err != nil:
		f.Add("file", "import.not_docx")
	case len(text) > MaxTextBytes:
		f.Add("file", "field.too_long", MaxTextBytes)
	case hasControl(text):
		f.Add("file", "field.control_chars")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	doc, err := lawtext.Parse(text)
	if err != nil || len(doc.Articles()) == 0 {
		f.Add("file", "field.no_articles")
		return nil, f.Err()
	}
	return &ImportedText{Text: text, Document: doc}, nil
}
