package comments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"yugongkai/apperr"
	"yugongkai/attachment"
	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/i18n"
	"yugongkai/ident"
	"yugongkai/privacy"
	"yugongkai/vcode"
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
	// NearDuty is the share of one core the background near-duplicate pass
	// may use (near_job.go; default DefaultNearDuty, 1 = unpaced).
	NearDuty float64
	// NearBusy reports whether the server is serving others (a request
	// lately: web.Server.Busy): the pass rests only then, so on an idle
	// server it runs unpaced (goal 4: 1M comments within 5 minutes) and
	// beside users it keeps to NearDuty (goal 6). nil: always busy.
	NearBusy func() bool
	// nearRests counts the rests the passes took (the tests).
	nearRests atomic.Int64
	// ImportDuty is the share of its commit's time a large import works
	// (importpace.go; 0: DefaultImportDuty, 1: unpaced).
	ImportDuty float64
	// NearSketchFileItems: a pass over at least this many comments keeps its
	// sketches in a temporary file in NearSketchDir (os.TempDir() if "")
	// rather than in memory (0: DefaultNearSketchFileItems).
	NearSketchFileItems int
	NearSketchDir       string
	// OnChange, when set, is told when a comment is stored or moderated
	// (the search index follows published comments). Its error is logged
	// by the caller's logger only: the comment is already stored.
	OnChange func(ctx context.Context, c *consultation.Consultation, cm *Comment) error
	// OnSubmit, when set, is told after a resident's comment is stored,
	// instead of OnChange: it must return at once (the search index queue's
	// worker is kicked), so that what follows a commit is not in the
	// receipt's path. Nil: OnChange is called as for other changes.
	OnSubmit func()

	// SignHead signs a tree head's text with the instance's log key (a
	// golang.org/x/mod/sumdb/note signer) and returns the signed note; nil
	// leaves heads unsigned. LogKey is the matching verifier key, served to
	// anyone who checks a proof.
	SignHead func(text string) (string, error)
	LogKey   string
	// ContactHolders counts the contacts a consultation holds outside its
	// comments, for the contacts.expired event (expire.go); nil: none.
	ContactHolders ContactHolders

	// Blobs reads the bytes of attached files (attachments.go).
	Blobs attachment.Store

	// Codes sends and checks the codes that let a commenter act on their
	// comment by its contact (erase_contact.go); nil turns that off.
	Codes *vcode.Service

	// ExportPage is how many report rows the exports read at a time
	// (EachReportRow; default 500).
	ExportPage int

	articleMu   sync.Mutex
	articleSets map[string]map[string]bool

	sending sync.WaitGroup // lost-receipt messages in flight (lost_receipts.go)
	near    nearJobs       // near-duplicate passes running (near_job.go)
}

// NewService returns a Service on the wall clock with the default threshold.
func NewService(store Store, consultations *consultation.Service) *Service {
	return &Service{Store: store, Consultations: consultations, Now: time.Now, NearThreshold: DefaultNearThreshold}
}

// DefaultNearThreshold is the default Jaccard similarity for near-duplicates.
const DefaultNearThreshold = 0.8

// DefaultNearDuty is the default share of a core for the near-duplicate
// pass: 0.3, so that it takes about three times its CPU time in wall time.
// Since the pass reads only its texts (GroupTexts) it needs 0.72× the CPU,
// and at 0.3 it takes as long as it did at 0.5 before, at a lower
// intensity (docs/PERFORMANCE.md, "The pass reads only the texts").
const DefaultNearDuty = 0.3

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
	case c.OpensAt != nil && c.State != consultation.Withdrawn && c.State != consultation.Draft:
		return apperr.New(apperr.PeriodClosed, "comments.period_closed", consultation.FormatDateTime(closedAt(c)))
	}
	return consultation.WrongState(c.State, "comment")
}

// manage loads c for a department-side read (the staff workspace):
// Forbidden for anyone but the owning department's staff and admins
// (NotFound when the actor may not even see c).
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

