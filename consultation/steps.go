package consultation

import (
	"context"
	"slices"
	"strings"
	"time"

	"yugongkai/apperr"
	"yugongkai/attachment"
	"yugongkai/auth"
	"yugongkai/i18n"
	"yugongkai/ident"
	"yugongkai/workcal"
)

// The procedure steps besides public participation and the legality review
// (《重大行政决策程序暂行条例》 arts. 19–33, 《公平竞争审查条例》): each is
// entered as a record of what was done, kept on the consultation and in the
// hash chain. Which steps a decision needs is the table StepRules (beside the
// period rules); the lifecycle table says when they may be entered.

// StepKind names a procedure step.
type StepKind string

const (
	ExpertReview          StepKind = "expert_review"           // 专家论证
	RiskAssessment        StepKind = "risk_assessment"         // 风险评估
	FairCompetitionReview StepKind = "fair_competition_review" // 公平竞争审查
	Hearing               StepKind = "hearing"                 // 听证会
	CollectiveDecision    StepKind = "collective_decision"     // 集体讨论决定
)

// StepKinds lists the kinds in the order of the procedure.
var StepKinds = []StepKind{ExpertReview, RiskAssessment, FairCompetitionReview, Hearing, CollectiveDecision}

// Outcomes of a collective decision (集体讨论决定).
const (
	DecisionPassed            = "passed"              // 通过
	DecisionPassedInPrinciple = "passed_in_principle" // 原则通过
	DecisionRevise            = "revise"              // 修改后再议
	DecisionRejected          = "rejected"            // 不予通过
)

// DecisionState is where each collective-decision outcome leads: passed
// keeps the decision approved (it may be finalized); 修改后再议 returns it to
// the department for revision (then review again); 不予通过 ends it
// (withdrawal only).
var DecisionState = map[string]State{DecisionPassed: Approved, DecisionPassedInPrinciple: Approved,
	DecisionRevise: Returned, DecisionRejected: Rejected}

// RiskTypes are the kinds of risk a risk assessment covers.
var RiskTypes = []string{"social_stability", "public_safety", "ecological", "fiscal"}

// Step is the record of one procedure step.
type Step struct {
	ID   string   `json:"id" bson:"id"`
	Kind StepKind `json:"kind" bson:"kind"`
	// HeldOn is the civil date (Asia/Shanghai) the step took place.
	HeldOn string `json:"held_on" bson:"held_on"`
	// Participants: the experts or institutions consulted, the reviewing
	// body, or the meeting (常务会议, 全体会议).
	Participants string `json:"participants,omitempty" bson:"participants,omitempty"`
	// Summary holds the conclusions.
	Summary string `json:"summary" bson:"summary"`
	// Outcome is a collective decision's outcome (DecisionPassed, …).
	Outcome string `json:"outcome,omitempty" bson:"outcome,omitempty"`
	// RiskTypes and Measures belong to a risk assessment.
	RiskTypes []string `json:"risk_types,omitempty" bson:"risk_types,omitempty"`
	Measures  string   `json:"measures,omitempty" bson:"measures,omitempty"`
	// Public records are shown to everyone; the others to the department,
	// the legal office and administrators.
	Public    bool      `json:"public" bson:"public"`
	EnteredBy string    `json:"entered_by" bson:"entered_by"`
	EnteredAt time.Time `json:"entered_at" bson:"entered_at"`
	// Attachments are the record's files (step_attachments.go), visible
	// with the record.
	Attachments []attachment.Meta `json:"attachments,omitempty" bson:"attachments,omitempty"`
}

