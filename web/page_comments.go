package web

import (
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/attachment"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/i18n"
	"yugongkai/lawtext"
	"yugongkai/workcal"
)

// commentPageRoutes registers the comment form and the receipt pages when
// the comments service is configured. Moderation, disposition and the
// adoption report pages come with the comments work.
func (s *Server) commentPageRoutes() {
	if s.cfg.Comments == nil {
		return
	}
	app := s.App
	app.Get("/consultations/:id/comment", s.commentPage)
	app.Post("/consultations/:id/comment", attachmentLimit(attachment.ForComment, DefaultBodyLimit), s.commentSubmit) // files: page_attachments.go
	app.Get("/receipts", s.receiptLookupPage)
	app.Get("/receipts/lost", s.lostReceiptsPage) // page_lost_receipts.go; before /receipts/:code
	app.Post("/receipts/lost", limitBody(DefaultBodyLimit), s.lostReceiptsSubmit)
	app.Get("/receipts/:code", s.receiptPage)
}

// commentPageForm is the comment form as posted.
type commentPageForm struct {
	ArticleID, Body, CommenterType, OrganizationName, Display, RealName, ContactPhone, ContactEmail string
	Stance                                                                                          string
	// Key makes a double submission return the first receipt.
	Key string
	// NoNotify: the notify box was shown and left unticked (notify_page.go).
	NoNotify bool
	Lang     string
	// SuggestedText is the wording proposed for the article (page_suggest.go).
	SuggestedText string
	// OnBehalfOf: whom the commenter speaks for (category.go).
	OnBehalfOf string
}

func (f commentPageForm) submission() comments.Submission {
	return comments.Submission{ArticleID: f.ArticleID, Body: f.Body, CommenterType: comments.CommenterType(f.CommenterType),
		OrganizationName: f.OrganizationName, Display: comments.Display(f.Display), RealName: f.RealName,
		ContactPhone: f.ContactPhone, ContactEmail: f.ContactEmail, Notify: f.notify(), Lang: f.Lang, Stance: comments.Stance(f.Stance),
		SuggestedText: f.SuggestedText, OnBehalfOf: f.OnBehalfOf}
}

type commentPageData struct {
	pageBase
	C         *consultation.Consultation
	Accepting bool
	// Closed explains why no comment can be sent now.
	Closed        string
	LoginRequired bool
	Articles      []option
	Article       *lawtext.Article
	Form          commentPageForm
	Errors        formErrors
	MaxBody       int
	// Files are the attachment limits shown by the file input.
	Files   attachment.Limits
	Privacy []string // the personal-data notice (page_privacy.go)
}

// commentData loads the consultation and the text under consultation.
func (s *Server) commentData(c *fiber.Ctx, f commentPageForm) (commentPageData, error) {
	ctx, p, lang := c.UserContext(), principal(c), langOf(c)
	x, err := s.cfg.Consultations.Get(ctx, p, c.Params("id"))
	if err != nil {
		return commentPageData{}, err
	}
	d := commentPageData{pageBase: s.base(c, i18n.T(lang, "page.comment.title")), C: x, Form: f, MaxBody: comments.MaxBody, Files: attachment.Table[attachment.ForComment]}
	d.Accepting = x.AcceptsComments(d.Now)
	d.Privacy = s.privacyNotice(lang, x) // page_privacy.go
	switch {
	case d.Accepting && !x.AllowAnonymous && p.Anonymous():
		d.LoginRequired = true
	case !d.Accepting && x.ClosesAt != nil && !d.Now.Before(*x.ClosesAt):
		d.Closed = i18n.T(lang, "comments.period_closed", consultation.FormatDateTime(*x.ClosesAt))
	case !d.Accepting && x.OpensAt != nil && d.Now.Before(*x.OpensAt):
		d.Closed = i18n.T(lang, "comments.period_not_started", consultation.FormatDateTime(*x.OpensAt))
	case !d.Accepting:
		d.Closed = i18n.T(lang, "period.not_open")
	}
	if x.PublicVersion > 0 {
		v, err := s.cfg.Consultations.VersionOf(ctx, p, x, x.PublicVersion)
		if err != nil {
			return d, err
		}
		d.Articles = append(d.Articles, option{"", i18n.T(lang, "comments.whole_draft"), f.ArticleID == ""})
		for _, a := range v.Articles() {
			d.Articles = append(d.Articles, option{a.ID, a.Label, a.ID == f.ArticleID})
			if a.ID == f.ArticleID {
				art := a
				d.Article = &art
			}
		}
	}
	return d, nil
}

