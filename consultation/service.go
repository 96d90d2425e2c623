package consultation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"yugongkai/apperr"
	"yugongkai/attachment"
	"yugongkai/auth"
	"yugongkai/history"
	"yugongkai/i18n"
	"yugongkai/ident"
	"yugongkai/lawtext"
	"yugongkai/workcal"
)

// Service carries out the procedure over a Store.
type Service struct {
	Store       Store
	Departments auth.Store
	Now         func() time.Time
	Log         *slog.Logger
	// Blobs reads the bytes of attached files (step_attachments.go).
	Blobs attachment.Store
	// Facts reports the comment record of a consultation (set by the wiring
	// to the comments service); nil means no comments are known.
	Facts FactsFunc
	// VerifyRecord checks the comment record against the chain in
	// VerifyHistory (set by the wiring to the comments service).
	VerifyRecord RecordVerifier
	// LogHead returns the size, root hash (lowercase hex) and signed note
	// of a consultation's comment log as it is now
	// (comments.Service.SignedLogHead); nil: no log.
	LogHead func(ctx context.Context, consultationID string) (size int64, root, signed string, err error)
	// ArchiveLog gives the archive the comments' log (leaf hashes, root,
	// log key); nil leaves it out.
	ArchiveLog func(ctx context.Context, c *Consultation) (json.RawMessage, error)
	// OnChange, when set, is told of every stored change of a consultation's
	// state or public fields (the search index follows it). Its error is
	// logged: the change itself is already stored.
	OnChange func(ctx context.Context, c *Consultation) error
	// AnswerNotices returns the notifications the publication of c's
	// decision, and with it the final adoption report, causes: each
	// opted-in commenter's answer (comments.Service.AnswerNotifications);
	// Finalize writes them in its commit. nil: none.
	AnswerNotices func(ctx context.Context, c *Consultation, now time.Time) ([]Notification, error)
	// FollowerNotices returns the notifications to the consultation's
	// followers a change causes (notify.FanOut: one fan-out row per
	// event); Commit adds them to the change's outbox. nil: none.
	FollowerNotices func(ch *Change, now time.Time) []Notification

	mu         sync.Mutex
	calendar   *workcal.Calendar
	calendarAt time.Time
	fates      fateCache
}

// calendarTTL bounds how long an instance keeps its copy of the calendar, so
// a schedule loaded through another instance is seen within minutes.
const calendarTTL = 5 * time.Minute

// NewService returns a Service using the wall clock and the shipped calendar.
func NewService(s Store, departments auth.Store) *Service {
	return &Service{Store: s, Departments: departments, Now: time.Now, Log: slog.Default()}
}

const calendarSetting = "workcal"

// Calendar returns the working-day calendar: the shipped schedule merged with
// whatever the administrator has loaded.
func (s *Service) Calendar(ctx context.Context) *workcal.Calendar {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calendar != nil && time.Since(s.calendarAt) < calendarTTL {
		return s.calendar
	}
	cal := workcal.Default()
	b, err := s.Store.Setting(ctx, calendarSetting)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		// A failed read (a cancelled request, a store hiccup) must not
		// stand for the next calendarTTL: keep what we had, cache nothing.
		if s.calendar != nil {
			return s.calendar
		}
		return cal
	}
	if err == nil {
		if loaded, err := workcal.Load(strings.NewReader(string(b))); err == nil {
			cal = cal.Merge(loaded)
		} else {
			s.Log.ErrorContext(ctx, "stored holiday calendar is unreadable; using the shipped one", "err", err)
		}
	}
	s.calendar, s.calendarAt = cal, time.Now()
	return cal
}

