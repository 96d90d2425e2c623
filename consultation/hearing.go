package consultation

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"strings"
	"time"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/history"
	"yugongkai/ident"
	"yugongkai/privacy"
	"yugongkai/workcal"
)

// Hearings (听证会, 《重大行政决策程序暂行条例》 art. 14 and 16): the
// department announces a hearing (when, where, the matters heard, how to
// apply, by when); residents apply online; the department selects the
// participants, by lot or by balancing the stances, and the selection is
// recorded so anyone can check it; after the hearing its record is entered,
// each statement becoming a comment of channel "hearing" (comments.Service.
// RecordHearing), answered like any other.
//
// Where things live. The hearing itself (announcement, selection, record
// summary) is small and rides on the consultation (Consultation.Hearings).
// The applications are records of their own (Change.HearingApplications,
// Store.HearingApplications): a hearing may draw thousands of applicants,
// whose names, contacts and reasons must not be read and rewritten with the
// consultation by every command, nor shown anywhere public. Each
// application is also an event of the chain (hearing.applied) whose payload
// names the application, its stance and the SHA-256 of its salted private
// record, never the applicant: the record stays checkable without
// publishing personal data (个人信息保护法 art. 25).

// Stances an applicant may take on the draft (as comments.Stance).
var HearingStances = []string{"support", "oppose", "neutral"}

// Selection methods.
const (
	ByLot     = "lot"     // 随机抽签: a recorded seed, checkable by anyone
	ByBalance = "balance" // 按观点均衡: round-robin over the stances, earliest first
)

// HearingNotice is one announced hearing: its notice, the selection of
// its participants and its record.
type HearingNotice struct {
	ID string `json:"id" bson:"id"`
	// HeldAt is when the hearing takes place; ApplyBy the application deadline.
	HeldAt     time.Time `json:"held_at" bson:"held_at"`
	Place      string    `json:"place" bson:"place"`
	Matters    string    `json:"matters" bson:"matters"`           // 听证事项
	HowToApply string    `json:"how_to_apply" bson:"how_to_apply"` // 报名方式
	ApplyBy    time.Time `json:"apply_by" bson:"apply_by"`
	// Seats is how many participants are to be selected.
	Seats       int       `json:"seats" bson:"seats"`
	AnnouncedAt time.Time `json:"announced_at" bson:"announced_at"`
	AnnouncedBy string    `json:"announced_by,omitempty" bson:"announced_by,omitempty"`
	// Applications is how many applications were received, by stance in
	// Stances.
	Applications int            `json:"applications" bson:"applications"`
	Stances      map[string]int `json:"stances,omitempty" bson:"stances,omitempty"`
	Selection    *Selection     `json:"selection,omitempty" bson:"selection,omitempty"`
	Record       *HearingRecord `json:"record,omitempty" bson:"record,omitempty"`
}

// Selection is how the participants were chosen.
type Selection struct {
	Method string `json:"method" bson:"method"`
	// Seed (lot only) is the random value the draw is computed from.
	Seed string `json:"seed,omitempty" bson:"seed,omitempty"`
	// Pool is how many applications were considered; PoolSHA256 the
	// SHA-256 of their ids in order received, joined by "\n".
	Pool         int           `json:"pool" bson:"pool"`
	PoolSHA256   string        `json:"pool_sha256" bson:"pool_sha256"`
	Participants []Participant `json:"participants,omitempty" bson:"participants,omitempty"`
	At           time.Time     `json:"at" bson:"at"`
	By           string        `json:"by,omitempty" bson:"by,omitempty"`
}

// Participant is a selected applicant as the public sees them.
type Participant struct {
	Application string `json:"application" bson:"application"`
	Name        string `json:"name" bson:"name"` // masked (张*祥)
	Stance      string `json:"stance" bson:"stance"`
}

// HearingRecord is the record of a hearing held (笔录 summary).
type HearingRecord struct {
	HeldOn     string    `json:"held_on" bson:"held_on"`
	Summary    string    `json:"summary" bson:"summary"`
	Statements []string  `json:"statements,omitempty" bson:"statements,omitempty"` // comment ids
	Step       string    `json:"step" bson:"step"`
	At         time.Time `json:"at" bson:"at"`
	By         string    `json:"by,omitempty" bson:"by,omitempty"`
}

