package web

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/history"
	"yugongkai/i18n"
	"yugongkai/redline"
	"yugongkai/workcal"
)

// decisionPageRoutes registers the redline, report, decision, search and
// legal review pages.
func (s *Server) decisionPageRoutes() {
	app := s.App
	small := limitBody(DefaultBodyLimit)
	app.Get("/consultations/:id/diff", s.diffPage)
	app.Get("/consultations/:id/report", s.reportPage)
	app.Get("/consultations/:id/history", s.historyPage)
	app.Get("/legal/consultations/:id/review", s.legalReviewPage)
	app.Post("/legal/consultations/:id/review", small, s.legalReviewSubmit)
	app.Get("/legal/consultations/:id/finalize", s.legalFinalizePage)
	app.Post("/legal/consultations/:id/finalize", small, s.legalFinalizeSubmit)
	s.searchPageRoutes()
}

// CivilDate shows a stored civil date ("2026-12-31") as the page shows
// dates; anything unparsable is shown as it is.
func (p pageBase) CivilDate(s string) string {
	d, err := workcal.ParseDate(s)
	if err != nil {
		return s
	}
	return formatDate(p.Lang, d)
}

// PastDue reports whether the civil date s is before today.
func (p pageBase) PastDue(s string) bool {
	d, err := workcal.ParseDate(s)
	return err == nil && d.Before(workcal.DateOf(p.Now))
}

func consultationURL(id string) string { return "/consultations/" + url.PathEscape(id) }

// ---- Redline (version diff) ----

// diffSpan is one stretch of an article's redline.
type diffSpan struct {
	Text     string
	Ins, Del bool
}

// diffChange is one article of the redline with the comments that led to it.
type diffChange struct {
	redline.Change
	Spans []diffSpan
	// Linked are the public copies of the adopted or partially adopted
	// comments whose disposition names this article.
	Linked []comments.PublicComment
	// Drafting marks a change no comment is linked to.
	Drafting bool
}

// Heading is "第十二条", or "第十二条 → 第十三条" when renumbered.
func (d diffChange) Heading() string {
	switch {
	case d.FromLabel == "":
		return d.ToLabel
	case d.ToLabel == "" || d.ToLabel == d.FromLabel:
		return d.FromLabel
	}
	return d.FromLabel + " → " + d.ToLabel
}

// redlineView is a redline as the pages show it.
type redlineView struct {
	From, To  *consultation.Version
	Changes   []diffChange
	Stats     redline.Stats
	Unchanged int // unchanged articles left out
}

// buildRedline lays out r with the linked comments; unchanged articles are
// kept only when all is set.
func buildRedline(r redline.Redline, from, to *consultation.Version, linked map[string][]comments.PublicComment, all bool) redlineView {
	v := redlineView{From: from, To: to, Stats: r.Stats}
	for _, ch := range r.Changes {
		if ch.Kind == redline.Unchanged && !all {
			v.Unchanged++
			continue
		}
		d := diffChange{Change: ch, Linked: linked[ch.ID]}
		for _, sp := range ch.Spans {
			d.Spans = append(d.Spans, diffSpan{Text: sp.Text, Ins: sp.Op == redline.Insert, Del: sp.Op == redline.Delete})
		}
		// As in the API: a deleted article cannot be named by a disposition
		// (dispositions name articles of the new text), so only surviving
		// changed articles are called drafting changes.
		d.Drafting = len(d.Linked) == 0 && ch.Kind != redline.Unchanged && ch.Kind != redline.Deleted
		v.Changes = append(v.Changes, d)
	}
	return v
}

// redlinePart is what the "redline" partial shows.
type redlinePart struct {
	pageBase
	*redlineView
}

type diffPageData struct {
	pageBase
	C           *consultation.Consultation
	FromOptions []option
	ToOptions   []option
	All         bool
	// Single is set when the reader may see only one version.
	Single bool
	redlineView
	JSONURL, TextURL string
}

// RedlinePart is the data of the "redline" partial.
func (d diffPageData) RedlinePart() redlinePart { return redlinePart{d.pageBase, &d.redlineView} }

func versionOptions(lang i18n.Lang, versions []*consultation.Version, selected int) []option {
	out := make([]option, 0, len(versions))
	for _, v := range versions {
		label := i18n.T(lang, "page.diff.version_option", v.Number, i18n.T(lang, "version."+string(v.Kind)), formatDate(lang, workcal.DateOf(v.CreatedAt)))
		out = append(out, option{strconv.Itoa(v.Number), label, v.Number == selected})
	}
	return out
}

// linked returns the public comments linked to changed articles (nil
// without the comments service).
func (s *Server) linked(c *fiber.Ctx, x *consultation.Consultation) (map[string][]comments.PublicComment, error) {
	if s.cfg.Comments == nil {
		return nil, nil
	}
	return s.cfg.Comments.Linked(c.UserContext(), x)
}