// LoadCalendar lets an administrator load a year's holiday schedule.
func (s *Service) LoadCalendar(ctx context.Context, actor auth.Principal, data []byte) (*workcal.Calendar, error) {
	if !actor.Is(auth.Admin) {
		return nil, apperr.New(apperr.Forbidden, "auth.role_required", "admin")
	}
	loaded, err := workcal.Load(strings.NewReader(string(data)))
	if err != nil {
		var f apperr.Fields
		f.Add("calendar", "calendar.invalid", err.Error())
		return nil, f.Err()
	}
	merged := loaded
	if b, err := s.Store.Setting(ctx, calendarSetting); err == nil {
		if prev, err := workcal.Load(strings.NewReader(string(b))); err == nil {
			merged = prev.Merge(loaded)
		}
	}
	out, err := json.Marshal(merged)
	if err != nil {
		return nil, apperr.Wrap(err, "encode calendar")
	}
	if err := s.Store.PutSetting(ctx, calendarSetting, out); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.calendar, s.calendarAt = workcal.Default().Merge(merged), time.Now()
	s.mu.Unlock()
	return s.Calendar(ctx), nil
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Millisecond) }

// DraftForm is the form that creates or edits a draft consultation.
type DraftForm struct {
	Title          *string        `json:"title"`
	ProcedureType  *ProcedureType `json:"procedure_type"`
	DepartmentID   *string        `json:"department_id"`
	Explanation    *string        `json:"explanation"`
	LegalBasis     *string        `json:"legal_basis"`
	Contact        *Contact       `json:"contact"`
	Channels       *Channels      `json:"channels"`
	MarketRelated  *bool          `json:"market_related"`
	Technical      *bool          `json:"technical"`
	HighRisk       *bool          `json:"high_risk"`
	AllowAnonymous *bool          `json:"allow_anonymous"`
	Moderation     *bool          `json:"moderation"`
	Text           *string        `json:"text"`
}

// Field limits.
const (
	MaxTitle       = 200
	MaxExplanation = 50000
	MaxLegalBasis  = 10000
	MaxReason      = 2000
	// MaxTextChars bounds a version's text, in characters (runes): about twice
	// the 民法典 (≈ 107 000), so that the largest text alone fits the request
	// body limit of a draft (web.DraftBodyLimit, 2 MiB) even as a URL-encoded
	// form, at 9 bytes per Chinese character.
	MaxTextChars = 200_000
	// MaxArticles bounds a version's articles: the longest Chinese law, the
	// 民法典, has 1 260. Matching two versions (redline.Match) grows about
	// linearly with the text; the bound keeps the save of the largest text
	// well under a second (docs/PERFORMANCE.md).
	MaxArticles = 2000
)

func str(p *string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(*p)
}

func checkText(f *apperr.Fields, field, v string, max int, required bool) {
	switch {
	case required && v == "":
		f.Add(field, "field.required")
	case utf8.RuneCountInString(v) > max:
		f.Add(field, "field.too_long", max)
	case hasControl(v):
		f.Add(field, "field.control_chars")
	}
}

