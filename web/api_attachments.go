package web

import (
	"fmt"
	"io"
	"mime/multipart"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/attachment"
	"yugongkai/comments"
	"yugongkai/consultation"
)

// Attachments: a comment may carry files (multipart/form-data, the JSON
// fields as form fields and the files as "attachment"); staff publish or
// restrict each; downloads serve the bytes under their kind's media type
// as a download (never rendered inline).

func (s *Server) attachmentRoutes(api fiber.Router) {
	small := limitBody(DefaultBodyLimit)
	api.Get("/comments/:id/attachments/:aid", s.commentAttachment)
	api.Post("/comments/:id/attachments/:aid", small, s.setCommentAttachment)
}

func init() {
	registerOperations(
		apiOperation{Method: "GET", Path: "/comments/{id}/attachments/{aid}", ID: "commentAttachment", Summary: "Download a file attached to a comment: staff of the department any, everyone else a published file of a published comment", Media: attachmentMedia()},
		apiOperation{Method: "GET", Path: "/consultations/{id}/steps/{sid}/attachments/{aid}", ID: "stepAttachment", Summary: "Download a file of a procedure step record, for whoever may see the record", Media: attachmentMedia()},
		apiOperation{Method: "POST", Path: "/comments/{id}/attachments/{aid}", ID: "setCommentAttachment", Summary: "Publish a comment's attached file, or restrict it with a reason (the public sees 附件已限制公开：reason)", Auth: "staff", Request: comments.AttachmentForm{}, Response: comments.Comment{}},
	)
}

// isMultipart reports whether the request body is multipart/form-data.
func isMultipart(c *fiber.Ctx) bool {
	return strings.HasPrefix(strings.ToLower(string(c.Request().Header.ContentType())), fiber.MIMEMultipartForm)
}

// attachmentLimit bounds a request that may carry the files of use u:
// multipart bodies up to what u's limits need (413 naming the limits),
// any other body to n.
func attachmentLimit(u attachment.Use, n int) fiber.Handler {
	max := attachment.MaxRequest(u)
	return func(c *fiber.Ctx) error {
		if !isMultipart(c) {
			return limitBody(n)(c)
		}
		if bodyOver(c, max) {
			l := attachment.Table[u]
			return apperr.New(apperr.TooLarge, "attachment.request_too_large", l.MaxFiles, attachment.FormatSize(l.MaxBytes))
		}
		return c.Next()
	}
}

// formFiles reads the files posted as "attachment"; a file in any other
// field is refused. Names are copied (they outlive the request).
func formFiles(form *multipart.Form) ([]attachment.File, error) {
	var out []attachment.File
	for field, hs := range form.File {
		if field != "attachment" {
			return nil, apperr.New(apperr.BadRequest, "error.unknown_field", field)
		}
		for _, h := range hs {
			if h.Filename == "" && h.Size == 0 {
				continue // an empty file input
			}
			f, err := h.Open()
			if err != nil {
				return nil, apperr.Wrap(err, "web: open upload")
			}
			data, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return nil, apperr.Wrap(err, "web: read upload")
			}
			out = append(out, attachment.File{Name: strings.Clone(h.Filename), Data: data})
		}
	}
	return out, nil
}

// submissionFields are the form fields a multipart comment may carry: the
// JSON members of comments.Submission.
var submissionFields = map[string]func(f *comments.Submission, v string) error{
	"article_id":        func(f *comments.Submission, v string) error { f.ArticleID = v; return nil },
	"body":              func(f *comments.Submission, v string) error { f.Body = strings.ReplaceAll(v, "\r\n", "\n"); return nil },
	"commenter_type":    func(f *comments.Submission, v string) error { f.CommenterType = comments.CommenterType(v); return nil },
	"organization_name": func(f *comments.Submission, v string) error { f.OrganizationName = v; return nil },
	"display":           func(f *comments.Submission, v string) error { f.Display = comments.Display(v); return nil },
	"real_name":         func(f *comments.Submission, v string) error { f.RealName = v; return nil },
	"contact_phone":     func(f *comments.Submission, v string) error { f.ContactPhone = v; return nil },
	"contact_email":     func(f *comments.Submission, v string) error { f.ContactEmail = v; return nil },
	"stance":            func(f *comments.Submission, v string) error { f.Stance = comments.Stance(v); return nil },
	"notify": func(f *comments.Submission, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			var fe apperr.Fields
			fe.Add("notify", "field.invalid")
			return fe.Err()
		}
		f.Notify = &b
		return nil
	},
}

// decodeSubmission reads a comment from a JSON or a multipart body.
func decodeSubmission(c *fiber.Ctx, f *comments.Submission) error {
	if !isMultipart(c) {
		return decodeJSON(c, f)
	}
	return decodeMultipart(c, &f.Files, func(name, v string) error {
		set, ok := submissionFields[name]
		if !ok {
			return apperr.New(apperr.BadRequest, "error.unknown_field", name)
		}
		return set(f, v)
	})
}

// offlineFields are the form fields of a multipart offline entry beyond
// those of a comment: the members of comments.OfflineSubmission.
var offlineFields = map[string]func(f *comments.OfflineSubmission, v string) error{
	"channel":     func(f *comments.OfflineSubmission, v string) error { f.Channel = comments.Channel(v); return nil },
	"received_on": func(f *comments.OfflineSubmission, v string) error { f.ReceivedOn = v; return nil },
	"signatories": func(f *comments.OfflineSubmission, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 {
			var fe apperr.Fields
			fe.Add("signatories", "field.invalid")
			return fe.Err()
		}
		f.Signatories = n
		return nil
	},
}

