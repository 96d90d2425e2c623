package consultation

import (
	"strings"
	"time"

	"yugongkai/apperr"
)

// Surveys (问卷调查) run alongside a consultation: the department asks
// structured questions — single choice, multiple choice, a scale, a short
// answer — and publishes a 民意调查报告 before the decision. A survey's
// definition and its report are part of the consultation record (like the
// procedure steps), so every command on them is one consultation commit
// with its event in the hash chain and the archive; the responses are their
// own records (package surveys). The report is a public record: the
// consultation page's timeline lists it, and the chain holds it whole
// (event survey.report_published, with the counts).

// QuestionKind is the kind of a survey question.
type QuestionKind string

const (
	SingleChoice   QuestionKind = "single"   // 单选
	MultipleChoice QuestionKind = "multiple" // 多选
	Scale          QuestionKind = "scale"    // 量表（如 1–5 分）
	ShortAnswer    QuestionKind = "text"     // 简答
)

// QuestionKinds lists every kind.
var QuestionKinds = []QuestionKind{SingleChoice, MultipleChoice, Scale, ShortAnswer}

// SurveyState is where a survey stands.
type SurveyState string

const (
	SurveyDraft  SurveyState = "draft"  // being written; not public
	SurveyOpen   SurveyState = "open"   // public; answers accepted while the period runs
	SurveyClosed SurveyState = "closed" // its report is published; no more answers
)

// OncePer says how a survey keeps to one response per respondent.
type OncePer string

const (
	// PerAccount: respondents log in; one response per account.
	PerAccount OncePer = "account"
	// PerDevice: anyone may answer; one response per browser, kept by a
	// random cookie (a person with two browsers can answer twice: the
	// results say which rule applied).
	PerDevice OncePer = "device"
)

// Survey limits.
const (
	MaxSurveys         = 10
	MaxSurveyQuestions = 50
	MaxSurveyOptions   = 20
	MaxSurveyTitle     = 200
	MaxSurveyText      = 2000
	MaxSurveyAnswer    = 1000
	MaxScale           = 10
)

// SurveyOption is one choice of a question.
type SurveyOption struct {
	ID    string `json:"id" bson:"id"`
	Label string `json:"label" bson:"label"`
}

// SurveyQuestion is one question.
type SurveyQuestion struct {
	ID       string         `json:"id" bson:"id"`
	Kind     QuestionKind   `json:"kind" bson:"kind"`
	Text     string         `json:"text" bson:"text"`
	Required bool           `json:"required" bson:"required"`
	Options  []SurveyOption `json:"options,omitempty" bson:"options,omitempty"` // single and multiple
	// ScaleMax is the top of a scale question (from 1; 2–10, default 5);
	// MinLabel and MaxLabel name its ends (很不满意 … 很满意).
	ScaleMax int    `json:"scale_max,omitempty" bson:"scale_max,omitempty"`
	MinLabel string `json:"min_label,omitempty" bson:"min_label,omitempty"`
	MaxLabel string `json:"max_label,omitempty" bson:"max_label,omitempty"`
}

// Survey is one questionnaire of a consultation.
type Survey struct {
	ID        string           `json:"id" bson:"id"`
	Title     string           `json:"title" bson:"title"`
	Intro     string           `json:"intro,omitempty" bson:"intro,omitempty"`
	Once      OncePer          `json:"once_per" bson:"once_per"`
	State     SurveyState      `json:"state" bson:"state"`
	Questions []SurveyQuestion `json:"questions" bson:"questions"`
	CreatedBy string           `json:"created_by" bson:"created_by"`
	CreatedAt time.Time        `json:"created_at" bson:"created_at"`
	UpdatedAt time.Time        `json:"updated_at" bson:"updated_at"`
	// OpenedAt is when it was published to the public.
	OpenedAt *time.Time `json:"opened_at,omitempty" bson:"opened_at,omitempty"`
	// Report is the published 民意调查报告.
	Report *SurveyReport `json:"report,omitempty" bson:"report,omitempty"`
}

// SurveyReport is the published 民意调查报告: the department's analysis and
// the counts as they stood when it was published.
type SurveyReport struct {
	Summary     string        `json:"summary" bson:"summary"`
	Results     SurveyResults `json:"results" bson:"results"`
	PublishedBy string        `json:"published_by" bson:"published_by"`
	PublishedAt time.Time     `json:"published_at" bson:"published_at"`
}

// SurveyResults are a survey's counts.
type SurveyResults struct {
	SurveyID  string           `json:"survey_id" bson:"survey_id"`
	Once      OncePer          `json:"once_per" bson:"once_per"`
	Responses int              `json:"responses" bson:"responses"`
	Questions []QuestionResult `json:"questions" bson:"questions"`
}

// QuestionResult counts the answers to one question: per option (a scale's
// options are its points, "1" … "5"), and how many answered at all.
type QuestionResult struct {
	ID       string        `json:"id" bson:"id"`
	Kind     QuestionKind  `json:"kind" bson:"kind"`
	Text     string        `json:"text" bson:"text"`
	Answered int           `json:"answered" bson:"answered"`
	Options  []OptionCount `json:"options,omitempty" bson:"options,omitempty"`
}

// OptionCount is how many responses chose one option.
type OptionCount struct {
	ID    string `json:"id" bson:"id"`
	Label string `json:"label" bson:"label"`
	Count int    `json:"count" bson:"count"`
}

// Survey returns c's survey id, or nil.
func (c *Consultation) Survey(id string) *Survey {
	for i := range c.Surveys {
		if c.Surveys[i].ID == id {
			return &c.Surveys[i]
		}
	}
	return nil
}