// StepForm enters a step's record.
type StepForm struct {
	Kind         StepKind `json:"kind" jsonschema:"required,enum=expert_review,enum=risk_assessment,enum=fair_competition_review,enum=hearing,enum=collective_decision"`
	HeldOn       string   `json:"held_on" jsonschema:"required"`
	Participants string   `json:"participants"`
	Summary      string   `json:"summary" jsonschema:"required"`
	Outcome      string   `json:"outcome" jsonschema:"enum=,enum=passed,enum=passed_in_principle,enum=revise,enum=rejected"`
	RiskTypes    []string `json:"risk_types"`
	Measures     string   `json:"measures"`
	Public       bool     `json:"public"`
	// Files are the record's attached files (multipart requests).
	Files []attachment.File `json:"-"`
}

// Field limits of a step record.
const (
	MaxStepSummary      = 20000
	MaxStepParticipants = 2000
)

// StepRule says when a step is required and before which action.
type StepRule struct {
	Kind StepKind
	// Before is the action the step must precede: ActSubmit (legality
	// review) or ActFinalize.
	Before Action
	// Applies tells whether c needs the step.
	Applies func(c *Consultation) bool
}

// StepRules is the table of required steps:
//
//	step                      required when               before
//	专家论证 expert_review      the matter is technical     legality review (条例 art. 19)
//	风险评估 risk_assessment    it carries a risk           legality review (条例 art. 22)
//	公平竞争审查                 it bears on market activity legality review (《公平竞争审查条例》 art. 2)
//	集体讨论决定                 a 重大行政决策               finalization, after the legal opinion (条例 art. 30)
//
// A collective decision counts only with outcome 通过 or 原则通过 and only
// when it was entered after the latest legal opinion. Hearings are held when
// the department decides to (条例 art. 14); no rule requires one here.
var StepRules = []StepRule{
	{ExpertReview, ActSubmit, func(c *Consultation) bool { return c.Technical }},
	{RiskAssessment, ActSubmit, func(c *Consultation) bool { return c.HighRisk }},
	{FairCompetitionReview, ActSubmit, func(c *Consultation) bool { return c.MarketRelated }},
	{CollectiveDecision, ActFinalize, func(c *Consultation) bool { return c.ProcedureType == MajorDecision }},
}

// MissingSteps lists, as catalogue keys, the steps c needs before action a
// and does not have.
func (c *Consultation) MissingSteps(a Action) []string {
	var missing []string
	for _, r := range StepRules {
		if r.Before != a || !r.Applies(c) {
			continue
		}
		if !c.hasStep(r.Kind) {
			missing = append(missing, "step."+string(r.Kind))
		}
	}
	return missing
}

// hasStep reports whether c holds a record of kind that counts: for a
// collective decision, one that passed after the latest legal opinion.
func (c *Consultation) hasStep(kind StepKind) bool {
	for _, s := range c.Steps {
		if s.Kind != kind {
			continue
		}
		if kind != CollectiveDecision {
			return true
		}
		passed := s.Outcome == DecisionPassed || s.Outcome == DecisionPassedInPrinciple
		afterOpinion := c.Review != nil && c.Review.DecidedAt != nil && !s.EnteredAt.Before(*c.Review.DecidedAt)
		if passed && afterOpinion {
			return true
		}
	}
	return false
}

// PublicSteps returns the step records everyone may see.
func (c *Consultation) PublicSteps() []Step {
	var out []Step
	for _, s := range c.Steps {
		if s.Public {
			out = append(out, s)
		}
	}
	return out
}

// StepsFor returns the step records p may see on c.
func StepsFor(p auth.Principal, c *Consultation) []Step {
	if CanSeeInternal(p, c) || CanFinalize(p) {
		return c.Steps
	}
	return c.PublicSteps()
}

