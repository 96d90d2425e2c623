// Package surveys runs the questionnaires (问卷调查) of a consultation: the
// department writes a survey (single choice, multiple choice, scale and
// short-answer questions) while the consultation is a draft or open, opens
// it, residents answer while the period runs, and the department publishes
// the 民意调查报告 before the decision.
//
// A survey's definition and report live on the consultation record
// (consultation/survey.go): each command here is one consultation commit
// with its event in the hash chain. Responses are records of their own
// (Store), one per respondent: per account (the respondent logs in) or per
// device (a random cookie the browser keeps; its SHA-256 is stored). Counts
// are not aggregated with $group (FerretDB v1 has none): each response
// carries its choice keys ("q1:o2", and "q1:*" for every question
// answered), and a count is an indexed count of one key.
package surveys

import (
	"context"
	"errors"

	"yugongkai/consultation"
)

// ErrAlreadyResponded is wrapped by the Conflict a store returns for a
// second response of one respondent to one survey.
var ErrAlreadyResponded = errors.New("surveys: already responded")

// Response is one respondent's answers (consultation.SurveyResponse: a
// response is written by a consultation commit, Change.SurveyResponses).
type Response = consultation.SurveyResponse

// Store reads responses. They are written by the consultation store's
// Commit (Change.SurveyResponses), which refuses a second response of one
// respondent with a Conflict wrapping ErrAlreadyResponded.
type Store interface {
	// HasResponded reports whether respondent answered survey surveyID.
	HasResponded(ctx context.Context, surveyID, respondent string) (bool, error)
	// CountResponses counts the responses to a survey.
	CountResponses(ctx context.Context, surveyID string) (int, error)
	// CountChoices counts, for each key, the responses to surveyID holding
	// it; keys without responses map to 0.
	CountChoices(ctx context.Context, surveyID string, keys []string) (map[string]int, error)
	// Responses lists a survey's responses in (At, ID) order from the
	// opaque cursor, with the cursor of the next page ("" at the end); a
	// malformed cursor is a BadRequest error.
	Responses(ctx context.Context, surveyID, cursor string, limit int) ([]*Response, string, error)
}
