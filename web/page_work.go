package web

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/i18n"
	"yugongkai/lawtext"
	"yugongkai/privacy"
	"yugongkai/redline"
)

// workPageRoutes registers the department's work pages: editing a draft,
// the period (extend, close early, withdraw), moderation, dispositions, a
// new version with its redline preview and submission for legality review.
// Every page checks, before it shows a form, that the viewer manages the
// consultation; the service checks again when the form is posted.
func (s *Server) workPageRoutes() {
	app := s.App
	small := limitBody(DefaultBodyLimit)
	app.Get("/staff/consultations/:id/edit", s.workEditPage)
	app.Post("/staff/consultations/:id/edit", limitBody(WordBodyLimit), s.workEditSubmit)
	app.Get("/staff/consultations/:id/period", s.workPeriodPage)
	app.Post("/staff/consultations/:id/extend", small, s.workExtendSubmit)
	app.Post("/staff/consultations/:id/close", small, s.workCloseSubmit)
	app.Post("/staff/consultations/:id/withdraw", small, s.workWithdrawSubmit)
	app.Get("/staff/consultations/:id/revise", s.workRevisePage)
	app.Post("/staff/consultations/:id/revise", limitBody(DraftBodyLimit), s.workReviseSubmit)
	app.Get("/staff/consultations/:id/review", s.workReviewPage)
	app.Post("/staff/consultations/:id/review", small, s.workReviewSubmit)
	if s.cfg.Comments == nil {
		return
	}
	app.Get("/staff/consultations/:id/moderation", s.workModerationPage)
	app.Post("/staff/consultations/:id/moderation/bulk", small, s.workModerationBulkSubmit) // page_moderation_bulk.go
	app.Post("/staff/consultations/:id/moderation/:cid", small, s.workModerationSubmit)
	app.Post("/staff/consultations/:id/moderation/:cid/redact", small, s.workRedactSubmit)
	app.Post("/staff/consultations/:id/moderation/:cid/attachments/:aid", small, s.workAttachmentSubmit) // page_attachments.go
	app.Get("/staff/consultations/:id/dispositions", s.workDispositionsPage)
	app.Post("/staff/consultations/:id/dispositions/comments/:cid", small, s.workDisposeSubmit)
	app.Post("/staff/consultations/:id/dispositions/comments/:cid/split", small, s.workSplitSubmit)
	app.Post("/staff/consultations/:id/dispositions/groups/:gid", small, s.workDisposeGroupSubmit)
	app.Post("/staff/consultations/:id/dispositions/merge", small, s.workMergeSubmit)
	app.Post("/staff/consultations/:id/dispositions/near", small, s.workNearSubmit)
}

// workBase is what every work page carries: the page basics and the
// consultation worked on, for the header and the tabs (_work.html).
type workBase struct {
	pageBase
	C   *consultation.Consultation
	Tab string
	// Comments says whether the comment pages exist (tabs).
	Comments bool
	// Notify: the delivery page (page_notifications.go) exists.
	Notify bool
	// Done is a confirmation after a redirect (?done=...), a catalogue key.
	Done string
	// Visitor: the viewer does not manage the consultation (the legal
	// office on the staff search, page_staff_search.go): no work tabs.
	Visitor bool
}

// workTabs maps each work page to the lifecycle actions it offers: a tab
// is shown when the table allows one of them (consultation.Lifecycle).
var workTabs = map[string][]consultation.Action{
	"edit":         {consultation.ActEdit},
	"publish":      {consultation.ActPublish},
	"period":       {consultation.ActExtend, consultation.ActClose, consultation.ActWithdraw},
	"moderation":   {consultation.ActModerate},
	"dispositions": {consultation.ActDispose},
	"offline":      {consultation.ActOffline},
	"import":       {consultation.ActOffline},
	"revise":       {consultation.ActRevise},
	"review":       {consultation.ActSubmit, consultation.ActOpinion},
	"steps":        {consultation.ActStep, consultation.ActDecide},
	"hearings":     {consultation.ActHearing},
	"surveys":      {consultation.ActSurvey, consultation.ActSurveyReport}, // page_work_surveys.go
}

// Can reports whether the lifecycle table allows a step of a work page now,
// so the tabs only offer what would succeed.
func (w workBase) Can(step string) bool {
	if w.Visitor {
		return false
	}
	if step == "documents" { // page_documents.go: while any document may be attached
		return w.C.AcceptsDocument(consultation.Interpretation)
	}
	if step == "notifications" { // page_notifications.go: once comments may have come in
		return w.Notify && w.C.OpensAt != nil
	}
	if (step == "moderation" || step == "dispositions" || step == "offline" || step == "import") && (!w.Comments || w.C.OpensAt == nil) {
		return false
	}
	for _, a := range workTabs[step] {
		if w.C.Allows(a) {
			return true
		}
	}
	return false
}