// diffPage shows the redline between two versions the reader may see,
// article by article, with the comments each change answers. Defaults:
// from the 征求意见稿 to the newest visible version.
func (s *Server) diffPage(c *fiber.Ctx) error {
	ctx, p, lang := c.UserContext(), principal(c), langOf(c)
	x, err := s.cfg.Consultations.Get(ctx, p, c.Params("id"))
	if err != nil {
		return err
	}
	versions, err := s.cfg.Consultations.VersionsOf(ctx, p, x)
	if err != nil {
		return err
	}
	if len(versions) == 0 {
		return errNotFound
	}
	first := x.PublicVersion
	if first == 0 {
		first = versions[0].Number
	}
	from, err := intQuery(c, "from", first)
	if err != nil {
		return err
	}
	to, err := intQuery(c, "to", versions[len(versions)-1].Number)
	if err != nil {
		return err
	}
	r, a, b, err := s.cfg.Consultations.Redline(ctx, p, x.ID, from, to)
	if err != nil {
		return err
	}
	links, err := s.linked(c, x)
	if err != nil {
		return err
	}
	d := diffPageData{pageBase: s.base(c, i18n.T(lang, "page.diff.title", x.Title)), C: x, All: c.Query("all") != "",
		FromOptions: versionOptions(lang, versions, from), ToOptions: versionOptions(lang, versions, to), Single: len(versions) == 1}
	d.redlineView = buildRedline(r, a, b, links, d.All)
	q := url.Values{"from": {strconv.Itoa(from)}, "to": {strconv.Itoa(to)}}
	d.JSONURL = "/api/v1/consultations/" + url.PathEscape(x.ID) + "/diff?" + q.Encode()
	q.Set("format", "text")
	d.TextURL = "/api/v1/consultations/" + url.PathEscape(x.ID) + "/diff?" + q.Encode()
	return s.render(c, fiber.StatusOK, "diff", d)
}

// ---- Adoption report (采纳情况) ----

// countRow is one labelled count.
type countRow struct {
	Label string
	N     int
	ID    string
}

// reportSummary is the adoption report's figures and chart, shown on the
// report, decision and review pages.
type reportSummary struct {
	pageBase
	C        *consultation.Consultation
	R        *comments.Report
	Chart    template.HTML
	Channels []countRow
	// Stances: one line per article (the whole draft first) with stances.
	Stances []stanceRow
}

// stanceRow is the stance counts of one article of the report.
type stanceRow struct {
	Label                    string
	Support, Oppose, Neutral int
}

func newReportSummary(b pageBase, x *consultation.Consultation, r *comments.Report) *reportSummary {
	sum := &reportSummary{pageBase: b, C: x, R: r, Chart: reportChart(r, b.Lang)}
	for _, ch := range comments.Channels {
		if n := r.ByChannel[ch]; n > 0 {
			sum.Channels = append(sum.Channels, countRow{Label: b.T("channel." + string(ch)), N: n})
		}
	}
	for _, st := range r.Stances {
		label := st.Label
		if st.ArticleID == "" {
			label = b.T("page.stance.whole_draft")
		}
		sum.Stances = append(sum.Stances, stanceRow{Label: label, Support: st.Counts[comments.Support], Oppose: st.Counts[comments.Oppose], Neutral: st.Counts[comments.Neutral]})
	}
	return sum
}

// CSVURL and JSONURL are the report's downloads (the API).
func (r *reportSummary) CSVURL() string {
	return "/api/v1/consultations/" + url.PathEscape(r.C.ID) + "/report.csv"
}

func (r *reportSummary) JSONURL() string {
	return "/api/v1/consultations/" + url.PathEscape(r.C.ID) + "/report"
}

type reportPageData struct {
	*reportSummary
	// NotYet is set while the report is not public (before the close).
	NotYet   bool
	Articles []countRow
	// Pager links the pages of the table.
	Pager pager
}

// Summary is the data of the "reportsummary" partial.
func (d reportPageData) Summary() *reportSummary { return d.reportSummary }

// reportPage shows the adoption report: counts, chart, per-article counts
// and the table of answered comments. Before the period closes the public
// gets a notice instead (the service says Forbidden), with status 403.
func (s *Server) reportPage(c *fiber.Ctx) error {
	ctx, p, lang := c.UserContext(), principal(c), langOf(c)
	if s.cfg.Comments == nil {
		return errNotFound
	}
	x, err := s.cfg.Consultations.Get(ctx, p, c.Params("id"))
	if err != nil {
		return err
	}
	base := s.base(c, i18n.T(lang, "page.report.title", x.Title))
	r, err := s.cfg.Comments.ReportHead(ctx, p, x.ID)
	if apperr.Is(err, apperr.Forbidden) {
		d := reportPageData{reportSummary: &reportSummary{pageBase: base, C: x}, NotYet: true}
		return s.render(c, fiber.StatusForbidden, "report", d)
	}
	if err != nil {
		return err
	}
	pg, err := s.reportRowsPage(c, x, r) // the table is paged (page_report_rows.go)
	if err != nil {
		return err
	}
	d := reportPageData{reportSummary: newReportSummary(base, x, r), Pager: pg}
	for _, a := range r.Articles {
		if a.Count == 0 {
			continue
		}
		label := a.Label
		if a.ArticleID == "" {
			label = i18n.T(lang, "comments.whole_draft")
		}
		d.Articles = append(d.Articles, countRow{Label: label, N: a.Count, ID: a.ArticleID})
	}
	return s.render(c, fiber.StatusOK, "report", d)
}

