package web

import (
	"time"

	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/lawtext"
	"yugongkai/redline"
)

// The API's views of parsed texts and redlines. lawtext and redline types
// carry no JSON tags: stored versions (the SQLite record, the MongoDB
// document) and the archive, whose manifest hashes each version's
// canonical JSON, serialize them with Go's default keys, and changing
// those would change stored and hashed formats. The API shows them
// through these snake_case views instead.

// List is a list response that has no pagination.
type List[T any] struct {
	Items []T `json:"items"`
}

// ArticleView is one article (条) of a version.
type ArticleView struct {
	ID     string `json:"id"`
	Number int    `json:"number"`
	Label  string `json:"label"`
	// Chapter locates the article among the headings, e.g.
	// "第三章 违反治安管理的行为和处罚 / 第一节 扰乱公共秩序的行为和处罚".
	Chapter    string          `json:"chapter,omitempty"`
	Paragraphs []ParagraphView `json:"paragraphs"`
}

// ParagraphView is a paragraph (款) with its items (项).
type ParagraphView struct {
	Text  string     `json:"text"`
	Items []ItemView `json:"items,omitempty"`
}

// ItemView is an item (项) with its sub-items (目).
type ItemView struct {
	Label    string        `json:"label"`
	Text     string        `json:"text"`
	SubItems []SubItemView `json:"sub_items,omitempty"`
}

// SubItemView is a sub-item (目).
type SubItemView struct {
	Label string `json:"label"`
	Text  string `json:"text"`
}

// HeadingView is a 编, 章 or 节 heading.
type HeadingView struct {
	Level  string   `json:"level" jsonschema:"enum=编,enum=章,enum=节"`
	Number int      `json:"number"`
	Label  string   `json:"label"`
	Title  string   `json:"title"`
	Notes  []string `json:"notes,omitempty"`
}

// BlockView is one element of a text's body: a heading or an article.
type BlockView struct {
	Heading *HeadingView `json:"heading,omitempty"`
	Article *ArticleView `json:"article,omitempty"`
}

// DocumentView is a parsed legal text.
type DocumentView struct {
	Title    string      `json:"title"`
	Preamble []string    `json:"preamble"`
	Blocks   []BlockView `json:"blocks"`
}

// VersionView is one text of a decision.
type VersionView struct {
	ConsultationID string                   `json:"consultation_id"`
	Number         int                      `json:"number"`
	Kind           consultation.VersionKind `json:"kind"`
	Title          string                   `json:"title"`
	Text           string                   `json:"text"`
	SHA256         string                   `json:"sha256"`
	Note           string                   `json:"note,omitempty"`
	AuthorID       string                   `json:"author_id"`
	CreatedAt      time.Time                `json:"created_at"`
	Frozen         bool                     `json:"frozen"`
	Public         bool                     `json:"public"`
	Document       DocumentView             `json:"document"`
	DeletedIDs     []string                 `json:"deleted_article_ids,omitempty"`
	SplitFrom      map[string]string        `json:"split_from,omitempty"`
	MergedInto     map[string]string        `json:"merged_into,omitempty"`
}

// VersionResponse is one version with its articles in text order.
type VersionResponse struct {
	Version  VersionView   `json:"version"`
	Articles []ArticleView `json:"articles"`
}

func articleView(a lawtext.Article) ArticleView {
	v := ArticleView{ID: a.ID, Number: a.Number, Label: a.Label, Chapter: a.Chapter, Paragraphs: []ParagraphView{}}
	for _, p := range a.Paragraphs {
		pv := ParagraphView{Text: p.Text}
		for _, it := range p.Items {
			iv := ItemView{Label: it.Label, Text: it.Text}
			for _, s := range it.SubItems {
				iv.SubItems = append(iv.SubItems, SubItemView(s))
			}
			pv.Items = append(pv.Items, iv)
		}
		v.Paragraphs = append(v.Paragraphs, pv)
	}
	return v
}

func articleViews(as []lawtext.Article) []ArticleView {
	out := make([]ArticleView, 0, len(as))
	for _, a := range as {
		out = append(out, articleView(a))
	}
	return out
}

