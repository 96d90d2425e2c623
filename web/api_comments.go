package web

import (
	"bytes"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/attachment"
	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/translog"
)

func (s *Server) commentRoutes(api fiber.Router) {
	if s.cfg.Comments == nil {
		return
	}
	small := limitBody(DefaultBodyLimit)
	api.Post("/consultations/:id/comments", attachmentLimit(attachment.ForComment, DefaultBodyLimit), s.submitComment) // api_attachments.go
	s.attachmentRoutes(api)
	s.documentRoutes(api) // api_documents.go
	api.Get("/consultations/:id/comments", s.listComments)
	api.Get("/consultations/:id/staff-search", s.staffSearch)                                                                        // api_staff_search.go
	api.Post("/consultations/:id/comments/offline", attachmentLimit(attachment.ForComment, DefaultBodyLimit), s.enterOfflineComment) // api_attachments.go
	api.Get("/receipts/:code", s.receipt)
	api.Get("/receipts/:code/proof", s.receiptProof)
	api.Get("/consultations/:id/log/consistency", s.logConsistency)
	api.Get("/log-key", s.logKey)
	api.Get("/heads", s.logHeads)
	api.Post("/comments/:id/moderation", small, s.moderateComment)
	api.Post("/comments/:id/disposition", small, s.disposeComment)
	api.Post("/comments/:id/split", small, s.splitComment)
	api.Post("/comments/:id/redaction", small, s.redactComment)
	api.Post("/consultations/:id/groups/merge", small, s.mergeGroups)
	api.Post("/consultations/:id/groups/:gid/disposition", small, s.disposeGroup)
	api.Get("/consultations/:id/groups/proposals", s.proposeGroups)
	api.Post("/consultations/:id/groups/proposals", small, s.startProposals)
	api.Get("/consultations/:id/report", s.report)
	api.Get("/consultations/:id/report.csv", s.reportCSV)
	api.Get("/queues", s.queues)
}

