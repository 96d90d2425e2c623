package sqlite

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
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
	"yugongkai/storetest"
)

var ctx = context.Background()

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Stores {
		db := OpenTemp(t)
		return storetest.Stores{Auth: db.Auth(), Consultations: db.Consultations()}
	})
}

func TestOpen(t *testing.T) {
	t.Run("CreatesPrivateDirectory", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "data", "nested")
		db, err := Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		fi, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o700 {
			t.Errorf("data directory mode = %v, want 0700", got)
		}
		if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
			t.Errorf("database file: %v", err)
		}
	})
	t.Run("PragmasOnEveryConnection", func(t *testing.T) {
		db := OpenTemp(t)
		// Hold several connections at once so that the pool must open more
		// than one, then check each.
		var conns []interface{ Close() error }
		for i := 0; i < 3; i++ {
			conn, err := db.sql.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, conn)
			for pragma, want := range map[string]string{
				"journal_mode": "wal", "foreign_keys": "1", "synchronous": "2", "busy_timeout": "5000",
			} {
				var got string
				if err := conn.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("connection %d: PRAGMA %s = %s, want %s", i, pragma, got, want)
				}
			}
		}
		for _, c := range conns {
			c.Close()
		}
	})
	t.Run("ErrNewerSchema", func(t *testing.T) {
		dir := t.TempDir()
		db, err := Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.sql.ExecContext(ctx, "INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', '')"); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if db, err := Open(ctx, dir); err == nil {
			db.Close()
			t.Fatal("Open of a database with a newer schema succeeded")
		}
	})
}

// TestRestart closes and reopens a database: the migrations are not applied
// twice and everything written before is still there.
func TestRestart(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	d := &auth.Department{ID: ident.ID(), Name: "县司法局", CreatedAt: storetest.T0}
	u := &auth.User{ID: ident.ID(), Username: "li", PasswordHash: "h", Role: auth.Legal, TokenVersion: 2, CreatedAt: storetest.T0}
	c, v := storetest.NewConsultation(t, d.ID, storetest.T0)
	must(t, db.Auth().CreateDepartment(ctx, d))
	must(t, db.Auth().CreateUser(ctx, u))
	must(t, storetest.Create(db.Consultations(), c, v))
	must(t, db.Consultations().PutSetting(ctx, "workcal", []byte("{}")))
	must(t, db.Close())

	for i := 0; i < 2; i++ {
		db, err = Open(ctx, dir)
		if err != nil {
			t.Fatalf("reopen %d: %v", i, err)
		}
		var applied int
		must(t, db.sql.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&applied))
		all, err := migrations()
		must(t, err)
		if applied != len(all) {
			t.Errorf("reopen %d: %d migrations recorded, want %d", i, applied, len(all))
		}
		gotU, err := db.Auth().User(ctx, u.ID)
		must(t, err)
		if !reflect.DeepEqual(gotU, u) {
			t.Errorf("reopen %d: User = %+v, want %+v", i, gotU, u)
		}
		gotC, err := db.Consultations().Consultation(ctx, c.ID)
		must(t, err)
		if !reflect.DeepEqual(gotC, c) {
			t.Errorf("reopen %d: Consultation = %+v, want %+v", i, gotC, c)
		}
		gotV, err := db.Consultations().Version(ctx, c.ID, 1)
		must(t, err)
		if !reflect.DeepEqual(gotV, v) {
			t.Errorf("reopen %d: Version = %+v, want %+v", i, gotV, v)
		}
		must(t, db.Close())
	}
}

// TestConcurrentUpdates runs writers that retry on a stale Rev, as the
// service does, together with readers. No update may be lost, and no
// writer may see SQLITE_BUSY or any error other than Conflict.
func TestConcurrentUpdates(t *testing.T) {
	const writers, updatesEach = 10, 5
	db := OpenTemp(t)
	s := db.Consultations()
	c, v := storetest.NewConsultation(t, "d1", storetest.T0)
	c.ArticleCount = 0 // used as a counter of successful updates
	must(t, storetest.Create(s, c, v))

	var wg sync.WaitGroup
	var mu sync.Mutex
	conflicts := 0
	errs := make(chan error, writers+2)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for done := 0; done < updatesEach; {
				got, err := s.Consultation(ctx, c.ID)
				if err != nil {
					errs <- err
					return
				}
				got.ArticleCount++
				got.Title = fmt.Sprintf("writer %d update %d", w, done)
				err = storetest.Update(s, got)
				switch {
				case apperr.Is(err, apperr.Conflict):
					mu.Lock()
					conflicts++
					mu.Unlock()
				case err != nil:
					errs <- fmt.Errorf("writer %d: %w", w, err)
					return
				default:
					done++
				}
			}
		}()
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for r := 0; r < 2; r++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, _, err := s.Consultations(ctx, consultation.ListFilter{Limit: 10, Now: storetest.T0}); err != nil {
					errs <- fmt.Errorf("reader: %w", err)
					return
				}
				time.Sleep(time.Millisecond) // leave the two CPUs of a small CI machine to the writers too
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got, err := s.Consultation(ctx, c.ID)
	must(t, err)
	want := int64(writers * updatesEach)
	if got.Rev != c.Rev+want || int64(got.ArticleCount) != want {
		t.Errorf("after %d updates: Rev = %d, counter = %d; want Rev %d, counter %d", want, got.Rev, got.ArticleCount, c.Rev+want, want)
	}
	t.Logf("%d updates, %d stale retries", want, conflicts)
}