// CanDo reports whether one lifecycle action is allowed now (for buttons).
func (w workBase) CanDo(action string) bool { return w.C.Allows(consultation.Action(action)) }

// MinimumPeriod describes the procedure type's minimum comment period.
func (w workBase) MinimumPeriod() string {
	m := consultation.MinimumPeriod(w.C.ProcedureType, w.C.MarketRelated).Msg()
	return i18n.T(w.Lang, m.Key, m.Args...)
}

// WorkURL is the address of one of the consultation's work pages.
func (w workBase) WorkURL(page string) string {
	return "/staff/consultations/" + url.PathEscape(w.C.ID) + "/" + page
}

var workDone = map[string]string{
	"saved": "page.work.done_saved", "extended": "page.work.done_extended", "closed": "page.work.done_closed",
	"published": "page.work.done_published", "declined": "page.work.done_declined", "answered": "page.work.done_answered",
	"bulk_published": "page.work.done_bulk_published", "bulk_declined": "page.work.done_bulk_declined", "bulk_none": "page.work.done_bulk_none",
	"document": "page.work.done_document", // page_documents.go
	"merged":   "page.work.done_merged", "split": "page.work.done_split", "offline_saved": "page.work.done_offline", "redacted": "page.work.done_redacted",
	"step": "page.work.done_step",

	"attachment": "page.attachment.done", // page_attachments.go
}

// workData loads the consultation for a work page: 401/403 for the wrong
// role, 404 when the viewer may not see it, 403 when they may see but not
// manage it (another department's published consultation).
func (s *Server) workData(c *fiber.Ctx, tab, titleKey string) (workBase, error) {
	p, err := requirePage(c, auth.Staff, auth.Admin)
	if err != nil {
		return workBase{}, err
	}
	x, err := s.cfg.Consultations.Get(c.UserContext(), p, c.Params("id"))
	if err != nil {
		return workBase{}, err
	}
	if !consultation.CanManage(p, x) {
		return workBase{}, apperr.New(apperr.Forbidden, "auth.department_only")
	}
	lang := langOf(c)
	w := workBase{pageBase: s.base(c, i18n.T(lang, titleKey)+" · "+x.Title), C: x, Tab: tab, Comments: s.cfg.Comments != nil}
	w.Notify = s.cfg.Notify != nil
	w.Done = workDone[c.Query("done")]
	return w, nil
}

// redirectWork sends the browser back to a work page after a successful post.
func redirectWork(c *fiber.Ctx, id, page, done, anchor string) error {
	u := "/staff/consultations/" + url.PathEscape(id) + "/" + page
	if done != "" {
		u += "?done=" + url.QueryEscape(done)
	}
	if anchor != "" {
		u += "#" + anchor
	}
	return c.Redirect(u, fiber.StatusSeeOther)
}

// formText is a posted text field with Windows line ends normalized.
func formText(c *fiber.Ctx, key string) string {
	return strings.ReplaceAll(c.FormValue(key), "\r\n", "\n")
}

// ---- Edit a saved draft ------------------------------------------------

func (s *Server) workEditPage(c *fiber.Ctx) error {
	w, err := s.workData(c, "edit", "page.work.edit_title")
	if err != nil {
		return err
	}
	if !w.C.Allows(consultation.ActEdit) {
		return consultation.WrongState(w.C.State, "edit")
	}
	x := w.C
	f := draftPageForm{Title: x.Title, ProcedureType: string(x.ProcedureType), DepartmentID: x.DepartmentID,
		Explanation: x.Explanation, LegalBasis: x.LegalBasis,
		ContactDepartment: x.Contact.Department, ContactPhone: x.Contact.Phone, ContactEmail: x.Contact.Email, ContactAddress: x.Contact.Address,
		PostalAddress: x.Channels.PostalAddress, ChannelEmail: x.Channels.Email,
		MarketRelated: x.MarketRelated, AllowAnonymous: x.AllowAnonymous, Moderation: x.Moderation}
	if x.CurrentVersion > 0 {
		v, err := s.cfg.Consultations.VersionOf(c.UserContext(), w.User, x, x.CurrentVersion)
		if err != nil {
			return err
		}
		f.Text = v.Text
	}
	d, err := s.draftPage(c, w.User, f)
	if err != nil {
		return err
	}
	d.Editing = x
	d.Title = w.Title
	return s.render(c, fiber.StatusOK, "draft_new", d)
}