// hasControl reports control characters other than newline and tab.
func hasControl(s string) bool {
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t' && r != '\r') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}

// apply validates d and copies it onto c; creating requires title and type.
func (s *Service) apply(ctx context.Context, actor auth.Principal, c *Consultation, d DraftForm, creating bool) (*lawtext.Document, error) {
	var f apperr.Fields
	if creating || d.Title != nil {
		c.Title = str(d.Title)
		checkText(&f, "title", c.Title, MaxTitle, true)
	}
	if creating || d.ProcedureType != nil {
		if d.ProcedureType == nil {
			f.Add("procedure_type", "field.required")
		} else if !d.ProcedureType.Valid() {
			f.Add("procedure_type", "field.invalid_choice", "major_decision, rule, normative_document, other")
		} else {
			c.ProcedureType = *d.ProcedureType
		}
	}
	if d.DepartmentID != nil && str(d.DepartmentID) != c.DepartmentID {
		id := str(d.DepartmentID)
		switch {
		case !creating:
			f.Add("department_id", "field.invalid")
		case actor.Is(auth.Staff) && id != actor.DepartmentID:
			return nil, apperr.New(apperr.Forbidden, "auth.department_only")
		default:
			if _, err := s.Departments.Department(ctx, id); apperr.Is(err, apperr.NotFound) {
				f.Add("department_id", "field.not_found")
			} else if err != nil {
				return nil, err
			}
			c.DepartmentID = id
		}
	}
	if creating && c.DepartmentID == "" && !f.Has("department_id") {
		f.Add("department_id", "field.required")
	}
	if d.Explanation != nil {
		c.Explanation = str(d.Explanation)
		checkText(&f, "explanation", c.Explanation, MaxExplanation, false)
	}
	if d.LegalBasis != nil {
		c.LegalBasis = str(d.LegalBasis)
		checkText(&f, "legal_basis", c.LegalBasis, MaxLegalBasis, false)
	}
	if d.Contact != nil {
		ct := *d.Contact
		ct.Department, ct.Phone, ct.Email, ct.Address = strings.TrimSpace(ct.Department), strings.TrimSpace(ct.Phone), strings.TrimSpace(ct.Email), strings.TrimSpace(ct.Address)
		checkText(&f, "contact.department", ct.Department, 200, false)
		checkText(&f, "contact.phone", ct.Phone, 50, false)
		checkText(&f, "contact.email", ct.Email, 254, false)
		checkText(&f, "contact.address", ct.Address, 500, false)
		if ct.Email != "" && !strings.Contains(ct.Email, "@") {
			f.Add("contact.email", "field.email")
		}
		c.Contact = ct
	}
	if d.Channels != nil {
		ch := *d.Channels
		ch.PostalAddress, ch.Email = strings.TrimSpace(ch.PostalAddress), strings.TrimSpace(ch.Email)
		checkText(&f, "channels.postal_address", ch.PostalAddress, 500, false)
		checkText(&f, "channels.email", ch.Email, 254, false)
		if ch.Email != "" && !strings.Contains(ch.Email, "@") {
			f.Add("channels.email", "field.email")
		}
		c.Channels = ch
	}
	c.Channels.Online = true
	if d.MarketRelated != nil {
		c.MarketRelated = *d.MarketRelated
	}
	if d.Technical != nil {
		c.Technical = *d.Technical
	}
	if d.HighRisk != nil {
		c.HighRisk = *d.HighRisk
	}
	if d.AllowAnonymous != nil {
		c.AllowAnonymous = *d.AllowAnonymous
	}
	if d.Moderation != nil {
		c.Moderation = *d.Moderation
	}
	var doc *lawtext.Document
	if d.Text != nil {
		text := *d.Text
		switch {
		case utf8.RuneCountInString(text) > MaxTextChars:
			f.Add("text", "field.too_long", MaxTextChars)
		case hasControl(text):
			f.Add("text", "field.control_chars")
		case strings.TrimSpace(text) != "":
			parsed, err := lawtext.Parse(text)
			if n := len(parsed.Articles()); err != nil || n == 0 {
				f.Add("text", "field.no_articles")
			} else if n > MaxArticles {
				f.Add("text", "field.too_many_articles", MaxArticles)
			} else {
				doc = &parsed
			}
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return doc, nil
}

// newVersion builds version n from a parsed document, giving every article
// an id: matched to prev's ids when prev is given, fresh otherwise.
func (s *Service) newVersion(c *Consultation, n int, kind VersionKind, doc lawtext.Document, actor auth.Principal, note string, prev *Version) *Version {
	deleted, split, merged := assignArticleIDs(&doc, prev)
	text := lawtext.Render(doc)
	sum := sha256.Sum256([]byte(text))
	v := &Version{ConsultationID: c.ID, Number: n, Kind: kind, Title: doc.Title, Text: text,
		SHA256: hex.EncodeToString(sum[:]), Note: note, AuthorID: actor.UserID, CreatedAt: s.now(), Document: doc}
	v.DeletedIDs, v.SplitFrom, v.MergedInto = deleted, split, merged
	return v
}

// Create makes a new draft consultation. Returns Forbidden unless the actor
// is staff (for their own department) or admin, and Invalid naming fields.
func (s *Service) Create(ctx context.Context, actor auth.Principal, d DraftForm) (*Consultation, error) {
	if !actor.Is(auth.Staff) && !actor.Is(auth.Admin) {
		return nil, apperr.New(apperr.Forbidden, "auth.role_required", "staff")
	}
	now := s.now()
	c := &Consultation{ID: ident.ID(), State: Draft, AllowAnonymous: true, Moderation: true,
		CreatedBy: actor.UserID, CreatedAt: now, UpdatedAt: now}
	if actor.Is(auth.Staff) {
		c.DepartmentID = actor.DepartmentID
	}
	doc, err := s.apply(ctx, actor, c, d, true)
	if err != nil {
		return nil, err
	}
	ch := &Change{Consultation: c, Write: Insert}
	if doc != nil {
		ch.NewVersions = []*Version{s.newVersion(c, 1, ConsultationDraft, *doc, actor, "", nil)}
		c.CurrentVersion, c.ArticleCount = 1, len(doc.Articles())
	}
	if err := s.Record(ch, actor, "consultation.created", false, map[string]any{"title": c.Title, "procedure_type": c.ProcedureType}); err != nil {
		return nil, err
	}
	if err := s.Commit(ctx, ch); err != nil {
		return nil, err
	}
	return c, nil
}

// Get returns a consultation the actor may see, with its effective state at
// the service's clock. Returns apperr.ErrNotFound when it is not visible.
func (s *Service) Get(ctx context.Context, actor auth.Principal, id string) (*Consultation, error) {
	c, err := s.Store.Consultation(ctx, id)
	if err != nil {
		return nil, err
	}
	if !CanView(actor, c) {
		return nil, apperr.ErrNotFound
	}
	c.Settle(s.now())
	return c, nil
}

// Settle moves an open consultation whose period has ended to closed. The
// change is persisted by the next update.
func (c *Consultation) Settle(now time.Time) {
	if c.State == Open && c.ClosesAt != nil && !now.Before(*c.ClosesAt) {
		c.State = Closed
	}
}

// AcceptsComments reports whether the public may comment at now: the notice
// is open and now lies in [OpensAt, ClosesAt).
func (c *Consultation) AcceptsComments(now time.Time) bool {
	return c.State == Open && c.OpensAt != nil && c.ClosesAt != nil &&
		!now.Before(*c.OpensAt) && now.Before(*c.ClosesAt)
}

// List returns consultations the actor may see.
func (s *Service) List(ctx context.Context, actor auth.Principal, f ListFilter) ([]*Consultation, string, error) {
	if f.Status != "" && !f.Status.Valid() {
		return nil, "", apperr.New(apperr.Invalid, "error.bad_param", "status")
	}
	if f.ProcedureType != "" && !f.ProcedureType.Valid() {
		return nil, "", apperr.New(apperr.Invalid, "error.bad_param", "procedure_type")
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	f.Now = s.now()
	if !actor.Is(auth.Legal) && !actor.Is(auth.Admin) {
		f.PublicOnly = true
		if actor.Is(auth.Staff) {
			f.VisibleDepartment = actor.DepartmentID
		}
	}
	list, next, err := s.Store.Consultations(ctx, f)
	if err != nil {
		return nil, "", err
	}
	for _, c := range list {
		c.Settle(f.Now)
	}
	return list, next, nil
}

// Attempts bounds how often a command runs again after losing a race for
// the consultation to another command (ErrStale).
const Attempts = 10

// Retry runs cmd again while it fails with ErrStale, at most Attempts times.
// Each run must read afresh what it decides on.
func Retry(cmd func() error) error {
	var err error
	for range Attempts {
		if err = cmd(); !errors.Is(err, ErrStale) {
			return err
		}
	}
	return err
}

// run carries out action a on consultation id as one command: load it,
// check the lifecycle table, let build check the command's own rules and
// fill the change (events included), commit once. A command that lost a
// race runs again on a fresh read; build must not keep state between runs.
func (s *Service) run(ctx context.Context, actor auth.Principal, id string, a Action, build func(c *Consultation, ch *Change) error) (*Consultation, error) {
	var out *Consultation
	err := Retry(func() error {
		c, err := s.Get(ctx, actor, id)
		if err != nil {
			return err
		}
		if err := Check(actor, c, a); err != nil {
			return err
		}
		ch := &Change{Consultation: c}
		if err := build(c, ch); err != nil {
			return err
		}
		if err := s.Commit(ctx, ch); err != nil {
			return err
		}
		out = c
		return nil
	})
	return out, err
}

// Update edits a draft. The working version is replaced; nothing is frozen
// until the consultation opens. Returns Conflict outside the draft state.
func (s *Service) Update(ctx context.Context, actor auth.Principal, id string, d DraftForm) (*Consultation, error) {
	return s.run(ctx, actor, id, ActEdit, func(c *Consultation, ch *Change) error {
		doc, err := s.apply(ctx, actor, c, d, false)
		if err != nil {
			return err
		}
		c.UpdatedAt = s.now()
		if doc != nil {
			var prev *Version
			if c.CurrentVersion > 0 {
				if prev, err = s.Store.Version(ctx, c.ID, c.CurrentVersion); err != nil {
					return err
				}
			}
			v := s.newVersion(c, 1, ConsultationDraft, *doc, actor, "", prev)
			v.DeletedIDs, v.SplitFrom, v.MergedInto = nil, nil, nil
			if prev != nil {
				ch.ReplaceVersion = v
			} else {
				ch.NewVersions = []*Version{v}
			}
			c.CurrentVersion, c.ArticleCount = 1, len(doc.Articles())
		}
		return s.Record(ch, actor, "consultation.edited", false, map[string]any{"version": c.CurrentVersion})
	})
}

// PublishForm opens the comment period.
type PublishForm struct {
	OpensAt          string `json:"opens_at"`
	ClosesAt         string `json:"closes_at" jsonschema:"required"`
	ShorteningReason string `json:"shortening_reason"`
}

// MissingItems lists what DOMAIN rule 3 requires before a notice can open,
// as catalogue keys ("item.text", ...).
func (s *Service) MissingItems(c *Consultation) []string {
	var missing []string
	if c.CurrentVersion == 0 || c.ArticleCount == 0 {
		missing = append(missing, "item.text")
	}
	if c.Explanation == "" {
		missing = append(missing, "item.explanation")
	}
	if c.LegalBasis == "" {
		missing = append(missing, "item.legal_basis")
	}
	if c.Channels.PostalAddress == "" && c.Channels.Email == "" {
		missing = append(missing, "item.channels")
	}
	if c.Contact.Department == "" || (c.Contact.Phone == "" && c.Contact.Email == "") {
		missing = append(missing, "item.contact")
	}
	return missing
}

// Publish opens a draft for comment (draft → open). It requires every item of
// DOMAIN rule 3 (Invalid listing the missing ones) and a lawful period
// (rule 2; shorter only with a public shortening reason).
func (s *Service) Publish(ctx context.Context, actor auth.Principal, id string, form PublishForm) (*Consultation, error) {
	return s.run(ctx, actor, id, ActPublish, func(c *Consultation, ch *Change) error {
		now := s.now()
		var f apperr.Fields
		opensAt, closesAt := now, time.Time{}
		if strings.TrimSpace(form.OpensAt) != "" {
			var ok bool
			if opensAt, ok = ParseOpensAt(form.OpensAt); !ok {
				f.Add("opens_at", "field.bad_time")
			} else if opensAt.Before(now) {
				opensAt = now // a notice cannot be backdated
			}
		}
		if strings.TrimSpace(form.ClosesAt) == "" {
			f.Add("closes_at", "field.required")
		} else if t, ok := ParseClosesAt(form.ClosesAt); !ok {
			f.Add("closes_at", "field.bad_time")
		} else if TooFarAhead(t, now) {
			f.Add("closes_at", "consultation.closes_too_far", MaxYearsAhead)
		} else {
			closesAt = t
		}
		reason := strings.TrimSpace(form.ShorteningReason)
		checkText(&f, "shortening_reason", reason, MaxReason, false)
		if missing := s.MissingItems(c); len(missing) > 0 {
			f.Add("consultation", "consultation.missing_items", i18n.ListOf(missing...))
		}
		if err := f.Err(); err != nil {
			return err
		}
		if err := checkPeriod(c, opensAt, closesAt, reason, s.Calendar(ctx)); err != nil {
			return err
		}
		v, err := s.Store.Version(ctx, c.ID, 1)
		if err != nil {
			return err
		}
		v.Frozen, v.Public, v.Kind = true, true, ConsultationDraft
		ch.ReplaceVersion = v
		c.Move(ActPublish)
		c.OpensAt, c.ClosesAt, c.PublishedAt = &opensAt, &closesAt, &now
		c.ShorteningReason = reason
		c.PublicVersion = 1
		c.UpdatedAt = now
		return s.Record(ch, actor, "consultation.opened", true, map[string]any{
			"opens_at": opensAt, "closes_at": closesAt, "shortening_reason": reason, "version": 1, "text_sha256": v.SHA256})
	})
}

// ExtendForm prolongs the period.
type ExtendForm struct {
	ClosesAt string `json:"closes_at" jsonschema:"required"`
	Reason   string `json:"reason" jsonschema:"required"`
}

// Extend sets a later end for an open period, recording the reason.
func (s *Service) Extend(ctx context.Context, actor auth.Principal, id string, form ExtendForm) (*Consultation, error) {
	return s.run(ctx, actor, id, ActExtend, func(c *Consultation, ch *Change) error {
		var f apperr.Fields
		reason := strings.TrimSpace(form.Reason)
		if reason == "" {
			f.Add("reason", "consultation.reason_required")
		} else {
			checkText(&f, "reason", reason, MaxReason, true)
		}
		closesAt, ok := ParseClosesAt(form.ClosesAt)
		if strings.TrimSpace(form.ClosesAt) == "" {
			f.Add("closes_at", "field.required")
		} else if !ok {
			f.Add("closes_at", "field.bad_time")
		} else if !closesAt.After(*c.ClosesAt) {
			f.Add("closes_at", "consultation.extend_earlier", FormatDateTime(*c.ClosesAt))
		} else if TooFarAhead(closesAt, s.now()) {
			f.Add("closes_at", "consultation.closes_too_far", MaxYearsAhead)
		}
		if err := f.Err(); err != nil {
			return err
		}
		now := s.now()
		prev := *c.ClosesAt
		c.Extensions = append(c.Extensions, Extension{PreviousClosesAt: prev, ClosesAt: closesAt, Reason: reason, At: now, By: actor.UserID})
		c.ClosesAt = &closesAt
		c.UpdatedAt = now
		return s.Record(ch, actor, "consultation.extended", true, map[string]any{"previous_closes_at": prev, "closes_at": closesAt, "reason": reason})
	})
}

// ReasonForm carries a required reason.
type ReasonForm struct {
	Reason string `json:"reason" jsonschema:"required"`
}

func requireReason(r string) (string, error) {
	var f apperr.Fields
	r = strings.TrimSpace(r)
	if r == "" {
		f.Add("reason", "consultation.reason_required")
	} else {
		checkText(&f, "reason", r, MaxReason, true)
	}
	return r, f.Err()
}

// CloseForm ends the period early: a public reason, and a shortening
// reason when the period actually run falls short of the minimum (rule 2).
type CloseForm struct {
	Reason           string `json:"reason" jsonschema:"required"`
	ShorteningReason string `json:"shortening_reason"`
}

// Close ends an open period early, with a public reason. If the period run
// until now is below the procedure type's minimum, a shortening reason is
// required as on publication (Invalid naming the minimum); it is shown on
// the public notice from then on.
func (s *Service) Close(ctx context.Context, actor auth.Principal, id string, form CloseForm) (*Consultation, error) {
	return s.run(ctx, actor, id, ActClose, func(c *Consultation, ch *Change) error {
		reason, err := requireReason(form.Reason)
		if err != nil {
			return err
		}
		now := s.now()
		shortening := strings.TrimSpace(form.ShorteningReason)
		var f apperr.Fields
		checkText(&f, "shortening_reason", shortening, MaxReason, false)
		min := MinimumPeriod(c.ProcedureType, c.MarketRelated)
		var run Length
		if c.OpensAt != nil && now.After(*c.OpensAt) {
			run = Measure(*c.OpensAt, now, s.Calendar(ctx))
		}
		if !run.Meets(min) && shortening == "" && !f.Has("shortening_reason") {
			f.Add("shortening_reason", "consultation.close_too_short", LengthOf(run, min).Msg(), i18n.M("type."+string(c.ProcedureType)), min.Msg())
		}
		if err := f.Err(); err != nil {
			return err
		}
		c.Move(ActClose)
		c.ClosedEarly = &Closure{At: now, Reason: reason, By: actor.UserID, ShorteningReason: shortening}
		c.UpdatedAt = now
		if err := s.Record(ch, actor, "consultation.closed_early", true, map[string]any{"reason": reason, "shortening_reason": shortening}); err != nil {
			return err
		}
		return s.seal(ctx, ch, actor)
	})
}

// Withdraw abandons the decision (see the lifecycle table), with a reason.
func (s *Service) Withdraw(ctx context.Context, actor auth.Principal, id string, form ReasonForm) (*Consultation, error) {
	return s.run(ctx, actor, id, ActWithdraw, func(c *Consultation, ch *Change) error {
		reason, err := requireReason(form.Reason)
		if err != nil {
			return err
		}
		now := s.now()
		c.Move(ActWithdraw)
		c.Withdrawal = &Closure{At: now, Reason: reason, By: actor.UserID}
		c.UpdatedAt = now
		return s.Record(ch, actor, "consultation.withdrawn", true, map[string]any{"reason": reason})
	})
}

// Versions returns the versions the actor may see.
func (s *Service) Versions(ctx context.Context, actor auth.Principal, id string) ([]*Version, error) {
	c, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	return s.VersionsOf(ctx, actor, c)
}

// VersionsOf is Versions for a consultation the caller has already loaded
// with Get (so it is visible to actor), without reading it again.
func (s *Service) VersionsOf(ctx context.Context, actor auth.Principal, c *Consultation) ([]*Version, error) {
	all, err := s.Store.Versions(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var out []*Version
	for _, v := range all {
		if CanSeeVersion(actor, c, v) {
			out = append(out, v)
		}
	}
	return out, nil
}

// Version returns version n if the actor may see it.
func (s *Service) Version(ctx context.Context, actor auth.Principal, id string, n int) (*Version, error) {
	c, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	return s.VersionOf(ctx, actor, c, n)
}

// VersionOf is Version for a consultation already loaded with Get.
func (s *Service) VersionOf(ctx context.Context, actor auth.Principal, c *Consultation, n int) (*Version, error) {
	v, err := s.Store.Version(ctx, c.ID, n)
	if err != nil {
		return nil, err
	}
	if !CanSeeVersion(actor, c, v) {
		return nil, apperr.ErrNotFound
	}
	return v, nil
}

// Record adds an event to the change, continuing the chain from the head of
// ch.Consultation (which it moves). The chain's order is its sequence, not
// the clock: instances with skewed clocks still write a valid chain.
func (s *Service) Record(ch *Change, actor auth.Principal, typ string, public bool, payload any) error {
	c := ch.Consultation
	raw, err := history.Canonical(payload)
	if err != nil {
		return apperr.Wrap(err, "encode event")
	}
	role := string(actor.Role)
	if actor.Anonymous() {
		role = "system"
	}
	e := history.Event{Consultation: c.ID, At: s.now(), ActorRole: role, Type: typ, Public: public, Payload: raw}
	if actor.Is(auth.Staff) || actor.Is(auth.Legal) || actor.Is(auth.Admin) {
		e.ActorID = actor.UserID
	}
	ev, err := history.After(c.HistorySeq, c.HistoryHead, e)
	if err != nil {
		return apperr.Wrap(err, "record event")
	}
	ch.Events = append(ch.Events, ev)
	c.HistorySeq, c.HistoryHead = ev.Seq, ev.Hash
	return nil
}

// seal records the comments' tree head in the chain (comments.sealed,
// public): the change then commits only if the log is still that size.
func (s *Service) seal(ctx context.Context, ch *Change, actor auth.Principal) error {
	if s.LogHead == nil {
		return nil
	}
	size, root, signed, err := s.LogHead(ctx, ch.Consultation.ID)
	if err != nil {
		return err
	}
	c := ch.Consultation
	now := s.now()
	c.SealedSize, c.SealedAt = size, &now
	ch.LogSize = &size
	return s.Record(ch, actor, "comments.sealed", true, map[string]any{"tree_size": size, "root_hash": root, "signed_head": signed})
}

// SealPeriod is how often a consultation receiving comments seals its log.
const SealPeriod = time.Hour

// Seal records the comments' tree head of a consultation whose log grew
// since its last seal at least SealPeriod ago (the hourly seal while comments
// arrive; also at close, before review and at finalization). It reports
// whether it sealed. System use: no actor checks.
func (s *Service) Seal(ctx context.Context, id string) (bool, error) {
	sealed := false
	err := Retry(func() error {
		sealed = false
		c, err := s.Store.Consultation(ctx, id)
		if err != nil || s.LogHead == nil || c.State == Published || c.State == Withdrawn || c.PublishedAt == nil {
			return err
		}
		if c.SealedAt != nil && s.now().Sub(*c.SealedAt) < SealPeriod {
			return nil
		}
		size, _, _, err := s.LogHead(ctx, id)
		if err != nil || size == c.SealedSize {
			return err
		}
		ch := &Change{Consultation: c}
		if err := s.seal(ctx, ch, auth.Principal{}); err != nil {
			return err
		}
		if err := s.Commit(ctx, ch); err != nil {
			return err
		}
		sealed = true
		return nil
	})
	return sealed, err
}

// Commit stores a command's change in one store commit, then tells
// OnChange of a change to the consultation's fields.
func (s *Service) Commit(ctx context.Context, ch *Change) error {
	if s.FollowerNotices != nil {
		ch.Notify = append(ch.Notify, s.FollowerNotices(ch, s.now())...)
	}
	if ch.ChangedFields() {
		ch.Index = append(ch.Index, IndexJob{Kind: IndexConsultation, ID: ch.Consultation.ID, Consultation: ch.Consultation.ID})
	}
	if err := s.Store.Commit(ctx, ch); err != nil {
		return err
	}
	if ch.ChangedFields() && s.OnChange != nil {
		if err := s.OnChange(ctx, ch.Consultation); err != nil {
			s.Log.ErrorContext(ctx, "after a consultation change", "consultation", ch.Consultation.ID, "err", err)
		}
	}
	return nil
}

// FormatDateTime renders an instant as 2026年12月31日24时 style Shanghai time
// for messages: midnight is shown as 24时 of the previous day.
func FormatDateTime(t time.Time) string {
	d := workcal.DateOf(t)
	if startOfDay(d).Equal(t) {
		p := d.AddDays(-1)
		return strconv.Itoa(p.Year) + "年" + strconv.Itoa(int(p.Month)) + "月" + strconv.Itoa(p.Day) + "日24时"
	}
	l := t.In(workcal.Shanghai())
	return strconv.Itoa(l.Year()) + "年" + strconv.Itoa(int(l.Month())) + "月" + strconv.Itoa(l.Day()) + "日" + strconv.Itoa(l.Hour()) + "时" + pad2(l.Minute()) + "分"
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
