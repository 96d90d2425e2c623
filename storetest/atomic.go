package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"yugongkai/apperr"
	"yugongkai/attachment"
	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/history"
	"yugongkai/notify"
	"yugongkai/search"
	"yugongkai/surveys"
)

// The atomicity contract: every command of the procedure takes full effect or
// none, whichever write of it fails, and commands racing on one consultation
// leave a consistent record. It runs the real services over the store.

// Faults fails the k-th write of a store while armed. Stores call Hook
// before every write (sqlite.WithFaults, mongodb.WithFaults).
type Faults struct {
	mu    sync.Mutex
	armed bool
	k, n  int
}

// ErrInjected is the error of an injected write failure.
var ErrInjected = errors.New("storetest: injected write failure")

// Hook is the store's fault hook.
func (f *Faults) Hook(op string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.armed {
		return nil
	}
	f.n++
	if f.n == f.k {
		return fmt.Errorf("%w (write %d: %.60s)", ErrInjected, f.n, op)
	}
	return nil
}

func (f *Faults) arm(k int) {
	f.mu.Lock()
	f.armed, f.k, f.n = true, k, 0
	f.mu.Unlock()
}

// disarm stops injecting and reports how many writes were made while armed.
func (f *Faults) disarm() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.armed = false
	return f.n
}

// AtomicStores is a set of stores that call a Faults hook.
type AtomicStores struct {
	Auth          auth.Store
	Consultations consultation.Store
	Comments      comments.Store
	// Queue is the store's search index queue: a failed commit queues nothing.
	Queue search.Queue
	// IndexAtLeastOnce says the store's batched index writes are not one
	// transaction (MongoDB): a failed batch may be partly written, its
	// jobs staying queued (search.BatchIndex). Its drains are Shared.
	IndexAtLeastOnce bool
	// Outbox is the store's notification outbox: a failed commit leaves
	// no notification, a successful one every notification it causes.
	Outbox notify.Store
	// Blobs reads the bytes of attached files (attachments.go).
	Blobs attachment.Store
	// Recover does what a restart does after a crash (MongoDB rolls its
	// commit log forward); nil when the store needs nothing.
	Recover func(t *testing.T)
	// Surveys is the store's survey responses (storetest/atomic_surveys.go).
	Surveys surveys.Store
	// RaceTrials is how often each racing pair runs (default 3).
	RaceTrials int
	// AllPairs races every pair of commands that run at the same stage,
	// not only the listed ones (races).
	AllPairs bool
	// Snapshot, if set, saves the whole stored state and returns a
	// function that puts it back: the fault test then builds each
	// command's fixture once instead of once per failing write.
	Snapshot func(t *testing.T) (restore func(t *testing.T))
}

// AtomicOpener opens fresh stores whose writes go through f.Hook.
type AtomicOpener func(t *testing.T, f *Faults) AtomicStores

// RunAtomic runs the atomicity contract.
func RunAtomic(t *testing.T, open AtomicOpener) {
	t.Run("FaultAtEveryWrite", func(t *testing.T) { testFaults(t, open) })
	t.Run("RacingCommands", func(t *testing.T) { testRaces(t, open) })
	t.Run("SearchDrainAtFault", func(t *testing.T) { testSearchDrainFaults(t, open) })
}

// world is the services over one store set, on a fixed clock.
type world struct {
	t  *testing.T
	s  AtomicStores
	f  *Faults
	cs *consultation.Service
	ms *comments.Service
}

var (
	atomicStaff    = auth.Principal{UserID: "s1", Username: "s1", Role: auth.Staff, DepartmentID: "dept"}
	atomicLegal    = auth.Principal{UserID: "l1", Username: "l1", Role: auth.Legal}
	atomicResident = auth.Principal{UserID: "r1", Username: "r1", Role: auth.Resident}
)