// workEditSubmit previews the pasted text or saves the draft (Update).
func (s *Server) workEditSubmit(c *fiber.Ctx) error {
	w, err := s.workData(c, "edit", "page.work.edit_title")
	if err != nil {
		return err
	}
	f := parseDraftForm(c)
	d, err := s.draftPage(c, w.User, f)
	if err != nil {
		return err
	}
	d.Editing, d.Title = w.C, w.Title
	switch c.FormValue("action") {
	case "import":
		return s.draftImport(c, d)
	case "preview":
		doc, perr := lawtext.Parse(f.Text)
		d.preview(doc, perr)
		return s.render(c, fiber.StatusOK, "draft_new", d)
	}
	_, err = s.cfg.Consultations.Update(c.UserContext(), w.User, w.C.ID, f.draft())
	if fe := fieldErrors(w.Lang, err); fe != nil {
		d.Errors = fe
		return s.render(c, fiber.StatusUnprocessableEntity, "draft_new", d)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/consultations/"+url.PathEscape(w.C.ID), fiber.StatusSeeOther)
}

// ---- Extend, close early, withdraw -------------------------------------

type workPeriodData struct {
	workBase
	// Failed names the form whose errors are shown: extend, close, withdraw.
	Failed     string
	Errors     formErrors
	ClosesAt   string
	Reason     string
	Shortening string
}

// Err returns the message of field in form, "" when that form did not fail.
func (d workPeriodData) Err(form, field string) string {
	if d.Failed != form {
		return ""
	}
	return d.Errors.Err(field)
}

// Value returns what was posted in form, so a failed form keeps its text.
func (d workPeriodData) Value(form, field string) string {
	if d.Failed != form {
		return ""
	}
	switch field {
	case "closes_at":
		return d.ClosesAt
	case "shortening_reason":
		return d.Shortening
	}
	return d.Reason
}

func (s *Server) workPeriodPage(c *fiber.Ctx) error {
	w, err := s.workData(c, "period", "page.work.period_title")
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "work_period", workPeriodData{workBase: w})
}

// periodSubmit runs one of the three period forms and re-renders the page
// with that form's field messages when the input is refused.
func (s *Server) periodSubmit(c *fiber.Ctx, form string, run func(w workBase, closesAt, reason string) error) error {
	w, err := s.workData(c, "period", "page.work.period_title")
	if err != nil {
		return err
	}
	d := workPeriodData{workBase: w, Failed: form, ClosesAt: c.FormValue("closes_at"), Reason: formText(c, "reason"),
		Shortening: formText(c, "shortening_reason")}
	err = run(w, d.ClosesAt, d.Reason)
	if fe := fieldErrors(w.Lang, err); fe != nil {
		d.Errors = fe
		return s.render(c, fiber.StatusUnprocessableEntity, "work_period", d)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/consultations/"+url.PathEscape(w.C.ID), fiber.StatusSeeOther)
}

func (s *Server) workExtendSubmit(c *fiber.Ctx) error {
	return s.periodSubmit(c, "extend", func(w workBase, closesAt, reason string) error {
		_, err := s.cfg.Consultations.Extend(c.UserContext(), w.User, w.C.ID, consultation.ExtendForm{ClosesAt: closesAt, Reason: reason})
		return err
	})
}

func (s *Server) workCloseSubmit(c *fiber.Ctx) error {
	return s.periodSubmit(c, "close", func(w workBase, _, reason string) error {
		_, err := s.cfg.Consultations.Close(c.UserContext(), w.User, w.C.ID,
			consultation.CloseForm{Reason: reason, ShorteningReason: formText(c, "shortening_reason")})
		return err
	})
}

func (s *Server) workWithdrawSubmit(c *fiber.Ctx) error {
	return s.periodSubmit(c, "withdraw", func(w workBase, _, reason string) error {
		_, err := s.cfg.Consultations.Withdraw(c.UserContext(), w.User, w.C.ID, consultation.ReasonForm{Reason: reason})
		return err
	})
}

// ---- Moderation ----------------------------------------------------------

// moderationItem is one pending comment with its form state.
type moderationItem struct {
	*comments.Comment
	ArticleLabel string
	// Suspicious: the masker changed the text or it still holds a long
	// digit run; staff should look twice (privacy.Suspicious).
	Suspicious   bool
	Errors       formErrors
	Reason, Note string
	// First gets the access keys (they must be unique on the page).
	First bool
	// Selected: checked in the bulk form (kept when it failed).
	Selected bool
}

type workModerationData struct {
	workBase
	Items            []moderationItem
	Reasons          []comments.DeclineReason
	RedactionReasons []comments.RedactionReason
	More             bool
	// Pager links the pages of pending comments (keyset, page_keyset.go).
	Pager pager
	// The bulk form's state after a failed submission.
	BulkErrors           formErrors
	BulkReason, BulkNote string
	BulkAll              bool
}

// articleLabels maps the ids of the consultation draft's articles to their
// labels (第十二条); comments name articles of the version they saw.
func (s *Server) articleLabels(c *fiber.Ctx, w workBase) (map[string]string, error) {
	out := map[string]string{}
	if w.C.PublicVersion == 0 {
		return out, nil
	}
	v, err := s.cfg.Consultations.VersionOf(c.UserContext(), w.User, w.C, w.C.PublicVersion)
	if err != nil {
		return nil, err
	}
	for _, a := range v.Articles() {
		out[a.ID] = a.Label
	}
	return out, nil
}

const moderationPageSize = 50

func (s *Server) moderationData(c *fiber.Ctx) (workModerationData, error) {
	w, err := s.workData(c, "moderation", "page.work.moderation_title")
	if err != nil {
		return workModerationData{}, err
	}
	d := workModerationData{workBase: w, Reasons: comments.DeclineReasons, RedactionReasons: comments.RedactionReasons}
	after, before := pagePosition(c)
	page, err := s.cfg.Comments.List(c.UserContext(), w.User, w.C.ID, comments.ListFilter{Status: string(comments.Pending), Limit: moderationPageSize,
		Cursor: after, Before: before})
	if err != nil {
		return d, err
	}
	d.Pager = newPager(w.Lang, w.WorkURL("moderation"), nil, after, before, page.Next)
	labels, err := s.articleLabels(c, w)
	if err != nil {
		return d, err
	}
	for i, cm := range page.Comments {
		d.Items = append(d.Items, moderationItem{Comment: cm, ArticleLabel: labels[cm.ArticleID], First: i == 0,
			Suspicious: privacy.Suspicious(cm.Body)})
	}
	d.More = page.Next != ""
	return d, nil
}

func (s *Server) workModerationPage(c *fiber.Ctx) error {
	d, err := s.moderationData(c)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "work_moderation", d)
}