// errNoChange lets a command's build say there is nothing to write.
var errNoChange = errors.New("comments: nothing to change")

// run carries out a comment command on consultation id as one commit: load
// the consultation, check action a against the lifecycle table, let build
// check the command's rules and fill the change, commit once. A command that
// lost a race with another runs again on a fresh read.
func (s *Service) run(ctx context.Context, actor auth.Principal, consultationID string, a consultation.Action, build func(c *consultation.Consultation, ch *Change) error) error {
	return consultation.Retry(func() error {
		c, err := s.Consultations.Get(ctx, actor, consultationID)
		if err != nil {
			return err
		}
		if err := consultation.Check(actor, c, a); err != nil {
			return err
		}
		ch := &Change{Change: consultation.Change{Consultation: c}}
		if err := build(c, ch); err != nil {
			if errors.Is(err, errNoChange) {
				return nil
			}
			return err
		}
		return s.commit(ctx, ch)
	})
}

// onComment runs a command on one comment: it finds the comment's
// consultation, then runs build with the comment as read in that attempt.
func (s *Service) onComment(ctx context.Context, actor auth.Principal, commentID string, a consultation.Action, build func(c *consultation.Consultation, cm *Comment, ch *Change) error) error {
	first, err := s.Store.Comment(ctx, commentID)
	if err != nil {
		return err
	}
	return s.run(ctx, actor, first.ConsultationID, a, func(c *consultation.Consultation, ch *Change) error {
		cm, err := s.Store.Comment(ctx, commentID)
		if err != nil {
			return err
		}
		return build(c, cm, ch)
	})
}

