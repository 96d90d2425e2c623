package surveys

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/ident"
)

// Service carries out the survey commands.
type Service struct {
	Store         Store
	Consultations *consultation.Service
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// NewService returns a survey service over store.
func NewService(store Store, consultations *consultation.Service) *Service {
	return &Service{Store: store, Consultations: consultations}
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Millisecond)
	}
	return time.Now().UTC().Truncate(time.Millisecond)
}

// run carries out a survey command on consultation id as one consultation
// commit: load, check action a in the lifecycle table, let build check the
// command's rules and record its event, commit once; a lost race runs again.
func (s *Service) run(ctx context.Context, actor auth.Principal, id string, a consultation.Action, build func(c *consultation.Consultation, ch *consultation.Change) error) error {
	return consultation.Retry(func() error {
		c, err := s.Consultations.Get(ctx, actor, id)
		if err != nil {
			return err
		}
		if err := consultation.Check(actor, c, a); err != nil {
			return err
		}
		ch := &consultation.Change{Consultation: c}
		if err := build(c, ch); err != nil {
			return err
		}
		return s.Consultations.Commit(ctx, ch)
	})
}

func notFound() error { return apperr.New(apperr.NotFound, "survey.not_found") }

// Create adds a draft survey to consultation id (the department, while the
// consultation is a draft or open). Errors: NotFound, Forbidden, Conflict
// (wrong state, too many surveys), Invalid (fields).
func (s *Service) Create(ctx context.Context, actor auth.Principal, id string, form consultation.SurveyForm) (*consultation.Survey, error) {
	var out consultation.Survey
	err := s.run(ctx, actor, id, consultation.ActSurvey, func(c *consultation.Consultation, ch *consultation.Change) error {
		if len(c.Surveys) >= consultation.MaxSurveys {
			return apperr.New(apperr.Conflict, "survey.too_many", consultation.MaxSurveys)
		}
		sv, err := form.Validate(ident.Short)
		if err != nil {
			return err
		}
		now := s.now()
		sv.ID, sv.State, sv.CreatedBy, sv.CreatedAt, sv.UpdatedAt = ident.Short(), consultation.SurveyDraft, actor.UserID, now, now
		c.Surveys = append(c.Surveys, sv)
		c.UpdatedAt = now
		out = sv
		return s.Consultations.Record(ch, actor, "survey.created", false, map[string]any{"survey": sv.ID, "title": sv.Title,
			"questions": len(sv.Questions)})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Update replaces a draft survey's definition. Errors as Create, and
// Conflict once the survey is open (its questions are what people answered).
func (s *Service) Update(ctx context.Context, actor auth.Principal, id, surveyID string, form consultation.SurveyForm) (*consultation.Survey, error) {
	var out consultation.Survey
	err := s.run(ctx, actor, id, consultation.ActSurvey, func(c *consultation.Consultation, ch *consultation.Change) error {
		sv := c.Survey(surveyID)
		if sv == nil {
			return notFound()
		}
		if sv.State != consultation.SurveyDraft {
			return apperr.New(apperr.Conflict, "survey.not_draft")
		}
		next, err := form.Validate(ident.Short)
		if err != nil {
			return err
		}
		now := s.now()
		next.ID, next.State, next.CreatedBy, next.CreatedAt, next.UpdatedAt = sv.ID, sv.State, sv.CreatedBy, sv.CreatedAt, now
		*sv = next
		c.UpdatedAt = now
		out = next
		return s.Consultations.Record(ch, actor, "survey.updated", false, map[string]any{"survey": sv.ID, "title": sv.Title,
			"questions": len(sv.Questions)})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Open publishes a draft survey: the public sees it, and may answer it
// while the consultation's period runs. The event holds the questions as
// published. Errors: NotFound, Forbidden, Conflict (wrong state, not a draft).
func (s *Service) Open(ctx context.Context, actor auth.Principal, id, surveyID string) (*consultation.Survey, error) {
	var out consultation.Survey
	err := s.run(ctx, actor, id, consultation.ActSurvey, func(c *consultation.Consultation, ch *consultation.Change) error {
		sv := c.Survey(surveyID)
		if sv == nil {
			return notFound()
		}
		if sv.State != consultation.SurveyDraft {
			return apperr.New(apperr.Conflict, "survey.not_draft")
		}
		now := s.now()
		sv.State, sv.OpenedAt, sv.UpdatedAt = consultation.SurveyOpen, &now, now
		c.UpdatedAt = now
		out = *sv
		return s.Consultations.Record(ch, actor, "survey.opened", true, map[string]any{"survey": sv.ID, "title": sv.Title,
			"intro": sv.Intro, "once_per": string(sv.Once), "questions": sv.Questions})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Survey returns a survey the actor may see: drafts only to those who may
// see the consultation's internals. Errors: NotFound.
func (s *Service) Survey(ctx context.Context, actor auth.Principal, id, surveyID string) (*consultation.Consultation, *consultation.Survey, error) {
	c, err := s.Consultations.Get(ctx, actor, id)
	if err != nil {
		return nil, nil, err
	}
	sv := c.Survey(surveyID)
	if sv == nil || (sv.State == consultation.SurveyDraft && !consultation.CanSeeInternal(actor, c)) {
		return nil, nil, notFound()
	}
	return c, sv, nil
}

// List returns the surveys of consultation id the actor may see.
func (s *Service) List(ctx context.Context, actor auth.Principal, id string) ([]consultation.Survey, error) {
	c, err := s.Consultations.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if consultation.CanSeeInternal(actor, c) {
		return append([]consultation.Survey{}, c.Surveys...), nil
	}
	return append([]consultation.Survey{}, c.PublicSurveys()...), nil
}

// Accepting tells whether sv takes answers on c at now.
func Accepting(c *consultation.Consultation, sv *consultation.Survey, now time.Time) bool {
	return sv.State == consultation.SurveyOpen && c.AcceptsComments(now)
}

// Answers are a respondent's answers by question id: the option ids chosen
// (one for a single choice or a scale point, "1" … "5"), or one text.
type Answers struct {
	Answers map[string][]string `json:"answers" jsonschema:"required"`
}

// Respondent says who answers: the account, and the device cookie (for a
// survey kept one per device).
type Respondent struct {
	Actor  auth.Principal
	Device string
}

func (r Respondent) key(once consultation.OncePer) (string, error) {
	if once == consultation.PerAccount {
		if r.Actor.Anonymous() {
			return "", apperr.New(apperr.Unauthorized, "survey.login_required")
		}
		return "u:" + r.Actor.UserID, nil
	}
	if len(r.Device) < 16 || len(r.Device) > 200 {
		return "", apperr.New(apperr.BadRequest, "survey.no_device")
	}
	sum := sha256.Sum256([]byte(r.Device))
	return "d:" + hex.EncodeToString(sum[:]), nil
}

// Responded tells whether the respondent already answered the survey.
func (s *Service) Responded(ctx context.Context, sv *consultation.Survey, who Respondent) bool {
	key, err := who.key(sv.Once)
	if err != nil {
		return false
	}
	ok, err := s.Store.HasResponded(ctx, sv.ID, key)
	return err == nil && ok
}

// Respond stores one response. Errors: NotFound, Unauthorized (a survey per
// account, not logged in), BadRequest (a survey per device without the
// cookie), PeriodClosed (outside the period), Conflict (survey not open, or
// already answered by this respondent: survey.already), Invalid (answers).
func (s *Service) Respond(ctx context.Context, who Respondent, id, surveyID string, in Answers) (*Response, error) {
	var r *Response
	err := consultation.Retry(func() error {
		c, sv, err := s.Survey(ctx, who.Actor, id, surveyID)
		if err != nil {
			return err
		}
		now := s.now()
		if sv.State != consultation.SurveyOpen {
			return apperr.New(apperr.Conflict, "survey.not_open")
		}
		if !c.AcceptsComments(now) {
			return apperr.New(apperr.PeriodClosed, "survey.period_closed")
		}
		key, err := who.key(sv.Once)
		if err != nil {
			return err
		}
		if r, err = check(sv, in); err != nil {
			return err
		}
		r.ID, r.SurveyID, r.ConsultationID, r.Respondent, r.At = ident.ID(), sv.ID, c.ID, key, now
		// One commit that holds only while the consultation is as read
		// (CheckRev): a report published meanwhile moves it, and the
		// response is tried again against the closed survey.
		return s.Consultations.Commit(ctx, &consultation.Change{Consultation: c, Write: consultation.CheckRev,
			SurveyResponses: []*consultation.SurveyResponse{r}})
	})
	if errors.Is(err, ErrAlreadyResponded) {
		return nil, apperr.New(apperr.Conflict, "survey.already")
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// check validates answers against the survey's questions and returns the
// response's choice keys and texts, or an Invalid error naming each bad
// question (answers.q2).
func check(sv *consultation.Survey, in Answers) (*Response, error) {
	var fe apperr.Fields
	r := &Response{Choices: []string{}}
	known := map[string]bool{}
	for _, q := range sv.Questions {
		known[q.ID] = true
		field := "answers." + q.ID
		var vals []string
		for _, v := range in.Answers[q.ID] {
			if v = strings.TrimSpace(v); v != "" {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			if q.Required {
				fe.Add(field, "survey.answer_required")
			}
			continue
		}
		if q.Kind == consultation.ShortAnswer {
			text := strings.Join(vals, "\n")
			switch {
			case len(vals) > 1:
				fe.Add(field, "survey.one_answer")
			case !utf8.ValidString(text):
				fe.Add(field, "error.bad_utf8")
			case utf8.RuneCountInString(text) > consultation.MaxSurveyAnswer:
				fe.Add(field, "field.too_long", consultation.MaxSurveyAnswer)
			default:
				if r.Texts == nil {
					r.Texts = map[string]string{}
				}
				r.Texts[q.ID] = text
				r.Choices = append(r.Choices, q.ID+":*")
			}
			continue
		}
		if q.Kind != consultation.MultipleChoice && len(vals) > 1 {
			fe.Add(field, "survey.one_answer")
			continue
		}
		choices := q.Choices()
		ok := true
		var picked []string
		for _, v := range vals {
			if !slices.ContainsFunc(choices, func(o consultation.SurveyOption) bool { return o.ID == v }) {
				ok = false
				break
			}
			if !slices.Contains(picked, v) {
				picked = append(picked, v)
			}
		}
		if !ok {
			fe.Add(field, "survey.bad_option")
			continue
		}
		r.Choices = append(r.Choices, q.ID+":*")
		for _, v := range picked {
			r.Choices = append(r.Choices, q.ID+":"+v)
		}
	}
	for qid := range in.Answers {
		if !known[qid] {
			fe.Add("answers."+qid, "survey.unknown_question")
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return r, nil
}

// Results counts a survey's responses. The department, legal staff and
// admins see them at any time; the public once the report is published
// (so the counts do not sway those still answering): it then gets the
// counts the report holds. Errors: NotFound, Forbidden.
func (s *Service) Results(ctx context.Context, actor auth.Principal, id, surveyID string) (*consultation.Survey, *consultation.SurveyResults, error) {
	c, sv, err := s.Survey(ctx, actor, id, surveyID)
	if err != nil {
		return nil, nil, err
	}
	if !consultation.CanSeeInternal(actor, c) && !consultation.CanFinalize(actor) {
		if sv.Report == nil {
			return nil, nil, apperr.New(apperr.Forbidden, "survey.results_not_public")
		}
		res := sv.Report.Results
		return sv, &res, nil
	}
	res, err := s.count(ctx, sv)
	return sv, res, err
}

// count reads the survey's counts: one count of responses and one of keys
// (each an indexed count).
func (s *Service) count(ctx context.Context, sv *consultation.Survey) (*consultation.SurveyResults, error) {
	n, err := s.Store.CountResponses(ctx, sv.ID)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, q := range sv.Questions {
		keys = append(keys, q.ID+":*")
		for _, o := range q.Choices() {
			keys = append(keys, q.ID+":"+o.ID)
		}
	}
	counts, err := s.Store.CountChoices(ctx, sv.ID, keys)
	if err != nil {
		return nil, err
	}
	res := &consultation.SurveyResults{SurveyID: sv.ID, Once: sv.Once, Responses: n, Questions: []consultation.QuestionResult{}}
	for _, q := range sv.Questions {
		qr := consultation.QuestionResult{ID: q.ID, Kind: q.Kind, Text: q.Text, Answered: counts[q.ID+":*"]}
		for _, o := range q.Choices() {
			qr.Options = append(qr.Options, consultation.OptionCount{ID: o.ID, Label: o.Label, Count: counts[q.ID+":"+o.ID]})
		}
		res.Questions = append(res.Questions, qr)
	}
	return res, nil
}

// ReportForm publishes the 民意调查报告.
type ReportForm struct {
	Summary string `json:"summary" jsonschema:"required"`
}

// MaxReportSummary bounds the report's text.
const MaxReportSummary = 20000

// PublishReport publishes survey surveyID's 民意调查报告 — the department's
// summary and the counts as they stand — and closes the survey to answers.
// It is a public event in the chain (survey.report_published, counts
// included) and a record the consultation's timeline lists; it may be
// published while the period runs or after, until the decision is
// published. Errors: NotFound, Forbidden, Conflict (wrong state; survey not
// open), Invalid (summary).
func (s *Service) PublishReport(ctx context.Context, actor auth.Principal, id, surveyID string, form ReportForm) (*consultation.Survey, error) {
	var out consultation.Survey
	err := s.run(ctx, actor, id, consultation.ActSurveyReport, func(c *consultation.Consultation, ch *consultation.Change) error {
		sv := c.Survey(surveyID)
		if sv == nil {
			return notFound()
		}
		if sv.State != consultation.SurveyOpen {
			return apperr.New(apperr.Conflict, "survey.not_open")
		}
		var fe apperr.Fields
		summary := strings.TrimSpace(form.Summary)
		switch {
		case summary == "":
			fe.Add("summary", "field.required")
		case !utf8.ValidString(summary):
			fe.Add("summary", "error.bad_utf8")
		case utf8.RuneCountInString(summary) > MaxReportSummary:
			fe.Add("summary", "field.too_long", MaxReportSummary)
		}
		if err := fe.Err(); err != nil {
			return err
		}
		res, err := s.count(ctx, sv)
		if err != nil {
			return err
		}
		now := s.now()
		// The report holds only if no response is stored meanwhile (a
		// response commits without moving the consultation's Rev).
		ch.Responses = &consultation.ResponseCount{SurveyID: sv.ID, N: res.Responses}
		sv.Report = &consultation.SurveyReport{Summary: summary, Results: *res, PublishedBy: actor.UserID, PublishedAt: now}
		sv.State, sv.UpdatedAt = consultation.SurveyClosed, now
		c.UpdatedAt = now
		out = *sv
		return s.Consultations.Record(ch, actor, "survey.report_published", true, map[string]any{"survey": sv.ID, "title": sv.Title,
			"summary": summary, "results": res})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func forbidden() error { return apperr.New(apperr.Forbidden, "auth.department_only") }
