package mongodb_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"sync"
	"testing"
	"time"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/history"
	"yugongkai/ident"
	"yugongkai/internal/corpus"
	"yugongkai/lawtext"
	"yugongkai/mongodb"
	"yugongkai/mongodb/mongotest"
	"yugongkai/storetest"
)

func TestMain(m *testing.M) { os.Exit(mongotest.Main(m)) }

var ctx = context.Background()

// create commits the insert of c with its first version v (v may be nil).
func create(db *mongodb.DB, c *consultation.Consultation, v *consultation.Version) error {
	ch := &consultation.Change{Consultation: c, Write: consultation.Insert}
	if v != nil {
		ch.NewVersions = []*consultation.Version{v}
	}
	return db.Commit(ctx, ch)
}

// update commits c with events.
func update(db *mongodb.DB, c *consultation.Consultation, events ...history.Event) error {
	return db.Commit(ctx, &consultation.Change{Consultation: c, Events: events})
}

func TestContract(t *testing.T) {
	for _, target := range mongotest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T) storetest.Stores {
				db := mongotest.OpenURI(t, target.URI)
				return storetest.Stores{Auth: db, Consultations: db}
			})
		})
	}
}

// forEachTarget runs test once per server (see mongotest.Targets).
func forEachTarget(t *testing.T, test func(t *testing.T, uri string)) {
	for _, target := range mongotest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) { test(t, target.URI) })
	}
}

func TestReopen(t *testing.T) {
	forEachTarget(t, func(t *testing.T, uri string) {
		db := mongotest.OpenURI(t, uri)
		c, v := storetest.NewConsultation(t, "d1", storetest.T0)
		if err := create(db, c, v); err != nil {
			t.Fatal(err)
		}
		if err := db.PutSetting(ctx, "workcal", []byte("{}")); err != nil {
			t.Fatal(err)
		}
		if err := db.Close(ctx); err != nil {
			t.Fatal(err)
		}

		// Opening again also creates the indexes again, which must be a no-op.
		db2, err := mongodb.Open(ctx, uri, mongodb.WithDatabase(db.Name()))
		if err != nil {
			t.Fatal(err)
		}
		defer db2.Close(ctx)
		got, err := db2.Consultation(ctx, c.ID)
		if err != nil {
			t.Fatalf("Consultation after reopen: %v", err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("Consultation after reopen = %+v, want %+v", got, c)
		}
		gv, err := db2.Version(ctx, c.ID, 1)
		if err != nil || !reflect.DeepEqual(gv, v) {
			t.Errorf("Version after reopen = %+v, %v; want %+v", gv, err, v)
		}
		if s, err := db2.Setting(ctx, "workcal"); err != nil || string(s) != "{}" {
			t.Errorf("Setting after reopen = %q, %v", s, err)
		}
		// The unique indexes still hold.
		c2, _ := storetest.NewConsultation(t, "d1", storetest.T0)
		c2.ID = c.ID
		if err := create(db2, c2, nil); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("duplicate id after reopen: err = %v, want Conflict", err)
		}
	})
}

func TestDocumentNumberUnique(t *testing.T) {
	forEachTarget(t, func(t *testing.T, uri string) {
		db := mongotest.OpenURI(t, uri)
		// Consultations without a Final do not collide with each other.
		var cs []*consultation.Consultation
		for range 3 {
			c, v := storetest.NewConsultation(t, "d1", storetest.T0)
			if err := create(db, c, v); err != nil {
				t.Fatalf("create without Final: %v", err)
			}
			cs = append(cs, c)
		}
		for i, c := range cs[:2] {
			c.State = consultation.Published
			c.Final = &consultation.Final{DocumentNumber: "某政发〔2026〕1号", PublishedAt: storetest.T0}
			err := update(db, c)
			if i == 0 && err != nil {
				t.Fatalf("first use of the number: %v", err)
			}
			if i == 1 && !apperr.Is(err, apperr.Conflict) {
				t.Fatalf("second use of the number: err = %v, want Conflict", err)
			}
		}
		got, err := db.ConsultationByDocumentNumber(ctx, "某政发〔2026〕1号")
		if err != nil || got.ID != cs[0].ID {
			t.Errorf("ConsultationByDocumentNumber = %v, %v; want %s", got, err, cs[0].ID)
		}
	})
}

func TestUpdateUserClearsOptionalFields(t *testing.T) {
	db := mongotest.Open(t)
	u := &auth.User{ID: ident.ID(), Username: "li", PasswordHash: "h", Role: auth.Staff, DepartmentID: "d1",
		Phone: "13800000000", Email: "li@example.com", CreatedAt: storetest.T0}
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	u.Role, u.DepartmentID, u.Phone, u.Email = auth.Resident, "", "", ""
	if err := db.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	got, err := db.User(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, u) {
		t.Errorf("User = %+v, want %+v", got, u)
	}
}