// TestFailedUpdateKeepsRev checks that c.Rev changes only when the update
// is stored.
func TestFailedUpdateKeepsRev(t *testing.T) {
	db := OpenTemp(t)
	s := db.Consultations()
	c, v := storetest.NewConsultation(t, "d1", storetest.T0)
	must(t, storetest.Create(s, c, v))
	e, err := history.Next(nil, history.Event{Consultation: c.ID, At: storetest.T0, ActorRole: "staff", ActorID: "u1", Type: "consultation.created"})
	must(t, err)
	must(t, storetest.Update(s, c, e))
	rev := c.Rev

	t.Run("ErrDuplicateSeq", func(t *testing.T) {
		err := storetest.Update(s, c, e)
		if !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("UpdateConsultation with a used seq = %v, want Conflict", err)
		}
		if c.Rev != rev {
			t.Errorf("Rev = %d after a failed update, want %d", c.Rev, rev)
		}
	})
	t.Run("ErrOtherConsultation", func(t *testing.T) {
		other := e
		other.Consultation = "another"
		if err := storetest.Update(s, c, other); err == nil {
			t.Fatal("UpdateConsultation with another consultation's event succeeded")
		}
		if c.Rev != rev {
			t.Errorf("Rev = %d after a failed update, want %d", c.Rev, rev)
		}
	})
	t.Run("ErrDocumentNumberTaken", func(t *testing.T) {
		c.Final = &consultation.Final{DocumentNumber: "某政发〔2026〕1号", PublishedAt: storetest.T0}
		must(t, storetest.Update(s, c))
		d, dv := storetest.NewConsultation(t, "d1", storetest.T0)
		must(t, storetest.Create(s, d, dv))
		d.Final = &consultation.Final{DocumentNumber: "某政发〔2026〕1号", PublishedAt: storetest.T0}
		before := d.Rev
		if err := storetest.Update(s, d); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("second consultation with the same 文号: err = %v, want Conflict", err)
		}
		if d.Rev != before {
			t.Errorf("Rev = %d after a failed update, want %d", d.Rev, before)
		}
	})
	t.Run("ErrVersionOfMissingConsultation", func(t *testing.T) {
		err := storetest.PutVersion(s, &consultation.Version{ConsultationID: "missing", Number: 1, CreatedAt: storetest.T0})
		if !apperr.Is(err, apperr.NotFound) {
			t.Errorf("PutVersion of a missing consultation = %v, want NotFound", err)
		}
	})
	t.Run("ErrNotFoundIsSentinel", func(t *testing.T) {
		_, err := s.Consultation(ctx, "missing")
		if !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("errors.Is(%v, apperr.ErrNotFound) = false", err)
		}
	})
}

func TestBadCursor(t *testing.T) {
	s := OpenTemp(t).Consultations()
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, cursor := range []string{
		"%%garbage",
		"!!",
		enc("no-space"),
		enc("yesterday abc"),
		enc("2026-12-01T02:00:00.000000000Z "),
	} {
		_, _, err := s.Consultations(ctx, consultation.ListFilter{Cursor: cursor, Limit: 5})
		if !apperr.Is(err, apperr.BadRequest) {
			t.Errorf("Consultations(cursor %q) err = %v, want BadRequest", cursor, err)
		}
	}
}

// TestListUsesIndex guards against a list query that scans and sorts the
// whole table.
func TestListUsesIndex(t *testing.T) {
	db := OpenTemp(t)
	cursor := encodeCursor(formatTime(storetest.T0), "x")
	created, id, err := decodeCursor(cursor)
	must(t, err)
	rows, err := db.sql.QueryContext(ctx, `EXPLAIN QUERY PLAN SELECT rev, record FROM consultations
		WHERE (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT 8`, created, id)
	must(t, err)
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		must(t, rows.Scan(&id, &parent, &unused, &detail))
		plan = append(plan, detail)
	}
	p := strings.Join(plan, "; ")
	if strings.Contains(p, "TEMP B-TREE") || !strings.Contains(p, "consultations_by_created") {
		t.Errorf("query plan = %q, want a search of consultations_by_created without a sort", p)
	}
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkCreateAndRead stores a consultation whose first version is the
// 治安管理处罚法 (about 64 KB of text) and reads the version back. Most of
// the time is the fsync of the commit (synchronous=FULL); read-ns/op reports
// the read alone.
func BenchmarkCreateAndRead(b *testing.B) {
	text := corpus.Read(b, "public-security-admin-penalties-law/final.txt")
	doc, err := lawtext.Parse(text)
	if err != nil {
		b.Fatal(err)
	}
	s := OpenTemp(b).Consultations()
	now := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	var reading time.Duration
	for b.Loop() {
		c := &consultation.Consultation{ID: ident.ID(), DepartmentID: "d1", Title: doc.Title,
			ProcedureType: consultation.Rule, State: consultation.Draft, CurrentVersion: 1, CreatedAt: now, UpdatedAt: now}
		v := &consultation.Version{ConsultationID: c.ID, Number: 1, Kind: consultation.ConsultationDraft,
			Title: doc.Title, Text: string(text), CreatedAt: now, Document: doc}
		if err := storetest.Create(s, c, v); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		got, err := s.Version(ctx, c.ID, 1)
		reading += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if len(got.Document.Blocks) != len(doc.Blocks) {
			b.Fatalf("read back %d blocks, want %d", len(got.Document.Blocks), len(doc.Blocks))
		}
	}
	b.ReportMetric(float64(reading.Nanoseconds())/float64(b.N), "read-ns/op")
}