// workModerationSubmit publishes or declines one comment; the button
// pressed is the action.
func (s *Server) workModerationSubmit(c *fiber.Ctx) error {
	d, err := s.moderationData(c)
	if err != nil {
		return err
	}
	f := comments.ModerationForm{Action: comments.Action(c.FormValue("action")), Reason: comments.DeclineReason(c.FormValue("reason")), Note: formText(c, "note")}
	if f.Action == comments.Publish {
		f.Reason = "" // the reason list belongs to declining
	}
	_, err = s.cfg.Comments.Moderate(c.UserContext(), d.User, c.Params("cid"), f)
	if fe := fieldErrors(d.Lang, err); fe != nil {
		for i := range d.Items {
			if d.Items[i].ID == c.Params("cid") {
				d.Items[i].Errors, d.Items[i].Reason, d.Items[i].Note = fe, string(f.Reason), f.Note
			}
		}
		return s.render(c, fiber.StatusUnprocessableEntity, "work_moderation", d)
	}
	if err != nil {
		return err
	}
	done := "published"
	if f.Action == comments.Decline {
		done = "declined"
	}
	anchor := ""
	if next := nextAfter(d.Items, map[string]bool{c.Params("cid"): true}); next != "" {
		anchor = "m-" + next // the page opens at the next comment
	}
	return redirectWorkPage(c, d.C.ID, "moderation", done, anchor, d.Pager, nil)
}

// workRedactSubmit hides a passage of a comment's public copy.
func (s *Server) workRedactSubmit(c *fiber.Ctx) error {
	d, err := s.moderationData(c)
	if err != nil {
		return err
	}
	f := comments.RedactForm{Text: formText(c, "text"), Reason: comments.RedactionReason(c.FormValue("redact_reason"))}
	_, err = s.cfg.Comments.Redact(c.UserContext(), d.User, c.Params("cid"), f)
	if fe := fieldErrors(d.Lang, err); fe != nil {
		for i := range d.Items {
			if d.Items[i].ID == c.Params("cid") {
				d.Items[i].Errors = fe
			}
		}
		return s.render(c, fiber.StatusUnprocessableEntity, "work_moderation", d)
	}
	if err != nil {
		return err
	}
	return redirectWorkPage(c, d.C.ID, "moderation", "redacted", "", d.Pager, nil)
}

// ---- Dispositions ------------------------------------------------------

// dispositionForm is one answer form on the workspace: for a comment or a
// whole group.
type dispositionForm struct {
	Key     string // "c-<comment id>" or "g-<group id>": the form's anchor
	Action  string
	Status  string
	Reason  string
	Changed map[string]bool
	Errors  formErrors
	// Article is the article the comment is on, when the newest version
	// still has it: the picker shows its wording and ticks it for a new
	// answer.
	Article string
	// Suggested: the comment suggests a wording; Accepted is the wording
	// the form accepts (page_suggest.go).
	Suggested bool
	Accepted  string
}

