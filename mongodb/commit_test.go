package mongodb_test

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
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/history"
	"yugongkai/mongodb"
	"yugongkai/mongodb/mongotest"
	"yugongkai/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// crash fails the write numbered at and every write after it, as a process
// that died there would; it only counts once armed.
type crash struct {
	mu     sync.Mutex
	armed  bool
	at, n  int
	failed string // the op that failed first
}

var errCrash = errors.New("injected crash")

func (c *crash) fault(op string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.armed {
		return nil
	}
	c.n++
	if c.at > 0 && c.n >= c.at {
		if c.failed == "" {
			c.failed = op
		}
		return errCrash
	}
	return nil
}

func (c *crash) arm(at int) {
	c.mu.Lock()
	c.armed, c.at, c.n, c.failed = true, at, 0, ""
	c.mu.Unlock()
}

func (c *crash) disarm() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.armed = false
	return c.n
}

// faultScenario is a command whose commit is interrupted at every write.
// setup and commit must store the same data on every run (fixed ids), so
// that runs on different databases compare equal.
type faultScenario struct {
	name   string
	cid    string
	groups []string
	setup  func(t *testing.T, db *mongodb.DB)
	commit func(t *testing.T, db *mongodb.DB) error
}

// state is what a command may change, read through the stores.
type state struct {
	Consultation *consultation.Consultation
	Versions     []*consultation.Version
	Events       []history.Event
	Comments     []*comments.Comment
	Groups       map[string]*comments.Group
	Counts       map[comments.Status]map[string]int
	Outbox       []*consultation.Notification // notifications of the consultation
}

