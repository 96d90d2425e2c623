package web

import (
	"context"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"yugongkai/comments"

	"github.com/gofiber/fiber/v2"

	"yugongkai/consultation"
	"yugongkai/i18n"
	"yugongkai/lawtext"
	"yugongkai/notify"
	"yugongkai/workcal"
)

// consultationItem is one consultation in a list, with what the lists show.
type consultationItem struct {
	*consultation.Consultation
	Department string
	// DaysLeft counts the calendar days left including today (1 = closes
	// tonight); 0 when the period is not running.
	DaysLeft int
}

// daysLeft counts the Shanghai calendar days from now to the last day of
// the period, both included.
func daysLeft(c *consultation.Consultation, now time.Time) int {
	if !c.AcceptsComments(now) {
		return 0
	}
	last := workcal.DateOf(c.ClosesAt.Add(-time.Nanosecond))
	today := workcal.DateOf(now)
	n := 1
	for d := today; d.Before(last) && n < 10000; d = d.AddDays(1) {
		n++
	}
	return n
}

// departmentNames maps department ids to names (one auth store call).
func (s *Server) departmentNames(ctx context.Context) (map[string]string, error) {
	list, err := s.cfg.Auth.Store.Departments(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(list))
	for _, d := range list {
		m[d.ID] = d.Name
	}
	return m, nil
}

func (s *Server) items(list []*consultation.Consultation, names map[string]string) []consultationItem {
	now := s.cfg.Now()
	out := make([]consultationItem, 0, len(list))
	for _, x := range list {
		out = append(out, consultationItem{Consultation: x, Department: names[x.DepartmentID], DaysLeft: daysLeft(x, now)})
	}
	return out
}

type homePageData struct {
	pageBase
	Open         []consultationItem
	ClosingSoon  []consultationItem
	RecentlyDone []consultationItem
}

// closingSoonDays is how close to its end an open consultation is listed
// under "closing soon".
const closingSoonDays = 7

func (s *Server) homePage(c *fiber.Ctx) error {
	ctx, p := c.UserContext(), principal(c)
	names, err := s.departmentNames(ctx)
	if err != nil {
		return err
	}
	open, _, err := s.cfg.Consultations.List(ctx, p, consultation.ListFilter{Status: consultation.Open, Limit: 50})
	if err != nil {
		return err
	}
	done, _, err := s.cfg.Consultations.List(ctx, p, consultation.ListFilter{Status: consultation.Published, Limit: 5})
	if err != nil {
		return err
	}
	d := homePageData{pageBase: s.base(c, i18n.T(langOf(c), "page.home.title")), Open: s.items(open, names), RecentlyDone: s.items(done, names)}
	for _, x := range d.Open {
		if x.DaysLeft > 0 && x.DaysLeft <= closingSoonDays {
			d.ClosingSoon = append(d.ClosingSoon, x)
		}
	}
	sort.SliceStable(d.ClosingSoon, func(i, j int) bool { return d.ClosingSoon[i].ClosesAt.Before(*d.ClosingSoon[j].ClosesAt) })
	return s.render(c, fiber.StatusOK, "home", d)
}

// option is one choice of a select.
type option struct {
	Value, Label string
	Selected     bool
}

type listPageData struct {
	pageBase
	Items       []consultationItem
	Statuses    []option
	Departments []option
	Types       []option
	NextURL     string
	Query       string
}

// searchWindow is how many of the newest consultations a title search
// looks through until full-text search exists.
const searchWindow = 100