// Picked lists the labels of the ticked articles, in text order.
func (f dispositionForm) Picked(latest []latestArticle) []string {
	var out []string
	for _, a := range latest {
		if f.Changed[a.Value] {
			out = append(out, a.Label)
		}
	}
	return out
}

// withArticle sets the form's article; an unanswered form ticks it.
func (f dispositionForm) withArticle(id string, latest map[string]latestArticle) dispositionForm {
	if _, ok := latest[id]; !ok || id == "" {
		return f
	}
	f.Article = id
	if f.Status == "" && len(f.Changed) == 0 {
		f.Changed = map[string]bool{id: true}
	}
	return f
}

// latestArticle is an article of the newest version in the answer form's
// article picker: its label, number (searchable as digits) and wording.
type latestArticle struct {
	Value, Label string
	Number       int
	Text         string
}

// Checked reports whether article id is linked (a method, so the template
// needs no helper function).
func (f dispositionForm) Checked(id string) bool { return f.Changed[id] }

func formOf(key, action string, d *comments.Disposition) dispositionForm {
	f := dispositionForm{Key: key, Action: action, Changed: map[string]bool{}}
	if d != nil {
		f.Status, f.Reason, f.Accepted = string(d.Outcome), d.Reason, d.AcceptedText
		for _, id := range d.ChangedArticles {
			f.Changed[id] = true
		}
	}
	return f
}

// dispositionGroup is a group of identical or near-identical comments,
// shown once with its count.
type dispositionGroup struct {
	ID      string
	Members []*comments.Comment
	// Total is the group's size; Members may hold only its first ones.
	Total int
	// MembersURL lists the whole group page by page (when Members is short).
	MembersURL string
	Undisposed int
	Form       dispositionForm // the group's answer (DisposeGroup)
	Forms      map[string]dispositionForm
}

// First is the group's representative text.
func (g *dispositionGroup) First() *comments.Comment { return g.Members[0] }

// Count is how many comments the group has.
func (g *dispositionGroup) Count() int { return max(g.Total, len(g.Members)) }

// More says the group has members not shown here.
func (g *dispositionGroup) More() bool { return len(g.Members) < g.Count() }

// MemberForm is the answer form of one member.
func (g *dispositionGroup) MemberForm(id string) dispositionForm { return g.Forms[id] }

type dispositionSection struct {
	ArticleID, Label string
	Groups           []*dispositionGroup
	// Fate says what became of the article in the newest version (see
	// consultation.ArticleFate), "" while there is only the draft.
	Fate string
}

type workDispositionsData struct {
	workBase
	Sections []dispositionSection
	Latest   []latestArticle // articles of the newest version (changed_articles)
	LatestN  int
	// Wording maps the newest version's article ids to their articles.
	Wording   map[string]latestArticle
	Outcomes  []comments.Outcome
	Proposals []comments.Proposal
	// Near says proposals were asked for (?near=1): they are found by a
	// background pass (comments.NearProposals), whose stored result and
	// state NearStatus are shown.
	Near       bool
	NearStatus *comments.NearStatus
	Truncated  bool
	// Pager links the pages of groups, or of the members of one group
	// (?group=, Group set); Keep are the filters forms post back.
	Pager pager
	Group string
	Keep  []hiddenField
	// Failed is the key of the form that was refused (its errors are shown),
	// FailedErrors its messages for the summary at the top.
	Failed       string
	FailedErrors formErrors
	MergeErrors  formErrors
}

