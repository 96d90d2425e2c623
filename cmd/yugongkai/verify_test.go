package main

import (
	"bytes"
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	_ "modernc.org/sqlite"

	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/demo"
	"yugongkai/mongodb"
	"yugongkai/mongodb/mongotest"
	"yugongkai/search"
	"yugongkai/sqlite"
)

// record writes a consultation with a few events through the services.
func record(t *testing.T, as auth.Store, cs consultation.Store) string {
	t.Helper()
	ctx := context.Background()
	a := auth.NewService(as)
	a.Hash = auth.LightHashPassword
	admin := auth.Principal{UserID: "root", Role: auth.Admin}
	d, err := a.CreateDepartment(ctx, admin, "县应急管理局")
	if err != nil {
		t.Fatal(err)
	}
	staff := auth.Principal{UserID: "s1", Role: auth.Staff, DepartmentID: d.ID}
	svc := consultation.NewService(cs, as)
	now := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	svc.Now = func() time.Time { return now }
	text := "某县应急预案管理办法\n\n第一条　为了规范应急预案管理，制定本办法。\n第二条　本办法自公布之日起施行。\n"
	ptr := func(s string) *string { return &s }
	typ := consultation.Other
	c, err := svc.Create(ctx, staff, consultation.DraftForm{Title: ptr("应急预案管理办法"), ProcedureType: &typ, Text: ptr(text),
		Explanation: ptr("说明"), LegalBasis: ptr("《突发事件应对法》"),
		Contact:  &consultation.Contact{Department: "县应急管理局", Phone: "0571-1"},
		Channels: &consultation.Channels{Email: "a@b.cn"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Publish(ctx, staff, c.ID, consultation.PublishForm{ClosesAt: "2026-12-31"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Extend(ctx, staff, c.ID, consultation.ExtendForm{ClosesAt: "2027-01-10", Reason: "延期"}); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func runVerify(args ...string) (string, error) {
	var out bytes.Buffer
	err := verify(context.Background(), args, func(string) string { return "" }, &out, &out)
	return out.String(), err
}

func TestVerifySQLiteTampering(t *testing.T) {
	dir := t.TempDir()
	db, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	id := record(t, db.Auth(), db.Consultations())
	db.Close()

	out, err := runVerify("-data", dir)
	if err != nil || !strings.Contains(out, "ok   "+id) {
		t.Fatalf("verify of an intact store: %v\n%s", err, out)
	}
	// Change one stored event behind the application's back.
	raw, err := sql.Open("sqlite", "file:"+dir+"/yugongkai.db")
	if err != nil {
		t.Fatal(err)
	}
	res, err := raw.Exec(`UPDATE events SET payload = CAST(replace(CAST(payload AS TEXT), '延期', '延期一年') AS BLOB) WHERE consultation_id = ? AND seq = 3`, id)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("tampered %d rows", n)
	}
	raw.Close()
	out, err = runVerify("-data", dir)
	if err == nil || !strings.Contains(err.Error(), "seq 3") || !strings.Contains(out, "BAD  "+id) {
		t.Fatalf("verify after tampering with seq 3: err %v\n%s", err, out)
	}
}

func TestVerifyMongoTampering(t *testing.T) {
	for _, target := range mongotest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			name := mongotest.DatabaseName()
			uri := withDatabase(target.URI, name)
			ctx := context.Background()
			db, err := mongodb.Open(ctx, uri)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { mongotest.Drop(context.Background(), target.URI, name) })
			id := record(t, db, db)
			db.Close(ctx)
			out, err := runVerify("-mongodb-uri", uri)
			if err != nil || !strings.Contains(out, "ok   "+id) {
				t.Fatalf("verify of an intact store: %v\n%s", err, out)
			}
			client, err := mongo.Connect(options.Client().ApplyURI(target.URI))
			if err != nil {
				t.Fatal(err)
			}
			defer client.Disconnect(ctx)
			res, err := client.Database(name).Collection("events").UpdateOne(ctx,
				bson.D{{Key: "consultation", Value: id}, {Key: "seq", Value: 2}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "type", Value: "consultation.closed_early"}}}})
			if err != nil || res.ModifiedCount != 1 {
				t.Fatalf("tamper: %v %+v", err, res)
			}
			out, err = runVerify("-mongodb-uri", uri)
			if err == nil || !strings.Contains(err.Error(), "seq 2") {
				t.Fatalf("verify after tampering with seq 2: err %v\n%s", err, out)
			}
		})
	}
}

// withDatabase puts a database name into a mongodb:// URI's path.
func withDatabase(uri, name string) string {
	q := ""
	if i := strings.Index(uri, "?"); i >= 0 {
		uri, q = uri[:i], uri[i:]
	}
	scheme := "mongodb://"
	rest := strings.TrimPrefix(uri, scheme)
	if i := strings.Index(rest, "/"); i >= 0 {
		rest = rest[:i]
	}
	return scheme + rest + "/" + name + q
}

func TestReindex(t *testing.T) {
	dir := t.TempDir()
	db, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	// Written without the search hook, as data from before the index.
	id := record(t, db.Auth(), db.Consultations())
	ss := &search.Service{Index: db.Search()}
	if hits, _ := ss.Search(context.Background(), "应急预案", search.Filter{}, 10); len(hits) != 0 {
		t.Fatalf("index not empty before reindex: %v", hits)
	}
	db.Close()
	var out bytes.Buffer
	if err := reindex(context.Background(), []string{"-data", dir}, func(string) string { return "" }, &out, &out); err != nil {
		t.Fatalf("reindex: %v\n%s", err, out.String())
	}
	db, _ = sqlite.Open(context.Background(), dir)
	defer db.Close()
	ss = &search.Service{Index: db.Search()}
	hits, err := ss.Search(context.Background(), "应急预案", search.Filter{}, 10)
	if err != nil || len(hits) != 1 || hits[0].ID != id {
		t.Errorf("after reindex: %v %v\n%s", hits, err, out.String())
	}
}

// The demonstration data verifies: its events are backdated, and the
// chain's order is its sequence, not the clock.
func TestVerifyDemoData(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	a := auth.NewService(db.Auth())
	a.Hash = auth.LightHashPassword
	cs := consultation.NewService(db.Consultations(), db.Auth())
	ms := comments.NewService(db.Comments(), cs)
	cs.Facts, cs.VerifyRecord, cs.LogHead = ms.Facts, ms.VerifyRecord, ms.SignedLogHead
	if _, err := demo.Load(ctx, demo.Services{Auth: a, Consultations: cs, Comments: ms}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out, err := runVerify("-data", dir)
	if err != nil || strings.Contains(out, "BAD") || !strings.Contains(out, "0 with a broken record") {
		t.Fatalf("verify of the demo data: %v\n%s", err, out)
	}
}