func (s *Server) consultationListPage(c *fiber.Ctx) error {
	ctx, p, lang := c.UserContext(), principal(c), langOf(c)
	f := consultation.ListFilter{
		Status:        consultation.State(c.Query("status")),
		DepartmentID:  c.Query("department"),
		ProcedureType: consultation.ProcedureType(c.Query("type")),
		Cursor:        c.Query("cursor"),
		Limit:         20,
	}
	names, err := s.departmentNames(ctx)
	if err != nil {
		return err
	}
	q := strings.TrimSpace(c.Query("q"))
	if q != "" {
		f.Cursor, f.Limit = "", searchWindow
	}
	list, next, err := s.cfg.Consultations.List(ctx, p, f)
	if err != nil {
		return err
	}
	if q != "" {
		list, next = matchTitle(list, q), ""
	}
	d := listPageData{pageBase: s.base(c, i18n.T(lang, "page.list.title")), Items: s.items(list, names), Query: q}
	for _, st := range consultation.States {
		if st == consultation.Draft && !d.Staff() && !d.Legal() {
			continue
		}
		d.Statuses = append(d.Statuses, option{string(st), i18n.T(lang, "state."+string(st)), st == f.Status})
	}
	for _, t := range consultation.ProcedureTypes {
		d.Types = append(d.Types, option{string(t), i18n.T(lang, "type."+string(t)), t == f.ProcedureType})
	}
	depts, err := s.cfg.Auth.Store.Departments(ctx)
	if err != nil {
		return err
	}
	for _, dep := range depts {
		d.Departments = append(d.Departments, option{dep.ID, dep.Name, dep.ID == f.DepartmentID})
	}
	if next != "" {
		q := url.Values{}
		for k, v := range map[string]string{"status": string(f.Status), "department": f.DepartmentID, "type": string(f.ProcedureType), "cursor": next} {
			if v != "" {
				q.Set(k, v)
			}
		}
		d.NextURL = "/consultations?" + q.Encode()
	}
	return s.render(c, fiber.StatusOK, "list", d)
}

// matchTitle keeps the consultations whose title contains q (any case).
func matchTitle(list []*consultation.Consultation, q string) []*consultation.Consultation {
	q = strings.ToLower(q)
	var out []*consultation.Consultation
	for _, x := range list {
		if strings.Contains(strings.ToLower(x.Title), q) {
			out = append(out, x)
		}
	}
	return out
}

// block is one element of the draft as the page shows it: a heading with
// its level in the page's outline, or an article.
type block struct {
	Heading *lawtext.Heading
	Level   int    // HTML heading level, 3..5
	Anchor  string // a heading's id, the table of contents' jump target
	Article *lawtext.Article
}

// timelineEntry is one step of the procedure.
type timelineEntry struct {
	At     time.Time
	Label  string
	Detail string
	URL    string // a record to read (a 民意调查报告)
}

type consultationPageData struct {
	pageBase
	C            *consultation.Consultation
	Follow       bool // the follow form is offered (page_follow.go)
	Department   string
	TypeLabel    string
	Minimum      string
	PeriodLength string
	Accepting    bool
	DaysLeft     int
	Version      *consultation.Version
	Blocks       []block
	Versions     []*consultation.Version
	Timeline     []timelineEntry
	Manage       bool
	Missing      []string
	// CommentURL gives each article's "comment on this article" link while
	// comments are accepted (nil otherwise).
	CommentURL func(articleID string) string
	// Decision is the published decision's record (page_decision.go), nil
	// before publication.
	Decision *decisionSection
	// ArticleComments counts the published comments per article id, shown
	// beside each article with a link to CommentsList ("" hides them).
	ArticleComments map[string]int
	// Stances counts the stances given by published comments (support,
	// oppose, neutral), each a view of the whole draft.
	Stances      *stanceLine
	CommentsList string
	// TOC is the draft's table of contents (page_consultation_toc.go).
	TOC []tocEntry
	// WholeCommentURL is where a resident comments on the whole draft,
	// "" while comments are not accepted.
	WholeCommentURL string
	// Downloads are the texts offered as .txt and .docx (page_download.go).
	Downloads []textDownload
	// Documents are the supporting documents the visitor may see (api_documents.go).
	Documents []consultation.Document
}

// articleCommentURL is where a resident comments on one article.
func articleCommentURL(consultationID string) func(string) string {
	return func(articleID string) string {
		return "/consultations/" + url.PathEscape(consultationID) + "/comment?article=" + url.QueryEscape(articleID)
	}
}

