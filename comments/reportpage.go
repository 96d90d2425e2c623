package comments

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
)

// The adoption report's table at any size: rows are read a page at a time
// in the report's order — article by article in the draft's order (the
// whole draft first), in each the groups with a published member by
// (first received, group) — so the report page is paged and the exports
// stream in constant memory. A position in the table is the article's
// place, the number of rows before it and the store's cursor within the
// article: "<article>.<rows before>.<cursor>".

// reportTable is what paging the table needs of the consultation.
type reportTable struct {
	c        *consultation.Consultation
	articles []string // ids in the report's order, "" first
	labels   map[string]string
}

func (s *Service) reportTable(ctx context.Context, actor auth.Principal, consultationID string) (*reportTable, error) {
	c, _, err := s.reportable(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	t := &reportTable{c: c, articles: []string{""}, labels: map[string]string{}}
	if c.PublicVersion > 0 {
		v, err := s.Consultations.Store.Version(ctx, c.ID, c.PublicVersion)
		if err != nil {
			return nil, err
		}
		for _, a := range v.Articles() {
			t.labels[a.ID] = a.Label
			t.articles = append(t.articles, a.ID)
		}
	}
	return t, nil
}

func badReportCursor() error { return apperr.New(apperr.BadRequest, "error.bad_cursor") }

func parseReportCursor(cursor string) (article, before int, inner string, err error) {
	if cursor == "" {
		return 0, 0, "", nil
	}
	parts := strings.SplitN(cursor, ".", 3)
	if len(parts) != 3 {
		return 0, 0, "", badReportCursor()
	}
	if article, err = strconv.Atoi(parts[0]); err != nil || article < 0 {
		return 0, 0, "", badReportCursor()
	}
	if before, err = strconv.Atoi(parts[1]); err != nil || before < 0 {
		return 0, 0, "", badReportCursor()
	}
	return article, before, parts[2], nil
}

// rows returns up to limit rows from cursor and the cursor after them
// ("" at the end of the table).
func (s *Service) rows(ctx context.Context, t *reportTable, cursor string, limit int) ([]ReportRow, string, error) {
	ai, no, inner, err := parseReportCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	var out []ReportRow
	for ai < len(t.articles) && len(out) < limit {
		id := t.articles[ai]
		page, next, err := s.publicPage(ctx, t.c.ID, &id, inner, limit-len(out))
		if err != nil {
			return nil, "", err
		}
		for _, p := range page {
			no++
			row := ReportRow{No: no, Commenter: p.Name, Anonymous: p.Anonymous, ArticleID: p.ArticleID,
				ArticleLabel: t.labels[p.ArticleID], Summary: summarize(p.Body), Count: p.Count}
			if p.Disposition != nil {
				row.Outcome, row.Reason, row.Changed = p.Disposition.Outcome, p.Disposition.Reason, p.Disposition.ChangedArticles
			}
			row.Signatories = p.Signatories // petition.go
			out = append(out, row)
		}
		if next == "" {
			ai, inner = ai+1, ""
		} else {
			inner = next
		}
	}
	if ai >= len(t.articles) {
		return out, "", nil
	}
	return out, fmt.Sprintf("%d.%d.%s", ai, no, inner), nil
}

// ReportRows returns a page of the adoption report's table (limit ≤ 500,
// default 100) from cursor ("" the start) and the cursor of the next page
// ("" at the end). Errors as Report; BadRequest for a malformed cursor.
func (s *Service) ReportRows(ctx context.Context, actor auth.Principal, consultationID, cursor string, limit int) ([]ReportRow, string, error) {
	t, err := s.reportTable(ctx, actor, consultationID)
	if err != nil {
		return nil, "", err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, next, err := s.rows(ctx, t, cursor, limit)
	if err != nil {
		return nil, "", err
	}
	if next != "" {
		// A page that ends exactly at the end of the table says so.
		if more, _, err := s.rows(ctx, t, next, 1); err != nil {
			return nil, "", err
		} else if len(more) == 0 {
			next = ""
		}
	}
	return rows, next, nil
}

// EachReportRow calls fn with every row of the adoption report's table in
// order, reading ExportPage rows at a time: the exports write each row as it
// comes, whatever the size of the table. It stops at fn's first error.
// Errors as Report.
func (s *Service) EachReportRow(ctx context.Context, actor auth.Principal, consultationID string, fn func(ReportRow) error) error {
	t, err := s.reportTable(ctx, actor, consultationID)
	if err != nil {
		return err
	}
	page := s.ExportPage
	if page <= 0 {
		page = 500
	}
	for cursor := ""; ; {
		rows, next, err := s.rows(ctx, t, cursor, page)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		cursor = next
	}
}

// ReportHead is the adoption report without its table (Rows nil): the
// figures, the per-article counts and the stances. Errors as Report.
func (s *Service) ReportHead(ctx context.Context, actor auth.Principal, consultationID string) (*Report, error) {
	c, now, err := s.reportable(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	return s.reportHead(ctx, c, now)
}