func versionResponse(v *consultation.Version) VersionResponse {
	doc := DocumentView{Title: v.Document.Title, Preamble: v.Document.Preamble, Blocks: []BlockView{}}
	if doc.Preamble == nil {
		doc.Preamble = []string{}
	}
	for _, b := range v.Document.Blocks {
		var bv BlockView
		if h := b.Heading; h != nil {
			bv.Heading = &HeadingView{Level: h.Level.String(), Number: h.Number, Label: h.Label, Title: h.Title, Notes: h.Notes}
		}
		if a := b.Article; a != nil {
			av := articleView(*a)
			bv.Article = &av
		}
		doc.Blocks = append(doc.Blocks, bv)
	}
	return VersionResponse{
		Version: VersionView{ConsultationID: v.ConsultationID, Number: v.Number, Kind: v.Kind, Title: v.Title,
			Text: v.Text, SHA256: v.SHA256, Note: v.Note, AuthorID: v.AuthorID, CreatedAt: v.CreatedAt,
			Frozen: v.Frozen, Public: v.Public, Document: doc, DeletedIDs: v.DeletedIDs,
			SplitFrom: v.SplitFrom, MergedInto: v.MergedInto},
		Articles: articleViews(v.Articles()),
	}
}

// ChangeView is what happened to one article between two versions.
type ChangeView struct {
	ID         string       `json:"id"`
	Kind       redline.Kind `json:"kind" jsonschema:"enum=added,enum=deleted,enum=modified,enum=moved,enum=renumbered,enum=unchanged"`
	Moved      bool         `json:"moved"`
	FromNumber int          `json:"from_number"`
	ToNumber   int          `json:"to_number"`
	FromLabel  string       `json:"from_label"`
	ToLabel    string       `json:"to_label"`
	FromText   string       `json:"from_text"`
	ToText     string       `json:"to_text"`
	// Spans is the character-level diff of from_text → to_text.
	Spans []SpanView `json:"spans"`
}

// SpanView is a run of text that is equal on both sides, inserted or deleted.
type SpanView struct {
	Op   string `json:"op" jsonschema:"enum=equal,enum=insert,enum=delete"`
	Text string `json:"text"`
}

// StatsView counts the changes of a redline.
type StatsView struct {
	Added         int `json:"added"`
	Deleted       int `json:"deleted"`
	Modified      int `json:"modified"`
	Moved         int `json:"moved"`
	Renumbered    int `json:"renumbered"`
	Unchanged     int `json:"unchanged"`
	InsertedRunes int `json:"inserted_runes"`
	DeletedRunes  int `json:"deleted_runes"`
}

// DiffResponse is the redline between two versions, with the comments
// linked to each changed article.
type DiffResponse struct {
	From    int          `json:"from"`
	To      int          `json:"to"`
	Changes []ChangeView `json:"changes"`
	Stats   StatsView    `json:"stats"`
	// LinkedComments maps a changed article's id to the published comments
	// whose disposition names it.
	LinkedComments map[string][]comments.PublicComment `json:"linked_comments"`
	// UnlinkedChanges are changed articles no comment is linked to.
	UnlinkedChanges []string `json:"unlinked_changes"`
}

func changeViews(cs []redline.Change) []ChangeView {
	out := make([]ChangeView, 0, len(cs))
	for _, c := range cs {
		v := ChangeView{ID: c.ID, Kind: c.Kind, Moved: c.Moved, FromNumber: c.FromNumber, ToNumber: c.ToNumber,
			FromLabel: c.FromLabel, ToLabel: c.ToLabel, FromText: c.FromText, ToText: c.ToText, Spans: []SpanView{}}
		for _, s := range c.Spans {
			v.Spans = append(v.Spans, SpanView{Op: s.Op.String(), Text: s.Text})
		}
		out = append(out, v)
	}
	return out
}

func statsView(s redline.Stats) StatsView {
	return StatsView{Added: s.Added, Deleted: s.Deleted, Modified: s.Modified, Moved: s.Moved, Renumbered: s.Renumbered,
		Unchanged: s.Unchanged, InsertedRunes: s.InsertedRunes, DeletedRunes: s.DeletedRunes}
}