// commit stores ch in one store commit and tells the consultation's
// followers of the change.
func (s *Service) commit(ctx context.Context, ch *Change) error {
	cid := ch.ConsultationID()
	ch.Index = ch.Index[:0]
	if ch.Write != consultation.CheckRev && ch.ChangedFields() {
		ch.Index = append(ch.Index, consultation.IndexJob{Kind: consultation.IndexConsultation, ID: cid, Consultation: cid})
	}
	for _, cm := range ch.Insert {
		ch.Index = append(ch.Index, consultation.IndexJob{Kind: consultation.IndexComment, ID: cm.ID, Consultation: cid})
	}
	for _, m := range ch.Moderate {
		ch.Index = append(ch.Index, consultation.IndexJob{Kind: consultation.IndexComment, ID: m.ID, Consultation: cid})
	}
	for _, r := range ch.Redact {
		ch.Index = append(ch.Index, consultation.IndexJob{Kind: consultation.IndexComment, ID: r.ID, Consultation: cid})
	}
	for _, w := range ch.Withdraw {
		ch.Index = append(ch.Index, consultation.IndexJob{Kind: consultation.IndexComment, ID: w.ID, Consultation: cid})
	}
	if err := s.Store.Commit(ctx, ch); err != nil {
		return err
	}
	if ch.Write != consultation.CheckRev && ch.ChangedFields() && s.Consultations.OnChange != nil {
		if err := s.Consultations.OnChange(ctx, ch.Consultation); err != nil && s.Consultations.Log != nil {
			s.Consultations.Log.ErrorContext(ctx, "after a consultation change", "consultation", ch.Consultation.ID, "err", err)
		}
	}
	return nil
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
// nothing. The comment is stored only if the consultation is still as the
// submitter's request found it (a close in between refuses it).
func (s *Service) Submit(ctx context.Context, actor auth.Principal, consultationID string, in Submission, idempotencyKey string) (*Receipt, error) {
	idempotencyKey = strings.TrimSpace(idempotencyKey)
	if err := checkIdempotencyKey(idempotencyKey); err != nil {
		return nil, err
	}
	key := scopedKey(actor, idempotencyKey)
	metas, blobs, err := acceptFiles(in.Files) // attachments.go
	if err != nil {
		return nil, err
	}
	var r *Receipt
	err = consultation.Retry(func() error {
		c, err := s.Consultations.Get(ctx, actor, consultationID)
		if err != nil {
			return err
		}
		if actor.Anonymous() && !c.AllowAnonymous {
			return apperr.New(apperr.Unauthorized, "comments.login_required")
		}
		if key != "" {
			if prev, err := s.Store.CommentByIdempotencyKey(ctx, c.ID, key); err == nil {
				r = receiptOf(prev, true)
				return nil
			} else if !apperr.Is(err, apperr.NotFound) {
				return err
			}
		}
		now := s.now()
		if !c.AcceptsComments(now) {
			return periodError(c, now)
		}
		articles, err := s.articleIDs(ctx, c.ID, c.PublicVersion)
		if err != nil {
			return err
		}
		form, err := in.validate(func(id string) bool { return articles[id] })
		if err != nil {
			return err
		}
		cm := s.build(c, form, Online, now, now)
		cm.UserID = actor.UserID
		cm.IdempotencyKey = key
		ch := &Change{Change: consultation.Change{Consultation: c, Write: consultation.CheckRev}}
		withFiles(cm, ch, metas, blobs)
		r, err = s.insert(ctx, ch, cm)
		return err
	})
	if err != nil {
		return nil, err
	}
	switch {
	case r.Repeated:
	case s.OnSubmit != nil:
		s.OnSubmit()
	default:
		_, _ = s.notifyID(ctx, r.CommentID) // the comment is stored; the index catches up from its queue
	}
	return r, nil
}

// EnterOffline stores a comment the department received by letter, email,
// phone, 座谈会 or 听证会. It is accepted after the period closed if it was
// received before the close, and is an event in the history (so a comment
// entered during review shows the reviewer that the package changed).
// Errors: Forbidden (not the owning department), Conflict (consultation
// never opened, withdrawn or finalized), Invalid (fields, received date
// outside the period or in the future).
func (s *Service) EnterOffline(ctx context.Context, actor auth.Principal, consultationID string, in OfflineSubmission) (*Receipt, error) {
	var r *Receipt
	metas, blobs, err := acceptFiles(in.Files) // attachments.go
	if err != nil {
		return nil, err
	}
	build := func(c *consultation.Consultation, ch *Change) error {
		if c.OpensAt == nil || c.PublicVersion == 0 {
			return consultation.WrongState(c.State, "comment")
		}
		now := s.now()
		v, err := s.Consultations.Store.Version(ctx, c.ID, c.PublicVersion)
		if err != nil {
			return err
		}
		form, received, err := checkOffline(c, in, func(id string) bool { _, ok := v.Article(id); return ok }, now)
		if err != nil {
			return err
		}
		cm := s.build(c, form, in.Channel, stamp(received), now)
		cm.EnteredBy = actor.UserID
		cm.Signatories = in.Signatories
		cm.Receipt = NewReceiptCode()
		withFiles(cm, ch, metas, blobs)
		ch.Insert = []*Comment{cm}
		ch.Notify = receiptNotifications(c, cm, now) // outbox: a copy of the receipt
		r = receiptOf(cm, false)
		return s.Consultations.Record(&ch.Change, actor, "comment.entered", false, map[string]any{
			"comment": cm.ID, "channel": string(cm.Channel), "received_at": cm.ReceivedAt, "state": string(c.State)})
	}
	for attempt := 0; attempt < 3; attempt++ { // a receipt code collision (one in 2^60) draws again
		if err = s.run(ctx, actor, consultationID, consultation.ActOffline, build); !errors.Is(err, ErrDuplicateKey) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	_, _ = s.notifyID(ctx, r.CommentID)
	return r, nil
}

// checkOffline validates a comment received offline against consultation
// c at now: the submission's fields, the channel, and a received date inside
// the period (not in the future). It returns the trimmed form and the
// instant received, or an Invalid error naming every bad field.
func checkOffline(c *consultation.Consultation, in OfflineSubmission, articleOK func(string) bool, now time.Time) (Submission, time.Time, error) {
	form, verr := in.Submission.validate(articleOK)
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
	checkSignatories(&f, in.Signatories)
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
	return form, received, f.Err()
}

// build makes the stored comment, public copy included.
func (s *Service) build(c *consultation.Consultation, in Submission, ch Channel, received, now time.Time) *Comment {
	sum := sha256.Sum256([]byte(in.Body))
	masked, _ := privacy.MaskText(in.Body)
	cm := &Comment{ID: ident.ID(), ConsultationID: c.ID, ArticleID: in.ArticleID, Version: c.PublicVersion,
		Body: in.Body, BodySHA256: hex.EncodeToString(sum[:]), PublicBody: masked,
		CommenterType: in.CommenterType, OrganizationName: in.OrganizationName, Display: in.Display,
		RealName: in.RealName, PublicName: publicName(in, privacy.MaskName),
		ContactPhone: in.ContactPhone, ContactEmail: in.ContactEmail, Stance: in.Stance,
		Channel: ch, ReceivedAt: received, CreatedAt: now, Status: Published}
	cm.Notify, cm.Lang = in.wantsNotify(), in.Lang // notify.go
	cm.OnBehalfOf = in.OnBehalfOf
	cm.PublicOnBehalfOf, _ = privacy.MaskText(in.OnBehalfOf)
	if c.Moderation {
		cm.Status = Pending
	}
	cm.GroupID = ExactGroupID(in.ArticleID, in.Body)
	cm.Bands = BandKeys(in.Body)
	withSuggestion(cm, in) // suggest.go
	return cm
}

// insert commits ch with cm inserted, drawing a fresh receipt code after a
// collision; an idempotency-key collision (a concurrent retry) returns the
// first receipt.
func (s *Service) insert(ctx context.Context, ch *Change, cm *Comment) (*Receipt, error) {
	ch.Insert = []*Comment{cm}
	for attempt := 0; ; attempt++ {
		cm.Receipt = NewReceiptCode()
		ch.Notify = receiptNotifications(ch.Consultation, cm, s.now()) // outbox: a copy of the receipt
		err := s.commit(ctx, ch)
		if err == nil {
			return receiptOf(cm, false), nil
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
}

// notifyID reads a comment just committed and tells OnChange about it (the
// search index follows published comments).
func (s *Service) notifyID(ctx context.Context, id string) (*Comment, error) {
	cm, err := s.Store.Comment(ctx, id)
	if err != nil {
		return nil, err
	}
	if s.OnChange != nil {
		if c, err := s.Consultations.Store.Consultation(ctx, cm.ConsultationID); err == nil {
			s.notify(ctx, c, cm)
		}
	}
	return cm, nil
}

func (s *Service) notify(ctx context.Context, c *consultation.Consultation, cm *Comment) {
	if s.OnChange == nil {
		return
	}
	if err := s.OnChange(ctx, c, cm); err != nil && s.Consultations.Log != nil {
		s.Consultations.Log.ErrorContext(ctx, "after a comment change", "comment", cm.ID, "err", err)
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
	return &Receipt{Code: c.Receipt, LeafIndex: c.LeafIndex, BodySHA256: c.BodySHA256, ReceivedAt: c.ReceivedAt, CommentID: c.ID, Repeated: repeated}
}

// Receipt returns what the holder of a receipt code may know. No login is
// needed (the web layer rate-limits it). Errors: NotFound for a malformed or
// unknown code.
func (s *Service) Receipt(ctx context.Context, code string) (*ReceiptStatus, error) {
	cm, err := s.receiptComment(ctx, code)
	if err != nil {
		return nil, err
	}
	c, err := s.Consultations.Store.Consultation(ctx, cm.ConsultationID)
	if err != nil {
		return nil, err
	}
	c.Settle(s.now())
	st := &ReceiptStatus{Code: cm.Receipt, LeafIndex: cm.LeafIndex, ReceivedAt: cm.ReceivedAt, BodySHA256: cm.BodySHA256, Status: cm.Status,
		Disposition: publicDisposition(cm.Disposition), ConsultationID: c.ID, ConsultationTitle: c.Title,
		ConsultationState: string(c.State)}
	if cm.Status == Declined && cm.Moderation != nil {
		st.DeclineReason = cm.Moderation.Reason
	}
	withdrawalStatus(st, c, cm, s.now()) // withdraw.go
	s.receiptText(ctx, st, c, cm)        // receipt_text.go
	return st, nil
}

// moderation validates a moderation form: the moderation to record and
// the status it moves a comment to.
func (in ModerationForm) moderation(actor auth.Principal, now time.Time) (Moderation, Status, error) {
	var f apperr.Fields
	m := Moderation{Action: in.Action, Note: strings.TrimSpace(in.Note), By: actor.UserID, At: now}
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
	return m, to, f.Err()
}

// MaxModerateMany bounds one bulk moderation (a page of the queue).
const MaxModerateMany = 200

// ModerateMany publishes or declines several comments of a consultation
// with one action, reason and note, in one commit: each comment gets its
// moderation and its event in the history, as with Moderate. Comments
// already in the target status are left as they are. Returns how many
// changed. Errors: Forbidden, Invalid (no comment named, too many, action,
// reason, note), NotFound (a comment not of this consultation), Conflict
// (the comment record is closed).
func (s *Service) ModerateMany(ctx context.Context, actor auth.Principal, consultationID string, ids []string, in ModerationForm) (int, error) {
	var unique []string
	seen := map[string]bool{}
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" && !seen[id] {
			seen[id] = true
			unique = append(unique, id)
		}
	}
	var changed []string
	err := s.run(ctx, actor, consultationID, consultation.ActModerate, func(c *consultation.Consultation, ch *Change) error {
		changed = changed[:0]
		m, to, err := in.moderation(actor, s.now())
		var f apperr.Fields
		switch {
		case len(unique) == 0:
			f.Add("ids", "comments.select_some")
		case len(unique) > MaxModerateMany:
			f.Add("ids", "comments.too_many", MaxModerateMany)
		}
		if err := f.Err(); err != nil {
			return err
		}
		if err != nil {
			return err
		}
		for _, id := range unique {
			cm, err := s.Store.Comment(ctx, id)
			if err != nil {
				return err
			}
			if cm.ConsultationID != c.ID {
				return apperr.New(apperr.NotFound, "error.not_found")
			}
			if cm.Status == to || cm.Status == Withdrawn {
				continue
			}
			ch.Moderate = append(ch.Moderate, Moderated{ID: cm.ID, From: cm.Status, To: to, M: m})
			if err := s.Consultations.Record(&ch.Change, actor, "comment.moderated", false,
				map[string]any{"comment": cm.ID, "action": string(m.Action), "reason": string(m.Reason)}); err != nil {
				return err
			}
			changed = append(changed, cm.ID)
		}
		if len(changed) == 0 {
			return errNoChange
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, id := range changed {
		if _, err := s.notifyID(ctx, id); err != nil {
			return len(changed), err
		}
	}
	return len(changed), nil
}

// Moderate publishes or declines a comment (先审后发). Declined comments stay
// in the record. Errors: NotFound, Forbidden (not the owning department),
// Invalid (action, reason not from the list, note), Conflict (already in
// that status, or the decision is published or withdrawn: the comment
// record is closed then).
func (s *Service) Moderate(ctx context.Context, actor auth.Principal, commentID string, in ModerationForm) (*Comment, error) {
	err := s.onComment(ctx, actor, commentID, consultation.ActModerate, func(c *consultation.Consultation, cm *Comment, ch *Change) error {
		m, to, err := in.moderation(actor, s.now())
		if err != nil {
			return err
		}
		if cm.Status == to {
			return apperr.New(apperr.Conflict, "comments.already_moderated", i18n.M("status."+string(to)))
		}
		if err := notWithdrawn(cm); err != nil { // withdraw.go
			return err
		}
		ch.Moderate = []Moderated{{ID: cm.ID, From: cm.Status, To: to, M: m}}
		ch.Notify = moderationNotifications(c, cm, to, m, m.At) // outbox: published / not published
		return s.Consultations.Record(&ch.Change, actor, "comment.moderated", false,
			map[string]any{"comment": cm.ID, "action": string(m.Action), "reason": string(m.Reason)})
	})
	if err != nil {
		return nil, err
	}
	return s.notifyID(ctx, commentID)
}

// RedactForm hides a span of a comment's public copy: Start and End are
// rune offsets into the public copy as shown to staff (End exclusive).
type RedactForm struct {
	Start int `json:"start"`
	End   int `json:"end"`
	// Text, when given instead of a span, hides its first occurrence.
	Text   string          `json:"text"`
	Reason RedactionReason `json:"reason" jsonschema:"required"`
}

// Redact hides a span of a comment's public copy behind ［已隐去］ without
// declining the comment. The original stays for staff; the redaction is an
// event in the history. Errors: NotFound, Forbidden, Invalid (span, reason),
// Conflict (decision published or withdrawn).
func (s *Service) Redact(ctx context.Context, actor auth.Principal, commentID string, in RedactForm) (*Comment, error) {
	err := s.onComment(ctx, actor, commentID, consultation.ActModerate, func(c *consultation.Consultation, cm *Comment, ch *Change) error {
		var f apperr.Fields
		public := []rune(cm.PublicBody)
		if text := strings.TrimSpace(in.Text); text != "" {
			if i := strings.Index(cm.PublicBody, text); i >= 0 {
				in.Start = utf8.RuneCountInString(cm.PublicBody[:i])
				in.End = in.Start + utf8.RuneCountInString(text)
			} else {
				f.Add("text", "comments.redact_not_found")
			}
		}
		if !f.Has("text") && (in.Start < 0 || in.End <= in.Start || in.End > len(public)) {
			f.Add("start", "comments.redact_span", len(public))
		}
		valid := false
		for _, r := range RedactionReasons {
			valid = valid || in.Reason == r
		}
		if !valid {
			f.Add("reason", "field.invalid_choice", "personal_data, third_party, abusive, trade_secret")
		}
		if err := f.Err(); err != nil {
			return err
		}
		body := string(public[:in.Start]) + RedactedMark + string(public[in.End:])
		red := Redaction{Start: in.Start, End: in.End, Reason: in.Reason, By: actor.UserID, At: s.now()}
		ch.Redact = []Redacted{{ID: cm.ID, PublicBody: body, R: red}}
		sum := sha256.Sum256([]byte(body))
		return s.Consultations.Record(&ch.Change, actor, "comment.redacted", true, map[string]any{
			"comment": cm.ID, "reason": string(in.Reason), "start": in.Start, "end": in.End, "public_sha256": hex.EncodeToString(sum[:])})
	})
	if err != nil {
		return nil, err
	}
	return s.notifyID(ctx, commentID)
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
	err := s.onComment(ctx, actor, commentID, consultation.ActDispose, func(c *consultation.Consultation, cm *Comment, ch *Change) error {
		if err := notWithdrawn(cm); err != nil { // withdraw.go
			return err
		}
		d, err := s.disposition(ctx, actor, c, withWordingArticle(in, cm.ArticleID))
		if err != nil {
			return err
		}
		if err := s.acceptWording(ctx, c, &d, in.AcceptedText, cm.ArticleID); err != nil { // suggest.go
			return err
		}
		ch.Dispose = []Disposed{{ID: cm.ID, D: d}}
		ch.Notify = suggestionNotifications(c, cm, d, d.At)
		return s.Consultations.Record(&ch.Change, actor, "comment.disposed", true, withAccepted(map[string]any{
			"comment": cm.ID, "outcome": string(d.Outcome), "reason": d.Reason, "changed_articles": nonNil(d.ChangedArticles)}, d))
	})
	if err != nil {
		return nil, err
	}
	return s.Store.Comment(ctx, commentID)
}

// DisposeGroup answers a group once; every member inherits the answer, and
// members joining later take it too. Returns how many comments the group
// holds. Errors as Dispose.
func (s *Service) DisposeGroup(ctx context.Context, actor auth.Principal, consultationID, groupID string, in DispositionForm) (int, error) {
	err := s.run(ctx, actor, consultationID, consultation.ActDispose, func(c *consultation.Consultation, ch *Change) error {
		g, err := s.Store.Group(ctx, c.ID, groupID)
		if err != nil {
			return err
		}
		if err := notWithdrawnGroup(groupID); err != nil { // withdraw.go
			return err
		}
		d, err := s.disposition(ctx, actor, c, withWordingArticle(in, g.ArticleID))
		if err != nil {
			return err
		}
		if err := s.acceptWording(ctx, c, &d, in.AcceptedText, g.ArticleID); err != nil { // suggest.go
			return err
		}
		d.GroupID = groupID
		if ch.Notify, err = s.groupSuggestionNotifications(ctx, c, groupID, d); err != nil {
			return err
		}
		ch.DisposeGroup = &GroupDisposed{GroupID: groupID, D: d}
		return s.Consultations.Record(&ch.Change, actor, "comment.group_disposed", true, withAccepted(map[string]any{
			"group": groupID, "outcome": string(d.Outcome), "reason": d.Reason, "changed_articles": nonNil(d.ChangedArticles)}, d))
	})
	if err != nil {
		return 0, err
	}
	g, err := s.Store.Group(ctx, consultationID, groupID)
	if err != nil {
		return 0, err
	}
	return g.Count, nil
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
	var ids []string
	seen := map[string]bool{}
	for _, g := range groupIDs {
		if g = strings.TrimSpace(g); g != "" && !seen[g] {
			seen[g] = true
			ids = append(ids, g)
		}
	}
	err := s.run(ctx, actor, consultationID, consultation.ActDispose, func(c *consultation.Consultation, ch *Change) error {
		if len(ids) < 2 {
			var f apperr.Fields
			f.Add("group_ids", "comments.merge_two")
			return f.Err()
		}
		for _, g := range ids {
			grp, err := s.Store.Group(ctx, c.ID, g)
			if err != nil {
				return err
			}
			// A group merged away (or emptied) since the proposal was made
			// is gone: merging it again would move nothing and hide the
			// change from the staff who asked.
			if grp.MergedInto != "" || grp.Count == 0 {
				return apperr.New(apperr.Conflict, "comments.group_gone")
			}
			if err := notWithdrawnGroup(g); err != nil { // withdraw.go
				return err
			}
		}
		ch.Move = &Moved{To: ids[0], From: ids[1:]}
		return s.Consultations.Record(&ch.Change, actor, "comment.groups_merged", false,
			map[string]any{"into": ids[0], "from": ids[1:]})
	})
	if err != nil {
		return "", err
	}
	return ids[0], nil
}

// Split takes a comment out of its group into a group of its own ("s"+id).
// It keeps its current disposition. Errors: NotFound, Forbidden, Conflict.
func (s *Service) Split(ctx context.Context, actor auth.Principal, commentID string) error {
	return s.onComment(ctx, actor, commentID, consultation.ActDispose, func(c *consultation.Consultation, cm *Comment, ch *Change) error {
		own := "s" + cm.ID
		if cm.GroupID == own {
			return errNoChange
		}
		if err := notWithdrawn(cm); err != nil { // withdraw.go
			return err
		}
		ch.Move = &Moved{To: own, IDs: []string{cm.ID}}
		return s.Consultations.Record(&ch.Change, actor, "comment.split", false,
			map[string]any{"comment": cm.ID, "from": cm.GroupID, "into": own})
	})
}