// consultationPage shows the notice, the explanation, the draft article by
// article, the procedure's timeline and the versions. Store calls: Get and
// VersionsOf, plus the calendar setting on the first request;
// TestConsultationPageStoreCalls holds it to that.
// Once published, the decision section adds the report and the history
// check, a fixed number more (TestDecisionPageStoreCalls).
func (s *Server) consultationPage(c *fiber.Ctx) error {
	ctx, p, lang := c.UserContext(), principal(c), langOf(c)
	x, err := s.cfg.Consultations.Get(ctx, p, c.Params("id"))
	if err != nil {
		return err
	}
	versions, err := s.cfg.Consultations.VersionsOf(ctx, p, x)
	if err != nil {
		return err
	}
	d := consultationPageData{pageBase: s.base(c, x.Title), C: x, Versions: versions,
		TypeLabel: i18n.T(lang, "type."+string(x.ProcedureType)), Manage: consultation.CanManage(p, x)}
	d.Version = shownVersion(x, versions, consultation.CanSeeInternal(p, x))
	d.Documents = consultation.DocumentsFor(p, x)
	// ?article=12 jumps to 第十二条 without JavaScript.
	if n, err := strconv.Atoi(c.Query("article")); err == nil && d.Version != nil {
		for _, a := range d.Version.Articles() {
			if a.Number == n {
				return c.Redirect("/consultations/"+url.PathEscape(x.ID)+"#art-"+a.ID, fiber.StatusSeeOther)
			}
		}
	}
	if dep, err := s.cfg.Auth.Store.Department(ctx, x.DepartmentID); err == nil {
		d.Department = dep.Name
	}
	min := consultation.MinimumPeriod(x.ProcedureType, x.MarketRelated)
	d.Minimum = i18n.T(lang, min.Msg().Key, min.Msg().Args...)
	if x.OpensAt != nil && x.ClosesAt != nil {
		l := consultation.LengthOf(consultation.Measure(*x.OpensAt, x.PeriodEnd(), s.cfg.Consultations.Calendar(ctx)), min)
		d.PeriodLength = i18n.T(lang, l.Msg().Key, l.Msg().Args...)
	}
	d.Accepting = x.AcceptsComments(d.Now)
	if d.Accepting && s.commentsEnabled() {
		d.CommentURL = articleCommentURL(x.ID)
		d.WholeCommentURL = "/consultations/" + url.PathEscape(x.ID) + "/comment"
	}
	d.Follow = s.cfg.Notify != nil && notify.Followable(x) // page_follow.go
	if x.PublishedAt != nil {
		d.Feed = "/consultations/" + url.PathEscape(x.ID) + "/feed.atom"
		d.FeedTitle = x.Title
	}
	d.DaysLeft = daysLeft(x, d.Now)
	if s.commentsEnabled() && x.PublishedAt != nil {
		if d.ArticleComments, err = s.cfg.Comments.PublishedByArticle(ctx, x); err != nil {
			return err
		}
		if d.Stances, err = s.stanceLine(ctx, x.ID); err != nil {
			return err
		}
		d.CommentsList = "/consultations/" + url.PathEscape(x.ID) + "/comments"
	}
	if d.Version != nil {
		d.Blocks = blocksOf(d.Version.Document)
		d.TOC = tableOfContents(d.Blocks, d.ArticleComments)
	}
	d.Downloads = textDownloads(lang, x, d.Version)
	if x.State == consultation.Draft && d.Manage {
		d.Missing = s.cfg.Consultations.MissingItems(x)
	}
	d.Timeline = timeline(lang, x, consultation.CanSeeInternal(p, x))
	if x.State == consultation.Published && x.Final != nil {
		if d.Decision, err = s.decision(c, d.pageBase, x, versions); err != nil {
			return err
		}
	}
	return s.render(c, fiber.StatusOK, "consultation", d)
}

// commentsEnabled reports whether the comment form is wired (see the hook
// in pageRoutes).
func (s *Server) commentsEnabled() bool { return s.cfg.Comments != nil }