func readState(t *testing.T, db *mongodb.DB, cid string, groups []string) state {
	t.Helper()
	var s state
	var err error
	if s.Consultation, err = db.Consultation(ctx, cid); err != nil && !apperr.Is(err, apperr.NotFound) {
		t.Fatal(err)
	}
	if s.Versions, err = db.Versions(ctx, cid); err != nil {
		t.Fatal(err)
	}
	if s.Events, err = db.Events(ctx, cid); err != nil {
		t.Fatal(err)
	}
	if s.Outbox, err = db.ConsultationNotifications(ctx, cid); err != nil {
		t.Fatal(err)
	}
	cs := db.Comments()
	if s.Comments, _, err = cs.Comments(ctx, comments.Filter{ConsultationID: cid, Limit: 500}); err != nil {
		t.Fatal(err)
	}
	s.Groups = map[string]*comments.Group{}
	for _, gid := range groups {
		g, err := cs.Group(ctx, cid, gid)
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			t.Fatal(err)
		}
		s.Groups[gid] = g
	}
	s.Counts = map[comments.Status]map[string]int{}
	for _, st := range []comments.Status{"", comments.Pending, comments.Published, comments.Declined} {
		if s.Counts[st], err = cs.CountByArticle(ctx, cid, st); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// checkConsistent checks what must hold after any commit: the chain
// verifies and ends at the consultation's head, and group and article
// counters equal a recount of the comments.
func checkConsistent(t *testing.T, s state) {
	t.Helper()
	if err := history.Verify(s.Events); err != nil {
		t.Errorf("history.Verify = %v", err)
	}
	if c := s.Consultation; c != nil && (c.HistorySeq != int64(len(s.Events)) || c.HistoryHead != history.Head(s.Events)) {
		t.Errorf("consultation head %d %q, chain of %d ending %q", c.HistorySeq, c.HistoryHead, len(s.Events), history.Head(s.Events))
	}
	for gid, g := range s.Groups {
		var count, published int
		var first time.Time
		reps := map[string]bool{}
		for _, c := range s.Comments {
			if c.GroupID != gid {
				continue
			}
			count++
			if first.IsZero() || c.ReceivedAt.Before(first) {
				first = c.ReceivedAt
			}
			if c.Status == comments.Published {
				published++
				reps[c.ID] = true
			}
		}
		if g == nil {
			if count > 0 {
				t.Errorf("group %s absent with %d members", gid, count)
			}
			continue
		}
		if g.Count != count || g.PublishedCount != published {
			t.Errorf("group %s: Count %d PublishedCount %d, recount %d %d", gid, g.Count, g.PublishedCount, count, published)
		}
		if (published == 0) != (g.RepID == "") || (g.RepID != "" && !reps[g.RepID]) {
			t.Errorf("group %s: RepID %q, published members %v", gid, g.RepID, reps)
		}
		if count > 0 && !g.FirstAt.Equal(first) {
			t.Errorf("group %s: FirstAt %v, first member %v", gid, g.FirstAt, first)
		}
	}
	want := map[comments.Status]map[string]int{"": {}, comments.Pending: {}, comments.Published: {}, comments.Declined: {}}
	for _, c := range s.Comments {
		want[""][c.ArticleID]++
		want[c.Status][c.ArticleID]++
	}
	if fmt.Sprint(want) != fmt.Sprint(s.Counts) {
		t.Errorf("CountByArticle = %v, recount %v", s.Counts, want)
	}
}

// TestCommitCrash interrupts representative commits at every write they
// make and checks that, once another store has run Repair, either nothing
// or everything happened — and that a commit that did not happen can be
// made again.
func TestCommitCrash(t *testing.T) {
	uri := mongotest.Start(t)
	for _, sc := range faultScenarios(t) {
		t.Run(sc.name, func(t *testing.T) {
			// A clean run gives the states to expect and the number of writes.
			f := &crash{}
			a := mongotest.OpenURI(t, uri, mongodb.WithFaults(f.fault), mongodb.WithLogger(quiet))
			sc.setup(t, a)
			before := readState(t, a, sc.cid, sc.groups)
			f.arm(0)
			if err := sc.commit(t, a); err != nil {
				t.Fatalf("commit without faults: %v", err)
			}
			writes := f.disarm()
			after := readState(t, a, sc.cid, sc.groups)
			checkConsistent(t, after)
			if reflect.DeepEqual(before, after) {
				t.Fatal("the commit changed nothing")
			}
			t.Logf("%d writes", writes)
			for k := 1; k <= writes; k++ {
				// Emptying the database is much cheaper than creating one.
				if err := mongotest.Empty(ctx, uri, a.Name()); err != nil {
					t.Fatal(err)
				}
				sc.setup(t, a)
				f.arm(k)
				err := sc.commit(t, a)
				f.disarm()
				b, oerr := mongodb.Open(ctx, uri, mongodb.WithDatabase(a.Name()))
				if oerr != nil {
					t.Fatal(oerr)
				}
				if _, rerr := b.Repair(ctx); rerr != nil {
					t.Fatalf("crash at write %d (%s): Repair: %v", k, f.failed, rerr)
				}
				got := readState(t, b, sc.cid, sc.groups)
				checkConsistent(t, got)
				switch {
				case reflect.DeepEqual(got, after):
					if err != nil {
						t.Errorf("crash at write %d (%s): commit = %v, but it happened", k, f.failed, err)
					}
				case reflect.DeepEqual(got, before):
					if err == nil {
						t.Errorf("crash at write %d (%s): commit = nil, but nothing happened", k, f.failed)
					}
					if err := sc.commit(t, b); err != nil {
						t.Errorf("crash at write %d (%s): commit again = %v", k, f.failed, err)
					} else if again := readState(t, b, sc.cid, sc.groups); !reflect.DeepEqual(again, after) {
						t.Errorf("crash at write %d (%s): commit again left\n%s", k, f.failed, diffStates(again, after))
					}
				default:
					t.Errorf("crash at write %d (%s): half a commit:\n%s", k, f.failed, diffStates(got, after))
				}
				b.Close(ctx)
			}
		})
	}
}

// diffStates names the parts of got that differ from want.
func diffStates(got, want state) string {
	var b strings.Builder
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range g.NumField() {
		if !reflect.DeepEqual(g.Field(i).Interface(), w.Field(i).Interface()) {
			fmt.Fprintf(&b, "  %s: got %s\n      want %s\n", g.Type().Field(i).Name, dump(g.Field(i).Interface()), dump(w.Field(i).Interface()))
		}
	}
	return b.String()
}

func dump(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 800 {
		return string(b[:800]) + "…"
	}
	return string(b)
}

// event chains an event of type typ onto c.
func event(t *testing.T, c *consultation.Consultation, typ string) history.Event {
	t.Helper()
	e, err := history.After(c.HistorySeq, c.HistoryHead, history.Event{Consultation: c.ID, At: storetest.T0.Add(time.Hour),
		ActorRole: "staff", ActorID: "u1", Type: typ})
	if err != nil {
		t.Fatal(err)
	}
	c.HistorySeq, c.HistoryHead = e.Seq, e.Hash
	return e
}

func mustCommit(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, db *mongodb.DB, id string) *consultation.Consultation {
	t.Helper()
	c, err := db.Consultation(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// comment returns a comment with a fixed id and receipt (see faultScenario).
func comment(cid, id, group string, status comments.Status, at time.Duration) *comments.Comment {
	c := storetest.NewComment(cid, group, "意见"+group, storetest.T0.Add(at))
	c.ID, c.Receipt, c.Status = id, "YGK-"+strings.ToUpper(id), status
	return c
}

// insertComments commits comments with a CheckRev of their consultation.
func insertComments(t *testing.T, db *mongodb.DB, cs ...*comments.Comment) error {
	t.Helper()
	var copies []*comments.Comment
	for _, c := range cs {
		cp := *c
		copies = append(copies, &cp)
	}
	c := read(t, db, cs[0].ConsultationID)
	return db.Comments().Commit(ctx, &comments.Change{Change: consultation.Change{Consultation: c, Write: consultation.CheckRev}, Insert: copies})
}

func faultScenarios(t *testing.T) []faultScenario {
	c0, v0 := storetest.NewConsultation(t, "d1", storetest.T0)
	c0.ID = "fault"
	v0.ConsultationID = c0.ID
	// created stores c0 with its draft, the way every scenario starts.
	created := func(t *testing.T, db *mongodb.DB) {
		c, v := *c0, *v0
		mustCommit(t, db.Commit(ctx, &consultation.Change{Consultation: &c, Write: consultation.Insert, NewVersions: []*consultation.Version{&v}}))
	}
	// command commits a comment change that is also an Update with one event.
	command := func(t *testing.T, db *mongodb.DB, typ string, ch *comments.Change) error {
		c := read(t, db, c0.ID)
		c.UpdatedAt = storetest.T0.Add(time.Hour)
		ch.Consultation, ch.Events = c, []history.Event{event(t, c, typ)}
		return db.Comments().Commit(ctx, ch)
	}
	withComments := func(cs ...*comments.Comment) func(t *testing.T, db *mongodb.DB) {
		return func(t *testing.T, db *mongodb.DB) {
			created(t, db)
			for _, c := range cs {
				mustCommit(t, insertComments(t, db, c))
			}
		}
	}
	cid := c0.ID
	a := comment(cid, "ca", "xg", comments.Published, 0)
	b := comment(cid, "cb", "xg", comments.Published, time.Second)
	lone := comment(cid, "cl", "xl", comments.Published, 2*time.Second)
	lone.ArticleID = "art1"
	gd := comments.Disposition{Outcome: comments.Adopted, GroupID: "xg", By: "u1", At: storetest.T0.Add(time.Hour)}
	// notice is a notification with a fixed id (the outbox rolls forward with the record).
	notice := func(id, comment, kind string) consultation.Notification {
		return consultation.Notification{ID: id, Consultation: cid, Comment: comment, Kind: kind, Channel: consultation.ChannelEmail,
			To: "r@example.cn", Lang: "zh-CN", Params: map[string]string{"receipt": "YGK-X"}, CreatedAt: storetest.T0.Add(time.Hour),
			Delivery: consultation.Delivery{State: consultation.NotifyPending, NextTry: storetest.T0.Add(time.Hour)}}
	}
	return []faultScenario{
		{
			name: "InsertConsultation", cid: cid,
			setup: func(t *testing.T, db *mongodb.DB) {},
			commit: func(t *testing.T, db *mongodb.DB) error {
				c, v := *c0, *v0
				e := event(t, &c, "consultation.created")
				return db.Commit(ctx, &consultation.Change{Consultation: &c, Write: consultation.Insert,
					NewVersions: []*consultation.Version{&v}, Events: []history.Event{e}})
			},
		},
		{
			name: "UpdateReplacingVersion", cid: cid, setup: created,
			commit: func(t *testing.T, db *mongodb.DB) error {
				c := read(t, db, cid)
				c.Title, c.State = "改后的标题", consultation.Open
				v := *v0
				v.Text, v.Frozen = "第一条　改了。\n", true
				e1, e2 := event(t, c, "version.frozen"), event(t, c, "consultation.published")
				return db.Commit(ctx, &consultation.Change{Consultation: c, ReplaceVersion: &v, Events: []history.Event{e1, e2}})
			},
		},
		{
			name: "Finalize", cid: cid, setup: created,
			commit: func(t *testing.T, db *mongodb.DB) error {
				c := read(t, db, cid)
				c.State = consultation.Published
				c.Final = &consultation.Final{DocumentNumber: "某政发〔2026〕9号", RegistrationNumber: "DJ-2026-009", PublishedAt: storetest.T0}
				v := *v0
				v.Number, v.Kind, v.Frozen = 2, consultation.FinalText, true
				return db.Commit(ctx, &consultation.Change{Consultation: c, NewVersions: []*consultation.Version{&v},
					Events: []history.Event{event(t, c, "consultation.finalized")},
					Notify: []consultation.Notification{notice("n-answer-1", "c1", consultation.NotifyAnswered), notice("n-answer-2", "c2", consultation.NotifyAnswered)}})
			},
		},
		{
			name: "InsertTwoCommentsInOneGroup", cid: cid, groups: []string{"xg"},
			setup: withComments(comment(cid, "c0", "xg", comments.Pending, 3*time.Second)),
			commit: func(t *testing.T, db *mongodb.DB) error {
				x := comment(cid, "cx", "xg", comments.Published, 2*time.Second)
				x.IdempotencyKey = "key-x"
				y := comment(cid, "cy", "xg", comments.Pending, time.Second)
				y.ArticleID = "art1"
				return insertComments(t, db, x, y)
			},
		},
		{
			name: "DeclineRepresentative", cid: cid, groups: []string{"xg"},
			setup: withComments(a, b),
			commit: func(t *testing.T, db *mongodb.DB) error {
				ch := &comments.Change{Moderate: []comments.Moderated{{ID: a.ID,
					From: comments.Published, To: comments.Declined,
					M: comments.Moderation{Action: comments.Decline, Reason: comments.Spam, By: "u1", At: storetest.T0.Add(time.Hour)}}}}
				ch.Notify = []consultation.Notification{notice("n-declined", a.ID, consultation.NotifyDeclined)}
				return command(t, db, "comment.moderated", ch)
			},
		},
		{
			name: "GroupDisposition", cid: cid, groups: []string{"xg", "xl"},
			setup: withComments(a, b, lone),
			commit: func(t *testing.T, db *mongodb.DB) error {
				return command(t, db, "comment.disposed", &comments.Change{DisposeGroup: &comments.GroupDisposed{GroupID: "xg", D: gd}})
			},
		},
		{
			name: "Merge", cid: cid, groups: []string{"xg", "xl", "xm"},
			setup: func(t *testing.T, db *mongodb.DB) {
				withComments(a, b, lone, comment(cid, "cm", "xm", comments.Pending, -time.Second))(t, db)
				mustCommit(t, command(t, db, "comment.disposed", &comments.Change{DisposeGroup: &comments.GroupDisposed{GroupID: "xg", D: gd}}))
			},
			commit: func(t *testing.T, db *mongodb.DB) error {
				return command(t, db, "comment.merged", &comments.Change{Move: &comments.Moved{To: "xg", From: []string{"xl", "xm"}}})
			},
		},
	}
}

// TestConcurrentUpdatesOneWins has two writers commit an Update on the same
// Rev, in one store (the in-process lock) and in two (the log's unique
// seq): exactly one succeeds, the other gets ErrStale.
func TestConcurrentUpdatesOneWins(t *testing.T) {
	uri := mongotest.Start(t)
	for _, stores := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d stores", stores), func(t *testing.T) {
			db := mongotest.OpenURI(t, uri)
			dbs := []*mongodb.DB{db, db}
			if stores == 2 {
				other, err := mongodb.Open(ctx, uri, mongodb.WithDatabase(db.Name()))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { other.Close(ctx) })
				dbs[1] = other
			}
			c, v := storetest.NewConsultation(t, "d1", storetest.T0)
			mustCommit(t, create(db, c, v))
			for round := range 5 {
				var errs [2]error
				var wg sync.WaitGroup
				start := make(chan struct{})
				for w := range 2 {
					cur := read(t, dbs[w], c.ID)
					cur.Title = fmt.Sprintf("round %d writer %d", round, w)
					e := event(t, cur, "test.update")
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						errs[w] = update(dbs[w], cur, e)
					}()
				}
				close(start)
				wg.Wait()
				won := 0
				for w, err := range errs {
					switch {
					case err == nil:
						won++
					case !errors.Is(err, consultation.ErrStale):
						t.Errorf("round %d writer %d: err = %v, want nil or ErrStale", round, w, err)
					}
				}
				if won != 1 {
					t.Errorf("round %d: %d writers won (%v), want 1", round, won, errs)
				}
			}
			got := read(t, db, c.ID)
			events, err := db.Events(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Rev != 6 || len(events) != 5 {
				t.Errorf("after 5 rounds: Rev %d, %d events; want 6, 5", got.Rev, len(events))
			}
			if err := history.Verify(events); err != nil {
				t.Errorf("Verify = %v", err)
			}
		})
	}
}

