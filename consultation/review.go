package consultation

import (
	"context"
	"strings"
	"time"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/i18n"
	"yugongkai/lawtext"
	"yugongkai/workcal"
)

// The revision, legality review (合法性审查) and final publication (公布)
// steps of the procedure: DOMAIN.md rules 8 and 9.

// RecordFacts are what the comment record says about a consultation; the
// comments service supplies them (Service.Facts) so this package does not
// depend on it.
type RecordFacts struct {
	Received   int            `json:"received"`
	Published  int            `json:"published"`
	Declined   int            `json:"declined"`
	Undisposed int            `json:"undisposed"` // comments without a disposition
	ByChannel  map[string]int `json:"by_channel"`
}

// FactsFunc returns the comment facts of a consultation.
type FactsFunc func(ctx context.Context, c *Consultation) (RecordFacts, error)

// RevisionForm adds a new version after the period.
type RevisionForm struct {
	Text string      `json:"text"`
	Note string      `json:"note"`
	Kind VersionKind `json:"kind"`
}

// Revise stores a new immutable version (修改稿) of a closed or returned
// consultation. Its articles are matched to the previous version's so ids
// survive renumbering. Returns Conflict in other states, Invalid for text
// without articles.
func (s *Service) Revise(ctx context.Context, actor auth.Principal, id string, form RevisionForm) (*Version, error) {
	c, err := s.manage(ctx, actor, id, "revise", Closed, Returned)
	if err != nil {
		return nil, err
	}
	var f apperr.Fields
	if form.Kind == "" {
		form.Kind = Revision
	}
	if form.Kind != Revision {
		f.Add("kind", "field.invalid_choice", "revision")
	}
	note := strings.TrimSpace(form.Note)
	checkText(&f, "note", note, MaxExplanation, false)
	var doc lawtext.Document
	switch {
	case strings.TrimSpace(form.Text) == "":
		f.Add("text", "field.required")
	case len(form.Text) > MaxTextBytes:
		f.Add("text", "field.too_long", MaxTextBytes)
	case hasControl(form.Text):
		f.Add("text", "field.control_chars")
	default:
		parsed, err := lawtext.Parse(form.Text)
		if err != nil || len(parsed.Articles()) == 0 {
			f.Add("text", "field.no_articles")
		}
		doc = parsed
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	prev, err := s.Store.Version(ctx, c.ID, c.CurrentVersion)
	if err != nil {
		return nil, err
	}
	v := s.newVersion(c, c.CurrentVersion+1, form.Kind, doc, actor, note, prev)
	v.Frozen = true
	if err := s.Store.PutVersion(ctx, v); err != nil {
		return nil, err
	}
	c.CurrentVersion, c.ArticleCount = v.Number, len(doc.Articles())
	c.UpdatedAt = s.now()
	if err := s.Record(ctx, c, actor, "version.added", false, map[string]any{
		"version": v.Number, "kind": v.Kind, "text_sha256": v.SHA256, "note": note,
		"deleted_articles": len(v.DeletedIDs)}); err != nil {
		return nil, err
	}
	return v, nil
}

// ReviewWindow is how many working days the reviewer is given.
type ReviewWindow struct{ Min, Default, Max int }

// ReviewWindowFor returns rule 8: 重大行政决策 at least 7 working days;
// 行政规范性文件 5–15 working days. For 规章 and others, which the rules
// leave to local practice, we allow 5–30 with 15 (规章) or 10 by default.
func ReviewWindowFor(t ProcedureType) ReviewWindow {
	switch t {
	case MajorDecision:
		return ReviewWindow{Min: 7, Default: 7, Max: 30}
	case NormativeDocument:
		return ReviewWindow{Min: 5, Default: 15, Max: 15}
	case Rule:
		return ReviewWindow{Min: 5, Default: 15, Max: 30}
	}
	return ReviewWindow{Min: 5, Default: 10, Max: 30}
}

// SubmitForm asks for legality review.
type SubmitForm struct {
	ReviewDays int `json:"review_days"`
}

// ProcedureStatement is the statement of the procedure followed, generated
// from the record (part of the review package).
type ProcedureStatement struct {
	ProcedureType    ProcedureType `json:"procedure_type"`
	OpensAt          *time.Time    `json:"opens_at"`
	ClosesAt         *time.Time    `json:"closes_at"`
	ShorteningReason string        `json:"shortening_reason,omitempty"`
	Extensions       []Extension   `json:"extensions,omitempty"`
	ClosedEarly      *Closure      `json:"closed_early,omitempty"`
	Period           Length        `json:"period"`
	Channels         Channels      `json:"channels"`
	Comments         RecordFacts   `json:"comments"`
	ConsultedVersion int           `json:"consulted_version"`
	RevisedVersion   int           `json:"revised_version"`
	ReviewRounds     int           `json:"review_rounds"`
}

// Statement builds the procedure statement of c from the record.
func (s *Service) Statement(ctx context.Context, c *Consultation) (*ProcedureStatement, error) {
	st := &ProcedureStatement{ProcedureType: c.ProcedureType, OpensAt: c.OpensAt, ClosesAt: c.ClosesAt,
		ShorteningReason: c.ShorteningReason, Extensions: c.Extensions, ClosedEarly: c.ClosedEarly,
		Channels: c.Channels, ConsultedVersion: c.PublicVersion, RevisedVersion: c.CurrentVersion}
	if c.Review != nil {
		st.ReviewRounds = c.Review.Rounds
	}
	if c.OpensAt != nil && c.ClosesAt != nil {
		end := *c.ClosesAt
		if c.ClosedEarly != nil {
			end = c.ClosedEarly.At
		}
		st.Period = Measure(*c.OpensAt, end, s.Calendar(ctx))
	}
	if s.Facts != nil {
		facts, err := s.Facts(ctx, c)
		if err != nil {
			return nil, err
		}
		st.Comments = facts
	}
	return st, nil
}

// PackageMissing lists what the review package lacks, as catalogue keys.
func (s *Service) PackageMissing(ctx context.Context, c *Consultation) ([]string, error) {
	var missing []string
	if c.CurrentVersion <= c.PublicVersion || c.PublicVersion == 0 {
		missing = append(missing, "item.revised_draft")
	}
	if c.Explanation == "" {
		missing = append(missing, "item.explanation")
	}
	if c.LegalBasis == "" {
		missing = append(missing, "item.legal_basis")
	}
	if s.Facts != nil {
		facts, err := s.Facts(ctx, c)
		if err != nil {
			return nil, err
		}
		if facts.Undisposed > 0 {
			missing = append(missing, "item.report_incomplete")
		}
	}
	return missing, nil
}

// SubmitForReview sends a closed (or returned and revised) consultation to
// legality review. The package must be complete: a revised draft, 起草说明,
// legal basis and an adoption report with a disposition for every comment;
// the error lists what is missing.
func (s *Service) SubmitForReview(ctx context.Context, actor auth.Principal, id string, form SubmitForm) (*Consultation, error) {
	c, err := s.manage(ctx, actor, id, "review", Closed, Returned)
	if err != nil {
		return nil, err
	}
	win := ReviewWindowFor(c.ProcedureType)
	days := form.ReviewDays
	if days == 0 {
		days = win.Default
	}
	var f apperr.Fields
	if days < win.Min || days > win.Max {
		f.Add("review_days", "review.days_range", win.Min, win.Max)
	}
	missing, err := s.PackageMissing(ctx, c)
	if err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		f.Add("package", "review.package_incomplete", i18n.ListOf(missing...))
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	rounds := 1
	if c.Review != nil {
		rounds = c.Review.Rounds + 1
	}
	due := s.Calendar(ctx).AddWorkdays(workcal.DateOf(now), days)
	c.Review = &Review{SubmittedAt: now, SubmittedBy: actor.UserID, Version: c.CurrentVersion, DueOn: due.String(), Rounds: rounds}
	c.State = InReview
	c.UpdatedAt = now
	st, err := s.Statement(ctx, c)
	if err != nil {
		return nil, err
	}
	ev, err := s.event(c, actor, "review.submitted", false, map[string]any{
		"version": c.CurrentVersion, "due_on": c.Review.DueOn, "round": rounds,
		"comments_received": st.Comments.Received, "comments_published": st.Comments.Published})
	if err != nil {
		return nil, err
	}
	return c, s.commit(ctx, c, ev)
}

// Review outcomes (合法 / 应当予以修改 / 不合法).
const (
	Lawful   = "lawful"
	Revise   = "revise"
	Unlawful = "unlawful"
)

// OpinionForm is the legal office's review opinion.
type OpinionForm struct {
	Outcome string `json:"outcome"`
	Opinion string `json:"opinion"`
}

// GiveOpinion records the legality review opinion (legal staff only):
// lawful → approved; revise → returned to the department; unlawful →
// rejected (it can then only be withdrawn). Revise and unlawful need reasons.
func (s *Service) GiveOpinion(ctx context.Context, actor auth.Principal, id string, form OpinionForm) (*Consultation, error) {
	c, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !CanReview(actor) {
		return nil, apperr.New(apperr.Forbidden, "auth.role_required", "legal")
	}
	if err := requireState(c, "opinion", InReview); err != nil {
		return nil, err
	}
	var f apperr.Fields
	opinion := strings.TrimSpace(form.Opinion)
	switch form.Outcome {
	case Lawful:
	case Revise, Unlawful:
		if opinion == "" {
			f.Add("opinion", "review.opinion_required")
		}
	default:
		f.Add("outcome", "field.invalid_choice", "lawful, revise, unlawful")
	}
	checkText(&f, "opinion", opinion, MaxExplanation, false)
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	r := *c.Review
	r.Outcome, r.Opinion, r.DecidedAt, r.DecidedBy = form.Outcome, opinion, &now, actor.UserID
	c.Review = &r
	switch form.Outcome {
	case Lawful:
		c.State = Approved
	case Revise:
		c.State = Returned
	case Unlawful:
		c.State = Rejected
	}
	c.UpdatedAt = now
	ev, err := s.event(c, actor, "review.opinion", true, map[string]any{"outcome": form.Outcome, "opinion": opinion, "round": r.Rounds})
	if err != nil {
		return nil, err
	}
	return c, s.commit(ctx, c, ev)
}

// FinalizeForm is the record of final publication.
type FinalizeForm struct {
	DocumentNumber     string `json:"document_number"`
	RegistrationNumber string `json:"registration_number"`
	AdoptedOn          string `json:"adopted_on"`
	EffectiveOn        string `json:"effective_on"`
	EffectiveException string `json:"effective_exception"`
}

// Finalize publishes the adopted decision (approved → published): 文号
// (unique), registration number for 规范性文件, adoption and effective dates
// (规章: at least 30 days after publication unless an exception is recorded).
// The reviewed text becomes the final version (公布稿) and nothing changes
// after. Legal staff or admins only.
func (s *Service) Finalize(ctx context.Context, actor auth.Principal, id string, form FinalizeForm) (*Consultation, error) {
	c, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !CanFinalize(actor) {
		return nil, apperr.New(apperr.Forbidden, "auth.role_required", "legal")
	}
	if err := requireState(c, "finalize", Approved); err != nil {
		return nil, err
	}
	now := s.now()
	today := workcal.DateOf(now)
	var f apperr.Fields
	number := strings.TrimSpace(form.DocumentNumber)
	checkText(&f, "document_number", number, 100, true)
	reg := strings.TrimSpace(form.RegistrationNumber)
	checkText(&f, "registration_number", reg, 100, c.ProcedureType == NormativeDocument)
	exception := strings.TrimSpace(form.EffectiveException)
	checkText(&f, "effective_exception", exception, MaxReason, false)
	adopted, err1 := workcal.ParseDate(strings.TrimSpace(form.AdoptedOn))
	if err1 != nil {
		f.Add("adopted_on", "field.bad_date")
	} else if adopted.After(today) {
		f.Add("adopted_on", "finalize.adopted_future")
	}
	effective, err2 := workcal.ParseDate(strings.TrimSpace(form.EffectiveOn))
	if err2 != nil {
		f.Add("effective_on", "field.bad_date")
	} else if err1 == nil && effective.Before(adopted) {
		f.Add("effective_on", "finalize.effective_before_adoption")
	} else if c.ProcedureType == Rule && effective.Before(today.AddDays(30)) && exception == "" {
		f.Add("effective_on", "finalize.rule_30_days", today.AddDays(30).String())
	}
	if number != "" && !f.Has("document_number") {
		if other, err := s.Store.ConsultationByDocumentNumber(ctx, number); err == nil && other.ID != c.ID {
			f.Add("document_number", "finalize.number_taken")
		} else if err != nil && !apperr.Is(err, apperr.NotFound) {
			return nil, err
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	reviewed, err := s.Store.Version(ctx, c.ID, c.CurrentVersion)
	if err != nil {
		return nil, err
	}
	final := *reviewed
	final.Number, final.Kind, final.Note = c.CurrentVersion+1, FinalText, "公布稿"
	final.AuthorID, final.CreatedAt, final.Frozen, final.Public = actor.UserID, now, true, true
	final.DeletedIDs, final.SplitFrom, final.MergedInto = nil, nil, nil
	if err := s.Store.PutVersion(ctx, &final); err != nil {
		return nil, err
	}
	c.CurrentVersion = final.Number
	c.State = Published
	c.Final = &Final{DocumentNumber: number, RegistrationNumber: reg, AdoptedOn: adopted.String(), EffectiveOn: effective.String(),
		EffectiveException: exception, PublishedAt: now, FinalizedBy: actor.UserID, Version: final.Number}
	c.UpdatedAt = now
	ev, err := s.event(c, actor, "consultation.finalized", true, map[string]any{
		"document_number": number, "registration_number": reg, "adopted_on": c.Final.AdoptedOn,
		"effective_on": c.Final.EffectiveOn, "effective_exception": exception, "version": final.Number, "text_sha256": final.SHA256})
	if err != nil {
		return nil, err
	}
	if err := s.commit(ctx, c, ev); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			// Another decision took the number between the check and the write.
			var f apperr.Fields
			f.Add("document_number", "finalize.number_taken")
			return nil, f.Err()
		}
		return nil, err
	}
	return c, nil
}

// LaterStatusForm stamps a published decision as amended, repealed or lapsed.
type LaterStatusForm struct {
	Status       string `json:"status"`
	Reason       string `json:"reason"`
	SuccessorURL string `json:"successor_url"`
}

// SetLaterStatus records that a published decision was later amended,
// repealed or lapsed, with a link to its successor; the public record is
// stamped. The decision text itself never changes.
func (s *Service) SetLaterStatus(ctx context.Context, actor auth.Principal, id string, form LaterStatusForm) (*Consultation, error) {
	c, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !CanManage(actor, c) && !CanFinalize(actor) {
		return nil, apperr.New(apperr.Forbidden, "auth.department_only")
	}
	if err := requireState(c, "stamp", Published); err != nil {
		return nil, err
	}
	var f apperr.Fields
	switch form.Status {
	case "amended", "repealed", "lapsed":
	default:
		f.Add("status", "field.invalid_choice", "amended, repealed, lapsed")
	}
	reason := strings.TrimSpace(form.Reason)
	checkText(&f, "reason", reason, MaxReason, true)
	url := strings.TrimSpace(form.SuccessorURL)
	if url != "" && !(strings.HasPrefix(url, "https://") || strings.HasPrefix(url, "http://") || (strings.HasPrefix(url, "/") && !strings.HasPrefix(url, "//") && !strings.Contains(url, "\\"))) {
		f.Add("successor_url", "field.invalid")
	}
	checkText(&f, "successor_url", url, 500, false)
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	fin := *c.Final
	fin.LaterStatus, fin.LaterAt, fin.SuccessorURL = form.Status, &now, url
	c.Final = &fin
	c.UpdatedAt = now
	ev, err := s.event(c, actor, "consultation.stamped", true, map[string]any{"status": form.Status, "reason": reason, "successor_url": url})
	if err != nil {
		return nil, err
	}
	return c, s.commit(ctx, c, ev)
}

// ReviewQueue lists consultations in legality review, for legal staff.
func (s *Service) ReviewQueue(ctx context.Context, actor auth.Principal) ([]*Consultation, error) {
	if !actor.Is(auth.Legal) && !actor.Is(auth.Admin) {
		return nil, apperr.New(apperr.Forbidden, "auth.role_required", "legal")
	}
	var out []*Consultation
	for _, st := range []State{InReview, Approved} {
		cursor := ""
		for {
			list, next, err := s.Store.Consultations(ctx, ListFilter{Status: st, Now: s.now(), Cursor: cursor, Limit: 100})
			if err != nil {
				return nil, err
			}
			out = append(out, list...)
			if next == "" {
				break
			}
			cursor = next
		}
	}
	return out, nil
}
