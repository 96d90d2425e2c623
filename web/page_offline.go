package web

import (
	"github.com/gofiber/fiber/v2"

	"yugongkai/attachment"
	"yugongkai/comments"
	"yugongkai/i18n"
)

// Comments received offline — by letter, email, phone, at a symposium (座谈会)
// or a hearing (听证会) — are entered by the department with their channel and
// the date received, also after the period closed when received before it
// (comments.Service.EnterOffline enforces that).

func (s *Server) offlinePageRoutes() {
	if s.cfg.Comments == nil {
		return
	}
	s.App.Get("/staff/consultations/:id/offline", s.workOfflinePage)
	s.App.Post("/staff/consultations/:id/offline", attachmentLimit(attachment.ForComment, DefaultBodyLimit), s.workOfflineSubmit) // files: page_attachments.go
}

// offlineForm is the comment form plus how and when it was received.
type offlineForm struct {
	commentPageForm
	Channel, ReceivedOn string
	Signatories         string // as typed; "" is one
}

type workOfflineData struct {
	workBase
	Form     offlineForm
	Channels []option
	Articles []option
	Errors   formErrors
	// Files are the limits of the attached files (the letter, the record).
	Files attachment.Limits
	// Receipt is the code of the comment just entered, shown to pass on.
	Receipt string
}

func (s *Server) offlineData(c *fiber.Ctx, f offlineForm) (workOfflineData, error) {
	w, err := s.workData(c, "offline", "page.work.offline_title")
	if err != nil {
		return workOfflineData{}, err
	}
	d := workOfflineData{workBase: w, Form: f, Files: attachment.Table[attachment.ForComment]}
	for _, ch := range comments.OfflineChannels {
		d.Channels = append(d.Channels, option{Value: string(ch), Label: i18n.T(w.Lang, "channel."+string(ch)), Selected: string(ch) == f.Channel})
	}
	d.Articles = []option{{Value: "", Label: i18n.T(w.Lang, "page.comments.whole"), Selected: f.ArticleID == ""}}
	if n := w.C.PublicVersion; n > 0 {
		v, err := s.cfg.Consultations.VersionOf(c.UserContext(), w.User, w.C, n)
		if err != nil {
			return d, err
		}
		for _, a := range v.Articles() {
			d.Articles = append(d.Articles, option{Value: a.ID, Label: a.Label, Selected: a.ID == f.ArticleID})
		}
	}
	return d, nil
}

func (s *Server) workOfflinePage(c *fiber.Ctx) error {
	d, err := s.offlineData(c, offlineForm{Channel: string(comments.Letter),
		commentPageForm: commentPageForm{Display: string(comments.Anonymous), CommenterType: string(comments.Individual)}})
	if err != nil {
		return err
	}
	d.Receipt = c.Query("receipt")
	return s.render(c, fiber.StatusOK, "work_offline", d)
}

func (s *Server) workOfflineSubmit(c *fiber.Ctx) error {
	f := offlineForm{Channel: c.FormValue("channel"), ReceivedOn: c.FormValue("received_on"), commentPageForm: commentPageForm{
		ArticleID: c.FormValue("article_id"), Body: formText(c, "body"), CommenterType: c.FormValue("commenter_type"),
		OrganizationName: c.FormValue("organization_name"), Display: c.FormValue("display"), RealName: c.FormValue("real_name"),
		ContactPhone: c.FormValue("contact_phone"), ContactEmail: c.FormValue("contact_email"),
		OnBehalfOf: c.FormValue("on_behalf_of")}, Signatories: c.FormValue("signatories")}
	d, err := s.offlineData(c, f)
	if err != nil {
		return err
	}
	files, err := pageFiles(c) // page_attachments.go
	if err != nil {
		return err
	}
	sub := f.submission()
	sub.Files = files
	r, err := s.cfg.Comments.EnterOffline(c.UserContext(), d.User, d.C.ID, comments.OfflineSubmission{
		Submission: sub, Channel: comments.Channel(f.Channel), ReceivedOn: f.ReceivedOn,
		Signatories: formSignatories(f.Signatories)})
	if fe, status := attachmentFieldErrors(d.Lang, err); fe != nil {
		d.Errors = fe
		return s.render(c, status, "work_offline", d)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/staff/consultations/"+d.C.ID+"/offline?done=offline_saved&receipt="+r.Code, fiber.StatusSeeOther)
}
