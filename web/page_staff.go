package web

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/i18n"
	"yugongkai/lawtext"
	"yugongkai/workcal"
)

type staffDashboardData struct {
	pageBase
	Department string
	Drafts     []consultationItem
	Open       []consultationItem
	Closed     []consultationItem
	// Returned came back from legality review (应当予以修改); InReview wait
	// for the legal office.
	Returned []consultationItem
	InReview []consultationItem
	// Queues are the comments waiting for the department (nil without the
	// comments service), linked to the moderation and disposition pages.
	Queues *comments.Queues
}

// staffDashboardPage shows a staff member's department: drafts, open
// consultations with the days left, closed ones awaiting the next step.
func (s *Server) staffDashboardPage(c *fiber.Ctx) error {
	p, err := requirePage(c, auth.Staff, auth.Admin)
	if err != nil {
		return err
	}
	ctx, lang := c.UserContext(), langOf(c)
	names, err := s.departmentNames(ctx)
	if err != nil {
		return err
	}
	d := staffDashboardData{pageBase: s.base(c, i18n.T(lang, "page.staff.title")), Department: names[p.DepartmentID]}
	for _, part := range []struct {
		state consultation.State
		into  *[]consultationItem
	}{{consultation.Draft, &d.Drafts}, {consultation.Open, &d.Open}, {consultation.Closed, &d.Closed},
		{consultation.Returned, &d.Returned}, {consultation.InReview, &d.InReview}} {
		list, _, err := s.cfg.Consultations.List(ctx, p, consultation.ListFilter{Status: part.state, DepartmentID: p.DepartmentID, Limit: 100})
		if err != nil {
			return err
		}
		*part.into = s.items(list, names)
	}
	if s.cfg.Comments != nil {
		if d.Queues, err = s.cfg.Comments.Queues(ctx, p); err != nil {
			return err
		}
	}
	return s.render(c, fiber.StatusOK, "staff_dashboard", d)
}

// draftPageForm is the new-draft form as posted.
type draftPageForm struct {
	Title, ProcedureType, DepartmentID, Explanation, LegalBasis   string
	ContactDepartment, ContactPhone, ContactEmail, ContactAddress string
	PostalAddress, ChannelEmail                                   string
	MarketRelated, AllowAnonymous, Moderation                     bool
	Text                                                          string
}

func parseDraftForm(c *fiber.Ctx) draftPageForm {
	v := func(k string) string { return c.FormValue(k) }
	on := func(k string) bool { return c.FormValue(k) != "" }
	return draftPageForm{Title: v("title"), ProcedureType: v("procedure_type"), DepartmentID: v("department_id"),
		Explanation: v("explanation"), LegalBasis: v("legal_basis"),
		ContactDepartment: v("contact.department"), ContactPhone: v("contact.phone"), ContactEmail: v("contact.email"), ContactAddress: v("contact.address"),
		PostalAddress: v("channels.postal_address"), ChannelEmail: v("channels.email"),
		MarketRelated: on("market_related"), AllowAnonymous: on("allow_anonymous"), Moderation: on("moderation"),
		Text: strings.ReplaceAll(v("text"), "\r\n", "\n")}
}

func (f draftPageForm) draft() consultation.DraftForm {
	t := consultation.ProcedureType(f.ProcedureType)
	d := consultation.DraftForm{Title: &f.Title, ProcedureType: &t, Explanation: &f.Explanation, LegalBasis: &f.LegalBasis,
		Contact:       &consultation.Contact{Department: f.ContactDepartment, Phone: f.ContactPhone, Email: f.ContactEmail, Address: f.ContactAddress},
		Channels:      &consultation.Channels{Online: true, PostalAddress: f.PostalAddress, Email: f.ChannelEmail},
		MarketRelated: &f.MarketRelated, AllowAnonymous: &f.AllowAnonymous, Moderation: &f.Moderation, Text: &f.Text}
	if f.ProcedureType == "" {
		d.ProcedureType = nil
	}
	if f.DepartmentID != "" {
		d.DepartmentID = &f.DepartmentID
	}
	return d
}

type draftPageData struct {
	pageBase
	Form        draftPageForm
	Errors      formErrors
	Types       []option
	Departments []option // administrators choose the department
	// Preview is the parsed text, shown after "preview".
	Preview    bool
	Blocks     []block
	Articles   int
	Gaps       []int
	Duplicates []int
	NoArticles bool
	// Editing is the saved draft being edited (page_work.go); nil for a new one.
	Editing *consultation.Consultation
	// Imported names the Word file the text was just read from.
	Imported string
}

// FormAction is where the draft form posts.
func (d draftPageData) FormAction() string {
	if d.Editing != nil {
		return "/staff/consultations/" + url.PathEscape(d.Editing.ID) + "/edit"
	}
	return "/staff/consultations/new"
}

