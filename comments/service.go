package comments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/i18n"
	"yugongkai/ident"
	"yugongkai/privacy"
)

// Service carries out the comment rules over a Store. Consultations gives
// the consultation rules (who may act, the period, the hash chain).
type Service struct {
	Store         Store
	Consultations *consultation.Service
	Now           func() time.Time
	// NearThreshold is the Jaccard similarity from which ProposeGroups
	// proposes two groups as one (default 0.8).
	NearThreshold float64
	// OnChange, when set, is told when a comment is stored or moderated
	// (the search index follows published comments). Its error is logged
	// by the caller's logger only: the comment is already stored.
	OnChange func(ctx context.Context, c *consultation.Consultation, cm *Comment) error

	articleMu   sync.Mutex
	articleSets map[string]map[string]bool
}

// NewService returns a Service on the wall clock with the default threshold.
func NewService(store Store, consultations *consultation.Service) *Service {
	return &Service{Store: store, Consultations: consultations, Now: time.Now, NearThreshold: DefaultNearThreshold}
}

// DefaultNearThreshold is the default Jaccard similarity for near-duplicates.
const DefaultNearThreshold = 0.8

func (s *Service) now() time.Time {
	if s.Now == nil {
		return stamp(time.Now())
	}
	return stamp(s.Now())
}

// closedAt is the instant the comment period ended or will end.
func closedAt(c *consultation.Consultation) time.Time {
	if c.ClosedEarly != nil && (c.ClosesAt == nil || c.ClosedEarly.At.Before(*c.ClosesAt)) {
		return c.ClosedEarly.At
	}
	if c.ClosesAt != nil {
		return *c.ClosesAt
	}
	return time.Time{}
}

// periodError explains why c does not accept a public comment at now.
func periodError(c *consultation.Consultation, now time.Time) error {
	switch {
	case c.State == consultation.Open && c.OpensAt != nil && now.Before(*c.OpensAt):
		return apperr.New(apperr.PeriodClosed, "comments.period_not_started", consultation.FormatDateTime(*c.OpensAt))
	case c.OpensAt != nil && (c.State == consultation.Open || c.State == consultation.Closed || c.State == consultation.InReview ||
		c.State == consultation.Returned || c.State == consultation.Approved || c.State == consultation.Rejected || c.State == consultation.Published):
		return apperr.New(apperr.PeriodClosed, "comments.period_closed", consultation.FormatDateTime(closedAt(c)))
	}
	return consultation.WrongState(c.State, "comment")
}