func (s *Server) commentPage(c *fiber.Ctx) error {
	f := commentPageForm{ArticleID: c.Query("article"), CommenterType: string(comments.Individual), Display: string(comments.Masked), Key: newCSRFToken()}
	d, err := s.commentData(c, f)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "comment", d)
}

// commentSubmit stores the comment and shows its receipt; invalid fields
// re-render the form.
func (s *Server) commentSubmit(c *fiber.Ctx) error {
	if err := s.limitWrite(c); err != nil {
		s.cfg.Metrics.commentOutcome(false, err)
		return err
	}
	v := func(k string) string { return c.FormValue(k) }
	f := commentPageForm{ArticleID: v("article_id"), Body: strings.ReplaceAll(v("body"), "\r\n", "\n"), CommenterType: v("commenter_type"),
		OrganizationName: v("organization_name"), Display: v("display"), RealName: v("real_name"),
		ContactPhone: v("contact_phone"), ContactEmail: v("contact_email"), Key: v("key"), Stance: v("stance"),
		NoNotify: v("notify_shown") != "" && v("notify") == "", Lang: string(langOf(c)),
		SuggestedText: strings.ReplaceAll(v("suggested_text"), "\r\n", "\n"), OnBehalfOf: v("on_behalf_of")}
	sub := f.submission()
	files, err := pageFiles(c) // page_attachments.go
	if err != nil {
		return err
	}
	sub.Files = files
	r, err := s.cfg.Comments.Submit(c.UserContext(), principal(c), c.Params("id"), sub, f.Key)
	s.cfg.Metrics.commentOutcome(r != nil && r.Repeated, err)
	if fe, status := attachmentFieldErrors(langOf(c), err); fe != nil {
		d, err := s.commentData(c, f)
		if err != nil {
			return err
		}
		d.Errors = fe
		return s.render(c, status, "comment", d)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/receipts/"+url.PathEscape(r.Code)+"?new=1", fiber.StatusSeeOther)
}

type receiptPageData struct {
	pageBase
	R   *comments.ReceiptStatus
	New bool
	// Changes are the articles the comment contributed to, with their new
	// wording, once a text with them is public.
	Changes []ChangedArticle
	// Code is what was typed into the lookup form, shown back with its error.
	Code  string
	Error string
	// Withdrawn: the comment was just withdrawn; Errors and Reason are the
	// withdrawal form's (page_withdraw.go).
	Withdrawn bool
	Errors    formErrors
	Reason    string
	// Erased: the comment's contact was just erased (page_erase_contact.go).
	Erased bool
}

// receiptLookupPage is the form to look a receipt up; with ?code= it goes
// to the receipt's page.
func (s *Server) receiptLookupPage(c *fiber.Ctx) error {
	lang := langOf(c)
	d := receiptPageData{pageBase: s.base(c, i18n.T(lang, "page.receipt.lookup")), Code: c.Query("code")}
	if d.Code != "" {
		if code, ok := comments.NormalizeReceiptCode(d.Code); ok {
			return c.Redirect("/receipts/"+url.PathEscape(code), fiber.StatusSeeOther)
		}
		d.Error = i18n.T(lang, "page.receipt.bad_code")
		return s.render(c, fiber.StatusUnprocessableEntity, "receipt_lookup", d)
	}
	return s.render(c, fiber.StatusOK, "receipt_lookup", d)
}

func (s *Server) receiptPage(c *fiber.Ctx) error {
	if err := limit(s.cfg.Limits.ReceiptPerIP, s.clientIP(c)); err != nil {
		return err
	}
	r, err := s.cfg.Comments.Receipt(c.UserContext(), c.Params("code"))
	if apperr.Is(err, apperr.NotFound) || apperr.Is(err, apperr.Invalid) || apperr.Is(err, apperr.BadRequest) {
		lang := langOf(c)
		d := receiptPageData{pageBase: s.base(c, i18n.T(lang, "page.receipt.lookup")), Code: c.Params("code"), Error: i18n.T(lang, "page.receipt.not_found")}
		return s.render(c, fiber.StatusNotFound, "receipt_lookup", d)
	}
	if err != nil {
		return err
	}
	d := receiptPageData{pageBase: s.base(c, i18n.T(langOf(c), "page.receipt.title")), R: r, New: c.Query("new") != "", Erased: c.Query("erased") != ""}
	d.Withdrawn = c.Query("withdrawn") != ""
	if d.Changes, err = s.contributions(c, r); err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "receipt", d)
}

// DateTime shows an instant as Shanghai date and time to the minute.
func (p pageBase) DateTime(t time.Time) string {
	return p.Date(t) + " " + t.In(workcal.Shanghai()).Format("15:04")
}
