// Package consultation is the procedure of 预公开: a department's draft
// decision, its versions, the comment period and the lifecycle
// draft → open → closed → in_review → approved → published (DOMAIN.md).
// Rules live here; the stores and the web layer only carry them out.
package consultation

import (
	"time"

	"yugongkai/lawtext"
)

// State is where a consultation stands in the procedure.
type State string

const (
	Draft     State = "draft"
	Open      State = "open"   // notice published; comments accepted between OpensAt and ClosesAt
	Closed    State = "closed" // period over (by time or closed early)
	Withdrawn State = "withdrawn"
	InReview  State = "in_review" // legality review (合法性审查)
	Returned  State = "returned"  // opinion 应当予以修改: the department revises
	Approved  State = "approved"  // opinion 合法
	Rejected  State = "rejected"  // opinion 不合法: cannot be finalized, only withdrawn
	Published State = "published" // final decision published; immutable
)

// States lists every state, in procedure order.
var States = []State{Draft, Open, Closed, InReview, Returned, Approved, Rejected, Published, Withdrawn}

// Valid reports whether s is a known state.
func (s State) Valid() bool {
	for _, v := range States {
		if v == s {
			return true
		}
	}
	return false
}

// ProcedureType drives the period and review rules (DOMAIN rule 1).
type ProcedureType string

const (
	MajorDecision     ProcedureType = "major_decision"     // 重大行政决策
	Rule              ProcedureType = "rule"               // 规章
	NormativeDocument ProcedureType = "normative_document" // 行政规范性文件
	Other             ProcedureType = "other"              // 其他
)

// ProcedureTypes lists every procedure type.
var ProcedureTypes = []ProcedureType{MajorDecision, Rule, NormativeDocument, Other}

// Valid reports whether t is a known procedure type.
func (t ProcedureType) Valid() bool {
	for _, v := range ProcedureTypes {
		if v == t {
			return true
		}
	}
	return false
}

// Contact is the department residents can ask about the draft.
type Contact struct {
	Department string `json:"department" bson:"department"`
	Phone      string `json:"phone" bson:"phone"`
	Email      string `json:"email" bson:"email"`
	Address    string `json:"address" bson:"address"`
}

// Channels are the ways to comment besides the online form, which is always on.
type Channels struct {
	Online        bool   `json:"online" bson:"online"`
	PostalAddress string `json:"postal_address,omitempty" bson:"postal_address,omitempty"`
	Email         string `json:"email,omitempty" bson:"email,omitempty"`
}

// Extension records a prolonged comment period.
type Extension struct {
	PreviousClosesAt time.Time `json:"previous_closes_at" bson:"previous_closes_at"`
	ClosesAt         time.Time `json:"closes_at" bson:"closes_at"`
	Reason           string    `json:"reason" bson:"reason"`
	At               time.Time `json:"at" bson:"at"`
	By               string    `json:"by" bson:"by"`
}

// Closure records an early close or a withdrawal.
type Closure struct {
	At     time.Time `json:"at" bson:"at"`
	Reason string    `json:"reason" bson:"reason"`
	By     string    `json:"by" bson:"by"`
	// ShorteningReason justifies an early close that left the period run
	// below the minimum (rule 2); it is shown on the public notice.
	ShorteningReason string `json:"shortening_reason,omitempty" bson:"shortening_reason,omitempty"`
}

