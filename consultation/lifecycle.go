package consultation

import (
	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/i18n"
)

// The lifecycle of a consultation, in one table (DOMAIN.md, "Lifecycle"):
// which action may run in which state, where it leads and who may take it.
// The services check every command against it (Allows / Check), the pages
// ask it which buttons to show, and the OpenAPI description lists it.
// Adding a state or an action is a change to this file.

// Action is a step of the procedure, on the consultation or on its comments.
type Action string

const (
	ActEdit     Action = "edit"     // change the working draft
	ActPublish  Action = "publish"  // open the comment period
	ActExtend   Action = "extend"   // move the end of the period later
	ActClose    Action = "close"    // end the period early
	ActWithdraw Action = "withdraw" // abandon the decision
	ActRevise   Action = "revise"   // add a revised version
	ActSubmit   Action = "review"   // submit for legality review
	ActOpinion  Action = "opinion"  // give the review opinion
	ActFinalize Action = "finalize" // publish the adopted decision
	ActStamp    Action = "stamp"    // mark a published decision amended, repealed or lapsed
	ActStep     Action = "step"     // enter an expert review, risk assessment, fair-competition review or hearing record
	ActDecide   Action = "decide"   // enter the collective decision (集体讨论决定)
	ActHearing  Action = "hearing"  // announce a hearing, select its participants, enter its record (hearing.go)
	ActApply    Action = "apply"    // a resident applies to take part in a hearing

	ActComment  Action = "comment"  // a resident comments (while the period runs)
	ActOffline  Action = "offline"  // staff enter a comment received offline
	ActModerate Action = "moderate" // publish or decline a comment, redact its public copy
	ActDispose  Action = "dispose"  // answer a comment or a group; merge and split groups

	ActWithdrawComment Action = "withdraw_comment" // the commenter withdraws a comment (while the period runs)
	ActSurvey          Action = "survey"           // create, edit or open a survey (survey.go)
	ActSurveyReport    Action = "survey_report"    // publish a survey's 民意调查报告
	ActInterpret       Action = "interpret"        // draft the 政策解读 (interpretation_draft.go)
)

// Who says which people may take an action.
type Who int

const (
	Department      Who = iota + 1 // the owning department's staff, and admins
	Reviewer                       // legal staff
	Finalizer                      // legal staff and admins
	DepartmentOrLaw                // the department, legal staff and admins
	Public                         // anyone who can see the consultation (the period rules apply)
)

// Allowed reports whether p is among who for c.
func (w Who) Allowed(p auth.Principal, c *Consultation) bool {
	switch w {
	case Department:
		return CanManage(p, c)
	case Reviewer:
		return CanReview(p)
	case Finalizer:
		return CanFinalize(p)
	case DepartmentOrLaw:
		return CanManage(p, c) || CanFinalize(p)
	case Public:
		return CanView(p, c)
	}
	return false
}

// Transition is one row of the table. To is "" for an action that leaves
// the state as it is.
type Transition struct {
	Action Action
	From   []State
	To     State
	Who    Who
}

// beforePublication are the states from which the decision can still change.
var beforePublication = []State{Open, Closed, InReview, Returned, Approved, Rejected}

// Lifecycle is the table. Withdrawal is refused while the legal office has
// the file (in_review): it gives its opinion first.
var Lifecycle = []Transition{
	{ActEdit, []State{Draft}, "", Department},
	{ActPublish, []State{Draft}, Open, Department},
	{ActExtend, []State{Open}, "", Department},
	{ActClose, []State{Open}, Closed, Department},
	{ActWithdraw, []State{Draft, Open, Closed, Returned, Approved, Rejected}, Withdrawn, Department},
	{ActRevise, []State{Closed, Returned}, "", Department},
	{ActSubmit, []State{Closed, Returned}, InReview, Department},
	{ActOpinion, []State{InReview}, "", Reviewer}, // to approved, returned or rejected: see OpinionState
	{ActFinalize, []State{Approved}, Published, Finalizer},
	{ActStamp, []State{Published}, "", DepartmentOrLaw},
	{ActStep, []State{Draft, Open, Closed, Returned}, "", Department},
	{ActDecide, []State{Approved}, "", Department}, // stays approved, or to returned or rejected: see DecisionState
	{ActHearing, []State{Open, Closed, Returned}, "", Department},
	{ActApply, []State{Open, Closed, Returned}, "", Public}, // until the hearing's deadline: see Hearing.AcceptsApplications

	{ActComment, []State{Open}, "", Public},
	{ActOffline, []State{Open, Closed, InReview, Returned, Approved}, "", Department},
	{ActModerate, beforePublication, "", Department},
	{ActDispose, beforePublication, "", Department},
	{ActWithdrawComment, []State{Open}, "", Public},
	{ActSurvey, []State{Draft, Open}, "", Department},
	{ActSurveyReport, []State{Open, Closed, InReview, Returned, Approved}, "", Department},
	{ActInterpret, []State{Draft, Open, Closed, InReview, Returned, Approved}, "", Department},
}

// TransitionOf returns the row of action a.
func TransitionOf(a Action) Transition {
	for _, t := range Lifecycle {
		if t.Action == a {
			return t
		}
	}
	panic("consultation: action " + string(a) + " is not in the lifecycle table")
}

// Allows reports whether action a may run on c in its current state.
func (c *Consultation) Allows(a Action) bool {
	for _, st := range TransitionOf(a).From {
		if c.State == st {
			return true
		}
	}
	return false
}

// CanDo reports whether p may take action a on c now: the state allows it
// and p is among those who may. Pages use it to decide which actions to offer.
func CanDo(p auth.Principal, c *Consultation, a Action) bool {
	return c.Allows(a) && TransitionOf(a).Who.Allowed(p, c)
}

// Check returns the error for p taking action a on c, nil if allowed:
// NotFound if p may not see c, Forbidden if p may not take a, Conflict
// (WrongState) if c's state does not allow it.
func Check(p auth.Principal, c *Consultation, a Action) error {
	t := TransitionOf(a)
	if !CanView(p, c) {
		return apperr.ErrNotFound
	}
	if !t.Who.Allowed(p, c) {
		switch t.Who {
		case Reviewer, Finalizer:
			return apperr.New(apperr.Forbidden, "auth.role_required", "legal")
		}
		if !CanSeeInternal(p, c) && c.PublishedAt == nil {
			return apperr.ErrNotFound
		}
		return apperr.New(apperr.Forbidden, "auth.department_only")
	}
	if !c.Allows(a) {
		return WrongState(c.State, string(a))
	}
	return nil
}

// Move sets c's state to where action a leads (no change for actions that
// keep the state).
func (c *Consultation) Move(a Action) {
	if to := TransitionOf(a).To; to != "" {
		c.State = to
	}
}

// OpinionState is where each review outcome leads.
var OpinionState = map[string]State{Lawful: Approved, Revise: Returned, Unlawful: Rejected}

// WrongState is the Conflict error for a transition not allowed from state.
func WrongState(state State, action string) error {
	return apperr.New(apperr.Conflict, "consultation.wrong_state", i18n.M("state."+string(state)), i18n.M("action."+action))
}