func (s *Server) dispositionsData(c *fiber.Ctx) (workDispositionsData, error) {
	w, err := s.workData(c, "dispositions", "page.work.dispositions_title")
	if err != nil {
		return workDispositionsData{}, err
	}
	ctx := c.UserContext()
	d := workDispositionsData{workBase: w, Outcomes: comments.Outcomes}
	if w.C.CurrentVersion > 0 {
		v, err := s.cfg.Consultations.VersionOf(ctx, w.User, w.C, w.C.CurrentVersion)
		if err != nil {
			return d, err
		}
		d.LatestN = v.Number
		d.Wording = map[string]latestArticle{}
		for _, a := range v.Articles() {
			la := latestArticle{Value: a.ID, Label: a.Label, Number: a.Number, Text: a.Body()}
			d.Latest = append(d.Latest, la)
			d.Wording[a.ID] = la
		}
	}
	page, err := s.workspacePage(c, &d)
	if err != nil {
		return d, err
	}
	// Sections follow the draft's article order, the whole draft first.
	labels := map[string]string{}
	order := []string{""}
	if w.C.PublicVersion > 0 {
		v, err := s.cfg.Consultations.VersionOf(ctx, w.User, w.C, w.C.PublicVersion)
		if err != nil {
			return d, err
		}
		for _, a := range v.Articles() {
			labels[a.ID] = a.Label
			order = append(order, a.ID)
		}
	}
	fates, err := s.cfg.Consultations.ArticleFatesOf(ctx, w.User, w.C)
	if err != nil {
		return d, err
	}
	byArticle := map[string][]*dispositionGroup{}
	for _, wg := range page {
		g := &dispositionGroup{ID: wg.Group.ID, Members: wg.Members, Total: wg.Group.Count, Forms: map[string]dispositionForm{}}
		byArticle[wg.Group.ArticleID] = append(byArticle[wg.Group.ArticleID], g)
		for _, cm := range wg.Members {
			if cm.Disposition == nil {
				g.Undisposed++
			}
			g.Forms[cm.ID] = formOf("c-"+cm.ID, w.WorkURL("dispositions/comments/"+url.PathEscape(cm.ID)), cm.Disposition).withArticle(cm.ArticleID, d.Wording).withSuggestion(cm)
		}
		if g.More() && d.Group == "" {
			g.MembersURL = w.WorkURL("dispositions") + "?group=" + url.QueryEscape(g.ID)
		}
		// The group's answer is the one given to the group, if any.
		gd := wg.Group.Disposition
		if gd == nil && g.Count() == 1 {
			gd = g.First().Disposition
		}
		g.Form = formOf("g-"+g.ID, w.WorkURL("dispositions/groups/"+url.PathEscape(g.ID)), gd).withArticle(g.First().ArticleID, d.Wording).withSuggestion(g.First())
	}
	seen := map[string]bool{}
	for _, id := range order {
		seen[id] = true
		if gs := byArticle[id]; len(gs) > 0 {
			label := labels[id]
			if id == "" {
				label = i18n.T(w.Lang, "comments.whole_draft")
			}
			sec := dispositionSection{ArticleID: id, Label: label, Groups: gs}
			if f, ok := fates[id]; ok && id != "" && f.Version > 1 {
				switch f.Status {
				case "changed", "moved", "renumbered":
					sec.Fate = i18n.T(w.Lang, "page.work.fate_"+f.Status, f.Version, f.ToLabel)
				default:
					sec.Fate = i18n.T(w.Lang, "page.work.fate_"+f.Status, f.Version)
				}
			}
			d.Sections = append(d.Sections, sec)
		}
	}
	for id, gs := range byArticle { // comments on articles of no public version
		if !seen[id] {
			d.Sections = append(d.Sections, dispositionSection{ArticleID: id, Label: id, Groups: gs})
		}
	}
	if d.Near = c.Query("near") == "1" || d.Failed == "merge"; d.Near {
		if d.NearStatus, err = s.cfg.Comments.NearProposals(ctx, w.User, w.C.ID, false); err != nil {
			return d, err
		}
		d.Proposals = d.NearStatus.Items
	}
	return d, nil
}

func (s *Server) workDispositionsPage(c *fiber.Ctx) error {
	d, err := s.dispositionsData(c)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "work_dispositions", d)
}

// postedDisposition reads an answer form.
func postedDisposition(c *fiber.Ctx) comments.DispositionForm {
	f := comments.DispositionForm{Outcome: comments.Outcome(c.FormValue("status")), Reason: formText(c, "reason")}
	for _, v := range c.Context().PostArgs().PeekMulti("changed_articles") {
		if s := strings.TrimSpace(string(v)); s != "" {
			f.ChangedArticles = append(f.ChangedArticles, s)
		}
	}
	f.AcceptedText = postedWording(c, f.Outcome) // page_suggest.go
	return f
}

// dispositionFailed re-renders the workspace with the refused form's
// messages and the values that were posted.
func (s *Server) dispositionFailed(c *fiber.Ctx, d workDispositionsData, key string, in comments.DispositionForm, fe formErrors) error {
	d.Failed, d.FailedErrors = key, fe
	apply := func(f *dispositionForm) {
		f.Status, f.Reason, f.Errors, f.Changed = string(in.Outcome), in.Reason, fe, map[string]bool{}
		if in.AcceptedText != "" {
			f.Accepted = in.AcceptedText
		}
		for _, id := range in.ChangedArticles {
			f.Changed[id] = true
		}
	}
	for _, sec := range d.Sections {
		for _, g := range sec.Groups {
			if g.Form.Key == key {
				apply(&g.Form)
			}
			for id, f := range g.Forms {
				if f.Key == key {
					apply(&f)
					g.Forms[id] = f
				}
			}
		}
	}
	return s.render(c, fiber.StatusUnprocessableEntity, "work_dispositions", d)
}