// PublicSurveys returns the surveys the public may see: not drafts.
func (c *Consultation) PublicSurveys() []Survey {
	var out []Survey
	for _, s := range c.Surveys {
		if s.State != SurveyDraft {
			out = append(out, s)
		}
	}
	return out
}

// ScalePoints returns the option list of a scale question: "1" … ScaleMax.
func (q *SurveyQuestion) ScalePoints() []SurveyOption {
	out := make([]SurveyOption, 0, q.ScaleMax)
	for i := 1; i <= q.ScaleMax; i++ {
		n := itoa(i)
		label := n
		switch {
		case i == 1 && q.MinLabel != "":
			label += " " + q.MinLabel
		case i == q.ScaleMax && q.MaxLabel != "":
			label += " " + q.MaxLabel
		}
		out = append(out, SurveyOption{ID: n, Label: label})
	}
	return out
}

// Choices returns what a question may be answered with: its options, or
// the points of a scale; nil for a short answer.
func (q *SurveyQuestion) Choices() []SurveyOption {
	if q.Kind == Scale {
		return q.ScalePoints()
	}
	return q.Options
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return "1" + string(rune('0'+i-10))
}

// SurveyForm creates or replaces a draft survey's definition. Option and
// question ids are given by the server; options are labels.
type SurveyForm struct {
	Title     string         `json:"title" jsonschema:"required"`
	Intro     string         `json:"intro"`
	Once      OncePer        `json:"once_per" jsonschema:"enum=,enum=account,enum=device"`
	Questions []QuestionForm `json:"questions" jsonschema:"required"`
}

// QuestionForm is one question of a SurveyForm.
type QuestionForm struct {
	Kind     QuestionKind `json:"kind" jsonschema:"required,enum=single,enum=multiple,enum=scale,enum=text"`
	Text     string       `json:"text" jsonschema:"required"`
	Required bool         `json:"required"`
	Options  []string     `json:"options"`
	ScaleMax int          `json:"scale_max"`
	MinLabel string       `json:"min_label"`
	MaxLabel string       `json:"max_label"`
}

// Validate checks the form and returns the survey's fields (ids are drawn
// by newID), or an Invalid error naming every bad field
// (questions.2.options.1).
func (f SurveyForm) Validate(newID func() string) (Survey, error) {
	var fe apperr.Fields
	s := Survey{Title: strings.TrimSpace(f.Title), Intro: strings.TrimSpace(f.Intro), Once: f.Once}
	checkText(&fe, "title", s.Title, MaxSurveyTitle, true)
	checkText(&fe, "intro", s.Intro, MaxSurveyText, false)
	switch s.Once {
	case "":
		s.Once = PerDevice
	case PerAccount, PerDevice:
	default:
		fe.Add("once_per", "field.invalid_choice", "account, device")
	}
	switch {
	case len(f.Questions) == 0:
		fe.Add("questions", "field.required")
	case len(f.Questions) > MaxSurveyQuestions:
		fe.Add("questions", "survey.too_many_questions", MaxSurveyQuestions)
	}
	for i, qf := range f.Questions {
		field := "questions." + itoaN(i)
		q := SurveyQuestion{ID: "q" + itoaN(i+1), Kind: qf.Kind, Text: strings.TrimSpace(qf.Text), Required: qf.Required}
		checkText(&fe, field+".text", q.Text, MaxSurveyText, true)
		switch qf.Kind {
		case SingleChoice, MultipleChoice:
			if len(qf.Options) < 2 || len(qf.Options) > MaxSurveyOptions {
				fe.Add(field+".options", "survey.option_count", MaxSurveyOptions)
			}
			seen := map[string]bool{}
			for j, o := range qf.Options {
				label := strings.TrimSpace(o)
				checkText(&fe, field+".options."+itoaN(j), label, MaxSurveyTitle, true)
				if seen[label] && label != "" {
					fe.Add(field+".options."+itoaN(j), "survey.option_repeated")
				}
				seen[label] = true
				q.Options = append(q.Options, SurveyOption{ID: "o" + itoaN(j+1), Label: label})
			}
		case Scale:
			q.ScaleMax = qf.ScaleMax
			if q.ScaleMax == 0 {
				q.ScaleMax = 5
			}
			if q.ScaleMax < 2 || q.ScaleMax > MaxScale {
				fe.Add(field+".scale_max", "survey.scale_range", MaxScale)
			}
			q.MinLabel, q.MaxLabel = strings.TrimSpace(qf.MinLabel), strings.TrimSpace(qf.MaxLabel)
			checkText(&fe, field+".min_label", q.MinLabel, MaxSurveyTitle, false)
			checkText(&fe, field+".max_label", q.MaxLabel, MaxSurveyTitle, false)
		case ShortAnswer:
		default:
			fe.Add(field+".kind", "field.invalid_choice", "single, multiple, scale, text")
		}
		if qf.Kind != SingleChoice && qf.Kind != MultipleChoice && len(qf.Options) > 0 {
			fe.Add(field+".options", "survey.options_only_choice")
		}
		s.Questions = append(s.Questions, q)
	}
	if err := fe.Err(); err != nil {
		return Survey{}, err
	}
	_ = newID
	return s, nil
}

func itoaN(i int) string {
	if i < 0 {
		return "-" + itoaN(-i)
	}
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoaN(i/10) + string(rune('0'+i%10))
}

// SurveyResponse is one respondent's answers to a survey: a record of its
// own (package surveys reads them), written by a consultation commit
// (Change.SurveyResponses) that checks the consultation is as the
// respondent's command read it (CheckRev). So a response and the report
// that closes its survey are ordered: a response is either counted in the
// report or refused, never stored uncounted after it. Respondent and Texts
// are for staff.
type SurveyResponse struct {
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

// ResponseCount is the number of responses a survey's report counted
// (Change.Responses).
type ResponseCount struct {
	SurveyID string
	N        int
}
