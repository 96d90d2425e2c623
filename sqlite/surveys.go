package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"yugongkai/apperr"
	"yugongkai/consultation"
	"yugongkai/surveys"
)

// SurveyStore implements surveys.Store (migration 0021).
type SurveyStore struct{ db *DB }

// Surveys returns the store of survey responses.
func (db *DB) Surveys() *SurveyStore { return &SurveyStore{db: db} }

// insertSurveyResponses writes the responses of a change within t (the
// commit of Respond, a CheckRev of the consultation): each with its choice
// keys; a second response of one respondent is a Conflict wrapping
// surveys.ErrAlreadyResponded.
func insertSurveyResponses(ctx context.Context, t *txn, list []*consultation.SurveyResponse) error {
	for _, r := range list {
		var withKey struct {
			*surveys.Response
			Respondent string `json:"respondent"`
		}
		withKey.Response, withKey.Respondent = r, r.Respondent
		rec, err := json.Marshal(withKey)
		if err != nil {
			return apperr.Wrap(err, "encode response")
		}
		_, err = t.ExecContext(ctx, `INSERT INTO survey_responses (id, survey_id, consultation_id, respondent, at, record) VALUES (?, ?, ?, ?, ?, ?)`,
			r.ID, r.SurveyID, r.ConsultationID, r.Respondent, formatTime(r.At), string(rec))
		if err = classify(err, "insert survey response"); apperr.Is(err, apperr.Conflict) {
			return &apperr.Error{Kind: apperr.Conflict, Key: "survey.already", Cause: fmt.Errorf("%v: %w", err, surveys.ErrAlreadyResponded)}
		} else if err != nil {
			return err
		}
		for _, k := range r.Choices {
			if _, err := t.ExecContext(ctx, `INSERT INTO survey_choices (survey_id, choice, response_id) VALUES (?, ?, ?)`, r.SurveyID, k, r.ID); err != nil {
				return classify(err, "insert survey choice")
			}
		}
	}
	return nil
}

// checkResponseCount refuses a change whose survey report counted another
// number of responses than the store holds (consultation.ErrStale).
func checkResponseCount(ctx context.Context, t *txn, rc *consultation.ResponseCount) error {
	if rc == nil {
		return nil
	}
	var n int
	if err := t.QueryRowContext(ctx, "SELECT count(*) FROM survey_responses WHERE survey_id = ?", rc.SurveyID).Scan(&n); err != nil {
		return classify(err, "count survey responses")
	}
	if n != rc.N {
		return fmt.Errorf("sqlite: survey %s holds %d responses, the report counted %d: %w", rc.SurveyID, n, rc.N, consultation.ErrStale)
	}
	return nil
}

// HasResponded implements surveys.Store.
func (s *SurveyStore) HasResponded(ctx context.Context, surveyID, respondent string) (bool, error) {
	var n int
	err := s.db.sql.QueryRowContext(ctx, `SELECT count(*) FROM survey_responses WHERE survey_id = ? AND respondent = ?`, surveyID, respondent).Scan(&n)
	return n > 0, classify(err, "has responded")
}

// CountResponses implements surveys.Store.
func (s *SurveyStore) CountResponses(ctx context.Context, surveyID string) (int, error) {
	var n int
	err := s.db.sql.QueryRowContext(ctx, `SELECT count(*) FROM survey_responses WHERE survey_id = ?`, surveyID).Scan(&n)
	return n, classify(err, "count responses")
}

// CountChoices implements surveys.Store with one grouped count over the
// choices' primary key.
func (s *SurveyStore) CountChoices(ctx context.Context, surveyID string, keys []string) (map[string]int, error) {
	out := make(map[string]int, len(keys))
	for _, k := range keys {
		out[k] = 0
	}
	rows, err := s.db.sql.QueryContext(ctx, `SELECT choice, count(*) FROM survey_choices WHERE survey_id = ? GROUP BY choice`, surveyID)
	if err != nil {
		return nil, classify(err, "count choices")
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, classify(err, "count choices")
		}
		if _, ok := out[k]; ok {
			out[k] = n
		}
	}
	return out, classify(rows.Err(), "count choices")
}

// Responses implements surveys.Store.
func (s *SurveyStore) Responses(ctx context.Context, surveyID, cursor string, limit int) ([]*surveys.Response, string, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	q := `SELECT at, id, record FROM survey_responses WHERE survey_id = ?`
	args := []any{surveyID}
	if cursor != "" {
		at, id, err := decodeCursor(cursor)
		if err != nil {
			return nil, "", err
		}
		q, args = q+` AND (at, id) > (?, ?)`, append(args, at, id)
	}
	rows, err := s.db.sql.QueryContext(ctx, q+` ORDER BY at, id LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", classify(err, "list responses")
	}
	defer rows.Close()
	var out []*surveys.Response
	var ats []string
	for rows.Next() {
		var at, id, rec string
		if err := rows.Scan(&at, &id, &rec); err != nil {
			return nil, "", classify(err, "list responses")
		}
		var r struct {
			surveys.Response
			Respondent string `json:"respondent"`
		}
		if err := json.NewDecoder(strings.NewReader(rec)).Decode(&r); err != nil {
			return nil, "", apperr.Wrap(err, "decode response")
		}
		r.Response.Respondent = r.Respondent
		out, ats = append(out, &r.Response), append(ats, at)
	}
	if err := rows.Err(); err != nil {
		return nil, "", classify(err, "list responses")
	}
	next := ""
	if len(out) > limit {
		out, ats = out[:limit], ats[:limit]
		next = encodeCursor(ats[limit-1], out[limit-1].ID)
	}
	return out, next, nil
}