func (s *Server) draftPage(c *fiber.Ctx, p auth.Principal, f draftPageForm) (draftPageData, error) {
	lang := langOf(c)
	d := draftPageData{pageBase: s.base(c, i18n.T(lang, "page.draft.title")), Form: f}
	for _, t := range consultation.ProcedureTypes {
		d.Types = append(d.Types, option{string(t), i18n.T(lang, "type."+string(t)), string(t) == f.ProcedureType})
	}
	if p.Is(auth.Admin) {
		depts, err := s.cfg.Auth.Store.Departments(c.UserContext())
		if err != nil {
			return d, err
		}
		for _, dep := range depts {
			d.Departments = append(d.Departments, option{dep.ID, dep.Name, dep.ID == f.DepartmentID})
		}
	}
	return d, nil
}

func (s *Server) draftNewPage(c *fiber.Ctx) error {
	p, err := requirePage(c, auth.Staff, auth.Admin)
	if err != nil {
		return err
	}
	d, err := s.draftPage(c, p, draftPageForm{ProcedureType: string(consultation.NormativeDocument), AllowAnonymous: true, Moderation: true})
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "draft_new", d)
}

// draftNewSubmit previews the parsed text (action=preview) or saves the
// draft; invalid fields re-render the form with their messages.
func (s *Server) draftNewSubmit(c *fiber.Ctx) error {
	p, err := requirePage(c, auth.Staff, auth.Admin)
	if err != nil {
		return err
	}
	f := parseDraftForm(c)
	if a := c.FormValue("action"); a == "preview" || a == "import" {
		d, err := s.draftPage(c, p, f)
		if err != nil {
			return err
		}
		if a == "import" {
			return s.draftImport(c, d)
		}
		doc, perr := lawtext.Parse(f.Text)
		d.preview(doc, perr)
		return s.render(c, fiber.StatusOK, "draft_new", d)
	}
	x, err := s.cfg.Consultations.Create(c.UserContext(), p, f.draft())
	if fe := fieldErrors(langOf(c), err); fe != nil {
		d, err := s.draftPage(c, p, f)
		if err != nil {
			return err
		}
		d.Errors = fe
		return s.render(c, fiber.StatusUnprocessableEntity, "draft_new", d)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/consultations/"+url.PathEscape(x.ID), fiber.StatusSeeOther)
}

type publishPageForm struct {
	OpensAt, ClosesAt, ShorteningReason string
}

type publishPageData struct {
	pageBase
	C       *consultation.Consultation
	Form    publishPageForm
	Errors  formErrors
	Minimum string
	Missing []string
	// AskReason shows the shortening reason field: only once the period
	// turned out shorter than the minimum, or when a reason was given.
	AskReason bool
}

// publishData loads the draft and checks, before showing the form, what
// Publish itself would check: the viewer manages it and it is a draft.
func (s *Server) publishData(c *fiber.Ctx) (publishPageData, error) {
	p, err := requirePage(c, auth.Staff, auth.Admin)
	if err != nil {
		return publishPageData{}, err
	}
	ctx, lang := c.UserContext(), langOf(c)
	x, err := s.cfg.Consultations.Get(ctx, p, c.Params("id"))
	if err != nil {
		return publishPageData{}, err
	}
	if !consultation.CanManage(p, x) {
		return publishPageData{}, apperr.New(apperr.Forbidden, "auth.department_only")
	}
	if x.State != consultation.Draft {
		return publishPageData{}, consultation.WrongState(x.State, "publish")
	}
	min := consultation.MinimumPeriod(x.ProcedureType, x.MarketRelated)
	d := publishPageData{pageBase: s.base(c, i18n.T(lang, "page.publish.title")), C: x,
		Minimum: i18n.T(lang, min.Msg().Key, min.Msg().Args...), Missing: s.cfg.Consultations.MissingItems(x)}
	// Suggest the shortest lawful period starting now: the day of
	// publication is not counted (民法典 art. 201).
	today := workcal.DateOf(d.Now)
	last := today.AddDays(min.N)
	if min.Workdays {
		last = s.cfg.Consultations.Calendar(ctx).AddWorkdays(today, min.N)
	}
	d.Form = publishPageForm{OpensAt: today.String(), ClosesAt: last.String()}
	return d, nil
}

func (s *Server) publishPage(c *fiber.Ctx) error {
	d, err := s.publishData(c)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "publish", d)
}

func (s *Server) publishSubmit(c *fiber.Ctx) error {
	d, err := s.publishData(c)
	if err != nil {
		return err
	}
	d.Form = publishPageForm{OpensAt: c.FormValue("opens_at"), ClosesAt: c.FormValue("closes_at"), ShorteningReason: c.FormValue("shortening_reason")}
	_, err = s.cfg.Consultations.Publish(c.UserContext(), d.User, d.C.ID,
		consultation.PublishForm{OpensAt: d.Form.OpensAt, ClosesAt: d.Form.ClosesAt, ShorteningReason: d.Form.ShorteningReason})
	if fe := fieldErrors(d.Lang, err); fe != nil {
		d.Errors = fe
		d.AskReason = fe.Err("shortening_reason") != "" || strings.TrimSpace(d.Form.ShorteningReason) != ""
		return s.render(c, fiber.StatusUnprocessableEntity, "publish", d)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/consultations/"+url.PathEscape(d.C.ID), fiber.StatusSeeOther)
}