func newWorld(t *testing.T, open AtomicOpener) *world {
	f := &Faults{}
	s := open(t, f)
	w := &world{t: t, s: s, f: f}
	clock := func() time.Time { return T0 }
	w.cs = consultation.NewService(s.Consultations, s.Auth)
	w.cs.Now = clock
	w.cs.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	w.ms = comments.NewService(s.Comments, w.cs)
	w.ms.Now = clock
	w.ms.Blobs = s.Blobs
	w.cs.Blobs = s.Blobs
	w.cs.Facts = w.ms.Facts
	w.cs.LogHead = w.ms.SignedLogHead
	w.cs.AnswerNotices = w.ms.AnswerNotifications
	w.cs.FollowerNotices = notify.FanOut        // fan-out rows in the commits of opened, extended, closed early, decided
	if h, ok := s.Outbox.(contactHolders); ok { // expire.go
		w.ms.ContactHolders = h.ContactHolders
	}
	must(t, s.Auth.CreateDepartment(ctx, &auth.Department{ID: "dept", Name: "县农业农村局", CreatedAt: T0}))
	return w
}

const atomicText = "某县养犬管理办法（征求意见稿）\n\n第一条　为了规范养犬行为，制定本办法。\n第二条　本办法适用于本县城区。\n第三条　养犬人应当依法登记。\n"

// fixture is a consultation brought to a stage, with the ids commands need.
type fixture struct {
	c        *consultation.Consultation
	articles []string
	pending  string // a pending comment
	member   string // a published member of the identical group
	group    string // the identical group (three members)
	lone     string // the group of a single published comment
	hearing  string // the hearing announced (hearings.go)
	survey   string // an open survey with one response (atomic_surveys.go)
}