func (s *Server) workDisposeSubmit(c *fiber.Ctx) error {
	d, err := s.dispositionsData(c)
	if err != nil {
		return err
	}
	in := postedDisposition(c)
	cid := c.Params("cid")
	_, err = s.cfg.Comments.Dispose(c.UserContext(), d.User, cid, in)
	if fe := fieldErrors(d.Lang, err); fe != nil {
		return s.dispositionFailed(c, d, "c-"+cid, in, fe)
	}
	if err != nil {
		return err
	}
	return redirectWorkPage(c, d.C.ID, "dispositions", "answered", "c-"+cid, pager{}, d.workQuery())
}

func (s *Server) workDisposeGroupSubmit(c *fiber.Ctx) error {
	d, err := s.dispositionsData(c)
	if err != nil {
		return err
	}
	in := postedDisposition(c)
	gid := c.Params("gid")
	_, err = s.cfg.Comments.DisposeGroup(c.UserContext(), d.User, d.C.ID, gid, in)
	if fe := fieldErrors(d.Lang, err); fe != nil {
		return s.dispositionFailed(c, d, "g-"+gid, in, fe)
	}
	if err != nil {
		return err
	}
	return redirectWorkPage(c, d.C.ID, "dispositions", "answered", "g-"+gid, pager{}, d.workQuery())
}

func (s *Server) workSplitSubmit(c *fiber.Ctx) error {
	w, err := s.workData(c, "dispositions", "page.work.dispositions_title")
	if err != nil {
		return err
	}
	if err := s.cfg.Comments.Split(c.UserContext(), w.User, c.Params("cid")); err != nil {
		return err
	}
	return redirectWork(c, w.C.ID, "dispositions", "split", "c-"+c.Params("cid"))
}

// workNearSubmit starts a new near-duplicate pass and shows its state.
func (s *Server) workNearSubmit(c *fiber.Ctx) error {
	w, err := s.workData(c, "dispositions", "page.work.dispositions_title")
	if err != nil {
		return err
	}
	if _, err := s.cfg.Comments.NearProposals(c.UserContext(), w.User, w.C.ID, true); err != nil {
		return err
	}
	return c.Redirect(w.WorkURL("dispositions")+"?near=1", fiber.StatusSeeOther)
}

func (s *Server) workMergeSubmit(c *fiber.Ctx) error {
	d, err := s.dispositionsData(c)
	if err != nil {
		return err
	}
	var ids []string
	for _, v := range c.Context().PostArgs().PeekMulti("group_ids") {
		ids = append(ids, string(v))
	}
	into, err := s.cfg.Comments.Merge(c.UserContext(), d.User, d.C.ID, ids)
	if fe := fieldErrors(d.Lang, err); fe != nil {
		d.Failed, d.MergeErrors = "merge", fe
		return s.render(c, fiber.StatusUnprocessableEntity, "work_dispositions", d)
	}
	if err != nil {
		return err
	}
	return redirectWork(c, d.C.ID, "dispositions", "merged", "g-"+into)
}

// ---- New version with a redline preview --------------------------------

type workReviseData struct {
	workBase
	Text, Note string
	Errors     formErrors
	// Redline is the preview against the newest stored version, escaped by
	// redline.Redline.HTML.
	Redline  template.HTML
	Stats    *redline.Stats
	Previous int
	Preview  bool
	// Adopted are the answers that adopt a comment (fully or partly), so the
	// text is revised with them at hand.
	Adopted []comments.ReportRow
	// Applied are the accepted wordings the text was pre-filled with
	// (page_suggest.go).
	Applied []comments.AppliedWording
}

// adoptedAnswers lists the adopted and partially adopted rows of the
// adoption report, in the report's article order.
func (s *Server) adoptedAnswers(c *fiber.Ctx, w workBase) ([]comments.ReportRow, error) {
	if s.cfg.Comments == nil {
		return nil, nil
	}
	r, err := s.cfg.Comments.Report(c.UserContext(), w.User, w.C.ID)
	if err != nil {
		return nil, err
	}
	var out []comments.ReportRow
	for _, row := range r.Rows {
		if row.Outcome == comments.Adopted || row.Outcome == comments.PartiallyAdopted {
			out = append(out, row)
		}
	}
	return out, nil
}

func (s *Server) reviseData(c *fiber.Ctx) (workReviseData, error) {
	w, err := s.workData(c, "revise", "page.work.revise_title")
	if err != nil {
		return workReviseData{}, err
	}
	if !w.C.Allows(consultation.ActRevise) {
		return workReviseData{}, consultation.WrongState(w.C.State, "revise")
	}
	d := workReviseData{workBase: w, Previous: w.C.CurrentVersion}
	d.Adopted, err = s.adoptedAnswers(c, w)
	return d, err
}

func (s *Server) workRevisePage(c *fiber.Ctx) error {
	d, err := s.reviseData(c)
	if err != nil {
		return err
	}
	if err := s.prefillRevision(c, &d); err != nil { // page_suggest.go
		return err
	}
	return s.render(c, fiber.StatusOK, "work_revise", d)
}

