package consultation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

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
	// Unanswered lists the receipt codes of the first comments without a
	// disposition (at most MaxUnanswered), to name them in refusals.
	Unanswered []string `json:"unanswered,omitempty"`
}

// MaxUnanswered bounds RecordFacts.Unanswered.
const MaxUnanswered = 20

// FactsFunc returns the comment facts of a consultation.
type FactsFunc func(ctx context.Context, c *Consultation) (RecordFacts, error)

// RevisionForm adds a new version after the period.
type RevisionForm struct {
	Text string      `json:"text" jsonschema:"required"`
	Note string      `json:"note"`
	Kind VersionKind `json:"kind"`
}

// Revise stores a new immutable version (修改稿) of a closed or returned
// consultation. Its articles are matched to the previous version's so ids
// survive renumbering. Returns Conflict in other states, Invalid for text
// without articles.
func (s *Service) Revise(ctx context.Context, actor auth.Principal, id string, form RevisionForm) (*Version, error) {
	var v *Version
	_, err := s.run(ctx, actor, id, ActRevise, func(c *Consultation, ch *Change) error {
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
		case utf8.RuneCountInString(form.Text) > MaxTextChars:
			f.Add("text", "field.too_long", MaxTextChars)
		case hasControl(form.Text):
			f.Add("text", "field.control_chars")
		default:
			parsed, err := lawtext.Parse(form.Text)
			if n := len(parsed.Articles()); err != nil || n == 0 {
				f.Add("text", "field.no_articles")
			} else if n > MaxArticles {
				f.Add("text", "field.too_many_articles", MaxArticles)
			}
			doc = parsed
		}
		if err := f.Err(); err != nil {
			return err
		}
		prev, err := s.Store.Version(ctx, c.ID, c.CurrentVersion)
		if err != nil {
			return err
		}
		v = s.newVersion(c, c.CurrentVersion+1, form.Kind, doc, actor, note, prev)
		v.Frozen = true
		ch.NewVersions = []*Version{v}
		c.CurrentVersion, c.ArticleCount = v.Number, len(doc.Articles())
		c.UpdatedAt = s.now()
		return s.Record(ch, actor, "version.added", false, map[string]any{
			"version": v.Number, "kind": v.Kind, "text_sha256": v.SHA256, "note": note,
			"deleted_articles": len(v.DeletedIDs)})
	})
	if err != nil {
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
	// Period is the period actually run (to the early close, if any);
	// Minimum the procedure type's; Shortfall that Period falls below it.
	Period    Length      `json:"period"`
	Minimum   Minimum     `json:"minimum"`
	Shortfall bool        `json:"shortfall"`
	Channels  Channels    `json:"channels"`
	Comments  RecordFacts `json:"comments"`
	// CommentsAtSubmission is how many comments the package held when it
	// was submitted; ChangedSinceSubmission that comments arrived since.
	CommentsAtSubmission   int  `json:"comments_at_submission"`
	ChangedSinceSubmission bool `json:"changed_since_submission"`
	ConsultedVersion       int  `json:"consulted_version"`
	RevisedVersion         int  `json:"revised_version"`
	// Unchanged says the consulted text is submitted as it was.
	Unchanged    bool `json:"unchanged"`
	ReviewRounds int  `json:"review_rounds"`
}

// Statement builds the procedure statement of c from the record.
func (s *Service) Statement(ctx context.Context, c *Consultation) (*ProcedureStatement, error) {
	st := &ProcedureStatement{ProcedureType: c.ProcedureType, OpensAt: c.OpensAt, ClosesAt: c.ClosesAt,
		ShorteningReason: c.ShorteningReason, Extensions: c.Extensions, ClosedEarly: c.ClosedEarly,
		Channels: c.Channels, ConsultedVersion: c.PublicVersion, RevisedVersion: c.CurrentVersion}
	st.Unchanged = c.CurrentVersion == c.PublicVersion
	st.Minimum = MinimumPeriod(c.ProcedureType, c.MarketRelated)
	if c.OpensAt != nil && c.ClosesAt != nil {
		st.Period = Measure(*c.OpensAt, c.PeriodEnd(), s.Calendar(ctx))
		st.Shortfall = !st.Period.Meets(st.Minimum)
	}
	if s.Facts != nil {
		facts, err := s.Facts(ctx, c)
		if err != nil {
			return nil, err
		}
		st.Comments = facts
	}
	if c.Review != nil {
		st.ReviewRounds = c.Review.Rounds
		st.CommentsAtSubmission = c.Review.Comments
		st.ChangedSinceSubmission = st.Comments.Received != c.Review.Comments
	}
	return st, nil
}

