package consultation

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"yugongkai/apperr"
	"yugongkai/attachment"
	"yugongkai/auth"
	"yugongkai/ident"
)

// Supporting documents of the notice (DOMAIN rule 3 and 8: the 起草说明,
// the legal basis, background material and, with the final text, the
// 解读): files the department attaches to the consultation. Each belongs to
// the version that was current when it was attached, so it is versioned
// with the text: it is public exactly when that version is (or once the
// decision is published, when the whole history is). Attaching one is an
// event in the hash chain (document.attached) whose payload carries the
// file's SHA-256, size and name; the archive carries the events, not the
// bytes (they are downloaded from the notice).

// DocumentRole is what a supporting document is.
type DocumentRole string

const (
	DraftingExplanation DocumentRole = "drafting_explanation" // 起草说明
	LegalBasisDocument  DocumentRole = "legal_basis"          // 依据
	Background          DocumentRole = "background"           // 背景材料
	Interpretation      DocumentRole = "interpretation"       // 解读
)

// DocumentRoles lists the roles in the order the notice shows them.
var DocumentRoles = []DocumentRole{DraftingExplanation, LegalBasisDocument, Background, Interpretation}

// Document is a supporting document attached to a consultation.
type Document struct {
	ID    string       `json:"id" bson:"id"`
	Role  DocumentRole `json:"role" bson:"role"`
	Title string       `json:"title" bson:"title"`
	// Version is the number of the version the document belongs to.
	Version int             `json:"version" bson:"version"`
	File    attachment.Meta `json:"file" bson:"file"`
	AddedBy string          `json:"added_by,omitempty" bson:"added_by,omitempty"`
	AddedAt time.Time       `json:"added_at" bson:"added_at"`
}

// DocumentForm attaches a supporting document.
type DocumentForm struct {
	Role  DocumentRole `json:"role" jsonschema:"required,enum=drafting_explanation,enum=legal_basis,enum=background,enum=interpretation"`
	Title string       `json:"title"`
	// File is the document (multipart field "attachment").
	File attachment.File `json:"-"`
}

// AcceptsDocument reports whether a document of role may be attached to c
// now: any until the decision is published, then only 解读; none once the
// consultation is withdrawn or rejected.
func (c *Consultation) AcceptsDocument(role DocumentRole) bool {
	switch c.State {
	case Withdrawn, Rejected:
		return false
	case Published:
		return role == Interpretation
	}
	return true
}

// MaxDocumentTitle bounds a document's title, in characters.
const MaxDocumentTitle = 200

// documentPublic reports whether d is visible to the public on c.
func (c *Consultation) documentPublic(d Document) bool {
	return c.PublishedAt != nil && (d.Version <= c.PublicVersion || c.State == Published)
}

// documentEventPublic: the event of attaching d is public unless d belongs
// to an internal revision (a draft's documents become public with it).
func documentEventPublic(c *Consultation, d Document) bool {
	return c.PublishedAt == nil || d.Version <= c.PublicVersion || c.State == Published
}

// DocumentsFor returns the supporting documents p may see on c.
func DocumentsFor(p auth.Principal, c *Consultation) []Document {
	if CanSeeInternal(p, c) || CanFinalize(p) {
		return c.Documents
	}
	var out []Document
	for _, d := range c.Documents {
		if c.documentPublic(d) {
			d.AddedBy = ""
			out = append(out, d)
		}
	}
	return out
}

// AttachDocument attaches a supporting document to the current version of
// consultation id (the department). Allowed until the decision is
// published, and after that only a 解读; never on a withdrawn or rejected
// decision. Errors: NotFound, Forbidden (not the owning department),
// Conflict (state), Invalid (role, title, file), TooLarge (file).
func (s *Service) AttachDocument(ctx context.Context, actor auth.Principal, id string, form DocumentForm) (*Document, error) {
	var f apperr.Fields
	if !slices.Contains(DocumentRoles, form.Role) {
		f.Add("role", "field.invalid_choice", "drafting_explanation, legal_basis, background, interpretation")
	}
	title := strings.TrimSpace(form.Title)
	checkText(&f, "title", title, MaxDocumentTitle, false)
	if form.File.Data == nil && form.File.Name == "" {
		f.Add("attachment", "field.required")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	metas, blobs, err := attachment.Accept(attachment.ForNotice, []attachment.File{form.File}, ident.Short)
	if err != nil {
		return nil, err
	}
	var out *Document
	err = Retry(func() error {
		c, err := s.Get(ctx, actor, id)
		if err != nil {
			return err
		}
		if !CanManage(actor, c) {
			return apperr.New(apperr.Forbidden, "auth.department_only")
		}
		if !c.AcceptsDocument(form.Role) {
			return WrongState(c.State, "document")
		}
		now := s.now()
		m := metas[0]
		m.Status, m.Text = attachment.Published, ""
		if title == "" {
			title = strings.TrimSuffix(m.Name, m.Kind.Ext())
		}
		d := Document{ID: ident.Short(), Role: form.Role, Title: title, Version: c.CurrentVersion, File: m, AddedBy: actor.UserID, AddedAt: now}
		c.Documents = append(c.Documents, d)
		c.UpdatedAt = now
		ch := &Change{Consultation: c, Blobs: blobs}
		payload := map[string]any{"document": d.ID, "role": string(d.Role), "title": d.Title, "version": d.Version,
			"sha256": m.SHA256, "size": strconv.FormatInt(m.Size, 10), "name": m.Name}
		if err := s.Record(ch, actor, "document.attached", documentEventPublic(c, d), payload); err != nil {
			return err
		}
		if err := s.Commit(ctx, ch); err != nil {
			return err
		}
		out = &d
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DocumentFile returns supporting document docID of consultation id with
// its bytes, if actor may see it. Errors: NotFound.
func (s *Service) DocumentFile(ctx context.Context, actor auth.Principal, id, docID string) (*Document, []byte, error) {
	c, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range DocumentsFor(actor, c) {
		if d.ID == docID && s.Blobs != nil {
			data, err := s.Blobs.Blob(ctx, d.File.SHA256)
			return &d, data, err
		}
	}
	return nil, nil, apperr.ErrNotFound
}
