package comments

import (
	"context"
	"strings"

	"yugongkai/apperr"
	"yugongkai/attachment"
	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/ident"
)

// Attachments on comments (attachment.ForComment limits). A comment's files
// are checked (count, size, kind by content) before anything is stored,
// their bytes go into the store with the comment in one commit
// (consultation.Change.Blobs), and their SHA-256 are in the comment's log
// leaf (LeafOf), so a receipt's proof covers the files too.
//
// A file is not public until staff publish it: it may hold personal data
// the text masker cannot see. Staff may instead restrict it with a reason;
// the public then sees a placeholder with the reason (attachment.PublicList).
// The text extracted from PDFs and .docx files joins the body for
// near-duplicate grouping (GroupText) and is shown to staff.

// acceptFiles checks a submission's files.
func acceptFiles(files []attachment.File) ([]attachment.Meta, []attachment.Blob, error) {
	if len(files) == 0 {
		return nil, nil, nil
	}
	return attachment.Accept(attachment.ForComment, files, ident.ID)
}

// withFiles puts accepted files on a built comment and its change: the
// metadata on the comment, the bytes in the change, and the files' hashes in
// the exact group key and their text in the band keys (a "see attached"
// comment is identical to another only if the files are too).
func withFiles(cm *Comment, ch *Change, metas []attachment.Meta, blobs []attachment.Blob) {
	if len(metas) == 0 {
		return
	}
	cm.Attachments = append([]attachment.Meta(nil), metas...)
	ch.Blobs = blobs
	cm.GroupID = ExactGroupID(cm.ArticleID, cm.Body+"\x00"+strings.Join(attachment.Hashes(metas), "\x00"))
	cm.Bands = BandKeys(GroupText(cm))
}

// GroupText is the text near-duplicates are found by: the body and the
// text extracted from the comment's attached files (JoinGroupText).
func GroupText(c *Comment) string {
	if len(c.Attachments) == 0 {
		return c.Body
	}
	texts := make([]string, len(c.Attachments))
	for i, a := range c.Attachments {
		texts[i] = a.Text
	}
	return JoinGroupText(c.Body, texts)
}

// JoinGroupText is GroupText of a comment with this body and these
// attachments' extracted texts, in order: the one rule for how they are
// joined, shared by the stores' GroupTexts, which read only these fields.
// Files without text ("") add nothing.
func JoinGroupText(body string, texts []string) string {
	n := len(body)
	for _, t := range texts {
		if t != "" {
			n += 1 + len(t)
		}
	}
	if n == len(body) {
		return body
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(body)
	for _, t := range texts {
		if t != "" {
			b.WriteByte('\n')
			b.WriteString(t)
		}
	}
	return b.String()
}

// AttachmentAction is what staff do with an attached file.
type AttachmentAction string

const (
	PublishAttachment  AttachmentAction = "publish"
	RestrictAttachment AttachmentAction = "restrict"
)

// AttachmentForm publishes or restricts one attached file. A restriction
// needs a reason (shown publicly in the file's place).
type AttachmentForm struct {
	Action AttachmentAction `json:"action" jsonschema:"required,enum=publish,enum=restrict"`
	Reason string           `json:"reason"`
}

// MaxAttachmentReason bounds a restriction's reason, in characters.
const MaxAttachmentReason = 200

// AttachmentsSet replaces comment ID's attachment list with List.
type AttachmentsSet struct {
	ID   string
	List []attachment.Meta
}

// SetAttachment publishes or restricts attachment attachmentID of comment
// commentID. It is an event in the history (with the file's SHA-256).
// Errors: NotFound (no such comment or file), Forbidden (not the owning
// department), Invalid (action, reason), Conflict (already so, or the
// consultation's state forbids moderation).
func (s *Service) SetAttachment(ctx context.Context, actor auth.Principal, commentID, attachmentID string, in AttachmentForm) (*Comment, error) {
	reason := strings.TrimSpace(in.Reason)
	var f apperr.Fields
	switch in.Action {
	case PublishAttachment:
		reason = ""
	case RestrictAttachment:
		checkText(&f, "reason", reason, MaxAttachmentReason, true)
	default:
		f.Add("action", "field.invalid_choice", "publish, restrict")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	to := attachment.Published
	if in.Action == RestrictAttachment {
		to = attachment.Restricted
	}
	err := s.onComment(ctx, actor, commentID, consultation.ActModerate, func(c *consultation.Consultation, cm *Comment, ch *Change) error {
		list := append([]attachment.Meta(nil), cm.Attachments...)
		i := -1
		for k, a := range list {
			if a.ID == attachmentID {
				i = k
			}
		}
		if i < 0 {
			return apperr.ErrNotFound
		}
		if list[i].Status == to && list[i].Reason == reason {
			return apperr.New(apperr.Conflict, "attachment.already", list[i].Name)
		}
		now := s.now()
		list[i].Status, list[i].Reason, list[i].By, list[i].At = to, reason, actor.UserID, &now
		ch.Attachments = []AttachmentsSet{{ID: cm.ID, List: list}}
		return s.Consultations.Record(&ch.Change, actor, "comment.attachment_"+string(to), false,
			map[string]any{"comment": cm.ID, "attachment": list[i].ID, "sha256": list[i].SHA256, "reason": reason})
	})
	if err != nil {
		return nil, err
	}
	return s.Store.Comment(ctx, commentID)
}

// Attachment returns attached file attachmentID of comment commentID with
// its bytes. Staff of the owning department get any file; anyone else only
// a published file of a published comment on a consultation they may see.
// Errors: NotFound (also for a file the actor may not have).
func (s *Service) Attachment(ctx context.Context, actor auth.Principal, commentID, attachmentID string) (attachment.Meta, []byte, error) {
	cm, err := s.Store.Comment(ctx, commentID)
	if err != nil {
		return attachment.Meta{}, nil, err
	}
	c, err := s.Consultations.Get(ctx, actor, cm.ConsultationID)
	if err != nil {
		return attachment.Meta{}, nil, err
	}
	m, ok := attachment.Find(cm.Attachments, attachmentID)
	if !ok {
		return attachment.Meta{}, nil, apperr.ErrNotFound
	}
	if !consultation.CanManage(actor, c) && (cm.Status != Published || m.Status != attachment.Published) {
		return attachment.Meta{}, nil, apperr.ErrNotFound
	}
	if s.Blobs == nil {
		return attachment.Meta{}, nil, apperr.ErrNotFound
	}
	data, err := s.Blobs.Blob(ctx, m.SHA256)
	return m, data, err
}

// ManagedComment returns comment commentID of consultation consultationID
// for the staff who manage it (the page of a comment's files, whatever the
// comment's status). Errors: NotFound (no such comment in the consultation,
// or a consultation the actor may not see), Forbidden (not the owning
// department).
func (s *Service) ManagedComment(ctx context.Context, actor auth.Principal, consultationID, commentID string) (*Comment, error) {
	c, err := s.Consultations.Get(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	if !consultation.CanManage(actor, c) {
		return nil, apperr.New(apperr.Forbidden, "auth.department_only")
	}
	cm, err := s.Store.Comment(ctx, commentID)
	if err != nil {
		return nil, err
	}
	if cm.ConsultationID != c.ID {
		return nil, apperr.ErrNotFound
	}
	return cm, nil
}