// decodeOfflineSubmission reads an offline entry from a JSON or a
// multipart body (the files of the letter or the record as "attachment").
func decodeOfflineSubmission(c *fiber.Ctx, f *comments.OfflineSubmission) error {
	if !isMultipart(c) {
		return decodeJSON(c, f)
	}
	return decodeMultipart(c, &f.Files, func(name, v string) error {
		if set, ok := offlineFields[name]; ok {
			return set(f, v)
		}
		set, ok := submissionFields[name]
		if !ok {
			return apperr.New(apperr.BadRequest, "error.unknown_field", name)
		}
		return set(&f.Submission, v)
	})
}

// decodeMultipart reads a multipart body: each form field once, valid
// UTF-8, copied out of Fiber's buffers and given to set; the files of
// "attachment" into files.
func decodeMultipart(c *fiber.Ctx, files *[]attachment.File, set func(name, v string) error) error {
	form, err := c.MultipartForm()
	if err != nil {
		return apperr.New(apperr.BadRequest, "attachment.bad_form")
	}
	for name, vs := range form.Value {
		if len(vs) != 1 {
			return apperr.New(apperr.BadRequest, "error.bad_param", name)
		}
		if !utf8.ValidString(vs[0]) {
			return apperr.New(apperr.BadRequest, "error.bad_utf8")
		}
		if err := set(name, strings.Clone(vs[0])); err != nil {
			return err
		}
	}
	*files, err = formFiles(form)
	return err
}

func (s *Server) commentAttachment(c *fiber.Ctx) error {
	m, data, err := s.cfg.Comments.Attachment(c.UserContext(), principal(c), c.Params("id"), c.Params("aid"))
	if err != nil {
		return err
	}
	return sendAttachment(c, m, data)
}

// sendAttachment serves a file as a download under its sniffed media type.
func sendAttachment(c *fiber.Ctx, m attachment.Meta, data []byte) error {
	c.Set(fiber.HeaderContentType, m.Kind.MediaType())
	c.Set(fiber.HeaderContentDisposition, contentDisposition(m.Name))
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set(fiber.HeaderETag, `"`+m.SHA256+`"`)
	c.Set("Digest", "sha-256="+m.SHA256)
	return c.Send(data)
}

// contentDisposition names a download: an ASCII fallback and the UTF-8 name
// (RFC 6266 / 5987).
func contentDisposition(name string) string {
	var ascii strings.Builder
	for _, r := range name {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' {
			ascii.WriteByte('_')
		} else {
			ascii.WriteRune(r)
		}
	}
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii.String(), url.PathEscape(name))
}

func (s *Server) setCommentAttachment(c *fiber.Ctx) error {
	var f comments.AttachmentForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	cm, err := s.cfg.Comments.SetAttachment(c.UserContext(), principal(c), c.Params("id"), c.Params("aid"), f)
	if err != nil {
		return err
	}
	return c.JSON(cm)
}

// attachmentMedia lists the media types downloads are served with.
func attachmentMedia() []string {
	var out []string
	for _, k := range []attachment.Kind{attachment.PDF, attachment.DOCX, attachment.XLSX, attachment.PNG, attachment.JPEG, attachment.GIF, attachment.WebP} {
		out = append(out, k.MediaType())
	}
	return out
}

// decodeStepForm reads a step record from a JSON or a multipart body.
func decodeStepForm(c *fiber.Ctx, f *consultation.StepForm) error {
	if !isMultipart(c) {
		return decodeJSON(c, f)
	}
	form, err := c.MultipartForm()
	if err != nil {
		return apperr.New(apperr.BadRequest, "attachment.bad_form")
	}
	for name, vs := range form.Value {
		if !utf8.ValidString(strings.Join(vs, "")) {
			return apperr.New(apperr.BadRequest, "error.bad_utf8")
		}
		if name == "risk_types" {
			for _, v := range vs {
				f.RiskTypes = append(f.RiskTypes, strings.Clone(v))
			}
			continue
		}
		if len(vs) != 1 {
			return apperr.New(apperr.BadRequest, "error.bad_param", name)
		}
		v := strings.Clone(vs[0])
		switch name {
		case "kind":
			f.Kind = consultation.StepKind(v)
		case "held_on":
			f.HeldOn = v
		case "participants":
			f.Participants = v
		case "summary":
			f.Summary = strings.ReplaceAll(v, "\r\n", "\n")
		case "outcome":
			f.Outcome = v
		case "measures":
			f.Measures = v
		case "public":
			b, err := strconv.ParseBool(v)
			if err != nil {
				var fe apperr.Fields
				fe.Add("public", "field.invalid")
				return fe.Err()
			}
			f.Public = b
		default:
			return apperr.New(apperr.BadRequest, "error.unknown_field", name)
		}
	}
	f.Files, err = formFiles(form)
	return err
}

func (s *Server) stepAttachment(c *fiber.Ctx) error {
	m, data, err := s.cfg.Consultations.StepAttachment(c.UserContext(), principal(c), c.Params("id"), c.Params("sid"), c.Params("aid"))
	if err != nil {
		return err
	}
	return sendAttachment(c, m, data)
}