// shownVersion picks the text the page shows: the final text once
// published, the working draft for the department and reviewers, else the
// version under consultation.
func shownVersion(x *consultation.Consultation, versions []*consultation.Version, internal bool) *consultation.Version {
	want := x.PublicVersion
	switch {
	case x.Final != nil:
		want = x.Final.Version
	case internal:
		want = x.CurrentVersion
	}
	var last *consultation.Version
	for _, v := range versions {
		if v.Number == want {
			return v
		}
		last = v
	}
	return last
}

// blocksOf lays out a document: the largest heading level present becomes
// <h3>, the next <h4>, so the outline has no gaps.
func blocksOf(doc lawtext.Document) []block {
	levels := map[lawtext.HeadingLevel]bool{}
	for _, h := range doc.Headings() {
		levels[h.Level] = true
	}
	rank := map[lawtext.HeadingLevel]int{}
	n := 3
	for _, l := range []lawtext.HeadingLevel{lawtext.Part, lawtext.Chapter, lawtext.Section} {
		if levels[l] {
			rank[l] = n
			n++
		}
	}
	out := make([]block, 0, len(doc.Blocks))
	for i, b := range doc.Blocks {
		if b.Heading != nil {
			out = append(out, block{Heading: b.Heading, Level: rank[b.Heading.Level], Anchor: headingAnchor(i)})
		} else if b.Article != nil {
			out = append(out, block{Article: b.Article})
		}
	}
	return out
}

// timeline lists the procedure's steps from the consultation's record.
func timeline(lang i18n.Lang, x *consultation.Consultation, internal bool) []timelineEntry {
	var out []timelineEntry
	add := func(at *time.Time, key, detail string, args ...any) {
		if at != nil {
			out = append(out, timelineEntry{At: *at, Label: i18n.T(lang, key, args...), Detail: detail})
		}
	}
	if internal {
		add(&x.CreatedAt, "page.timeline.created", "")
	}
	add(x.PublishedAt, "page.timeline.opened", "")
	for _, e := range x.Extensions {
		at := e.At
		add(&at, "page.timeline.extended", e.Reason, consultation.FormatDateTime(e.ClosesAt))
	}
	if x.ClosedEarly != nil {
		add(&x.ClosedEarly.At, "page.timeline.closed_early", x.ClosedEarly.Reason)
	} else if x.ClosesAt != nil && x.PublishedAt != nil && x.State != consultation.Open && x.State != consultation.Withdrawn {
		add(x.ClosesAt, "page.timeline.closed", "")
	}
	if x.Review != nil {
		add(&x.Review.SubmittedAt, "page.timeline.review_submitted", "")
		if x.Review.DecidedAt != nil {
			add(x.Review.DecidedAt, "page.timeline.review_decided", x.Review.Opinion)
		}
	}
	if x.Final != nil {
		add(&x.Final.PublishedAt, "page.timeline.published", "", x.Final.DocumentNumber)
	}
	if x.Withdrawal != nil {
		add(&x.Withdrawal.At, "page.timeline.withdrawn", x.Withdrawal.Reason)
	}
	for _, st := range x.Steps {
		if !st.Public && !internal {
			continue
		}
		at, detail := st.EnteredAt, st.Summary
		if st.Participants != "" {
			detail = st.Participants + "：" + detail
		}
		if st.Outcome != "" {
			detail = i18n.T(lang, "step.outcome."+st.Outcome) + "。" + detail
		}
		add(&at, "page.timeline.step", detail, i18n.T(lang, "step.kind."+string(st.Kind)), st.HeldOn)
	}
	out = append(out, hearingTimeline(lang, x)...) // page_hearings.go
	out = append(out, surveyTimeline(lang, x)...)  // page_surveys.go: the 民意调查报告
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// stanceLine is the stance counts as a page shows them (nil: none given).
type stanceLine struct{ Support, Oppose, Neutral int }

func (s *Server) stanceLine(ctx context.Context, consultationID string) (*stanceLine, error) {
	t, err := s.cfg.Comments.StanceTotals(ctx, consultationID)
	if err != nil || len(t) == 0 {
		return nil, err
	}
	return &stanceLine{Support: t[comments.Support], Oppose: t[comments.Oppose], Neutral: t[comments.Neutral]}, nil
}