// TestConcurrentUpdates checks that the compare-and-swap on Rev lets exactly
// one of several writers holding the same Rev through, so the event chain
// has no duplicate and no gap.
func TestConcurrentUpdates(t *testing.T) {
	forEachTarget(t, func(t *testing.T, uri string) {
		db := mongotest.OpenURI(t, uri)
		c, v := storetest.NewConsultation(t, "d1", storetest.T0)
		if err := create(db, c, v); err != nil {
			t.Fatal(err)
		}
		const writers, rounds = 4, 5
		var mu sync.Mutex
		wins := 0
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for r := 0; r < rounds; {
					cur, err := db.Consultation(ctx, c.ID)
					if err != nil {
						t.Error(err)
						return
					}
					var prev *history.Event
					if cur.HistorySeq > 0 {
						events, err := db.Events(ctx, c.ID)
						if err != nil || len(events) == 0 {
							t.Errorf("Events = %d, %v", len(events), err)
							return
						}
						prev = &events[len(events)-1]
					}
					payload, _ := history.Canonical(map[string]any{"writer": w, "round": r})
					e, err := history.Next(prev, history.Event{Consultation: c.ID, At: storetest.T0, ActorRole: "system",
						Type: "test.update", Payload: payload})
					if err != nil {
						t.Error(err)
						return
					}
					cur.Title = fmt.Sprintf("w%d r%d", w, r)
					cur.HistorySeq, cur.HistoryHead = e.Seq, e.Hash
					switch err := update(db, cur, e); {
					case err == nil:
						mu.Lock()
						wins++
						mu.Unlock()
						r++
					case apperr.Is(err, apperr.Conflict):
						// Lost the race (stale Rev); read again and retry.
					default:
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		got, err := db.Consultation(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Rev != int64(1+wins) || wins != writers*rounds {
			t.Errorf("Rev = %d after %d successful updates, want %d", got.Rev, wins, 1+writers*rounds)
		}
		events, err := db.Events(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != wins {
			t.Errorf("%d events, want %d", len(events), wins)
		}
		if err := history.Verify(events); err != nil {
			t.Errorf("Verify = %v", err)
		}
		if got.HistorySeq != int64(len(events)) || got.HistoryHead != history.Head(events) {
			t.Errorf("consultation head = %d %s, chain head = %d %s", got.HistorySeq, got.HistoryHead, len(events), history.Head(events))
		}
	})
}

func TestBadCursor(t *testing.T) {
	db := mongotest.Open(t)
	for _, cursor := range []string{"%%garbage", "bm8tc2VwYXJhdG9y", "eHx5"} { // "no-separator", "x|y"
		_, _, err := db.Consultations(ctx, consultation.ListFilter{Cursor: cursor, Limit: 5})
		if !apperr.Is(err, apperr.BadRequest) {
			t.Errorf("Consultations(cursor %q): err = %v, want BadRequest", cursor, err)
		}
	}
}

func TestOpenDatabaseFromURI(t *testing.T) {
	uri := mongotest.Start(t)
	// The FerretDB URI is "mongodb://host:port/?maxPoolSize=1".
	name := mongotest.DatabaseName()
	withPath := uri[:len(uri)-len("?maxPoolSize=1")] + name + "?maxPoolSize=1"
	db, err := mongodb.Open(ctx, withPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close(ctx)
		if err := mongotest.Drop(ctx, uri, name); err != nil {
			t.Error(err)
		}
	})
	if db.Name() != name {
		t.Errorf("Name() = %q, want %q", db.Name(), name)
	}
}

// corpusDocument returns a real law of about 64 KB (6 chapters, 15
// sections, 144 articles with items) from the shared corpus, parsed, with
// article ids.
func corpusDocument(tb testing.TB) (string, lawtext.Document) {
	tb.Helper()
	text := corpus.Read(tb, "public-security-admin-penalties-law/final.txt")
	doc, err := lawtext.Parse(text)
	if err != nil {
		tb.Fatal(err)
	}
	for i := range doc.Blocks {
		if a := doc.Blocks[i].Article; a != nil {
			a.ID = ident.Short()
		}
	}
	return text, doc
}

// TestLargeVersionRoundTrip checks that a whole parsed law — headings with
// and without notes, paragraphs with and without items — reads back
// deep-equal, nil and empty slices included.
func TestLargeVersionRoundTrip(t *testing.T) {
	text, doc := corpusDocument(t)
	db := mongotest.Open(t)
	c, v := storetest.NewConsultation(t, "d1", storetest.T0)
	v.Text, v.Title, v.Document = text, doc.Title, doc
	v.SplitFrom, v.MergedInto, v.DeletedIDs = map[string]string{"a": "b"}, map[string]string{}, []string{"x", "y"}
	if err := create(db, c, v); err != nil {
		t.Fatal(err)
	}
	got, err := db.Version(ctx, c.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	// MergedInto is omitempty: an empty map is not stored and reads back nil.
	v.MergedInto = nil
	if !reflect.DeepEqual(got, v) {
		t.Errorf("Version of the corpus law does not read back equal")
		for i := range v.Document.Blocks {
			if i < len(got.Document.Blocks) && !reflect.DeepEqual(got.Document.Blocks[i], v.Document.Blocks[i]) {
				t.Fatalf("first difference at block %d:\n got %+v\nwant %+v", i, got.Document.Blocks[i], v.Document.Blocks[i])
			}
		}
	}
}

func BenchmarkCreateAndRead(b *testing.B) {
	text, doc := corpusDocument(b)
	db := mongotest.Open(b)
	at := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		c := &consultation.Consultation{ID: ident.ID(), DepartmentID: "d1", Title: doc.Title,
			ProcedureType: consultation.Rule, State: consultation.Draft, CurrentVersion: 1,
			ArticleCount: len(doc.Articles()), CreatedBy: "u1", CreatedAt: at, UpdatedAt: at}
		v := &consultation.Version{ConsultationID: c.ID, Number: 1, Kind: consultation.ConsultationDraft,
			Title: doc.Title, Text: text, AuthorID: "u1", CreatedAt: at, Document: doc}
		if err := create(db, c, v); err != nil {
			b.Fatal(err)
		}
		if _, err := db.Consultation(ctx, c.ID); err != nil {
			b.Fatal(err)
		}
		got, err := db.Version(ctx, c.ID, 1)
		if err != nil {
			b.Fatal(err)
		}
		if len(got.Document.Blocks) != len(doc.Blocks) {
			b.Fatalf("version read back with %d blocks, want %d", len(got.Document.Blocks), len(doc.Blocks))
		}
	}
}