// PackageMissing lists what the review package lacks, as catalogue keys.
func (s *Service) PackageMissing(ctx context.Context, c *Consultation) ([]string, error) {
	var missing []string
	if c.PublicVersion == 0 {
		missing = append(missing, "item.revised_draft")
	}
	if c.Explanation == "" {
		missing = append(missing, "item.explanation")
	}
	if c.LegalBasis == "" {
		missing = append(missing, "item.legal_basis")
	}
	missing = append(missing, c.MissingSteps(ActSubmit)...)
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

// SubmitForReview sends a closed (or returned) consultation to legality
// review. The package must be complete: the draft to review (the consulted
// text unchanged is allowed; the statement says so), 起草说明, legal basis
// and an adoption report with a disposition for every comment; the error
// lists what is missing.
func (s *Service) SubmitForReview(ctx context.Context, actor auth.Principal, id string, form SubmitForm) (*Consultation, error) {
	return s.run(ctx, actor, id, ActSubmit, func(c *Consultation, ch *Change) error {
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
			return err
		}
		if len(missing) > 0 {
			f.Add("package", "review.package_incomplete", i18n.ListOf(missing...))
		}
		if err := f.Err(); err != nil {
			return err
		}
		now := s.now()
		rounds := 1
		if c.Review != nil {
			rounds = c.Review.Rounds + 1
		}
		st, err := s.Statement(ctx, c)
		if err != nil {
			return err
		}
		due := s.Calendar(ctx).AddWorkdays(workcal.DateOf(now), days)
		c.Review = &Review{SubmittedAt: now, SubmittedBy: actor.UserID, Version: c.CurrentVersion, DueOn: due.String(),
			Rounds: rounds, Comments: st.Comments.Received}
		c.Move(ActSubmit)
		c.UpdatedAt = now
		if err := s.seal(ctx, ch, actor); err != nil {
			return err
		}
		return s.Record(ch, actor, "review.submitted", false, map[string]any{
			"version": c.CurrentVersion, "due_on": c.Review.DueOn, "round": rounds, "unchanged": boolInt(st.Unchanged),
			"period_days": st.Period.Days, "period_workdays": st.Period.Workdays, "period_shortfall": boolInt(st.Shortfall),
			"comments_received": st.Comments.Received, "comments_published": st.Comments.Published})
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Review outcomes (合法 / 应当予以修改 / 不合法).
const (
	Lawful   = "lawful"
	Revise   = "revise"
	Unlawful = "unlawful"
)

// OpinionForm is the legal office's review opinion.
type OpinionForm struct {
	Outcome string `json:"outcome" jsonschema:"required,enum=lawful,enum=revise,enum=unlawful"`
	Opinion string `json:"opinion"`
}

// GiveOpinion records the legality review opinion (legal staff only):
// lawful → approved; revise → returned to the department; unlawful →
// rejected (it can then only be withdrawn). Every opinion needs its text,
// the reviewer's reasoning, which is published with the decision.
func (s *Service) GiveOpinion(ctx context.Context, actor auth.Principal, id string, form OpinionForm) (*Consultation, error) {
	return s.run(ctx, actor, id, ActOpinion, func(c *Consultation, ch *Change) error {
		var f apperr.Fields
		opinion := strings.TrimSpace(form.Opinion)
		next, ok := OpinionState[form.Outcome]
		if !ok {
			f.Add("outcome", "field.invalid_choice", "lawful, revise, unlawful")
		}
		if opinion == "" {
			f.Add("opinion", "review.opinion_required")
		}
		checkText(&f, "opinion", opinion, MaxExplanation, false)
		if err := f.Err(); err != nil {
			return err
		}
		now := s.now()
		r := *c.Review
		r.Outcome, r.Opinion, r.DecidedAt, r.DecidedBy = form.Outcome, opinion, &now, actor.UserID
		c.Review = &r
		c.State = next
		c.UpdatedAt = now
		return s.Record(ch, actor, "review.opinion", true, map[string]any{"outcome": form.Outcome, "opinion": opinion, "round": r.Rounds})
	})
}

// FinalizeForm is the record of final publication.
type FinalizeForm struct {
	// Title is the adopted title; empty takes the draft's title without a
	// trailing （征求意见稿）, （草案） or （送审稿）.
	Title              string `json:"title"`
	DocumentNumber     string `json:"document_number" jsonschema:"required"`
	RegistrationNumber string `json:"registration_number"`
	AdoptedOn          string `json:"adopted_on" jsonschema:"required"`
	EffectiveOn        string `json:"effective_on" jsonschema:"required"`
	EffectiveException string `json:"effective_exception"`
	// Interpretation is the 政策解读 published with the decision: what it
	// changes for whom, in plain words. With QA and InterpretationException
	// all empty, the department's draft is published
	// (interpretation_draft.go).
	Interpretation string `json:"interpretation"`
	// QA are the interpretation's questions and answers (optional).
	QA []QA `json:"qa"`
	// InterpretationException is why a 重大行政决策 or 规范性文件 is
	// published without an interpretation (interpretation.go).
	InterpretationException string `json:"interpretation_exception"`
}

// MaxInterpretation bounds the 政策解读.
const MaxInterpretation = 20000

// AdoptedTitle is the title a decision is published under by default: the
// draft title without a trailing （征求意见稿）, （草案） or （送审稿）.
func AdoptedTitle(draft string) string {
	t := strings.TrimSpace(draft)
	for changed := true; changed; {
		changed = false
		for _, suffix := range []string{"（征求意见稿）", "（草案）", "（送审稿）", "(征求意见稿)", "(草案)", "(送审稿)", "（草案征求意见稿）", "（修改稿）"} {
			if strings.HasSuffix(t, suffix) && len(t) > len(suffix) {
				t, changed = strings.TrimSpace(strings.TrimSuffix(t, suffix)), true
			}
		}
	}
	return t
}

// Finalize publishes the adopted decision (approved → published): its
// title, 文号 (unique), registration number for 规范性文件 (unique),
// adoption and effective dates (规章: at least 30 days after publication
// unless an exception is recorded). Every comment must have an answer,
// those entered during review included (Invalid naming them). The reviewed
// text becomes the final version (公布稿) under the adopted title and
// nothing changes after. The 政策解读 is the request's or, when it gives
// none, the department's draft. Legal staff or admins only.
func (s *Service) Finalize(ctx context.Context, actor auth.Principal, id string, form FinalizeForm) (*Consultation, error) {
	return s.run(ctx, actor, id, ActFinalize, func(c *Consultation, ch *Change) error {
		now := s.now()
		today := workcal.DateOf(now)
		var f apperr.Fields
		title := strings.TrimSpace(form.Title)
		if title == "" {
			title = AdoptedTitle(c.Title)
		}
		checkText(&f, "title", title, MaxTitle, true)
		number := strings.TrimSpace(form.DocumentNumber)
		checkText(&f, "document_number", number, 100, true)
		reg := strings.TrimSpace(form.RegistrationNumber)
		checkText(&f, "registration_number", reg, 100, c.ProcedureType == NormativeDocument)
		exception := strings.TrimSpace(form.EffectiveException)
		checkText(&f, "effective_exception", exception, MaxReason, false)
		// Without a 政策解读 of its own the request takes the department's
		// draft (interpretation_draft.go).
		interpretation, intException, givenQA := finalInterpretation(c, form)
		qa := checkInterpretation(&f, c.ProcedureType, interpretation, intException, givenQA, true)
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
		if err := f.Err(); err != nil {
			return err
		}
		if missing := c.MissingSteps(ActFinalize); len(missing) > 0 {
			return missingStepsError(missing)
		}
		if s.Facts != nil {
			facts, err := s.Facts(ctx, c)
			if err != nil {
				return err
			}
			if facts.Undisposed > 0 {
				f.Add("comments", "finalize.unanswered", facts.Undisposed, strings.Join(facts.Unanswered, "、"))
				return f.Err()
			}
		}
		if err := s.numberFree(ctx, c, "document_number", number, s.Store.ConsultationByDocumentNumber, ErrDocumentNumberTaken); err != nil {
			return err
		}
		if err := s.numberFree(ctx, c, "registration_number", reg, s.Store.ConsultationByRegistrationNumber, ErrRegistrationNumberTaken); err != nil {
			return err
		}
		reviewed, err := s.Store.Version(ctx, c.ID, c.CurrentVersion)
		if err != nil {
			return err
		}
		final := *reviewed
		final.Document.Title = title
		text := lawtext.Render(final.Document)
		sum := sha256.Sum256([]byte(text))
		final.Number, final.Kind, final.Note, final.Title = c.CurrentVersion+1, FinalText, "公布稿", title
		final.Text, final.SHA256 = text, hex.EncodeToString(sum[:])
		final.AuthorID, final.CreatedAt, final.Frozen, final.Public = actor.UserID, now, true, true
		final.DeletedIDs, final.SplitFrom, final.MergedInto = nil, nil, nil
		ch.NewVersions = []*Version{&final}
		c.CurrentVersion = final.Number
		c.Move(ActFinalize)
		c.Final = &Final{Title: title, DraftTitle: c.Title, DocumentNumber: number, RegistrationNumber: reg, AdoptedOn: adopted.String(),
			EffectiveOn: effective.String(), EffectiveException: exception, PublishedAt: now, FinalizedBy: actor.UserID, Version: final.Number,
			Interpretation: interpretation, QA: qa, InterpretationException: intException}
		c.Title = title
		c.UpdatedAt = now
		if err := s.seal(ctx, ch, actor); err != nil {
			return err
		}
		if s.AnswerNotices != nil { // outbox: the answers, with the report that is final now
			if ch.Notify, err = s.AnswerNotices(ctx, c, now); err != nil {
				return err
			}
		}
		return s.Record(ch, actor, "consultation.finalized", true, map[string]any{
			"title": title, "document_number": number, "registration_number": reg, "adopted_on": c.Final.AdoptedOn,
			"effective_on": c.Final.EffectiveOn, "effective_exception": exception, "version": final.Number, "text_sha256": final.SHA256,
			"interpretation": interpretation, "interpretation_exception": intException, "qa": qaPayload(qa),
			"interpretation_source": interpretationSource(c, interpretation, intException, qa)})
	})
}

// numberFree checks that no other decision bears number (文号 or
// registration number), naming the one that does.
func (s *Service) numberFree(ctx context.Context, c *Consultation, field, number string, lookup func(context.Context, string) (*Consultation, error), taken *apperr.Error) error {
	if number == "" {
		return nil
	}
	other, err := lookup(ctx, number)
	switch {
	case err == nil && other.ID != c.ID:
		return &apperr.Error{Kind: apperr.Conflict, Key: taken.Key, Args: []any{other.Title},
			Fields: []apperr.FieldError{{Field: field, Key: taken.Key, Args: []any{other.Title}}}}
	case err != nil && !apperr.Is(err, apperr.NotFound):
		return err
	}
	return nil
}

// LaterStatusForm stamps a published decision as amended, repealed or lapsed.
type LaterStatusForm struct {
	Status       string `json:"status" jsonschema:"required,enum=amended,enum=repealed,enum=lapsed"`
	Reason       string `json:"reason" jsonschema:"required"`
	SuccessorURL string `json:"successor_url"`
}

// SetLaterStatus records that a published decision was later amended,
// repealed or lapsed, with a link to its successor; the public record is
// stamped. The decision text itself never changes.
func (s *Service) SetLaterStatus(ctx context.Context, actor auth.Principal, id string, form LaterStatusForm) (*Consultation, error) {
	return s.run(ctx, actor, id, ActStamp, func(c *Consultation, ch *Change) error {
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
			return err
		}
		now := s.now()
		fin := *c.Final
		fin.LaterStatus, fin.LaterAt, fin.SuccessorURL = form.Status, &now, url
		c.Final = &fin
		c.UpdatedAt = now
		return s.Record(ch, actor, "consultation.stamped", true, map[string]any{"status": form.Status, "reason": reason, "successor_url": url})
	})
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