// previewRedline compares the pasted text with the newest stored version
// the way Revise will store it: articles matched to their predecessors so
// a renumbered article is shown as the same provision.
func previewRedline(prev *consultation.Version, doc lawtext.Document) redline.Redline {
	from := consultation.RedlineArticles(prev)
	var next []redline.Article
	for _, a := range doc.Articles() {
		next = append(next, consultation.ToRedline(a))
	}
	n := 0
	m := redline.Match(from, next, func() string { n++; return "new-" + strconv.Itoa(n) })
	return redline.Compare(from, m.Articles)
}

func (s *Server) workReviseSubmit(c *fiber.Ctx) error {
	d, err := s.reviseData(c)
	if err != nil {
		return err
	}
	d.Text, d.Note = formText(c, "text"), formText(c, "note")
	if c.FormValue("action") == "preview" {
		d.Preview = true
		doc, perr := lawtext.Parse(d.Text)
		if perr != nil || len(doc.Articles()) == 0 {
			d.Errors = formErrors{"text": i18n.T(d.Lang, "field.no_articles")}
			return s.render(c, fiber.StatusUnprocessableEntity, "work_revise", d)
		}
		prev, err := s.cfg.Consultations.VersionOf(c.UserContext(), d.User, d.C, d.C.CurrentVersion)
		if err != nil {
			return err
		}
		r := previewRedline(prev, doc)
		d.Redline, d.Stats = template.HTML(r.HTML()), &r.Stats
		return s.render(c, fiber.StatusOK, "work_revise", d)
	}
	_, err = s.cfg.Consultations.Revise(c.UserContext(), d.User, d.C.ID, consultation.RevisionForm{Text: d.Text, Note: d.Note})
	if fe := fieldErrors(d.Lang, err); fe != nil {
		d.Errors = fe
		return s.render(c, fiber.StatusUnprocessableEntity, "work_revise", d)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/consultations/"+url.PathEscape(d.C.ID), fiber.StatusSeeOther)
}

// ---- Submit for legality review ----------------------------------------

type workReviewData struct {
	workBase
	Statement   *consultation.ProcedureStatement
	Missing     []string
	Window      consultation.ReviewWindow
	ReviewDays  string
	Errors      formErrors
	Channels    []channelCount
	Submittable bool
}

type channelCount struct {
	Channel string
	N       int
}

func (s *Server) reviewData(c *fiber.Ctx) (workReviewData, error) {
	w, err := s.workData(c, "review", "page.work.review_title")
	if err != nil {
		return workReviewData{}, err
	}
	ctx := c.UserContext()
	d := workReviewData{workBase: w, Window: consultation.ReviewWindowFor(w.C.ProcedureType)}
	d.ReviewDays = strconv.Itoa(d.Window.Default)
	d.Submittable = w.C.Allows(consultation.ActSubmit)
	if d.Statement, err = s.cfg.Consultations.Statement(ctx, w.C); err != nil {
		return d, err
	}
	if d.Missing, err = s.cfg.Consultations.PackageMissing(ctx, w.C); err != nil {
		return d, err
	}
	for _, ch := range comments.Channels {
		if n := d.Statement.Comments.ByChannel[string(ch)]; n > 0 {
			d.Channels = append(d.Channels, channelCount{string(ch), n})
		}
	}
	return d, nil
}

func (s *Server) workReviewPage(c *fiber.Ctx) error {
	d, err := s.reviewData(c)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "work_review", d)
}

func (s *Server) workReviewSubmit(c *fiber.Ctx) error {
	d, err := s.reviewData(c)
	if err != nil {
		return err
	}
	d.ReviewDays = strings.TrimSpace(c.FormValue("review_days"))
	days, convErr := strconv.Atoi(d.ReviewDays)
	if convErr != nil || days < 1 {
		d.Errors = formErrors{"review_days": i18n.T(d.Lang, "review.days_range", d.Window.Min, d.Window.Max)}
		return s.render(c, fiber.StatusUnprocessableEntity, "work_review", d)
	}
	_, err = s.cfg.Consultations.SubmitForReview(c.UserContext(), d.User, d.C.ID, consultation.SubmitForm{ReviewDays: days})
	if fe := fieldErrors(d.Lang, err); fe != nil {
		d.Errors = fe
		return s.render(c, fiber.StatusUnprocessableEntity, "work_review", d)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/consultations/"+url.PathEscape(d.C.ID), fiber.StatusSeeOther)
}

// FormArgs is the dot of the "dispform" partial.
func (d workDispositionsData) FormArgs(f dispositionForm, label string) map[string]any {
	return map[string]any{"Page": d, "F": f, "Label": label}
}
