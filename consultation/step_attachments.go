package consultation

import (
	"context"
	"strconv"
	"strings"

	"yugongkai/apperr"
	"yugongkai/attachment"
	"yugongkai/auth"
	"yugongkai/ident"
)

// A step record's files (attachment.ForStep limits: PDF, .docx, images)
// are stored with the record in one commit (Change.Blobs), and the event
// step.recorded carries each file's SHA-256, size and name in its payload
// ("attachments": one "sha256 size name" line per file), so the hash chain
// and the archive commit to the files. A file is visible exactly when its
// record is: everyone for a public record, the department, the legal office
// and administrators for an internal one.

func acceptStepFiles(form StepForm) ([]attachment.Meta, []attachment.Blob, error) {
	if len(form.Files) == 0 {
		return nil, nil, nil
	}
	return attachment.Accept(attachment.ForStep, form.Files, ident.Short)
}

func withStepFiles(st *Step, ch *Change, metas []attachment.Meta, blobs []attachment.Blob) {
	if len(metas) == 0 {
		return
	}
	st.Attachments = append([]attachment.Meta(nil), metas...)
	for i := range st.Attachments {
		st.Attachments[i].Status = attachment.Pending
		if st.Public {
			st.Attachments[i].Status = attachment.Published
		}
		st.Attachments[i].Text = "" // a step's files are not grouped or searched
	}
	ch.Blobs = append(ch.Blobs, blobs...)
}

// stepAttachmentsPayload is the event payload member naming the files.
func stepAttachmentsPayload(list []attachment.Meta) string {
	lines := make([]string, len(list))
	for i, m := range list {
		lines[i] = m.SHA256 + " " + strconv.FormatInt(m.Size, 10) + " " + m.Name
	}
	return strings.Join(lines, "\n")
}

// StepAttachment returns file attachmentID of step stepID of consultation
// id with its bytes, if actor may see the step. Errors: NotFound.
func (s *Service) StepAttachment(ctx context.Context, actor auth.Principal, id, stepID, attachmentID string) (attachment.Meta, []byte, error) {
	c, err := s.Get(ctx, actor, id)
	if err != nil {
		return attachment.Meta{}, nil, err
	}
	for _, st := range StepsFor(actor, c) {
		if st.ID != stepID {
			continue
		}
		m, ok := attachment.Find(st.Attachments, attachmentID)
		if !ok || s.Blobs == nil {
			break
		}
		data, err := s.Blobs.Blob(ctx, m.SHA256)
		return m, data, err
	}
	return attachment.Meta{}, nil, apperr.ErrNotFound
}