func init() {
	registerOperations(
		apiOperation{Method: "POST", Path: "/consultations/{id}/comments", ID: "submitComment", Summary: "Comment on the draft or one article; returns a receipt (Idempotency-Key header supported: a repeated key answers 200 with the first receipt). Also multipart/form-data: the JSON members as form fields and up to 5 files (PDF, .docx, .xlsx, PNG, JPEG, GIF, WebP; 10 MB each, kind checked by content) as attachment", Request: comments.Submission{}, Files: []string{"attachment"}, Status: 201, Also: []int{200}, Response: comments.Receipt{}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/comments", ID: "listComments", Summary: "Comments: published public copies for everyone, every comment with originals for the department, legal and admin", Params: []string{"status", "article", "cursor", "limit"}, Response: oneOf{PublicCommentPage{}, CommentPage{}}},
		apiOperation{Method: "POST", Path: "/consultations/{id}/comments/offline", ID: "enterOfflineComment", Summary: "Enter a comment received by letter, email, phone, symposium or hearing. Also multipart/form-data: the JSON members as form fields and up to 5 files (the scanned letter, the 座谈会 record; same kinds and limits as online comments, kind checked by content) as attachment", Auth: "staff", Request: comments.OfflineSubmission{}, Files: []string{"attachment"}, Status: 201, Response: comments.Receipt{}},
		apiOperation{Method: "GET", Path: "/receipts/{code}", ID: "receipt", Summary: "What happened to a comment, by its receipt code", Response: ReceiptView{}},
		apiOperation{Method: "GET", Path: "/receipts/{code}/proof", ID: "receiptProof", Summary: "Proof that the comment is in the consultation's transparency log unchanged (RFC 9162 inclusion proof against the newest signed tree head)", Response: comments.InclusionProof{}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/log/consistency", ID: "logConsistency", Summary: "Proof that the comment log at size to extends the log at size from (RFC 9162 consistency proof)", Params: []string{"from", "to"}, Response: translog.ConsistencyProof{}},
		apiOperation{Method: "GET", Path: "/heads", ID: "logHeads", Summary: "The newest signed tree head of every public consultation, for outside parties to keep", Params: []string{"cursor"}, Response: HeadList{}},
		apiOperation{Method: "GET", Path: "/log-key", ID: "logKey", Summary: "The public key (golang.org/x/mod/sumdb/note verifier key) that signs the tree heads", Response: LogKey{}},
		apiOperation{Method: "POST", Path: "/comments/{id}/moderation", ID: "moderateComment", Summary: "Publish or decline a pending comment", Auth: "staff", Request: comments.ModerationForm{}, Response: comments.Comment{}},
		apiOperation{Method: "POST", Path: "/comments/{id}/disposition", ID: "disposeComment", Summary: "Answer a comment: adopted, partially_adopted, not_adopted, out_of_scope", Auth: "staff", Request: comments.DispositionForm{}, Response: comments.Comment{}},
		apiOperation{Method: "POST", Path: "/comments/{id}/split", ID: "splitComment", Summary: "Take a comment out of its group", Auth: "staff", Request: struct{}{}, Status: 204},
		apiOperation{Method: "POST", Path: "/comments/{id}/redaction", ID: "redactComment", Summary: "Hide a span of a comment's public copy (shown as ［已隐去］); the original stays for staff", Auth: "staff", Request: comments.RedactForm{}, Response: comments.Comment{}},
		apiOperation{Method: "POST", Path: "/consultations/{id}/groups/merge", ID: "mergeGroups", Summary: "Merge groups of identical or near-identical comments", Auth: "staff", Request: mergeForm{}, Response: MergedGroup{}},
		apiOperation{Method: "POST", Path: "/consultations/{id}/groups/{gid}/disposition", ID: "disposeGroup", Summary: "Answer every comment of a group at once", Auth: "staff", Request: comments.DispositionForm{}, Response: GroupAnswer{}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/groups/proposals", ID: "proposeGroups", Summary: "Near-duplicate groups proposed for merging: the stored result of the last background pass, answered at once with its state (computing, done at done_at, stale by new_comments, failed); a pass is started when there is no result yet", Auth: "staff", Response: comments.NearStatus{}},
		apiOperation{Method: "POST", Path: "/consultations/{id}/groups/proposals", ID: "startProposals", Summary: "Start a background pass for near-duplicate proposals (unless one is running); answers at once with the state, as GET", Auth: "staff", Request: struct{}{}, Status: 202, Response: comments.NearStatus{}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/report", ID: "report", Summary: "The adoption report (采纳情况), public once the period has closed", Response: comments.Report{}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/report.csv", ID: "reportCSV", Summary: "The adoption report as CSV (UTF-8 with BOM)", Media: []string{"text/csv"}},
		apiOperation{Method: "GET", Path: "/queues", ID: "queues", Summary: "Work queues of the caller's department: pending moderation, undisposed comments, overdue reports", Auth: "staff", Response: comments.Queues{}},
	)
}

func (s *Server) submitComment(c *fiber.Ctx) error {
	if err := s.limitWrite(c); err != nil {
		s.cfg.Metrics.commentOutcome(false, err)
		return err
	}
	var f comments.Submission
	if err := decodeSubmission(c, &f); err != nil { // JSON or multipart with files (api_attachments.go)
		return err
	}
	f.Lang = string(langOf(c)) // the language of notifications
	r, err := s.cfg.Comments.Submit(c.UserContext(), principal(c), c.Params("id"), f, c.Get("Idempotency-Key"))
	s.cfg.Metrics.commentOutcome(r != nil && r.Repeated, err)
	if err != nil {
		return err
	}
	status := fiber.StatusCreated
	if r.Repeated {
		status = fiber.StatusOK
	}
	return c.Status(status).JSON(r)
}

func (s *Server) enterOfflineComment(c *fiber.Ctx) error {
	var f comments.OfflineSubmission
	if err := decodeOfflineSubmission(c, &f); err != nil { // JSON or multipart with files (api_attachments.go)
		return err
	}
	r, err := s.cfg.Comments.EnterOffline(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (s *Server) listComments(c *fiber.Ctx) error {
	f := comments.ListFilter{Status: c.Query("status"), Cursor: c.Query("cursor")}
	if c.Context().QueryArgs().Has("article") {
		a := c.Query("article")
		f.ArticleID = &a
	}
	if n, err := intQuery(c, "limit", 20); err != nil || n > 100 {
		return apperr.New(apperr.Invalid, "error.bad_param", "limit")
	} else {
		f.Limit = n
	}
	page, err := s.cfg.Comments.List(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	// What became of each commented article in the newest visible version.
	fates, err := s.cfg.Consultations.ArticleFates(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	articles := map[string]consultation.ArticleFate{}
	addFate := func(id string) {
		if f, ok := fates[id]; ok && id != "" {
			articles[id] = f
		}
	}
	for _, cm := range page.Comments {
		addFate(cm.ArticleID)
	}
	for _, cm := range page.Public {
		addFate(cm.ArticleID)
	}
	if page.Internal {
		return c.JSON(CommentPage{Items: page.Comments, NextCursor: page.Next, Internal: true, Articles: articles})
	}
	return c.JSON(PublicCommentPage{Items: page.Public, NextCursor: page.Next, Articles: articles})
}

// CommentPage is a page of comments with their originals, for the
// department, legal and admin; Articles tells what became of each
// commented article in the newest visible version.
type CommentPage struct {
	Items      []*comments.Comment                 `json:"items"`
	NextCursor string                              `json:"next_cursor,omitempty"`
	Internal   bool                                `json:"internal"`
	Articles   map[string]consultation.ArticleFate `json:"articles"`
}

// PublicCommentPage is a page of published comments' public copies.
type PublicCommentPage struct {
	Items      []*comments.PublicComment           `json:"items"`
	NextCursor string                              `json:"next_cursor,omitempty"`
	Articles   map[string]consultation.ArticleFate `json:"articles"`
}

// HeadList is the newest signed tree head of each public consultation.
type HeadList struct {
	Items []comments.ConsultationHead `json:"items"`
	Next  string                      `json:"next"`
	// LogKey verifies the heads' signatures.
	LogKey string `json:"log_key"`
}

// LogKey is the key that signs the tree heads.
type LogKey struct {
	Key    string `json:"key"`
	Format string `json:"format"`
}

// GroupAnswer says how many comments of a group were answered.
type GroupAnswer struct {
	GroupID  string `json:"group_id"`
	Answered int    `json:"answered"`
}

// MergedGroup names the group merged comments now belong to.
type MergedGroup struct {
	GroupID string `json:"group_id"`
}

func (s *Server) receipt(c *fiber.Ctx) error {
	if err := limit(s.cfg.Limits.ReceiptPerIP, s.clientIP(c)); err != nil {
		return err
	}
	r, err := s.cfg.Comments.Receipt(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	changes, err := s.contributions(c, r)
	if err != nil {
		return err
	}
	return c.JSON(ReceiptView{ReceiptStatus: r, Changes: changes})
}

func (s *Server) receiptProof(c *fiber.Ctx) error {
	if err := limit(s.cfg.Limits.ReceiptPerIP, s.clientIP(c)); err != nil {
		return err
	}
	p, err := s.cfg.Comments.Proof(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) logConsistency(c *fiber.Ctx) error {
	from, err1 := strconv.ParseInt(c.Query("from"), 10, 64)
	to, err2 := strconv.ParseInt(c.Query("to"), 10, 64)
	if err1 != nil || err2 != nil {
		return apperr.New(apperr.BadRequest, "error.bad_param", "from, to")
	}
	p, err := s.cfg.Comments.Consistency(c.UserContext(), principal(c), c.Params("id"), from, to)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) logHeads(c *fiber.Ctx) error {
	heads, next, err := s.cfg.Comments.Heads(c.UserContext(), principal(c), c.Query("cursor"))
	if err != nil {
		return err
	}
	return c.JSON(HeadList{Items: heads, Next: next, LogKey: s.cfg.Comments.LogKey})
}

func (s *Server) logKey(c *fiber.Ctx) error {
	return c.JSON(LogKey{Key: s.cfg.Comments.LogKey, Format: "golang.org/x/mod/sumdb/note verifier key (Ed25519)"})
}

// ReceiptView is the receipt lookup: the comment's status plus, once the
// decision is published, the articles its adoption changed with their new
// wording ("your comment contributed to the change in 第十三条").
type ReceiptView struct {
	*comments.ReceiptStatus
	Changes []ChangedArticle `json:"changes,omitempty"`
}

// ChangedArticle is an article a comment contributed to, in the public text.
type ChangedArticle struct {
	ArticleID string `json:"article_id"`
	Label     string `json:"label"`
	Text      string `json:"text"`
	Version   int    `json:"version"`
}

// contributions looks up the changed articles of an adopted comment in the
// newest version the public may read.
func (s *Server) contributions(c *fiber.Ctx, r *comments.ReceiptStatus) ([]ChangedArticle, error) {
	if r.Disposition == nil || len(r.Disposition.ChangedArticles) == 0 {
		return nil, nil
	}
	anyone := auth.Principal{}
	versions, err := s.cfg.Consultations.Versions(c.UserContext(), anyone, r.ConsultationID)
	if err != nil || len(versions) == 0 {
		return nil, err
	}
	latest := versions[len(versions)-1]
	if latest.Number == 1 {
		return nil, nil // only the consultation draft is public so far
	}
	var out []ChangedArticle
	for _, id := range r.Disposition.ChangedArticles {
		if a, ok := latest.Article(id); ok {
			out = append(out, ChangedArticle{ArticleID: id, Label: a.Label, Text: a.Text(), Version: latest.Number})
		}
	}
	return out, nil
}

func (s *Server) moderateComment(c *fiber.Ctx) error {
	var f comments.ModerationForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	cm, err := s.cfg.Comments.Moderate(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	return c.JSON(cm)
}

func (s *Server) redactComment(c *fiber.Ctx) error {
	var f comments.RedactForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	cm, err := s.cfg.Comments.Redact(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	return c.JSON(cm)
}

func (s *Server) disposeComment(c *fiber.Ctx) error {
	var f comments.DispositionForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	cm, err := s.cfg.Comments.Dispose(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	return c.JSON(cm)
}

func (s *Server) disposeGroup(c *fiber.Ctx) error {
	var f comments.DispositionForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	n, err := s.cfg.Comments.DisposeGroup(c.UserContext(), principal(c), c.Params("id"), c.Params("gid"), f)
	if err != nil {
		return err
	}
	return c.JSON(GroupAnswer{GroupID: c.Params("gid"), Answered: n})
}

type mergeForm struct {
	GroupIDs []string `json:"group_ids" jsonschema:"required"`
}

func (s *Server) mergeGroups(c *fiber.Ctx) error {
	var f mergeForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	id, err := s.cfg.Comments.Merge(c.UserContext(), principal(c), c.Params("id"), f.GroupIDs)
	if err != nil {
		return err
	}
	return c.JSON(MergedGroup{GroupID: id})
}

func (s *Server) splitComment(c *fiber.Ctx) error {
	if len(bytes.TrimSpace(c.Body())) > 0 {
		var empty struct{}
		if err := decodeJSON(c, &empty); err != nil {
			return err
		}
	}
	if err := s.cfg.Comments.Split(c.UserContext(), principal(c), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) proposeGroups(c *fiber.Ctx) error {
	st, err := s.cfg.Comments.NearProposals(c.UserContext(), principal(c), c.Params("id"), false)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (s *Server) startProposals(c *fiber.Ctx) error {
	if len(bytes.TrimSpace(c.Body())) > 0 {
		var empty struct{}
		if err := decodeJSON(c, &empty); err != nil {
			return err
		}
	}
	st, err := s.cfg.Comments.NearProposals(c.UserContext(), principal(c), c.Params("id"), true)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(st)
}

func (s *Server) report(c *fiber.Ctx) error { return s.reportJSONStream(c) } // api_report_stream.go

func (s *Server) reportCSV(c *fiber.Ctx) error { return s.reportCSVStream(c) }

func (s *Server) queues(c *fiber.Ctx) error {
	q, err := s.cfg.Comments.Queues(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	return c.JSON(q)
}