func (w *world) ok(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

// stage builds a consultation at stage: draft, open, closed, in_review,
// approved or published. With the suffix "+comments" it holds four
// comments from open on: three identical (one still pending) and one alone,
// all answered from closed on. (Fixtures are built for every failing write
// a store survives by rolling forward, so they are kept as small as the
// command allows.)
func (w *world) stage(name string) *fixture {
	w.t.Helper()
	if base, tok := cutHearing(name); tok != "" { // hearings.go
		return w.withHearing(w.stage(base), tok)
	}
	if base, ok := cutSurvey(name); ok {
		return w.surveyStage(base)
	}
	stage, withComments := strings.CutSuffix(name, "+comments")
	fx := &fixture{}
	ptr := func(s string) *string { return &s }
	typ := consultation.MajorDecision
	c, err := w.cs.Create(ctx, atomicStaff, consultation.DraftForm{Title: ptr("某县养犬管理办法（征求意见稿）"), ProcedureType: &typ,
		Explanation: ptr("起草说明"), LegalBasis: ptr("《动物防疫法》"), Contact: &consultation.Contact{Department: "县农业农村局", Phone: "0571-1"},
		Channels: &consultation.Channels{Email: "yj@example.cn"}, Text: ptr(atomicText)})
	w.ok(err)
	fx.c = c
	if stage == "draft" {
		return fx
	}
	c, err = w.cs.Publish(ctx, atomicStaff, c.ID, consultation.PublishForm{ClosesAt: "2027-01-31"})
	w.ok(err)
	v, err := w.s.Consultations.Version(ctx, c.ID, 1)
	w.ok(err)
	for _, a := range v.Articles() {
		fx.articles = append(fx.articles, a.ID)
	}
	if !withComments {
		return w.advance(fx, stage)
	}
	var same []*comments.Receipt
	for i := 0; i < 3; i++ {
		// The outbox: the first comment's commenter is notified by
		// email (opt-in by default), the pending one's by email and SMS.
		sub := comments.Submission{ArticleID: fx.articles[0], Body: "建议明确犬只登记的期限。", Display: comments.Anonymous}
		switch i {
		case 0:
			sub.ContactEmail = "first@example.cn"
		case 2:
			sub.ContactEmail, sub.ContactPhone = "third@example.cn", "13900001111"
		}
		r, err := w.ms.Submit(ctx, atomicResident, c.ID, sub, "")
		w.ok(err)
		same = append(same, r)
	}
	// A contact without the opt-in: never notified.
	r, err := w.ms.Submit(ctx, atomicResident, c.ID, comments.Submission{Body: "建议增加文明养犬宣传，电话13812345678。", Display: comments.Anonymous,
		ContactEmail: "quiet@example.cn", Notify: ptrTo(false)}, "")
	w.ok(err)
	for _, id := range []string{same[0].CommentID, same[1].CommentID, r.CommentID} {
		_, err := w.ms.Moderate(ctx, atomicStaff, id, comments.ModerationForm{Action: comments.Publish})
		w.ok(err)
	}
	fx.pending, fx.member = same[2].CommentID, same[1].CommentID
	cm, err := w.s.Comments.Comment(ctx, same[0].CommentID)
	w.ok(err)
	fx.group = cm.GroupID
	cm, err = w.s.Comments.Comment(ctx, r.CommentID)
	w.ok(err)
	fx.lone = cm.GroupID
	if stage == "open" {
		return w.advance(fx, stage)
	}
	_, err = w.ms.DisposeGroup(ctx, atomicStaff, c.ID, fx.group, comments.DispositionForm{Outcome: comments.Adopted, ChangedArticles: []string{fx.articles[0]}})
	w.ok(err)
	_, err = w.ms.Dispose(ctx, atomicStaff, r.CommentID, comments.DispositionForm{Outcome: comments.NotAdopted, Reason: "已有规定。"})
	w.ok(err)
	return w.advance(fx, stage)
}

// advance takes an open fixture on to stage.
func (w *world) advance(fx *fixture, stage string) *fixture {
	w.t.Helper()
	c := fx.c
	if stage == "open" {
		fx.c = w.get(c.ID)
		return fx
	}
	_, err := w.cs.Close(ctx, atomicStaff, c.ID, consultation.CloseForm{Reason: "测试", ShorteningReason: "时间紧迫"})
	w.ok(err)
	if stage == "closed" {
		fx.c = w.get(c.ID)
		return fx
	}
	_, err = w.cs.Revise(ctx, atomicStaff, c.ID, consultation.RevisionForm{Text: atomicText + "第四条　本办法自公布之日起施行。\n"})
	w.ok(err)
	_, err = w.cs.SubmitForReview(ctx, atomicStaff, c.ID, consultation.SubmitForm{})
	w.ok(err)
	if stage == "in_review" {
		fx.c = w.get(c.ID)
		return fx
	}
	_, err = w.cs.GiveOpinion(ctx, atomicLegal, c.ID, consultation.OpinionForm{Outcome: consultation.Lawful, Opinion: "经审查，草案合法。"})
	w.ok(err)
	// A 重大行政决策 is finalized after its collective decision.
	_, err = w.cs.RecordStep(ctx, atomicStaff, c.ID, consultation.StepForm{Kind: consultation.CollectiveDecision, HeldOn: "2026-11-30",
		Participants: "县政府第12次常务会议", Summary: "会议讨论通过。", Outcome: consultation.DecisionPassed, Public: true})
	w.ok(err)
	if stage == "approved" {
		fx.c = w.get(c.ID)
		return fx
	}
	_, err = w.cs.Finalize(ctx, atomicLegal, c.ID, finalizeForm(c.ID))
	w.ok(err)
	fx.c = w.get(c.ID)
	return fx
}

func finalizeForm(id string) consultation.FinalizeForm {
	return consultation.FinalizeForm{Interpretation: "政策解读。", DocumentNumber: "某政发〔2026〕" + id + "号", AdoptedOn: "2026-11-30", EffectiveOn: "2026-12-01"}
}

func (w *world) get(id string) *consultation.Consultation {
	w.t.Helper()
	c, err := w.s.Consultations.Consultation(ctx, id)
	w.ok(err)
	return c
}

// command is one command of the procedure run on a fixture.
type command struct {
	name  string
	stage string
	run   func(w *world, fx *fixture) error
}

var commands = []command{
	{"create", "", func(w *world, fx *fixture) error {
		title := "某县禁止燃放烟花爆竹的规定"
		_, err := w.cs.Create(ctx, atomicStaff, consultation.DraftForm{Title: &title, ProcedureType: ptrTo(consultation.Other), Text: ptrTo(atomicText)})
		return err
	}},
	{"edit", "draft", func(w *world, fx *fixture) error {
		_, err := w.cs.Update(ctx, atomicStaff, fx.c.ID, consultation.DraftForm{Title: ptrTo("新标题"), Text: ptrTo(atomicText + "第四条　新增。\n")})
		return err
	}},
	{"publish", "draft", func(w *world, fx *fixture) error {
		_, err := w.cs.Publish(ctx, atomicStaff, fx.c.ID, consultation.PublishForm{ClosesAt: "2027-01-31"})
		return err
	}},
	{"extend", "open", func(w *world, fx *fixture) error {
		_, err := w.cs.Extend(ctx, atomicStaff, fx.c.ID, consultation.ExtendForm{ClosesAt: "2027-02-28", Reason: "意见较多"})
		return err
	}},
	{"close", "open", func(w *world, fx *fixture) error {
		_, err := w.cs.Close(ctx, atomicStaff, fx.c.ID, consultation.CloseForm{Reason: "提前结束", ShorteningReason: "紧急"})
		return err
	}},
	{"withdraw", "open", func(w *world, fx *fixture) error {
		_, err := w.cs.Withdraw(ctx, atomicStaff, fx.c.ID, consultation.ReasonForm{Reason: "政策调整"})
		return err
	}},
	{"submit_comment", "open", func(w *world, fx *fixture) error {
		_, err := w.ms.Submit(ctx, atomicResident, fx.c.ID, comments.Submission{ArticleID: fx.articles[0], Body: "建议明确犬只登记的期限。", Display: comments.Anonymous,
			ContactEmail: "new@example.cn", ContactPhone: "13900002222", Notify: ptrTo(true)}, "")
		return err
	}},
	{"submit_attachment", "open", submitWithAttachment}, // attachments.go
	{"moderate", "open+comments", func(w *world, fx *fixture) error {
		_, err := w.ms.Moderate(ctx, atomicStaff, fx.pending, comments.ModerationForm{Action: comments.Publish})
		return err
	}},
	{"decline", "open+comments", func(w *world, fx *fixture) error {
		g, err := w.s.Comments.Group(ctx, fx.c.ID, fx.group)
		if err != nil {
			return err
		}
		_, err = w.ms.Moderate(ctx, atomicStaff, g.RepID, comments.ModerationForm{Action: comments.Decline, Reason: comments.Duplicate})
		return err
	}},
	{"erase_contact", "open+comments", func(w *world, fx *fixture) error {
		n, err := w.ms.EraseContactNow(ctx, fx.pending) // comments/erase_contact.go
		// 0: a racing erasure did it first.
		if err == nil && n != 2 && n != 0 {
			return fmt.Errorf("erased %d contacts, want 2", n)
		}
		return err
	}},
	{"redact", "open+comments", func(w *world, fx *fixture) error {
		cm, err := w.s.Comments.Comment(ctx, fx.member)
		if err != nil {
			return err
		}
		_, err = w.ms.Redact(ctx, atomicStaff, cm.ID, comments.RedactForm{Start: 0, End: 2, Reason: comments.RedactThirdParty})
		return err
	}},
	{"dispose", "open+comments", func(w *world, fx *fixture) error {
		_, err := w.ms.Dispose(ctx, atomicStaff, fx.member, comments.DispositionForm{Outcome: comments.PartiallyAdopted, Reason: "部分采纳。", ChangedArticles: []string{fx.articles[0]}})
		return err
	}},
	{"dispose_group", "open+comments", func(w *world, fx *fixture) error {
		_, err := w.ms.DisposeGroup(ctx, atomicStaff, fx.c.ID, fx.group, comments.DispositionForm{Outcome: comments.NotAdopted, Reason: "上位法已有规定。"})
		return err
	}},
	{"merge", "open+comments", func(w *world, fx *fixture) error {
		_, err := w.ms.Merge(ctx, atomicStaff, fx.c.ID, []string{fx.group, fx.lone})
		return err
	}},
	{"split", "open+comments", func(w *world, fx *fixture) error {
		return w.ms.Split(ctx, atomicStaff, fx.member)
	}},
	{"withdraw_comment", "open+comments", withdrawCommand}, // withdraw.go
	{"accept_wording", "open+comments", acceptWordingCommand},
	{"offline", "open", func(w *world, fx *fixture) error {
		_, err := w.ms.EnterOffline(ctx, atomicStaff, fx.c.ID, comments.OfflineSubmission{Submission: comments.Submission{Body: "来信：建议放宽。", Display: comments.Anonymous},
			Channel: comments.Letter, ReceivedOn: "2026-12-01"})
		return err
	}},
	{"revise", "closed", func(w *world, fx *fixture) error {
		_, err := w.cs.Revise(ctx, atomicStaff, fx.c.ID, consultation.RevisionForm{Text: atomicText + "第四条　新增。\n", Note: "采纳意见"})
		return err
	}},
	{"review", "closed", func(w *world, fx *fixture) error {
		_, err := w.cs.SubmitForReview(ctx, atomicStaff, fx.c.ID, consultation.SubmitForm{})
		return err
	}},
	{"opinion", "in_review", func(w *world, fx *fixture) error {
		_, err := w.cs.GiveOpinion(ctx, atomicLegal, fx.c.ID, consultation.OpinionForm{Outcome: consultation.Revise, Opinion: "第三条需修改。"})
		return err
	}},
	{"step", "closed", func(w *world, fx *fixture) error {
		_, err := w.cs.RecordStep(ctx, atomicStaff, fx.c.ID, consultation.StepForm{Kind: consultation.ExpertReview, HeldOn: "2026-11-30",
			Participants: "县律师协会、县畜牧兽医站", Summary: "专家认为登记期限宜为三十日。", Public: true})
		return err
	}},
	{"step_attachment", "closed", recordStepWithAttachment}, // attachments.go
	{"decide", "approved", func(w *world, fx *fixture) error {
		_, err := w.cs.RecordStep(ctx, atomicStaff, fx.c.ID, consultation.StepForm{Kind: consultation.CollectiveDecision, HeldOn: "2026-11-30",
			Participants: "县政府第13次常务会议", Summary: "修改后再议。", Outcome: consultation.DecisionRevise})
		return err
	}},
	{"finalize", "approved+comments", func(w *world, fx *fixture) error {
		_, err := w.cs.Finalize(ctx, atomicLegal, fx.c.ID, finalizeForm(fx.c.ID))
		return err
	}},
	{"expire_contacts", "published+comments", func(w *world, fx *fixture) error {
		_, err := w.ms.ExpireContacts(ctx, 0) // expire.go
		return err
	}},
	{"stamp", "published", func(w *world, fx *fixture) error {
		_, err := w.cs.SetLaterStatus(ctx, atomicLegal, fx.c.ID, consultation.LaterStatusForm{Status: "amended", Reason: "已修订"})
		return err
	}},
}

func ptrTo[T any](v T) *T { return &v }

// snapshot is everything stored about one consultation, for comparing.
type snapshot struct {
	Consultation *consultation.Consultation
	Versions     []*consultation.Version
	Events       []history.Event
	Comments     []*comments.Comment
	Groups       map[string]*comments.Group
	Counts       map[comments.Status]map[string]int
	Report       comments.ReportCounts // reportcounts.go
	All          int                   // every consultation stored (for create)
	Queued       int                   // index jobs queued, every consultation
	Outbox       []*consultation.Notification
	Applications map[string][]*consultation.HearingApplication // by hearing (hearings.go)
	Responses    map[string]surveyState                        // by survey (atomic_surveys.go)
}

func (w *world) snapshot(id string) snapshot {
	w.t.Helper()
	var s snapshot
	all, _, err := w.s.Consultations.Consultations(ctx, consultation.ListFilter{Limit: 100, Now: T0})
	w.ok(err)
	s.All = len(all)
	if w.s.Queue != nil {
		s.Queued, err = w.s.Queue.QueueDepth(ctx)
		w.ok(err)
	}
	if id == "" {
		return s
	}
	s.Consultation = w.get(id)
	s.Versions, err = w.s.Consultations.Versions(ctx, id)
	w.ok(err)
	s.Events, err = w.s.Consultations.Events(ctx, id)
	w.ok(err)
	s.Comments, _, err = w.s.Comments.Comments(ctx, comments.Filter{ConsultationID: id, Limit: 500})
	w.ok(err)
	s.Groups = map[string]*comments.Group{}
	for _, cm := range s.Comments {
		if _, ok := s.Groups[cm.GroupID]; !ok {
			g, err := w.s.Comments.Group(ctx, id, cm.GroupID)
			w.ok(err)
			s.Groups[cm.GroupID] = g
		}
	}
	s.Counts = map[comments.Status]map[string]int{}
	for _, st := range []comments.Status{comments.Pending, comments.Published, comments.Declined, comments.Withdrawn} {
		s.Counts[st], err = w.s.Comments.CountByArticle(ctx, id, st)
		w.ok(err)
	}
	s.Report, err = w.s.Comments.ReportCounts(ctx, id)
	w.ok(err)
	s.Report.Prune()
	if w.s.Outbox != nil {
		s.Outbox, err = w.s.Outbox.ConsultationNotifications(ctx, id)
		w.ok(err)
	}
	s.Applications = w.hearingApplications(s.Consultation)
	s.Responses = w.surveyResponses(s.Consultation)
	return s
}

// consistent checks that every projection agrees with the record: the
// chain verifies and ends at the consultation's head, versions are
// numbered without gaps, group and article counters equal a recount.
func (w *world) consistent(what string, s snapshot) {
	w.t.Helper()
	c := s.Consultation
	if c == nil {
		return
	}
	v := consultation.VerifyChain(c, s.Events)
	if v.OK {
		w.ok(comments.VerifyRecord(ctx, w.s.Consultations, w.s.Comments, c, s.Events, v))
	}
	for _, p := range v.Problems {
		w.t.Errorf("%s: record: %s %s: %s", what, p.What, p.ID, p.Reason)
	}
	w.surveysConsistent(what, c) // atomic_surveys.go
	for i, v := range s.Versions {
		if v.Number != i+1 {
			w.t.Errorf("%s: version %d at position %d", what, v.Number, i+1)
		}
	}
	if len(s.Versions) != c.CurrentVersion {
		w.t.Errorf("%s: %d versions stored, consultation says current is %d", what, len(s.Versions), c.CurrentVersion)
	}
	count := map[string]int{}
	published := map[string]int{}
	articles := map[comments.Status]map[string]int{comments.Pending: {}, comments.Published: {}, comments.Declined: {}, comments.Withdrawn: {}}
	for _, cm := range s.Comments {
		count[cm.GroupID]++
		if cm.Status == comments.Published {
			published[cm.GroupID]++
		}
		articles[cm.Status][cm.ArticleID]++
	}
	for id, g := range s.Groups {
		if g.Count != count[id] || g.PublishedCount != published[id] {
			w.t.Errorf("%s: group %s counts %d/%d, recount %d/%d", what, id, g.Count, g.PublishedCount, count[id], published[id])
		}
		if (g.RepID == "") != (published[id] == 0) {
			w.t.Errorf("%s: group %s representative %q with %d published", what, id, g.RepID, published[id])
		}
	}
	for st, want := range articles {
		if got := s.Counts[st]; !reflect.DeepEqual(nonEmpty(got), nonEmpty(want)) {
			w.t.Errorf("%s: per-article %s counts %v, recount %v", what, st, got, want)
		}
	}
	report := comments.ReportCounts{}
	for _, cm := range s.Comments {
		report.Add(cm, 1)
	}
	if !reflect.DeepEqual(nonEmpty(s.Report), nonEmpty(report)) {
		w.t.Errorf("%s: report counters %v, recount %v", what, s.Report, report)
	}
	if w.s.Outbox != nil {
		consistentOutbox(w.t, what, s) // notify.go
	}
	consistentHearings(w.t, what, s) // hearings.go
}

// CheckRecord fails t unless the stored record of consultation id is
// consistent: its chain verifies to the head on the consultation, versions
// are numbered without gaps, and every group and per-article counter
// equals a recount (what a crash must never break).
func CheckRecord(t *testing.T, s AtomicStores, id string) {
	t.Helper()
	w := &world{t: t, s: s}
	w.consistent("record of "+id, w.snapshot(id))
}

func nonEmpty(m map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}

func (s snapshot) json() string {
	b, _ := json.Marshal(s)
	return string(b)
}

// testFaults runs every command with its k-th write failing, for every k:
// after the failure (and the store's recovery) the record is either as it
// was, and the command is tried again with the next k, or the command took
// full effect; the last try, reaching no fault, succeeds.
func testFaults(t *testing.T, open AtomicOpener) {
	for _, cmd := range commands {
		t.Run(cmd.name, func(t *testing.T) {
			w := newWorld(t, open)
			var fx *fixture
			var restore func(t *testing.T)
			fresh := func() {
				if restore != nil {
					restore(t)
					return
				}
				if cmd.stage == "" {
					fx = &fixture{}
				} else {
					fx = w.stage(cmd.stage)
				}
				if w.s.Snapshot != nil {
					restore = w.s.Snapshot(t)
				}
			}
			fresh()
			for k := 1; ; k++ {
				id := ""
				if fx.c != nil {
					id = fx.c.ID
				}
				before := w.snapshot(id)
				w.f.arm(k)
				err := cmd.run(w, fx)
				writes := w.f.disarm()
				if w.s.Recover != nil {
					w.s.Recover(t)
				}
				after := w.snapshot(id)
				w.consistent(fmt.Sprintf("%s, write %d failing", cmd.name, k), after)
				if writes < k { // the fault was not reached: the command ran whole
					if err != nil {
						t.Fatalf("%s with no fault reached: %v", cmd.name, err)
					}
					if before.json() == after.json() {
						t.Fatalf("%s succeeded and changed nothing", cmd.name)
					}
					if k == 1 {
						t.Fatalf("%s made no write", cmd.name)
					}
					t.Logf("%s: %d writes, each failure left all or nothing", cmd.name, k-1)
					return
				}
				if before.json() == after.json() {
					if err == nil {
						t.Fatalf("%s: write %d failed, nothing was stored, yet the command reported success", cmd.name, k)
					}
					continue // nothing happened: the next iteration retries it
				}
				// The command took effect although a write failed (a store
				// that commits through a log and rolls it forward): it must
				// be whole, which consistent checked; start again afresh.
				fresh()
			}
		})
	}
}

// races are pairs of commands run at the same moment on one consultation.
var races = []struct {
	stage string
	a, b  string
}{
	{"draft", "edit", "publish"},
	{"draft", "edit", "edit"},
	{"open", "extend", "close"},
	{"open", "close", "submit_comment"},
	{"open", "withdraw", "offline"},
	{"open+comments", "moderate", "dispose_group"},
	{"open+comments", "decline", "merge"},
	{"open+comments", "dispose", "split"},
	{"open+comments", "redact", "dispose"},
	{"open", "submit_comment", "submit_comment"},
	{"open+comments", "offline", "dispose_group"},
	{"closed", "revise", "revise"},
	{"closed", "revise", "review"},
	{"closed", "review", "offline"},
	{"in_review", "opinion", "offline"},
	{"approved+comments", "finalize", "dispose"},
	{"approved", "finalize", "offline"},
	{"approved", "finalize", "finalize"},
	{"published+comments", "stamp", "dispose"},
	{"open+comments", "withdraw_comment", "moderate"},
	{"open+comments", "withdraw_comment", "dispose"},
	{"open+comments", "withdraw_comment", "dispose_group"},
	{"open+comments", "withdraw_comment", "withdraw_comment"},
	{"open+comments", "accept_wording", "withdraw_comment"},
	{"published+comments", "expire_contacts", "stamp"},
	{"published+comments", "expire_contacts", "expire_contacts"},
	{"open+survey", "survey_report", "close"},
	{"open+survey", "survey_report", "survey_report"},
	{"open+survey", "survey_respond", "survey_report"},
	{"open", "survey_create", "extend"},
}

// allPairs is every pair (a command with itself included) of the commands
// of one stage; the open stage's fixture has comments.
func allPairs() []struct{ stage, a, b string } {
	byStage := map[string][]string{}
	var stages []string
	for _, c := range commands {
		st := strings.TrimSuffix(c.stage, "+comments")
		if st == "" {
			continue
		}
		if _, ok := byStage[st]; !ok {
			stages = append(stages, st)
		}
		byStage[st] = append(byStage[st], c.name)
	}
	var out []struct{ stage, a, b string }
	for _, st := range stages {
		names := byStage[st]
		fixture := st
		if st != "draft" {
			fixture = st + "+comments"
		}
		for i := range names {
			for j := i; j < len(names); j++ {
				out = append(out, struct{ stage, a, b string }{fixture, names[i], names[j]})
			}
		}
	}
	return out
}

func commandNamed(name string) command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	panic("no command " + name)
}

