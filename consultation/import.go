package consultation

import (
	"errors"
	"unicode/utf8"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/docx"
	"yugongkai/lawtext"
)

// ImportedText is a Word document read as the text of a draft, for staff
// to check before they save it.
type ImportedText struct {
	// Text is the document in the canonical form a draft is saved in.
	Text     string            `json:"text"`
	Articles []lawtext.Article `json:"articles"`
	Document lawtext.Document  `json:"-"`
}

// CanDraft reports whether p may write drafts (and import them from Word).
func CanDraft(p auth.Principal) bool { return p.Is(auth.Staff) || p.Is(auth.Admin) }

// ImportWord reads a .docx file as a draft's text: labels from Word's
// automatic numbering count, tables become lines (see docx.Text). Nothing
// is saved. Errors: Forbidden (not staff), Invalid on field "file" (no
// file, not a .docx, encrypted, no article found).
func ImportWord(actor auth.Principal, data []byte) (*ImportedText, error) {
	if !CanDraft(actor) {
		return nil, apperr.New(apperr.Forbidden, "auth.role_required", "staff")
	}
	var f apperr.Fields
	if len(data) == 0 {
		f.Add("file", "word.empty")
		return nil, f.Err()
	}
	text, err := docx.Text(data)
	switch {
	case errors.Is(err, docx.ErrEncrypted):
		f.Add("file", "word.encrypted")
		return nil, f.Err()
	case errors.Is(err, docx.ErrNotDocx):
		f.Add("file", "word.not_docx")
		return nil, f.Err()
	case err != nil:
		return nil, apperr.Wrap(err, "import word")
	}
	if utf8.RuneCountInString(text) > MaxTextChars {
		f.Add("file", "field.too_long", MaxTextChars)
		return nil, f.Err()
	}
	doc, err := lawtext.Parse(text)
	if errors.Is(err, lawtext.ErrNoArticles) || len(doc.Articles()) == 0 {
		f.Add("file", "word.no_articles")
		return nil, f.Err()
	}
	if err != nil {
		return nil, apperr.Wrap(err, "import word")
	}
	if n := len(doc.Articles()); n > MaxArticles {
		f.Add("file", "field.too_many_articles", MaxArticles)
		return nil, f.Err()
	}
	return &ImportedText{Text: lawtext.Render(doc), Articles: doc.Articles(), Document: doc}, nil
}