// Consultation is one draft decision under public consultation.
type Consultation struct {
	ID            string        `json:"id" bson:"_id"`
	DepartmentID  string        `json:"department_id" bson:"department_id"`
	Title         string        `json:"title" bson:"title"`
	ProcedureType ProcedureType `json:"procedure_type" bson:"procedure_type"`
	Explanation   string        `json:"explanation" bson:"explanation"` // 起草说明
	LegalBasis    string        `json:"legal_basis" bson:"legal_basis"`
	Contact       Contact       `json:"contact" bson:"contact"`
	Channels      Channels      `json:"channels" bson:"channels"`
	MarketRelated bool          `json:"market_related" bson:"market_related"`
	// Technical and HighRisk are the flags that call for an expert review
	// and a risk assessment (StepRules).
	Technical bool `json:"technical" bson:"technical"`
	HighRisk  bool `json:"high_risk" bson:"high_risk"`
	// AllowAnonymous lets people comment without an account (default on).
	AllowAnonymous bool `json:"allow_anonymous" bson:"allow_anonymous"`
	// Moderation holds comments as pending until staff publish them (先审后发, default on).
	Moderation bool `json:"moderation" bson:"moderation"`

	State            State       `json:"state" bson:"state"`
	OpensAt          *time.Time  `json:"opens_at,omitempty" bson:"opens_at,omitempty"`
	ClosesAt         *time.Time  `json:"closes_at,omitempty" bson:"closes_at,omitempty"`
	ShorteningReason string      `json:"shortening_reason,omitempty" bson:"shortening_reason,omitempty"`
	Extensions       []Extension `json:"extensions,omitempty" bson:"extensions,omitempty"`
	ClosedEarly      *Closure    `json:"closed_early,omitempty" bson:"closed_early,omitempty"`
	Withdrawal       *Closure    `json:"withdrawal,omitempty" bson:"withdrawal,omitempty"`
	PublishedAt      *time.Time  `json:"published_at,omitempty" bson:"published_at,omitempty"` // notice published (draft → open)

	// CurrentVersion is the newest version number; PublicVersion the one the
	// public comments on (征求意见稿, 1 once opened, 0 before).
	CurrentVersion int `json:"current_version" bson:"current_version"`
	PublicVersion  int `json:"public_version" bson:"public_version"`
	ArticleCount   int `json:"article_count" bson:"article_count"`

	Review *Review `json:"review,omitempty" bson:"review,omitempty"`
	Final  *Final  `json:"final,omitempty" bson:"final,omitempty"`
	// Steps are the records of the procedure's other steps (steps.go), in
	// the order they were entered.
	Steps []Step `json:"steps,omitempty" bson:"steps,omitempty"`
	// Hearings are the hearings announced (hearing.go); their applications
	// are records of their own.
	Hearings []HearingNotice `json:"hearings,omitempty" bson:"hearings,omitempty"`
	// Documents are the notice's supporting documents (documents.go).
	Documents []Document `json:"documents,omitempty" bson:"documents,omitempty"`
	// ContactsExpiredAt is when the contact details the consultation held
	// were erased (comments.ExpireContacts); nil while they are kept.
	ContactsExpiredAt *time.Time `json:"contacts_expired_at,omitempty" bson:"contacts_expired_at,omitempty"`
	// Surveys are the questionnaires run alongside (survey.go), with their
	// published 民意调查报告.
	Surveys []Survey `json:"surveys,omitempty" bson:"surveys,omitempty"`
	// InterpretationDraft is the department's draft 政策解读
	// (interpretation_draft.go), internal; the published one is in Final.
	InterpretationDraft *InterpretationDraft `json:"interpretation_draft,omitempty" bson:"interpretation_draft,omitempty"`

	CreatedBy string    `json:"created_by" bson:"created_by"`
	CreatedAt time.Time `json:"created_at" bson:"created_at"`
	UpdatedAt time.Time `json:"updated_at" bson:"updated_at"`

	// SealedSize and SealedAt are the comments' tree head last sealed into
	// the chain (comments.sealed events).
	SealedSize int64      `json:"sealed_size,omitempty" bson:"sealed_size,omitempty"`
	SealedAt   *time.Time `json:"sealed_at,omitempty" bson:"sealed_at,omitempty"`

	// Rev is bumped by every update; stores refuse an update whose Rev is stale.
	Rev int64 `json:"rev" bson:"rev"`
	// HistorySeq and HistoryHead are the last event of the consultation's
	// hash chain (决策档案).
	HistorySeq  int64  `json:"history_seq" bson:"history_seq"`
	HistoryHead string `json:"history_head" bson:"history_head"`
	// WithdrawnComments counts the comments their commenters withdrew
	// (comments/withdraw.go): the counts of the record leave them out, and
	// need to look for them only when there are some.
	WithdrawnComments int `json:"withdrawn_comments,omitempty" bson:"withdrawn_comments,omitempty"`
}

// Review is the legality review (合法性审查) record; filled by the review workflow.
type Review struct {
	SubmittedAt time.Time  `json:"submitted_at" bson:"submitted_at"`
	SubmittedBy string     `json:"submitted_by" bson:"submitted_by"`
	Version     int        `json:"version" bson:"version"`
	DueOn       string     `json:"due_on" bson:"due_on"` // civil date, Asia/Shanghai
	Outcome     string     `json:"outcome,omitempty" bson:"outcome,omitempty"`
	Opinion     string     `json:"opinion,omitempty" bson:"opinion,omitempty"`
	DecidedAt   *time.Time `json:"decided_at,omitempty" bson:"decided_at,omitempty"`
	DecidedBy   string     `json:"decided_by,omitempty" bson:"decided_by,omitempty"`
	Rounds      int        `json:"rounds" bson:"rounds"`
	// Comments is how many comments the package held at submission.
	Comments int `json:"comments" bson:"comments"`
}