// ---- History (决策档案) ----

// historyRow is one event as the history page shows it.
type historyRow struct {
	history.Event
	TypeLabel string
	RoleLabel string
	Payload   string
}

type historyPageData struct {
	pageBase
	C      *consultation.Consultation
	Events []historyRow
	V      *consultation.Verification
	// Complete is set when every event is shown (internal readers, or
	// everyone once the decision is published).
	Complete bool
}

// historyPage lists the consultation's events with their hashes and the
// result of recomputing the chain.
func (s *Server) historyPage(c *fiber.Ctx) error {
	ctx, p, lang := c.UserContext(), principal(c), langOf(c)
	x, err := s.cfg.Consultations.Get(ctx, p, c.Params("id"))
	if err != nil {
		return err
	}
	events, err := s.cfg.Consultations.History(ctx, p, x.ID)
	if err != nil {
		return err
	}
	v, err := s.cfg.Consultations.VerifyHistory(ctx, p, x.ID)
	if err != nil {
		return err
	}
	d := historyPageData{pageBase: s.base(c, i18n.T(lang, "page.history.title", x.Title)), C: x, V: v,
		Complete: consultation.CanSeeInternal(p, x) || x.State == consultation.Published}
	for _, e := range events {
		row := historyRow{Event: e, TypeLabel: e.Type, RoleLabel: e.ActorRole}
		if i18n.Has("event." + e.Type) {
			row.TypeLabel = i18n.T(lang, "event."+e.Type)
		}
		if i18n.Has("role." + e.ActorRole) {
			row.RoleLabel = i18n.T(lang, "role."+e.ActorRole)
		}
		var buf bytes.Buffer
		if len(e.Payload) > 2 && json.Indent(&buf, e.Payload, "", "  ") == nil {
			row.Payload = buf.String()
		}
		d.Events = append(d.Events, row)
	}
	return s.render(c, fiber.StatusOK, "history", d)
}

// ---- The published decision, on the consultation page ----

// decisionSection is what the consultation page adds once the decision is
// published: the record of publication, the later-status stamp, the
// redline and report summaries, downloads and the history check.
type decisionSection struct {
	Final        *consultation.Final
	Report       *reportSummary
	Verification *consultation.Verification
	// Steps are the versions, each with the redline from the one before.
	Steps      []versionStep
	DiffURL    string
	ArchiveURL string
	HistoryURL string
	ReportURL  string
}

// versionStep is one version in the decision's version timeline.
type versionStep struct {
	V       *consultation.Version
	DiffURL string
}

// decision builds the decision section of a published consultation with a
// fixed number of store calls (TestDecisionPageStoreCalls): the report's
// summary and the history check.
func (s *Server) decision(c *fiber.Ctx, b pageBase, x *consultation.Consultation, versions []*consultation.Version) (*decisionSection, error) {
	ctx, p := c.UserContext(), principal(c)
	id := url.PathEscape(x.ID)
	d := &decisionSection{Final: x.Final, ArchiveURL: "/api/v1/consultations/" + id + "/archive",
		HistoryURL: "/consultations/" + id + "/history", ReportURL: "/consultations/" + id + "/report"}
	if x.PublicVersion > 0 && x.PublicVersion != x.Final.Version {
		d.DiffURL = "/consultations/" + id + "/diff?from=" + strconv.Itoa(x.PublicVersion) + "&to=" + strconv.Itoa(x.Final.Version)
	}
	for i, v := range versions {
		st := versionStep{V: v}
		if i > 0 {
			st.DiffURL = "/consultations/" + id + "/diff?from=" + strconv.Itoa(versions[i-1].Number) + "&to=" + strconv.Itoa(v.Number)
		}
		d.Steps = append(d.Steps, st)
	}
	if s.cfg.Comments != nil {
		r, err := s.cfg.Comments.Summary(ctx, p, x.ID)
		if err != nil {
			return nil, err
		}
		d.Report = newReportSummary(b, x, r)
	}
	v, err := s.cfg.Consultations.VerifyHistory(ctx, p, x.ID)
	if err != nil {
		return nil, err
	}
	d.Verification = v
	return d, nil
}