// HearingApplication is one resident's application. It is personal data:
// only the department, the legal office and administrators see it.
type HearingApplication struct {
	ID             string    `json:"id" bson:"_id"`
	ConsultationID string    `json:"consultation_id" bson:"consultation_id"`
	HearingID      string    `json:"hearing_id" bson:"hearing_id"`
	Seq            int       `json:"seq" bson:"seq"` // 1, 2, … in order received
	Name           string    `json:"name" bson:"name"`
	Contact        string    `json:"contact" bson:"contact"`
	Stance         string    `json:"stance" bson:"stance"`
	Reason         string    `json:"reason" bson:"reason"`
	UserID         string    `json:"user_id,omitempty" bson:"user_id,omitempty"`
	SubmittedAt    time.Time `json:"submitted_at" bson:"submitted_at"`
	// Salt makes RecordSHA256 reveal nothing about the applicant.
	Salt string `json:"salt" bson:"salt"`
}

// RecordSHA256 is the digest of the application's private fields that its
// hearing.applied event carries.
func (a *HearingApplication) RecordSHA256() string {
	raw, err := history.Canonical(map[string]any{"name": a.Name, "contact": a.Contact, "reason": a.Reason, "salt": a.Salt})
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// HearingForm announces a hearing.
type HearingForm struct {
	HeldAt     string `json:"held_at" jsonschema:"required"` // RFC 3339 or 2006-01-02T15:04 (Asia/Shanghai)
	Place      string `json:"place" jsonschema:"required"`
	Matters    string `json:"matters" jsonschema:"required"`
	HowToApply string `json:"how_to_apply" jsonschema:"required"`
	ApplyBy    string `json:"apply_by" jsonschema:"required"` // as held_at
	Seats      int    `json:"seats" jsonschema:"required"`
}

// ApplicationForm is a resident's application to take part.
type ApplicationForm struct {
	Name    string `json:"name" jsonschema:"required"`
	Contact string `json:"contact" jsonschema:"required"`
	Stance  string `json:"stance" jsonschema:"required,enum=support,enum=oppose,enum=neutral"`
	Reason  string `json:"reason" jsonschema:"required"`
}

// SelectionForm chooses the participants.
type SelectionForm struct {
	Method string `json:"method" jsonschema:"required,enum=lot,enum=balance"`
}

// Field limits of hearings.
const (
	MaxHearingText = 5000
	MaxSeats       = 500
	MaxApplicant   = 100
)

// parseWhen reads a civil date and time in Asia/Shanghai (2006-01-02T15:04,
// the form of an <input type="datetime-local">) or an RFC 3339 instant.
func parseWhen(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, workcal.Shanghai()); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// HearingByID returns c's hearing id, or nil.
func (c *Consultation) HearingByID(id string) *HearingNotice {
	for i := range c.Hearings {
		if c.Hearings[i].ID == id {
			return &c.Hearings[i]
		}
	}
	return nil
}

// AcceptsApplications reports whether h takes applications at now.
func (h HearingNotice) AcceptsApplications(now time.Time) bool {
	return h.Selection == nil && now.Before(h.ApplyBy)
}

// AnnounceHearing publishes the notice of a hearing (the department; the
// consultation must be public: open, closed or returned). Errors: NotFound,
// Forbidden, Conflict (state), Invalid (fields: times in the past, the
// deadline not before the hearing, seats out of 1–500).
func (s *Service) AnnounceHearing(ctx context.Context, actor auth.Principal, id string, form HearingForm) (*HearingNotice, error) {
	var out *HearingNotice
	_, err := s.run(ctx, actor, id, ActHearing, func(c *Consultation, ch *Change) error {
		now := s.now()
		var f apperr.Fields
		held, okHeld := parseWhen(form.HeldAt)
		by, okBy := parseWhen(form.ApplyBy)
		switch {
		case strings.TrimSpace(form.HeldAt) == "":
			f.Add("held_at", "field.required")
		case !okHeld:
			f.Add("held_at", "field.bad_time")
		case !held.After(now):
			f.Add("held_at", "hearing.in_past")
		}
		switch {
		case strings.TrimSpace(form.ApplyBy) == "":
			f.Add("apply_by", "field.required")
		case !okBy:
			f.Add("apply_by", "field.bad_time")
		case !by.After(now):
			f.Add("apply_by", "hearing.in_past")
		case okHeld && !by.Before(held):
			f.Add("apply_by", "hearing.deadline_after_hearing")
		}
		h := HearingNotice{ID: ident.Short(), HeldAt: held, ApplyBy: by, Place: strings.TrimSpace(form.Place),
			Matters: strings.TrimSpace(form.Matters), HowToApply: strings.TrimSpace(form.HowToApply), Seats: form.Seats,
			AnnouncedAt: now, AnnouncedBy: actor.UserID}
		checkText(&f, "place", h.Place, MaxReason, true)
		checkText(&f, "matters", h.Matters, MaxHearingText, true)
		checkText(&f, "how_to_apply", h.HowToApply, MaxHearingText, true)
		if h.Seats < 1 || h.Seats > MaxSeats {
			f.Add("seats", "hearing.seats_range", MaxSeats)
		}
		if err := f.Err(); err != nil {
			return err
		}
		c.Hearings = append(c.Hearings, h)
		c.UpdatedAt = now
		out = &h
		return s.Record(ch, actor, "hearing.announced", true, map[string]any{"hearing": h.ID, "held_at": h.HeldAt,
			"place": h.Place, "matters": h.Matters, "how_to_apply": h.HowToApply, "apply_by": h.ApplyBy, "seats": h.Seats})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ApplyForHearing stores a resident's application (anyone who can see the
// consultation: with an account, or without one where the consultation
// allows anonymous comments; the web layer rate-limits it). Errors:
// NotFound (consultation or hearing), Unauthorized (login required),
// PeriodClosed (deadline passed or participants selected), Conflict
// (state), Invalid (fields).
func (s *Service) ApplyForHearing(ctx context.Context, actor auth.Principal, id, hearingID string, form ApplicationForm) (*HearingApplication, error) {
	var out *HearingApplication
	_, err := s.run(ctx, actor, id, ActApply, func(c *Consultation, ch *Change) error {
		h := c.HearingByID(hearingID)
		if h == nil {
			return apperr.ErrNotFound
		}
		if actor.Anonymous() && !c.AllowAnonymous {
			return apperr.New(apperr.Unauthorized, "comments.login_required")
		}
		now := s.now()
		if !h.AcceptsApplications(now) {
			return apperr.New(apperr.PeriodClosed, "hearing.applications_closed", FormatDateTime(h.ApplyBy))
		}
		var f apperr.Fields
		a := &HearingApplication{ID: ident.ID(), ConsultationID: c.ID, HearingID: h.ID, Seq: h.Applications + 1,
			Name: strings.TrimSpace(form.Name), Contact: strings.TrimSpace(form.Contact), Stance: form.Stance,
			Reason: strings.TrimSpace(form.Reason), UserID: actor.UserID, SubmittedAt: now, Salt: ident.ID()}
		checkText(&f, "name", a.Name, MaxApplicant, true)
		checkText(&f, "contact", a.Contact, MaxApplicant, true)
		checkText(&f, "reason", a.Reason, MaxReason, true)
		if !slices.Contains(HearingStances, a.Stance) {
			f.Add("stance", "field.invalid_choice", strings.Join(HearingStances, ", "))
		}
		if err := f.Err(); err != nil {
			return err
		}
		h.Applications++
		stances := map[string]int{}
		for k, v := range h.Stances {
			stances[k] = v
		}
		stances[a.Stance]++
		h.Stances = stances
		c.UpdatedAt = now
		ch.HearingApplications = []*HearingApplication{a}
		out = a
		return s.Record(ch, actor, "hearing.applied", true, map[string]any{"hearing": h.ID, "application": a.ID,
			"seq": a.Seq, "stance": a.Stance, "record_sha256": a.RecordSHA256()})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// HearingApplications returns the applications to hearing hearingID in the
// order received, for the department, the legal office and administrators
// (Forbidden for others, NotFound when the hearing does not exist).
func (s *Service) HearingApplications(ctx context.Context, actor auth.Principal, id, hearingID string) ([]*HearingApplication, error) {
	c, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if c.HearingByID(hearingID) == nil {
		return nil, apperr.ErrNotFound
	}
	if !CanSeeInternal(actor, c) {
		return nil, apperr.New(apperr.Forbidden, "auth.department_only")
	}
	return s.Store.HearingApplications(ctx, c.ID, hearingID)
}

// SelectParticipants chooses hearing hearingID's participants among its
// applications and closes applications (the department). By lot, a fresh
// random seed is drawn and recorded (DrawLot); by stance balance, the seats
// go round the stances (BalanceStances). Errors: NotFound, Forbidden,
// Conflict (state, or participants already selected), Invalid (method).
func (s *Service) SelectParticipants(ctx context.Context, actor auth.Principal, id, hearingID string, form SelectionForm) (*Selection, error) {
	var out *Selection
	_, err := s.run(ctx, actor, id, ActHearing, func(c *Consultation, ch *Change) error {
		h := c.HearingByID(hearingID)
		if h == nil {
			return apperr.ErrNotFound
		}
		if h.Selection != nil {
			return apperr.New(apperr.Conflict, "hearing.already_selected")
		}
		if form.Method != ByLot && form.Method != ByBalance {
			var f apperr.Fields
			f.Add("method", "field.invalid_choice", "lot, balance")
			return f.Err()
		}
		apps, err := s.Store.HearingApplications(ctx, c.ID, h.ID)
		if err != nil {
			return err
		}
		sel := &Selection{Method: form.Method, Pool: len(apps), PoolSHA256: PoolSHA256(apps), At: s.now(), By: actor.UserID}
		var chosen []*HearingApplication
		if form.Method == ByLot {
			seed := make([]byte, 32)
			_, _ = rand.Read(seed)
			sel.Seed = hex.EncodeToString(seed)
			chosen = DrawLot(sel.Seed, apps, h.Seats)
		} else {
			chosen = BalanceStances(apps, h.Seats)
		}
		ids := make([]string, len(chosen))
		for i, a := range chosen {
			sel.Participants = append(sel.Participants, Participant{Application: a.ID, Name: privacy.MaskName(a.Name), Stance: a.Stance})
			ids[i] = a.ID
		}
		h.Selection = sel
		c.UpdatedAt = sel.At
		out = sel
		return s.Record(ch, actor, "hearing.selected", true, map[string]any{"hearing": h.ID, "method": sel.Method,
			"seed": sel.Seed, "pool": sel.Pool, "pool_sha256": sel.PoolSHA256, "seats": h.Seats, "selected": strings.Join(ids, ",")})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PoolSHA256 is the SHA-256 of the application ids in order received,
// joined by "\n": what a selection was made from.
func PoolSHA256(apps []*HearingApplication) string {
	ids := make([]string, len(apps))
	for i, a := range apps {
		ids[i] = a.ID
	}
	sum := sha256.Sum256([]byte(strings.Join(ids, "\n")))
	return hex.EncodeToString(sum[:])
}

// DrawLot selects seats applications by lot from seed: each application's
// ticket is SHA-256(seed + "\n" + application id) in hex, and the lowest
// tickets win. Anyone holding the seed (hearing.selected) and the ids
// (hearing.applied events) can redo the draw.
func DrawLot(seed string, apps []*HearingApplication, seats int) []*HearingApplication {
	type ticket struct {
		key string
		a   *HearingApplication
	}
	ts := make([]ticket, len(apps))
	for i, a := range apps {
		sum := sha256.Sum256([]byte(seed + "\n" + a.ID))
		ts[i] = ticket{hex.EncodeToString(sum[:]), a}
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].key < ts[j].key })
	var out []*HearingApplication
	for i := 0; i < len(ts) && i < seats; i++ {
		out = append(out, ts[i].a)
	}
	return out
}

// BalanceStances selects seats applications so the stances are heard
// alike: the seats go round oppose, support, neutral in turn, each stance
// giving its earliest application not yet chosen, skipping a stance with
// none left. The same applications always give the same participants.
func BalanceStances(apps []*HearingApplication, seats int) []*HearingApplication {
	queues := map[string][]*HearingApplication{}
	ordered := slices.Clone(apps)
	sort.SliceStable(ordered, func(i, j int) bool { return ordered[i].Seq < ordered[j].Seq })
	for _, a := range ordered {
		queues[a.Stance] = append(queues[a.Stance], a)
	}
	var out []*HearingApplication
	for len(out) < seats {
		took := false
		for _, st := range []string{"oppose", "support", "neutral"} {
			if len(out) == seats {
				break
			}
			if q := queues[st]; len(q) > 0 {
				out, queues[st], took = append(out, q[0]), q[1:], true
			}
		}
		if !took {
			break
		}
	}
	return out
}

// PublicHearings returns c's hearings as the public sees them: without
// the accounts that acted.
func (c *Consultation) PublicHearings() []HearingNotice {
	out := make([]HearingNotice, len(c.Hearings))
	for i, h := range c.Hearings {
		h.AnnouncedBy = ""
		if h.Selection != nil {
			x := *h.Selection
			x.By = ""
			h.Selection = &x
		}
		if h.Record != nil {
			x := *h.Record
			x.By = ""
			h.Record = &x
		}
		out[i] = h
	}
	return out
}

// HearingStatement is one statement made at a hearing, entered with its
// record (comments.Service.RecordHearing).
type HearingStatement struct {
	// Application names the participant who spoke (optional: staff may
	// enter a statement of someone else heard, e.g. an expert).
	Application string `json:"application"`
	Speaker     string `json:"speaker"`
	ArticleID   string `json:"article_id"`
	Stance      string `json:"stance" jsonschema:"enum=,enum=support,enum=oppose,enum=neutral"`
	Body        string `json:"body" jsonschema:"required"`
}

// HearingRecordForm is the record of a hearing held.
type HearingRecordForm struct {
	HeldOn     string             `json:"held_on" jsonschema:"required"`
	Summary    string             `json:"summary" jsonschema:"required"`
	Statements []HearingStatement `json:"statements"`
}

// MaxStatements bounds the statements of one hearing record.
const MaxStatements = 500

// RecordHearingOn enters the consultation side of a hearing record on c
// within ch: the record on the hearing, a public hearing step (so the
// procedure's steps and timeline show it) and the hearing.recorded event
// naming the statements' comment ids. The comments service, which builds
// the statements' comments in the same change, calls it. Errors: NotFound
// (hearing), Conflict (no selection yet, or already recorded), Invalid.
func (s *Service) RecordHearingOn(ch *Change, actor auth.Principal, hearingID string, form HearingRecordForm, statements []string) (*HearingRecord, error) {
	c := ch.Consultation
	h := c.HearingByID(hearingID)
	if h == nil {
		return nil, apperr.ErrNotFound
	}
	if h.Record != nil {
		return nil, apperr.New(apperr.Conflict, "hearing.already_recorded")
	}
	if h.Selection == nil {
		return nil, apperr.New(apperr.Conflict, "hearing.not_selected")
	}
	now := s.now()
	st, err := StepForm{Kind: Hearing, HeldOn: form.HeldOn, Summary: form.Summary, Public: true,
		Participants: participantNames(h)}.validate(workcal.DateOf(now))
	if err != nil {
		return nil, err
	}
	st.ID, st.EnteredBy, st.EnteredAt = ident.Short(), actor.UserID, now
	c.Steps = append(c.Steps, *st)
	rec := &HearingRecord{HeldOn: st.HeldOn, Summary: st.Summary, Statements: statements, Step: st.ID, At: now, By: actor.UserID}
	h.Record = rec
	c.UpdatedAt = now
	return rec, s.Record(ch, actor, "hearing.recorded", true, map[string]any{"hearing": h.ID, "step": st.ID,
		"held_on": st.HeldOn, "summary": st.Summary, "participants": st.Participants,
		"statements": len(statements), "comments": strings.Join(statements, ",")})
}

func participantNames(h *HearingNotice) string {
	var names []string
	for _, p := range h.Selection.Participants {
		names = append(names, p.Name)
	}
	return strings.Join(names, "、")
}