// Final is the record of final publication (公布).
type Final struct {
	// Title is the adopted title; DraftTitle the title consulted on.
	Title              string `json:"title" bson:"title"`
	DraftTitle         string `json:"draft_title,omitempty" bson:"draft_title,omitempty"`
	DocumentNumber     string `json:"document_number" bson:"document_number"`
	RegistrationNumber string `json:"registration_number,omitempty" bson:"registration_number,omitempty"`
	AdoptedOn          string `json:"adopted_on" bson:"adopted_on"`
	EffectiveOn        string `json:"effective_on" bson:"effective_on"`
	EffectiveException string `json:"effective_exception,omitempty" bson:"effective_exception,omitempty"`
	// Interpretation is the 政策解读 published with the decision.
	Interpretation string    `json:"interpretation,omitempty" bson:"interpretation,omitempty"`
	PublishedAt    time.Time `json:"published_at" bson:"published_at"`
	FinalizedBy    string    `json:"finalized_by" bson:"finalized_by"`
	Version        int       `json:"version" bson:"version"`
	// LaterStatus is amended / repealed / lapsed, stamped on the public record.
	LaterStatus  string     `json:"later_status,omitempty" bson:"later_status,omitempty"`
	LaterAt      *time.Time `json:"later_at,omitempty" bson:"later_at,omitempty"`
	SuccessorURL string     `json:"successor_url,omitempty" bson:"successor_url,omitempty"`

	// QA are the questions and answers of the 政策解读 (interpretation.go).
	QA []QA `json:"qa,omitempty" bson:"qa,omitempty"`
	// InterpretationException says why a decision that needs a 政策解读
	// was published without one.
	InterpretationException string `json:"interpretation_exception,omitempty" bson:"interpretation_exception,omitempty"`
}

// VersionKind names what a version is.
type VersionKind string

const (
	ConsultationDraft VersionKind = "consultation_draft" // 征求意见稿
	Revision          VersionKind = "revision"           // 修改稿 / 送审稿
	FinalText         VersionKind = "final"              // 公布稿
)

// Valid reports whether k is a known kind.
func (k VersionKind) Valid() bool {
	return k == ConsultationDraft || k == Revision || k == FinalText
}

// Version is one text of the decision. Once Frozen it never changes; before
// opening, the working draft (version 1, not frozen) may be replaced.
type Version struct {
	ConsultationID string            `json:"consultation_id" bson:"consultation_id"`
	Number         int               `json:"number" bson:"number"`
	Kind           VersionKind       `json:"kind" bson:"kind"`
	Title          string            `json:"title" bson:"title"`
	Text           string            `json:"text" bson:"text"` // normalized text
	SHA256         string            `json:"sha256" bson:"sha256"`
	Note           string            `json:"note,omitempty" bson:"note,omitempty"` // 修改说明
	AuthorID       string            `json:"author_id" bson:"author_id"`
	CreatedAt      time.Time         `json:"created_at" bson:"created_at"`
	Frozen         bool              `json:"frozen" bson:"frozen"`
	Public         bool              `json:"public" bson:"public"` // shown to the public before final publication
	Document       lawtext.Document  `json:"document" bson:"document"`
	DeletedIDs     []string          `json:"deleted_article_ids,omitempty" bson:"deleted_article_ids,omitempty"`
	SplitFrom      map[string]string `json:"split_from,omitempty" bson:"split_from,omitempty"`
	MergedInto     map[string]string `json:"merged_into,omitempty" bson:"merged_into,omitempty"`
}

// Articles returns the version's articles in order.
func (v *Version) Articles() []lawtext.Article { return v.Document.Articles() }

// PeriodEnd is when the comment period actually ended or will end: the
// early close if there was one, else ClosesAt (zero when never opened).
func (c *Consultation) PeriodEnd() time.Time {
	if c.ClosedEarly != nil && (c.ClosesAt == nil || c.ClosedEarly.At.Before(*c.ClosesAt)) {
		return c.ClosedEarly.At
	}
	if c.ClosesAt != nil {
		return *c.ClosesAt
	}
	return time.Time{}
}

// EndsAt is PeriodEnd for pages: nil when no period was ever set.
func (c *Consultation) EndsAt() *time.Time {
	if c.ClosesAt == nil {
		return nil
	}
	t := c.PeriodEnd()
	return &t
}

// Article returns the article with id, or false.
func (v *Version) Article(id string) (lawtext.Article, bool) {
	for _, a := range v.Document.Articles() {
		if a.ID == id {
			return a, true
		}
	}
	return lawtext.Article{}, false
}
