package comments

import (
	"context"
	"encoding/csv"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/i18n"
	"yugongkai/workcal"
)

// ReportDueWorkdays is the default deadline of the adoption report: 20
// working days after the period closed.
const ReportDueWorkdays = 20

// ArticleCount is the number of comments on one article ("" = whole draft).
type ArticleCount struct {
	ArticleID string `json:"article_id"`
	Label     string `json:"label,omitempty"`
	Count     int    `json:"count"`
}

// ReportRow is one line of the 采纳情况 table: a published comment, or a
// group of identical ones shown once with its count.
type ReportRow struct {
	No           int      `json:"no"`
	Commenter    string   `json:"commenter,omitempty"` // masked name, organization, or "" for 匿名
	Anonymous    bool     `json:"anonymous"`
	ArticleID    string   `json:"article_id,omitempty"`
	ArticleLabel string   `json:"article_label,omitempty"`
	Summary      string   `json:"summary"`
	Count        int      `json:"count"`
	Outcome      Outcome  `json:"disposition,omitempty"`
	Reason       string   `json:"reason,omitempty"`
	Changed      []string `json:"changed_articles,omitempty"`
	// Signatories of the representative petition (联名 312 人), if more than one.
	Signatories int `json:"signatories,omitempty"`
}

// Report is the adoption report (采纳情况). It holds public copies only.
type Report struct {
	ConsultationID string    `json:"consultation_id"`
	Title          string    `json:"title"`
	State          string    `json:"state"`
	ClosedAt       time.Time `json:"closed_at"`
	DueOn          string    `json:"due_on"` // civil date, Asia/Shanghai
	Overdue        bool      `json:"overdue"`

	Received      int             `json:"received"`
	Published     int             `json:"published"`
	NotPublished  int             `json:"not_published"` // declined
	Pending       int             `json:"pending"`
	ByChannel     map[Channel]int `json:"by_channel"`
	ByDisposition map[Outcome]int `json:"by_disposition"`
	Undisposed    int             `json:"undisposed"`
	Articles      []ArticleCount  `json:"articles"`
	// Stances counts the published comments that give a stance, whole
	// draft first, then by article (only those with any).
	Stances []StanceTally `json:"stances"`
	// Submissions is the number of comments received, each petition once;
	// Received and the other totals count every signatory (petition.go).
	Submissions int `json:"submissions"`
	// ByCategory counts the people commenting by category (category.go).
	ByCategory map[CommenterType]int `json:"by_category"`
	// Rows come last: the streamed JSON writes them where it ends
	// (web/api_report_stream.go).
	Rows []ReportRow `json:"rows"`
}

// SummaryRunes is the length of the summary column.
const SummaryRunes = 200

// reportDue returns the report deadline for c and whether it is overdue at
// now given how many comments still lack a disposition.
func (s *Service) reportDue(ctx context.Context, c *consultation.Consultation, now time.Time, undisposed int) (workcal.Date, bool) {
	end := closedAt(c)
	if end.IsZero() {
		return workcal.Date{}, false
	}
	// A period ending at 24时 ends on the previous civil day.
	due := s.Consultations.Calendar(ctx).AddWorkdays(workcal.DateOf(end.Add(-time.Millisecond)), ReportDueWorkdays)
	overdue := undisposed > 0 && c.State != consultation.Published && c.State != consultation.Withdrawn &&
		!now.Before(workcal.EndOfDay(due))
	return due, overdue
}

func periodOver(c *consultation.Consultation, now time.Time) bool {
	switch c.State {
	case consultation.Draft, consultation.Withdrawn:
		return false
	case consultation.Open:
		return c.ClosesAt != nil && !now.Before(*c.ClosesAt)
	}
	return c.OpensAt != nil
}