// manage loads c for a department-side comment action: Forbidden for
// anyone but the owning department's staff and admins (NotFound when the
// actor may not even see c).
func (s *Service) manage(ctx context.Context, actor auth.Principal, consultationID string) (*consultation.Consultation, error) {
	c, err := s.Consultations.Get(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	if !consultation.CanManage(actor, c) {
		return nil, apperr.New(apperr.Forbidden, "auth.department_only")
	}
	return c, nil
}

// scopedKey makes an Idempotency-Key private to the account that sent it,
// so one user's key can never return another user's receipt.
func scopedKey(actor auth.Principal, key string) string {
	if key == "" {
		return ""
	}
	who := "anon"
	if !actor.Anonymous() {
		who = "u:" + actor.UserID
	}
	sum := sha256.Sum256([]byte(who + "\x00" + key))
	return hex.EncodeToString(sum[:16])
}

func checkIdempotencyKey(key string) error {
	if key == "" {
		return nil
	}
	if len(key) > MaxIdempotencyKey || hasControl(key) {
		return apperr.New(apperr.BadRequest, "error.bad_param", "Idempotency-Key")
	}
	return nil
}

// Submit stores a resident's comment and returns its receipt once it is
// durable. Errors: NotFound (no such visible consultation), Unauthorized
// (anonymous commenting switched off), PeriodClosed (outside the period,
// naming it), Conflict (consultation not open), Invalid (fields),
// BadRequest (malformed Idempotency-Key). A retry with the same
// idempotencyKey by the same actor returns the first receipt and stores
// nothing.
func (s *Service) Submit(ctx context.Context, actor auth.Principal, consultationID string, in Submission, idempotencyKey string) (*Receipt, error) {
	idempotencyKey = strings.TrimSpace(idempotencyKey)
	if err := checkIdempotencyKey(idempotencyKey); err != nil {
		return nil, err
	}
	c, err := s.Consultations.Get(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	if actor.Anonymous() && !c.AllowAnonymous {
		return nil, apperr.New(apperr.Unauthorized, "comments.login_required")
	}
	key := scopedKey(actor, idempotencyKey)
	if key != "" {
		if prev, err := s.Store.CommentByIdempotencyKey(ctx, c.ID, key); err == nil {
			return receiptOf(prev, true), nil
		} else if !apperr.Is(err, apperr.NotFound) {
			return nil, err
		}
	}
	now := s.now()
	if !c.AcceptsComments(now) {
		return nil, periodError(c, now)
	}
	articles, err := s.articleIDs(ctx, c.ID, c.PublicVersion)
	if err != nil {
		return nil, err
	}
	form, err := in.validate(func(id string) bool { return articles[id] })
	if err != nil {
		return nil, err
	}
	cm := s.build(c, form, Online, now, now)
	cm.UserID = actor.UserID
	cm.IdempotencyKey = key
	return s.insertAndNotify(ctx, c, cm)
}

// EnterOffline stores a comment the department received by letter, email,
// phone, 座谈会 or 听证会. It is accepted after the period closed if it was
// received before the close. Errors: Forbidden (not the owning department),
// Conflict (consultation never opened, withdrawn or finalized), Invalid
// (fields, received date outside the period or in the future).
func (s *Service) EnterOffline(ctx context.Context, actor auth.Principal, consultationID string, in OfflineSubmission) (*Receipt, error) {
	c, err := s.manage(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	switch c.State {
	case consultation.Open, consultation.Closed, consultation.InReview, consultation.Returned, consultation.Approved:
	default:
		return nil, consultation.WrongState(c.State, "comment")
	}
	if c.OpensAt == nil || c.PublicVersion == 0 {
		return nil, consultation.WrongState(c.State, "comment")
	}
	now := s.now()
	v, err := s.Consultations.Store.Version(ctx, c.ID, c.PublicVersion)
	if err != nil {
		return nil, err
	}
	form, verr := in.Submission.validate(func(id string) bool { _, ok := v.Article(id); return ok })
	var f apperr.Fields
	if verr != nil {
		var ae *apperr.Error
		if errors.As(verr, &ae) {
			for _, fe := range ae.Fields {
				f.Add(fe.Field, fe.Key, fe.Args...)
			}
		}
	}
	validChannel := false
	for _, ch := range OfflineChannels {
		validChannel = validChannel || in.Channel == ch
	}
	if !validChannel {
		f.Add("channel", "field.invalid_choice", "letter, email, phone, symposium, hearing")
	}
	received, ok := parseReceived(in.ReceivedOn)
	switch {
	case strings.TrimSpace(in.ReceivedOn) == "":
		f.Add("received_on", "field.required")
	case !ok:
		f.Add("received_on", "field.bad_time")
	case received.After(now):
		f.Add("received_on", "comments.received_in_future")
	case !received.Before(closedAt(c)):
		f.Add("received_on", "comments.received_after_close", consultation.FormatDateTime(closedAt(c)))
	case received.Before(c.OpensAt.Add(-24 * time.Hour)):
		// A date-only entry may name the opening day itself.
		f.Add("received_on", "comments.received_before_open", consultation.FormatDateTime(*c.OpensAt))
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	cm := s.build(c, form, in.Channel, stamp(received), now)
	cm.EnteredBy = actor.UserID
	return s.insertAndNotify(ctx, c, cm)
}

// build makes the stored comment, public copy included.
func (s *Service) build(c *consultation.Consultation, in Submission, ch Channel, received, now time.Time) *Comment {
	sum := sha256.Sum256([]byte(in.Body))
	masked, _ := privacy.MaskText(in.Body)
	cm := &Comment{ID: ident.ID(), ConsultationID: c.ID, ArticleID: in.ArticleID, Version: c.PublicVersion,
		Body: in.Body, BodySHA256: hex.EncodeToString(sum[:]), PublicBody: masked,
		CommenterType: in.CommenterType, OrganizationName: in.OrganizationName, Display: in.Display,
		RealName: in.RealName, PublicName: publicName(in, privacy.MaskName),
		ContactPhone: in.ContactPhone, ContactEmail: in.ContactEmail,
		Channel: ch, ReceivedAt: received, CreatedAt: now, Status: Published}
	if c.Moderation {
		cm.Status = Pending
	}
	cm.GroupID = ExactGroupID(in.ArticleID, in.Body)
	cm.Bands = BandKeys(in.Body)
	return cm
}

// insert stores cm with a fresh receipt code, retrying a code collision;
// an idempotency-key collision (a concurrent retry) returns the first receipt.
func (s *Service) insert(ctx context.Context, cm *Comment) (*Receipt, error) {
	for attempt := 0; ; attempt++ {
		cm.Receipt = NewReceiptCode()
		err := s.Store.InsertComment(ctx, cm)
		if err == nil {
			break
		}
		if !errors.Is(err, ErrDuplicateKey) || attempt == 3 {
			return nil, err
		}
		if cm.IdempotencyKey != "" {
			if prev, perr := s.Store.CommentByIdempotencyKey(ctx, cm.ConsultationID, cm.IdempotencyKey); perr == nil {
				return receiptOf(prev, true), nil
			}
		}
	}
	// A member joining a group that was already answered inherits the answer.
	if g, err := s.Store.Group(ctx, cm.ConsultationID, cm.GroupID); err == nil && g.Disposition != nil && g.Count > 1 {
		d := *g.Disposition
		if err := s.Store.SetDisposition(ctx, cm.ID, d); err != nil {
			return nil, err
		}
	}
	return receiptOf(cm, false), nil
}

// insertAndNotify inserts cm and tells OnChange about a new comment.
func (s *Service) insertAndNotify(ctx context.Context, c *consultation.Consultation, cm *Comment) (*Receipt, error) {
	r, err := s.insert(ctx, cm)
	if err == nil && !r.Repeated {
		s.notify(ctx, c, cm)
	}
	return r, err
}

func (s *Service) notify(ctx context.Context, c *consultation.Consultation, cm *Comment) {
	if s.OnChange == nil {
		return
	}
	if err := s.OnChange(ctx, c, cm); err != nil && s.Consultations.Log != nil {
		s.Consultations.Log.Error("after a comment change", "comment", cm.ID, "err", err)
	}
}

// articleIDs returns the article ids of a version. Versions never change
// once frozen, so the sets are cached; a version still being drafted is
// never commented on (comments need an open consultation).
func (s *Service) articleIDs(ctx context.Context, consultationID string, n int) (map[string]bool, error) {
	key := fmt.Sprintf("%s/%d", consultationID, n)
	s.articleMu.Lock()
	ids, ok := s.articleSets[key]
	s.articleMu.Unlock()
	if ok {
		return ids, nil
	}
	v, err := s.Consultations.Store.Version(ctx, consultationID, n)
	if err != nil {
		return nil, err
	}
	ids = map[string]bool{}
	for _, a := range v.Articles() {
		ids[a.ID] = true
	}
	if v.Frozen {
		s.articleMu.Lock()
		if s.articleSets == nil || len(s.articleSets) > 1000 {
			s.articleSets = map[string]map[string]bool{}
		}
		s.articleSets[key] = ids
		s.articleMu.Unlock()
	}
	return ids, nil
}

func receiptOf(c *Comment, repeated bool) *Receipt {
	return &Receipt{Code: c.Receipt, BodySHA256: c.BodySHA256, ReceivedAt: c.ReceivedAt, CommentID: c.ID, Repeated: repeated}
}

// Receipt returns what the holder of a receipt code may know. No login is
// needed (the web layer rate-limits it). Errors: NotFound for a malformed or
// unknown code.
func (s *Service) Receipt(ctx context.Context, code string) (*ReceiptStatus, error) {
	canon, ok := NormalizeReceiptCode(code)
	if !ok {
		return nil, apperr.ErrNotFound
	}
	cm, err := s.Store.CommentByReceipt(ctx, canon)
	if err != nil {
		return nil, err
	}
	c, err := s.Consultations.Store.Consultation(ctx, cm.ConsultationID)
	if err != nil {
		return nil, err
	}
	c.Settle(s.now())
	st := &ReceiptStatus{Code: cm.Receipt, ReceivedAt: cm.ReceivedAt, BodySHA256: cm.BodySHA256, Status: cm.Status,
		Disposition: publicDisposition(cm.Disposition), ConsultationID: c.ID, ConsultationTitle: c.Title,
		ConsultationState: string(c.State)}
	if cm.Status == Declined && cm.Moderation != nil {
		st.DeclineReason = cm.Moderation.Reason
	}
	return st, nil
}

// comment loads a comment and its consultation for a department-side action.
func (s *Service) comment(ctx context.Context, actor auth.Principal, id string) (*Comment, *consultation.Consultation, error) {
	cm, err := s.Store.Comment(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.manage(ctx, actor, cm.ConsultationID)
	if err != nil {
		return nil, nil, err
	}
	return cm, c, nil
}

// Moderate publishes or declines a comment (先审后发). Declined comments stay
// in the record. Errors: NotFound, Forbidden (not the owning department),
// Invalid (action, reason not from the list, note), Conflict (already in
// that status, or changed concurrently).
func (s *Service) Moderate(ctx context.Context, actor auth.Principal, commentID string, in ModerationForm) (*Comment, error) {
	cm, c, err := s.comment(ctx, actor, commentID)
	if err != nil {
		return nil, err
	}
	var f apperr.Fields
	m := Moderation{Action: in.Action, Note: strings.TrimSpace(in.Note), By: actor.UserID, At: s.now()}
	var to Status
	switch in.Action {
	case Publish:
		to = Published
	case Decline:
		to = Declined
		valid := false
		for _, r := range DeclineReasons {
			valid = valid || in.Reason == r
		}
		if !valid {
			f.Add("reason", "field.invalid_choice", "spam, abusive, off_topic, personal_data, duplicate")
		}
		m.Reason = in.Reason
	default:
		f.Add("action", "field.invalid_choice", "publish, decline")
	}
	checkText(&f, "note", m.Note, MaxNote, false)
	if err := f.Err(); err != nil {
		return nil, err
	}
	if cm.Status == to {
		return nil, apperr.New(apperr.Conflict, "comments.already_moderated", i18n.M("status."+string(to)))
	}
	if err := s.Store.SetModeration(ctx, cm.ID, cm.Status, to, m); err != nil {
		return nil, err
	}
	if err := s.Consultations.Record(ctx, c, actor, "comment.moderated", false,
		map[string]any{"comment": cm.ID, "action": string(m.Action), "reason": string(m.Reason)}); err != nil {
		return nil, err
	}
	updated, err := s.Store.Comment(ctx, cm.ID)
	if err != nil {
		return nil, err
	}
	s.notify(ctx, c, updated)
	return updated, nil
}

// disposable checks that dispositions may still change: only until the
// decision is finalized (state published) and never for a withdrawn one.
func disposable(c *consultation.Consultation) error {
	switch c.State {
	case consultation.Open, consultation.Closed, consultation.InReview, consultation.Returned, consultation.Approved, consultation.Rejected:
		return nil
	}
	return consultation.WrongState(c.State, "dispose")
}

// articleChecker accepts the id of an article of any version of c.
func (s *Service) articleChecker(ctx context.Context, c *consultation.Consultation) (func(string) bool, error) {
	vs, err := s.Consultations.Store.Versions(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, v := range vs {
		for _, a := range v.Articles() {
			ids[a.ID] = true
		}
	}
	return func(id string) bool { return ids[id] }, nil
}

func (s *Service) disposition(ctx context.Context, actor auth.Principal, c *consultation.Consultation, in DispositionForm) (Disposition, error) {
	if err := disposable(c); err != nil {
		return Disposition{}, err
	}
	exists, err := s.articleChecker(ctx, c)
	if err != nil {
		return Disposition{}, err
	}
	form, err := in.validate(exists)
	if err != nil {
		return Disposition{}, err
	}
	return Disposition{Outcome: form.Outcome, Reason: form.Reason, ChangedArticles: form.ChangedArticles, By: actor.UserID, At: s.now()}, nil
}

// Dispose answers one comment (a member of a group may be answered apart
// from its group). Every change is kept with who and when. Errors: NotFound,
// Forbidden, Invalid (outcome, reason missing unless adopted, unknown
// article), Conflict (decision already finalized or withdrawn).
func (s *Service) Dispose(ctx context.Context, actor auth.Principal, commentID string, in DispositionForm) (*Comment, error) {
	cm, c, err := s.comment(ctx, actor, commentID)
	if err != nil {
		return nil, err
	}
	d, err := s.disposition(ctx, actor, c, in)
	if err != nil {
		return nil, err
	}
	if err := s.Store.SetDisposition(ctx, cm.ID, d); err != nil {
		return nil, err
	}
	if err := s.Consultations.Record(ctx, c, actor, "comment.disposed", true, map[string]any{
		"comment": cm.ID, "outcome": string(d.Outcome), "reason": d.Reason, "changed_articles": nonNil(d.ChangedArticles)}); err != nil {
		return nil, err
	}
	return s.Store.Comment(ctx, cm.ID)
}

// DisposeGroup answers a group once; every member inherits the answer, and
// members joining later take it too. Returns how many comments were
// answered. Errors as Dispose.
func (s *Service) DisposeGroup(ctx context.Context, actor auth.Principal, consultationID, groupID string, in DispositionForm) (int, error) {
	c, err := s.manage(ctx, actor, consultationID)
	if err != nil {
		return 0, err
	}
	if _, err := s.Store.Group(ctx, c.ID, groupID); err != nil {
		return 0, err
	}
	d, err := s.disposition(ctx, actor, c, in)
	if err != nil {
		return 0, err
	}
	d.GroupID = groupID
	n, err := s.Store.SetGroupDisposition(ctx, c.ID, groupID, d)
	if err != nil {
		return 0, err
	}
	if err := s.Consultations.Record(ctx, c, actor, "comment.group_disposed", true, map[string]any{
		"group": groupID, "count": n, "outcome": string(d.Outcome), "reason": d.Reason, "changed_articles": nonNil(d.ChangedArticles)}); err != nil {
		return 0, err
	}
	return n, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Merge joins groups into the first one named and returns its id. Members
// of the other groups take the first group's disposition if it has one.
// Errors: Forbidden, NotFound (a group), Invalid (fewer than two groups),
// Conflict (decision finalized).
func (s *Service) Merge(ctx context.Context, actor auth.Principal, consultationID string, groupIDs []string) (string, error) {
	c, err := s.manage(ctx, actor, consultationID)
	if err != nil {
		return "", err
	}
	if err := disposable(c); err != nil {
		return "", err
	}
	var ids []string
	seen := map[string]bool{}
	for _, g := range groupIDs {
		if g = strings.TrimSpace(g); g != "" && !seen[g] {
			seen[g] = true
			ids = append(ids, g)
		}
	}
	if len(ids) < 2 {
		var f apperr.Fields
		f.Add("group_ids", "comments.merge_two")
		return "", f.Err()
	}
	for _, g := range ids {
		if _, err := s.Store.Group(ctx, c.ID, g); err != nil {
			return "", err
		}
	}
	n, err := s.Store.MoveToGroup(ctx, c.ID, ids[0], ids[1:], nil)
	if err != nil {
		return "", err
	}
	if err := s.Consultations.Record(ctx, c, actor, "comment.groups_merged", false,
		map[string]any{"into": ids[0], "from": ids[1:], "moved": n}); err != nil {
		return "", err
	}
	return ids[0], nil
}

// Split takes a comment out of its group into a group of its own ("s"+id).
// It keeps its current disposition. Errors: NotFound, Forbidden, Conflict.
func (s *Service) Split(ctx context.Context, actor auth.Principal, commentID string) error {
	cm, c, err := s.comment(ctx, actor, commentID)
	if err != nil {
		return err
	}
	if err := disposable(c); err != nil {
		return err
	}
	own := "s" + cm.ID
	if cm.GroupID == own {
		return nil
	}
	if _, err := s.Store.MoveToGroup(ctx, c.ID, own, nil, []string{cm.ID}); err != nil {
		return err
	}
	return s.Consultations.Record(ctx, c, actor, "comment.split", false,
		map[string]any{"comment": cm.ID, "from": cm.GroupID, "into": own})
}
