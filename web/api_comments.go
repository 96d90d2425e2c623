package web

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/comments"
)

func (s *Server) commentRoutes(api fiber.Router) {
	if s.cfg.Comments == nil {
		return
	}
	small := limitBody(DefaultBodyLimit)
	api.Post("/consultations/:id/comments", small, s.submitComment)
	api.Get("/consultations/:id/comments", s.listComments)
	api.Post("/consultations/:id/comments/offline", small, s.enterOfflineComment)
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
	api.Get("/consultations/:id/report", s.report)
	api.Get("/consultations/:id/report.csv", s.reportCSV)
	api.Get("/queues", s.queues)
}

func init() {
	registerOperations(
		apiOperation{"POST", "/consultations/{id}/comments", "Comment on the draft or one article; returns a receipt (Idempotency-Key header supported)", "Comment", "", nil},
		apiOperation{"GET", "/consultations/{id}/comments", "Comments: published public copies for everyone, every comment with originals for the department, legal and admin", "", "", []string{"status", "article", "cursor", "limit"}},
		apiOperation{"POST", "/consultations/{id}/comments/offline", "Enter a comment received by letter, email, phone, symposium or hearing", "OfflineComment", "staff", nil},
		apiOperation{"GET", "/receipts/{code}", "What happened to a comment, by its receipt code", "", "", nil},
		apiOperation{"GET", "/receipts/{code}/proof", "Proof that the comment is in the consultation's transparency log unchanged (RFC 9162 inclusion proof against the newest signed tree head)", "", "", nil},
		apiOperation{"GET", "/consultations/{id}/log/consistency", "Proof that the comment log at size to extends the log at size from (RFC 9162 consistency proof)", "", "", []string{"from", "to"}},
		apiOperation{"GET", "/heads", "The newest signed tree head of every public consultation, for outside parties to keep", "", "", []string{"cursor"}},
		apiOperation{"GET", "/log-key", "The public key (golang.org/x/mod/sumdb/note verifier key) that signs the tree heads", "", "", nil},
		apiOperation{"POST", "/comments/{id}/moderation", "Publish or decline a pending comment", "Moderation", "staff", nil},
		apiOperation{"POST", "/comments/{id}/disposition", "Answer a comment: adopted, partially_adopted, not_adopted, out_of_scope", "Disposition", "staff", nil},
		apiOperation{"POST", "/comments/{id}/split", "Take a comment out of its group", "", "staff", nil},
		apiOperation{"POST", "/comments/{id}/redaction", "Hide a span of a comment's public copy (shown as ［已隐去］); the original stays for staff", "Redaction", "staff", nil},
		apiOperation{"POST", "/consultations/{id}/groups/merge", "Merge groups of identical or near-identical comments", "Merge", "staff", nil},
		apiOperation{"POST", "/consultations/{id}/groups/{gid}/disposition", "Answer every comment of a group at once", "Disposition", "staff", nil},
		apiOperation{"GET", "/consultations/{id}/groups/proposals", "Near-duplicate groups proposed for merging", "", "staff", nil},
		apiOperation{"GET", "/consultations/{id}/report", "The adoption report (采纳情况), public once the period has closed", "", "", nil},
		apiOperation{"GET", "/consultations/{id}/report.csv", "The adoption report as CSV (UTF-8 with BOM)", "", "", nil},
		apiOperation{"GET", "/queues", "Work queues of the caller's department: pending moderation, undisposed comments, overdue reports", "", "staff", nil},
	)
	sub := props{"article_id": str(), "body": str(), "commenter_type": enum("individual", "organization"),
		"organization_name": str(), "display": enum("masked", "real_name", "anonymous"), "real_name": str(),
		"contact_phone": str(), "contact_email": str(), "notify": boolean()}
	requestSchemas["Comment"] = obj(sub, "body")
	off := props{"channel": enum("letter", "email", "phone", "symposium", "hearing"), "received_on": str()}
	for k, v := range sub {
		off[k] = v
	}
	requestSchemas["OfflineComment"] = obj(off, "body", "channel", "received_on")
	requestSchemas["Moderation"] = obj(props{"action": enum("publish", "decline"), "reason": enum("spam", "abusive", "off_topic", "personal_data", "duplicate"), "note": str()}, "action")
	requestSchemas["Redaction"] = obj(props{"start": integer(), "end": integer(), "text": str(), "reason": enum("personal_data", "third_party", "abusive", "trade_secret")}, "reason")
	requestSchemas["Disposition"] = obj(props{"status": enum("adopted", "partially_adopted", "not_adopted", "out_of_scope"), "reason": str(), "changed_articles": arr(str())}, "status")
	requestSchemas["Merge"] = obj(props{"group_ids": arr(str())}, "group_ids")
}

func (s *Server) submitComment(c *fiber.Ctx) error {
	if err := s.limitWrite(c); err != nil {
		s.cfg.Metrics.commentOutcome(false, err)
		return err
	}
	var f comments.Submission
	if err := decodeJSON(c, &f); err != nil {
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
	if err := decodeJSON(c, &f); err != nil {
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
	articles := map[string]any{}
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
		return c.JSON(fiber.Map{"items": page.Comments, "next_cursor": page.Next, "internal": true, "articles": articles})
	}
	return c.JSON(fiber.Map{"items": page.Public, "next_cursor": page.Next, "articles": articles})
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
	if err := limit(s.cfg.Limits.ReceiptPerIP, c.IP()); err != nil {
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
	return c.JSON(fiber.Map{"items": heads, "next": next, "log_key": s.cfg.Comments.LogKey})
}

func (s *Server) logKey(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"key": s.cfg.Comments.LogKey, "format": "golang.org/x/mod/sumdb/note verifier key (Ed25519)"})
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
	return c.JSON(fiber.Map{"group_id": c.Params("gid"), "answered": n})
}

type mergeForm struct {
	GroupIDs []string `json:"group_ids"`
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
	return c.JSON(fiber.Map{"group_id": id})
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
	list, err := s.cfg.Comments.ProposeGroups(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) report(c *fiber.Ctx) error {
	r, err := s.cfg.Comments.Report(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) reportCSV(c *fiber.Ctx) error {
	r, err := s.cfg.Comments.Report(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := r.WriteCSV(&buf, langOf(c)); err != nil {
		return apperr.Wrap(err, "write report csv")
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="report-`+strings.ReplaceAll(c.Params("id"), `"`, "")+`.csv"`)
	return c.Send(buf.Bytes())
}

func (s *Server) queues(c *fiber.Ctx) error {
	q, err := s.cfg.Comments.Queues(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	return c.JSON(q)
}