// testRaces runs each pair concurrently a few times: each command either
// succeeds or is refused with a clear client error (never an internal
// error, never a false "number taken"), and the record stays consistent
// and usable.
func testRaces(t *testing.T, open AtomicOpener) {
	list := races
	if probe := open(t, &Faults{}); probe.AllPairs {
		list = allPairs()
	}
	for _, r := range list {
		t.Run(r.stage+"/"+r.a+"+"+r.b, func(t *testing.T) {
			w := newWorld(t, open)
			trials := w.s.RaceTrials
			if trials == 0 {
				trials = 3
			}
			for trial := 0; trial < trials; trial++ {
				fx := w.stage(r.stage)
				var wg sync.WaitGroup
				start := make(chan struct{})
				errs := make([]error, 2)
				for i, name := range []string{r.a, r.b} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						errs[i] = commandNamed(name).run(w, fx)
					}()
				}
				close(start)
				wg.Wait()
				for i, err := range errs {
					name := []string{r.a, r.b}[i]
					switch {
					case err == nil:
					case apperr.KindOf(err) == apperr.Internal:
						t.Errorf("trial %d: %s racing: internal error %v", trial, name, err)
					case isNumberTaken(err):
						t.Errorf("trial %d: %s racing %s: false number taken: %v", trial, name, r.b, err)
					}
				}
				s := w.snapshot(fx.c.ID)
				w.consistent(fmt.Sprintf("trial %d, %s+%s", trial, r.a, r.b), s)
				if r.a == r.b {
					// A command that can run twice does, one after the
					// other; one that cannot runs once, the other run
					// being refused by the state the first left.
					if repeatable[r.a] && (errs[0] != nil || errs[1] != nil) {
						t.Errorf("trial %d: %s twice: %v, %v; want both to succeed one after the other", trial, r.a, errs[0], errs[1])
					}
					if errs[0] != nil && errs[1] != nil {
						t.Errorf("trial %d: %s twice: neither succeeded (%v, %v)", trial, r.a, errs[0], errs[1])
					}
				}
				if r.a == "revise" && r.b == "revise" && s.Consultation.CurrentVersion != 3 {
					t.Errorf("two revisions: current version %d, want 3 (none lost)", s.Consultation.CurrentVersion)
				}
				// Nothing is wedged: the consultation still takes the next step.
				if s.Consultation.State == consultation.Open {
					if _, err := w.cs.Extend(ctx, atomicStaff, fx.c.ID, consultation.ExtendForm{ClosesAt: "2027-06-30", Reason: "继续征求"}); err != nil {
						t.Errorf("trial %d: extend after the race: %v", trial, err)
					}
				}
				if s.Consultation.State == consultation.Published && s.Consultation.Final == nil {
					t.Errorf("trial %d: published without its final record", trial)
				}
			}
		})
	}
}

// repeatable are the commands that may run twice in a row on a fixture.
var repeatable = map[string]bool{"submit_comment": true, "offline": true, "revise": true, "dispose": true,
	"dispose_group": true, "redact": true, "step": true, "survey_respond": true,
	"expire_contacts": true} // idempotent: the second finds the contacts erased

func isNumberTaken(err error) bool {
	var ae *apperr.Error
	return errors.As(err, &ae) && ae.Key == consultation.ErrDocumentNumberTaken.Key
}
