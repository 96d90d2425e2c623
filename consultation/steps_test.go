package consultation_test

import (
	"strings"
	"testing"
	"time"

	"yugongkai/consultation"
)

// TestStepRules is the table of required steps: procedure type × flags ×
// the records held → what the legality review and finalization lack.
func TestStepRules(t *testing.T) {
	opinion := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	before, after := opinion.Add(-time.Hour), opinion.Add(time.Hour)
	decision := func(outcome string, at time.Time) consultation.Step {
		return consultation.Step{Kind: consultation.CollectiveDecision, Outcome: outcome, EnteredAt: at}
	}
	step := func(k consultation.StepKind) consultation.Step { return consultation.Step{Kind: k, EnteredAt: before} }
	for _, tc := range []struct {
		name                     string
		typ                      consultation.ProcedureType
		technical, risky, market bool
		steps                    []consultation.Step
		review, finalize         string
	}{
		{"rule, no flags", consultation.Rule, false, false, false, nil, "", ""},
		{"normative document, market-related", consultation.NormativeDocument, false, false, true, nil, "step.fair_competition_review", ""},
		{"other, technical", consultation.Other, true, false, false, nil, "step.expert_review", ""},
		{"rule, risky and technical, expert done", consultation.Rule, true, true, false, []consultation.Step{step(consultation.ExpertReview)}, "step.risk_assessment", ""},
		{"major decision, all flags, nothing done", consultation.MajorDecision, true, true, true, nil,
			"step.expert_review step.risk_assessment step.fair_competition_review", "step.collective_decision"},
		{"major decision, passed after the opinion", consultation.MajorDecision, false, false, false,
			[]consultation.Step{decision(consultation.DecisionPassed, after)}, "", ""},
		{"major decision, passed in principle", consultation.MajorDecision, false, false, false,
			[]consultation.Step{decision(consultation.DecisionPassedInPrinciple, after)}, "", ""},
		{"major decision, passed before the opinion", consultation.MajorDecision, false, false, false,
			[]consultation.Step{decision(consultation.DecisionPassed, before)}, "", "step.collective_decision"},
		{"major decision, 修改后再议 after the opinion", consultation.MajorDecision, false, false, false,
			[]consultation.Step{decision(consultation.DecisionRevise, after)}, "", "step.collective_decision"},
		{"major decision, a hearing is not a decision", consultation.MajorDecision, false, false, false,
			[]consultation.Step{step(consultation.Hearing)}, "", "step.collective_decision"},
	} {
		c := &consultation.Consultation{ProcedureType: tc.typ, Technical: tc.technical, HighRisk: tc.risky, MarketRelated: tc.market,
			Steps: tc.steps, Review: &consultation.Review{DecidedAt: &opinion}}
		if got := strings.Join(c.MissingSteps(consultation.ActSubmit), " "); got != tc.review {
			t.Errorf("%s: before review missing %q, want %q", tc.name, got, tc.review)
		}
		if got := strings.Join(c.MissingSteps(consultation.ActFinalize), " "); got != tc.finalize {
			t.Errorf("%s: before finalization missing %q, want %q", tc.name, got, tc.finalize)
		}
	}
}