// TestConcurrentSubmissions has writers in two stores submit comments to
// one consultation at once (CheckRev) while another updates it: every
// submission is stored once it got past ErrStale, and the group and
// article counters are exact.
func TestConcurrentSubmissions(t *testing.T) {
	uri := mongotest.Start(t)
	db := mongotest.OpenURI(t, uri)
	other, err := mongodb.Open(ctx, uri, mongodb.WithDatabase(db.Name()))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	c, v := storetest.NewConsultation(t, "d1", storetest.T0)
	mustCommit(t, create(db, c, v))

	const writers, each, updates = 4, 4, 4
	var wg sync.WaitGroup
	errs := make(chan error, writers+1)
	for w := range writers {
		store := []*mongodb.DB{db, other}[w%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				cm := storetest.NewComment(c.ID, "xsame", "同一意见", storetest.T0.Add(time.Duration(w*each+i)*time.Millisecond))
				if i%2 == 1 {
					cm.Status, cm.ArticleID = comments.Pending, "art1"
				}
				if err := submitRetry(store, c.ID, cm); err != nil {
					errs <- fmt.Errorf("writer %d comment %d: %w", w, i, err)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range updates {
			err := consultation.Retry(func() error {
				cur, err := other.Consultation(ctx, c.ID)
				if err != nil {
					return err
				}
				cur.Title = fmt.Sprintf("update %d", i)
				return update(other, cur)
			})
			if err != nil {
				errs <- fmt.Errorf("update %d: %w", i, err)
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	s := readState(t, db, c.ID, []string{"xsame"})
	checkConsistent(t, s)
	g := s.Groups["xsame"]
	if len(s.Comments) != writers*each || g == nil || g.Count != writers*each || g.PublishedCount != writers*each/2 {
		t.Errorf("%d comments, group %+v; want %d comments, %d published", len(s.Comments), g, writers*each, writers*each/2)
	}
	if s.Consultation.Rev != 1+updates {
		t.Errorf("Rev = %d, want %d", s.Consultation.Rev, 1+updates)
	}
}

// TestClaims checks the keys unique across consultations: a receipt or a
// 文号 in use, or claimed by a commit in flight, is refused; a claim left by
// a crash holds until its lease ends, then Repair releases it.
func TestClaims(t *testing.T) {
	uri := mongotest.Start(t)
	f := &crash{}
	now := storetest.T0
	var clock sync.Mutex
	tick := func() time.Time { clock.Lock(); defer clock.Unlock(); return now }
	a := mongotest.OpenURI(t, uri, mongodb.WithFaults(f.fault), mongodb.WithClock(tick), mongodb.WithLogger(quiet))
	b, err := mongodb.Open(ctx, uri, mongodb.WithDatabase(a.Name()), mongodb.WithClock(tick))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close(ctx)

	c1, v1 := storetest.NewConsultation(t, "d1", storetest.T0)
	c2, v2 := storetest.NewConsultation(t, "d1", storetest.T0)
	mustCommit(t, create(a, c1, v1))
	mustCommit(t, create(a, c2, v2))

	t.Run("ErrDuplicateKey", func(t *testing.T) {
		x := comment(c1.ID, "x1", "", comments.Published, 0)
		mustCommit(t, insertComments(t, a, x))
		y := comment(c2.ID, "y1", "", comments.Published, 0)
		y.Receipt = x.Receipt
		if err := insertComments(t, b, y); !errors.Is(err, comments.ErrDuplicateKey) || !apperr.Is(err, apperr.Conflict) {
			t.Errorf("receipt of another consultation's comment: err = %v, want Conflict with ErrDuplicateKey", err)
		}
	})

	t.Run("CrashedClaim", func(t *testing.T) {
		// The process dies after claiming the receipt, before the record.
		x := comment(c1.ID, "x2", "", comments.Published, 0)
		f.arm(2) // the claim is write 1, the record write 2
		if err := insertComments(t, a, x); !errors.Is(err, errCrash) {
			t.Fatalf("commit with a crash at the record: err = %v, want the crash", err)
		}
		f.disarm()
		y := comment(c2.ID, "y2", "", comments.Published, 0)
		y.Receipt = x.Receipt
		if err := insertComments(t, b, y); !errors.Is(err, comments.ErrDuplicateKey) {
			t.Errorf("receipt claimed by a commit that may still be in flight: err = %v, want ErrDuplicateKey", err)
		}
		if n := claims(t, uri, a.Name()); n != 1 {
			t.Errorf("%d claims after the crash, want 1", n)
		}
		if _, err := b.Repair(ctx); err != nil {
			t.Fatal(err)
		}
		if n := claims(t, uri, a.Name()); n != 1 {
			t.Errorf("Repair within the lease: %d claims, want 1", n)
		}
		clock.Lock()
		now = now.Add(2 * time.Minute)
		clock.Unlock()
		if _, err := b.Repair(ctx); err != nil {
			t.Fatal(err)
		}
		if n := claims(t, uri, a.Name()); n != 0 {
			t.Errorf("Repair after the lease: %d claims, want 0", n)
		}
		mustCommit(t, insertComments(t, b, y))
	})

	t.Run("ErrDocumentNumberTaken", func(t *testing.T) {
		finalize := func(db *mongodb.DB, id, number, reg string) error {
			c := read(t, db, id)
			c.State = consultation.Published
			c.Final = &consultation.Final{DocumentNumber: number, RegistrationNumber: reg, PublishedAt: storetest.T0}
			return update(db, c)
		}
		mustCommit(t, finalize(a, c1.ID, "某政发〔2026〕1号", "DJ-1"))
		if err := finalize(b, c2.ID, "某政发〔2026〕1号", "DJ-2"); !errors.Is(err, consultation.ErrDocumentNumberTaken) {
			t.Errorf("文号 in use: err = %v, want ErrDocumentNumberTaken", err)
		}
		if err := finalize(b, c2.ID, "某政发〔2026〕2号", "DJ-1"); !errors.Is(err, consultation.ErrRegistrationNumberTaken) {
			t.Errorf("统一登记编号 in use: err = %v, want ErrRegistrationNumberTaken", err)
		}
		if got, err := b.ConsultationByRegistrationNumber(ctx, "DJ-1"); err != nil || got.ID != c1.ID {
			t.Errorf("ConsultationByRegistrationNumber = %v, %v; want %s", got, err, c1.ID)
		}
		// A corrected number frees the old one.
		mustCommit(t, finalize(a, c1.ID, "某政发〔2026〕3号", "DJ-3"))
		mustCommit(t, finalize(b, c2.ID, "某政发〔2026〕1号", "DJ-1"))
		if got, err := a.ConsultationByDocumentNumber(ctx, "某政发〔2026〕1号"); err != nil || got.ID != c2.ID {
			t.Errorf("ConsultationByDocumentNumber = %v, %v; want %s", got, err, c2.ID)
		}
		if n := claims(t, uri, a.Name()); n != 0 {
			t.Errorf("%d claims left after applied commits, want 0", n)
		}
	})
}

// claims counts the claims in database name.
func claims(t *testing.T, uri, name string) int {
	t.Helper()
	n, err := mongotest.Count(ctx, uri, name, "claims")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestReadRollsForward checks that a consultation read applies a commit
// its writer did not get to apply.
func TestReadRollsForward(t *testing.T) {
	uri := mongotest.Start(t)
	f := &crash{}
	a := mongotest.OpenURI(t, uri, mongodb.WithFaults(f.fault), mongodb.WithLogger(quiet))
	c, v := storetest.NewConsultation(t, "d1", storetest.T0)
	mustCommit(t, create(a, c, v))
	cur := read(t, a, c.ID)
	cur.Title = "写入了但未应用"
	f.arm(2) // write 1 is the record, write 2 the consultation
	mustCommit(t, update(a, cur, event(t, cur, "test.update")))
	f.disarm()
	b, err := mongodb.Open(ctx, uri, mongodb.WithDatabase(a.Name()))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close(ctx)
	got := read(t, b, c.ID)
	if got.Title != cur.Title || got.Rev != 2 {
		t.Errorf("read after an unapplied commit: Title %q Rev %d, want %q 2", got.Title, got.Rev, cur.Title)
	}
	if n, err := b.Repair(ctx); err != nil || n != 0 {
		t.Errorf("Repair after the read = %d, %v; want 0 (nothing left)", n, err)
	}
}

// TestStalePlannerLosesItsSeq has one process plan a comment against the
// log's tail while another commits twice before the first inserts its
// record: the first must lose its seq and plan again, although the record
// at that seq has been applied and trimmed meanwhile. (When trimming
// deleted applied records, the stale record went in at the freed seq and
// its comment took a leaf index already taken.)
func TestStalePlannerLosesItsSeq(t *testing.T) {
	uri := mongotest.Start(t)
	other := mongotest.OpenURI(t, uri)
	c, v := storetest.NewConsultation(t, "d1", storetest.T0)
	mustCommit(t, create(other, c, v))
	submit := func(store *mongodb.DB, cm *comments.Comment) error { return submitRetry(store, c.ID, cm) }
	var once sync.Once
	var otherErr error
	stale, err := mongodb.Open(ctx, uri, mongodb.WithDatabase(other.Name()), mongodb.WithFaults(func(op string) error {
		if op == "insert commits" {
			// Planned already: two commits of another process get in first.
			once.Do(func() {
				for i := range 2 {
					if err := submit(other, storetest.NewComment(c.ID, "", fmt.Sprintf("另一进程的意见%d", i), storetest.T0.Add(time.Duration(i+1)*time.Millisecond))); err != nil {
						otherErr = err
					}
				}
			})
		}
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer stale.Close(ctx)
	if err := submit(stale, storetest.NewComment(c.ID, "", "迟到的意见", storetest.T0.Add(3*time.Millisecond))); err != nil {
		t.Fatalf("the stale process's comment: %v", err)
	}
	if otherErr != nil {
		t.Fatalf("the other process's comments: %v", otherErr)
	}
	list, _, err := other.Comments().Comments(ctx, comments.Filter{ConsultationID: c.ID, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	leaves, err := other.Comments().LogLeaves(ctx, c.ID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	owner := map[int64]string{}
	for _, l := range leaves {
		owner[l.Index] = l.CommentID
	}
	if len(list) != 3 || len(leaves) != 3 {
		t.Fatalf("%d comments, %d leaves; want 3 and 3", len(list), len(leaves))
	}
	for _, cm := range list {
		if owner[cm.LeafIndex] != cm.ID {
			t.Errorf("comment %s (%s) has leaf %d, which is comment %s's", cm.ID, cm.Body, cm.LeafIndex, owner[cm.LeafIndex])
		}
	}
	if n, err := other.Comments().LogSize(ctx, c.ID); err != nil || n != 3 {
		t.Errorf("LogSize = %d, %v; want 3", n, err)
	}
}

// submitRetry submits a copy of cm as Service.Submit does: a fresh read of
// the consultation, a CheckRev commit, again on ErrStale.
func submitRetry(db *mongodb.DB, cid string, cm *comments.Comment) error {
	return consultation.Retry(func() error {
		cur, err := db.Consultation(ctx, cid)
		if err != nil {
			return err
		}
		cp := *cm
		return db.Comments().Commit(ctx, &comments.Change{Change: consultation.Change{Consultation: cur, Write: consultation.CheckRev},
			Insert: []*comments.Comment{&cp}})
	})
}
