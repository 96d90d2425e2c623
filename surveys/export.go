package surveys

import (
	"context"
	"strconv"
	"strings"

	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/i18n"
)

// ResultsTable is the survey's counts as text cells, header first in lang:
// one row per option (a scale's points included), and one per short-answer
// question with the number who answered. What the results CSV and .xlsx
// hold, cell for cell.
func ResultsTable(res *consultation.SurveyResults, lang i18n.Lang) [][]string {
	out := [][]string{{i18n.T(lang, "survey.col.question"), i18n.T(lang, "survey.col.option"), i18n.T(lang, "survey.col.count"),
		i18n.T(lang, "survey.col.answered")}}
	for i, q := range res.Questions {
		text := cell(strconv.Itoa(i+1) + ". " + q.Text)
		answered := strconv.Itoa(q.Answered)
		if len(q.Options) == 0 {
			out = append(out, []string{text, i18n.T(lang, "survey.kind.text"), answered, answered})
			continue
		}
		for _, o := range q.Options {
			out = append(out, []string{text, cell(o.Label), strconv.Itoa(o.Count), answered})
		}
	}
	return out
}

// ResultsNumeric are the columns of ResultsTable holding whole numbers.
var ResultsNumeric = []int{2, 3}

// MaxExportResponses bounds a responses export.
const MaxExportResponses = 200_000

// ResponsesTable returns every response of a survey as text cells, header
// first in lang (department, legal staff and admins only: short answers
// are as written): time received, then one column per question with the
// labels chosen or the text. Errors: NotFound, Forbidden.
func (s *Service) ResponsesTable(ctx context.Context, actor auth.Principal, id, surveyID string, lang i18n.Lang) ([][]string, error) {
	c, sv, err := s.Survey(ctx, actor, id, surveyID)
	if err != nil {
		return nil, err
	}
	if !consultation.CanSeeInternal(actor, c) && !consultation.CanFinalize(actor) {
		return nil, forbidden()
	}
	head := []string{i18n.T(lang, "survey.col.no"), i18n.T(lang, "survey.col.at")}
	labels := map[string]string{}
	for i, q := range sv.Questions {
		head = append(head, cell(strconv.Itoa(i+1)+". "+q.Text))
		for _, o := range q.Choices() {
			labels[q.ID+":"+o.ID] = o.Label
		}
	}
	out := [][]string{head}
	for cursor := ""; ; {
		page, next, err := s.Store.Responses(ctx, sv.ID, cursor, 1000)
		if err != nil {
			return nil, err
		}
		for _, r := range page {
			row := []string{strconv.Itoa(len(out)), consultation.FormatDateTime(r.At)}
			for _, q := range sv.Questions {
				var picked []string
				for _, k := range r.Choices {
					if l, ok := labels[k]; ok && strings.HasPrefix(k, q.ID+":") {
						picked = append(picked, l)
					}
				}
				if t, ok := r.Texts[q.ID]; ok {
					picked = append(picked, t)
				}
				row = append(row, cell(strings.Join(picked, "；")))
			}
			out = append(out, row)
		}
		if next == "" || len(out) > MaxExportResponses {
			break
		}
		cursor = next
	}
	return out, nil
}

// cell defuses spreadsheet formulas in written text.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