// RecordStep enters the record of a procedure step (the department; a
// collective decision also by an administrator, for the government office).
// Expert review, risk assessment, fair-competition review and hearing
// records are entered before the legality review; the collective decision
// once the legal office has approved, and its outcome moves the decision
// (DecisionState). Errors: NotFound, Forbidden, Conflict (wrong state),
// Invalid (fields).
func (s *Service) RecordStep(ctx context.Context, actor auth.Principal, id string, form StepForm) (*Step, error) {
	act := ActStep
	if form.Kind == CollectiveDecision {
		act = ActDecide
	}
	var out *Step
	metas, blobs, err := acceptStepFiles(form) // step_attachments.go
	if err != nil {
		return nil, err
	}
	_, err = s.run(ctx, actor, id, act, func(c *Consultation, ch *Change) error {
		now := s.now()
		st, err := form.validate(workcal.DateOf(now))
		if err != nil {
			return err
		}
		st.ID, st.EnteredBy, st.EnteredAt = ident.Short(), actor.UserID, now
		withStepFiles(st, ch, metas, blobs)
		c.Steps = append(c.Steps, *st)
		if st.Kind == CollectiveDecision {
			c.State = DecisionState[st.Outcome]
		}
		c.UpdatedAt = now
		out = st
		payload := map[string]any{"step": st.ID, "kind": string(st.Kind), "held_on": st.HeldOn, "summary": st.Summary,
			"participants": st.Participants, "outcome": st.Outcome, "measures": st.Measures,
			"risk_types": strings.Join(st.RiskTypes, ","), "state": string(c.State)}
		if len(st.Attachments) > 0 {
			payload["attachments"] = stepAttachmentsPayload(st.Attachments)
		}
		return s.Record(ch, actor, "step.recorded", st.Public, payload)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// validate checks the form against its kind and today's date.
func (f StepForm) validate(today workcal.Date) (*Step, error) {
	var fe apperr.Fields
	if !slices.Contains(StepKinds, f.Kind) {
		fe.Add("kind", "field.invalid_choice", strings.Join(kindNames(), ", "))
	}
	held, err := workcal.ParseDate(strings.TrimSpace(f.HeldOn))
	switch {
	case strings.TrimSpace(f.HeldOn) == "":
		fe.Add("held_on", "field.required")
	case err != nil:
		fe.Add("held_on", "field.bad_date")
	case held.After(today):
		fe.Add("held_on", "step.held_in_future")
	}
	summary := strings.TrimSpace(f.Summary)
	checkText(&fe, "summary", summary, MaxStepSummary, true)
	participants := strings.TrimSpace(f.Participants)
	checkText(&fe, "participants", participants, MaxStepParticipants, f.Kind == ExpertReview || f.Kind == CollectiveDecision)
	measures := strings.TrimSpace(f.Measures)
	checkText(&fe, "measures", measures, MaxStepSummary, false)
	switch {
	case f.Kind == CollectiveDecision && DecisionState[f.Outcome] == "":
		fe.Add("outcome", "field.invalid_choice", "passed, passed_in_principle, revise, rejected")
	case f.Kind != CollectiveDecision && f.Outcome != "":
		fe.Add("outcome", "step.outcome_only_decision")
	}
	var risks []string
	for _, r := range f.RiskTypes {
		if !slices.Contains(RiskTypes, r) {
			fe.Add("risk_types", "field.invalid_choice", strings.Join(RiskTypes, ", "))
			break
		}
		if !slices.Contains(risks, r) {
			risks = append(risks, r)
		}
	}
	if f.Kind == RiskAssessment && len(risks) == 0 {
		fe.Add("risk_types", "field.required")
	}
	if f.Kind != RiskAssessment && len(risks) > 0 {
		fe.Add("risk_types", "step.risk_only_assessment")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return &Step{Kind: f.Kind, HeldOn: held.String(), Participants: participants, Summary: summary, Outcome: f.Outcome,
		RiskTypes: risks, Measures: measures, Public: f.Public}, nil
}

func kindNames() []string {
	out := make([]string, len(StepKinds))
	for i, k := range StepKinds {
		out[i] = string(k)
	}
	return out
}

// missingStepsError is the 422 refusal of an action for the steps it lacks.
func missingStepsError(missing []string) error {
	var f apperr.Fields
	f.Add("steps", "step.missing", i18n.ListOf(missing...))
	return f.Err()
}
