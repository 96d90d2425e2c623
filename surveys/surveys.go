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
	"time"
)

// ErrAlreadyResponded is wrapped by the Conflict a store returns for a
// second response of one respondent to one survey.
var ErrAlreadyResponded = errors.New("surveys: already responded")

// Response is one respondent's answers. Respondent and Texts are for staff.
type Response struct {
	ID             string `json:"id" bson:"_id"`
	SurveyID       string `json:"survey_id" bson:"survey_id"`
	ConsultationID string `json:"consultation_id" bson:"consultation_id"`
	// Respondent is "u:" + account id, or "d:" + SHA-256 of the device
	// cookie: unique per survey.
	Respondent string `json:"-" bson:"respondent"`
	// Choices are the keys counted: "q1:o2" for an option chosen, "q3:4"
	// for a scale point, "q1:*" for every question answered.
	Choices []string `json:"choices" bson:"choices"`
	// Texts are the short answers by question id.
	Texts map[string]string `json:"texts,omitempty" bson:"texts,omitempty"`
	At    time.Time         `json:"at" bson:"at"`
}

// Store keeps responses. Every write that returns nil is durable.
type Store interface {
	// InsertResponse stores r in one write. Errors: a Conflict wrapping
	// ErrAlreadyResponded when (SurveyID, Respondent) is stored.
	InsertResponse(ctx context.Context, r *Response) error
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