// Report builds the adoption report. It is public once the period has
// closed; staff of the department, legal and admin see it at any time.
// Errors: NotFound, Forbidden (public before the close).
func (s *Service) Report(ctx context.Context, actor auth.Principal, consultationID string) (*Report, error) {
	r, err := s.ReportHead(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	// The table: every group with a published member, once, by article.
	err = s.EachReportRow(ctx, actor, consultationID, func(row ReportRow) error {
		r.Rows = append(r.Rows, row)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// reportHead is the report of c without its table.
func (s *Service) reportHead(ctx context.Context, c *consultation.Consultation, now time.Time) (*Report, error) {
	r, counts, err := s.summaryCounts(ctx, c, now)
	if err != nil {
		return nil, err
	}
	labels := map[string]string{}
	order := map[string]int{"": 0}
	perArticle := counts.Articles()
	r.Articles = append(r.Articles, ArticleCount{Count: perArticle[""]})
	if c.PublicVersion > 0 {
		v, err := s.Consultations.Store.Version(ctx, c.ID, c.PublicVersion)
		if err != nil {
			return nil, err
		}
		for i, a := range v.Articles() {
			labels[a.ID], order[a.ID] = a.Label, i+1
			r.Articles = append(r.Articles, ArticleCount{ArticleID: a.ID, Label: a.Label, Count: perArticle[a.ID]})
		}
	}
	r.Stances = stanceTallies(counts.Stances(), labels, order)
	return r, nil
}

// Summary is the adoption report's figures without the per-article counts
// and the table (Articles and Rows are nil), in a fixed number of store
// calls whatever the length of the text or the number of comments: what
// pages that show the report's summary need. Errors as Report.
func (s *Service) Summary(ctx context.Context, actor auth.Principal, consultationID string) (*Report, error) {
	c, now, err := s.reportable(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	r, _, err := s.summaryCounts(ctx, c, now)
	return r, err
}

// reportable loads the consultation whose report the actor asks for.
func (s *Service) reportable(ctx context.Context, actor auth.Principal, consultationID string) (*consultation.Consultation, time.Time, error) {
	c, err := s.Consultations.Get(ctx, actor, consultationID)
	if err != nil {
		return nil, time.Time{}, err
	}
	now := s.now()
	if !CanSeeOriginals(actor, c) && !periodOver(c, now) {
		return nil, now, apperr.New(apperr.Forbidden, "comments.report_not_public")
	}
	return c, now, nil
}

// summaryCounts fills the report's figures of c from the store's counters
// (returned too, for the per-article figures) and sets its due date.
func (s *Service) summaryCounts(ctx context.Context, c *consultation.Consultation, now time.Time) (*Report, ReportCounts, error) {
	r := &Report{ConsultationID: c.ID, Title: c.Title, State: string(c.State), ClosedAt: closedAt(c),
		ByChannel: map[Channel]int{}, ByDisposition: map[Outcome]int{}, ByCategory: map[CommenterType]int{}}
	// The counters the store keeps in the commit of every change
	// (reportcounts.go): a fixed number of rows whatever the number of
	// comments, where counting them took seconds at a million.
	n, err := s.Store.ReportCounts(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	r.Received, r.Undisposed = n[KeyPeople], n[KeyUndisposed]
	r.Published, r.NotPublished, r.Pending = n[KeyStatus(Published)], n[KeyStatus(Declined)], n[KeyStatus(Pending)]
	for _, ch := range Channels {
		r.ByChannel[ch] = n[KeyChannel(ch)]
	}
	for _, o := range Outcomes {
		r.ByDisposition[o] = n[KeyOutcome(o)]
	}
	for t, cc := range n.Categories() {
		r.Submissions += cc.Comments
		r.ByCategory[t] = cc.People
	}
	if due, overdue := s.reportDue(ctx, c, now, r.Undisposed); !due.IsZero() {
		r.DueOn, r.Overdue = due.String(), overdue
	}
	return r, n, nil
}

func summarize(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > SummaryRunes {
		return string(r[:SummaryRunes]) + "…"
	}
	return s
}

// Table returns the report table as text cells, header first in lang:
// what the CSV and the .xlsx downloads hold, cell for cell. User-written
// text that a spreadsheet would read as a formula is defused (cell).
func (r *Report) Table(lang i18n.Lang) [][]string {
	out := [][]string{TableHeader(lang)}
	for _, row := range r.Rows {
		out = append(out, row.Cells(lang))
	}
	return append(out, r.CategoryRows(lang)...) // category.go
}

// TableHeader is the first line of Table in lang.
func TableHeader(lang i18n.Lang) []string {
	header := []string{"report.no", "report.commenter", "report.article", "report.summary", "report.count", "report.disposition", "report.reason"}
	for i, k := range header {
		header[i] = i18n.T(lang, k)
	}
	return header
}

// Cells is the row as a line of Table in lang.
func (row ReportRow) Cells(lang i18n.Lang) []string {
	name := row.Commenter
	if row.Anonymous || name == "" {
		name = i18n.T(lang, "comments.anonymous")
	}
	article := row.ArticleLabel
	if row.ArticleID == "" {
		article = i18n.T(lang, "comments.whole_draft")
	}
	disp := i18n.T(lang, "comments.undisposed")
	if row.Outcome != "" {
		disp = i18n.T(lang, "outcome."+string(row.Outcome))
	}
	rec := []string{strconv.Itoa(row.No), name, article, row.Summary, strconv.Itoa(row.Count), disp, row.Reason}
	for i := range rec {
		rec[i] = cell(rec[i])
	}
	if row.Signatories > 1 {
		rec[1] += " " + i18n.T(lang, "page.comments.signatories", row.Signatories)
	}
	return rec
}

// TableNumeric are the columns of Table holding whole numbers.
var TableNumeric = []int{0, 4}

// WriteCSV writes the report table as UTF-8 CSV with a byte-order mark (so
// spreadsheet programs read the Chinese text), header in lang.
func (r *Report) WriteCSV(w io.Writer, lang i18n.Lang) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(r.Table(lang)); err != nil {
		return err
	}
	return cw.Error()
}

// cell defuses spreadsheet formulas in user-written text.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// QueueItem is one consultation needing staff work.
type QueueItem struct {
	ConsultationID string `json:"consultation_id"`
	Title          string `json:"title"`
	DepartmentID   string `json:"department_id"`
	State          string `json:"state"`
	Pending        int    `json:"pending"`
	Undisposed     int    `json:"undisposed"`
	ReportDueOn    string `json:"report_due_on,omitempty"`
	ReportOverdue  bool   `json:"report_overdue"`
}

// Queues are a department's work lists.
type Queues struct {
	PendingModeration []QueueItem `json:"pending_moderation"`
	Undisposed        []QueueItem `json:"undisposed"`
	OverdueReports    []QueueItem `json:"overdue_reports"`
}

// Queues lists, for staff, their department's consultations with comments
// awaiting moderation, comments without a disposition and overdue reports;
// an admin gets every department's. Errors: Forbidden for anyone else.
func (s *Service) Queues(ctx context.Context, actor auth.Principal) (*Queues, error) {
	var dept string
	switch {
	case actor.Is(auth.Staff) && actor.DepartmentID != "":
		dept = actor.DepartmentID
	case actor.Is(auth.Admin):
	default:
		return nil, apperr.New(apperr.Forbidden, "auth.role_required", "staff")
	}
	now := s.now()
	q := &Queues{PendingModeration: []QueueItem{}, Undisposed: []QueueItem{}, OverdueReports: []QueueItem{}}
	for cursor := ""; ; {
		list, next, err := s.Consultations.Store.Consultations(ctx, consultation.ListFilter{DepartmentID: dept, Now: now, Cursor: cursor, Limit: 100})
		if err != nil {
			return nil, err
		}
		for _, c := range list {
			c.Settle(now)
			if c.State == consultation.Draft || c.State == consultation.Withdrawn || c.OpensAt == nil {
				continue
			}
			it := QueueItem{ConsultationID: c.ID, Title: c.Title, DepartmentID: c.DepartmentID, State: string(c.State)}
			if it.Pending, err = s.Store.CountComments(ctx, CountFilter{ConsultationID: c.ID, Status: Pending}); err != nil {
				return nil, err
			}
			if it.Undisposed, err = s.liveCounter(ctx, c)(CountFilter{Undisposed: true}); err != nil {
				return nil, err
			}
			if periodOver(c, now) {
				due, overdue := s.reportDue(ctx, c, now, it.Undisposed)
				if !due.IsZero() {
					it.ReportDueOn, it.ReportOverdue = due.String(), overdue
				}
			}
			if it.Pending > 0 {
				q.PendingModeration = append(q.PendingModeration, it)
			}
			if it.Undisposed > 0 && c.State != consultation.Published {
				q.Undisposed = append(q.Undisposed, it)
			}
			if it.ReportOverdue {
				q.OverdueReports = append(q.OverdueReports, it)
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	return q, nil
}

// PublishedByArticle counts the published comments of c per article id
// ("" = the whole draft), in one store call: the comment counts shown beside
// each article. The caller has checked that the actor may see c.
func (s *Service) PublishedByArticle(ctx context.Context, c *consultation.Consultation) (map[string]int, error) {
	return s.Store.CountByArticle(ctx, c.ID, Published)
}

// stanceTallies lists the stances of a consultation's published comments
// (counts by article), the whole draft first, then the articles in the
// draft's order.
func stanceTallies(counts map[string]StanceCounts, labels map[string]string, order map[string]int) []StanceTally {
	out := []StanceTally{}
	for id, c := range counts {
		out = append(out, StanceTally{ArticleID: id, Label: labels[id], Counts: c})
	}
	sort.Slice(out, func(i, j int) bool {
		oi, iok := order[out[i].ArticleID]
		oj, jok := order[out[j].ArticleID]
		if iok != jok {
			return iok
		}
		if oi != oj {
			return oi < oj
		}
		return out[i].ArticleID < out[j].ArticleID
	})
	return out
}

// StanceTotals counts the stances (each a view of the whole draft) of a
// consultation the public may see (for its public page).
func (s *Service) StanceTotals(ctx context.Context, consultationID string) (StanceCounts, error) {
	counts, err := s.Store.ReportCounts(ctx, consultationID)
	if err != nil {
		return nil, err
	}
	total := StanceCounts{}
	for _, c := range counts.Stances() {
		for st, n := range c {
			total[st] += n
		}
	}
	return total, nil
}
