package consultation

import (
	"context"
	"slices"
	"strings"
	"time"

	"yugongkai/apperr"
	"yugongkai/auth"
)

// The department's draft of the 政策解读 (interpretation.go): the
// department that owns the decision writes it, at any time before
// finalization, and the legal office finalizes with it. It is kept on the
// consultation (internal: the department, the legal office and admins read
// it) and every save is an internal event of the chain,
// interpretation.drafted, carrying the draft itself as a step's internal
// record carries its text: withheld until the decision is published, then
// published with the whole history. Finalize takes the draft when its
// request gives no interpretation of its own, and says in its event which
// one was published (interpretation_source).

// InterpretationForm is the department's 政策解读 as submitted: the text,
// its questions and answers, or the reason for publishing none. It replaces
// the previous draft; all empty clears it.
type InterpretationForm struct {
	Interpretation          string `json:"interpretation"`
	QA                      []QA   `json:"qa"`
	InterpretationException string `json:"interpretation_exception"`
}

// InterpretationDraft is the 政策解读 the department drafted.
type InterpretationDraft struct {
	Interpretation          string     `json:"interpretation" bson:"interpretation,omitempty"`
	QA                      []QA       `json:"qa" bson:"qa,omitempty"`
	InterpretationException string     `json:"interpretation_exception" bson:"interpretation_exception,omitempty"`
	DraftedBy               string     `json:"drafted_by,omitempty" bson:"drafted_by,omitempty"`
	DraftedAt               *time.Time `json:"drafted_at,omitempty" bson:"drafted_at,omitempty"`
}

// Where the published 政策解读 came from (the interpretation_source of
// consultation.finalized).
const (
	InterpretationFromDepartment = "department" // the department's draft
	InterpretationFromFinalize   = "finalize"   // the finalization request's own
	InterpretationNone           = "none"       // none, and none needed
)

// CanReadInterpretationDraft reports whether p may read c's draft
// 政策解读: those who see its internal material (its department, the legal
// office, admins).
func CanReadInterpretationDraft(p auth.Principal, c *Consultation) bool {
	return CanSeeInternal(p, c)
}

// DraftInterpretation saves the draft 政策解读 of consultation id (its
// department or an admin), any time before finalization: while drafting,
// during and after the period, in review, once approved. The rules are
// finalization's (checkInterpretation) except that a draft may be empty:
// all fields empty clears it, and the requirement is checked when the
// decision is finalized. Errors: NotFound, Forbidden (not the owning
// department: the legal office reads the draft but does not write it),
// Conflict (published, withdrawn or rejected), Invalid (fields).
func (s *Service) DraftInterpretation(ctx context.Context, actor auth.Principal, id string, form InterpretationForm) (*InterpretationDraft, error) {
	var out *InterpretationDraft
	_, err := s.run(ctx, actor, id, ActInterpret, func(c *Consultation, ch *Change) error {
		var f apperr.Fields
		text, exception := strings.TrimSpace(form.Interpretation), strings.TrimSpace(form.InterpretationException)
		qa := checkInterpretation(&f, c.ProcedureType, text, exception, form.QA, false)
		if err := f.Err(); err != nil {
			return err
		}
		now := s.now()
		d := &InterpretationDraft{Interpretation: text, QA: qa, InterpretationException: exception, DraftedBy: actor.UserID, DraftedAt: &now}
		c.InterpretationDraft = d
		if d.empty() {
			c.InterpretationDraft = nil
		}
		c.UpdatedAt = now
		out = d
		return s.Record(ch, actor, "interpretation.drafted", false, map[string]any{
			"interpretation": text, "interpretation_exception": exception, "qa": qaPayload(qa)})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// InterpretationDraftOf returns the draft 政策解读 of consultation id (an
// empty one when none was drafted) to those who may read it. Errors:
// NotFound, Forbidden.
func (s *Service) InterpretationDraftOf(ctx context.Context, actor auth.Principal, id string) (*InterpretationDraft, error) {
	c, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !CanReadInterpretationDraft(actor, c) {
		return nil, apperr.New(apperr.Forbidden, "auth.department_only")
	}
	if c.InterpretationDraft == nil {
		return &InterpretationDraft{}, nil
	}
	return c.InterpretationDraft, nil
}

func (d *InterpretationDraft) empty() bool {
	return d.Interpretation == "" && d.InterpretationException == "" && len(d.QA) == 0
}

// same reports whether d holds exactly this interpretation.
func (d *InterpretationDraft) same(text, exception string, qa []QA) bool {
	return d != nil && d.Interpretation == text && d.InterpretationException == exception && slices.Equal(d.QA, qa)
}

// finalInterpretation is the 政策解读 a finalization publishes: the
// request's own when it gives any of the text, the Q&A or the exception,
// else the department's draft (trimmed; the Q&A not yet checked).
func finalInterpretation(c *Consultation, form FinalizeForm) (text, exception string, qa []QA) {
	text, exception = strings.TrimSpace(form.Interpretation), strings.TrimSpace(form.InterpretationException)
	given := text != "" || exception != ""
	for _, x := range form.QA {
		given = given || strings.TrimSpace(x.Question) != "" || strings.TrimSpace(x.Answer) != ""
	}
	if !given && c.InterpretationDraft != nil {
		d := c.InterpretationDraft
		return d.Interpretation, d.InterpretationException, d.QA
	}
	return text, exception, form.QA
}

// interpretationSource names the source of what is published (checked
// Q&A): the department's when it is the draft, taken or given back
// unchanged (the finalization form is filled with it); none when there
// is nothing.
func interpretationSource(c *Consultation, text, exception string, qa []QA) string {
	switch {
	case text == "" && exception == "" && len(qa) == 0:
		return InterpretationNone
	case c.InterpretationDraft.same(text, exception, qa):
		return InterpretationFromDepartment
	}
	return InterpretationFromFinalize
}
