package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"strconv"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"golang.org/x/mod/sumdb/note"

	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/demo"
	"yugongkai/mongodb"
	"yugongkai/mongodb/mongotest"
	"yugongkai/sqlite"
)

// loadDemo writes the demonstration data (a decision taken through the
// whole procedure, with comments, answers and a final text) and returns the
// published consultation, one of its comments with a not-adopted answer and
// the number of its final version.
func loadDemo(t *testing.T, as auth.Store, cs consultation.Store, ms comments.Store) (cid, comment string, final int) {
	t.Helper()
	ctx := context.Background()
	a := auth.NewService(as)
	a.Hash = auth.LightHashPassword
	csv := consultation.NewService(cs, as)
	msv := comments.NewService(ms, csv)
	csv.Facts, csv.LogHead = msv.Facts, msv.SignedLogHead
	if _, err := demo.Load(ctx, demo.Services{Auth: a, Consultations: csv, Comments: msv}); err != nil {
		t.Fatal(err)
	}
	list, _, err := cs.Consultations(ctx, consultation.ListFilter{Status: consultation.Published, Limit: 10})
	if err != nil || len(list) == 0 {
		t.Fatalf("no published demo decision: %v", err)
	}
	c := list[0]
	page, _, err := ms.Comments(ctx, comments.Filter{ConsultationID: c.ID, Outcomes: []comments.Outcome{comments.NotAdopted}, Limit: 1})
	if err != nil || len(page) == 0 {
		t.Fatalf("no answered demo comment: %v", err)
	}
	return c.ID, page[0].ID, c.Final.Version
}

// tamper is one alteration made behind the application's back, and what
// verify must say about it.
type tamper struct {
	name   string
	sqlite string // statement, with ?1 the comment id and ?2 the consultation id, ?3 the final version
	mongo  func(ctx context.Context, db *mongo.Database, cid, comment string, final int) error
	want   []string // in verify's output
}

var tampers = []tamper{
	{"comment text altered",
		`UPDATE comments SET record = json_set(record, '$.body', '篡改后的意见') WHERE id = ?1`,
		func(ctx context.Context, db *mongo.Database, cid, comment string, final int) error {
			_, err := db.Collection("comments").UpdateOne(ctx, bson.D{{Key: "_id", Value: comment}}, bson.D{{Key: "$set", Value: bson.D{{Key: "body", Value: "篡改后的意见"}}}})
			return err
		}, []string{"comment ?1", "text altered"}},
	{"comment deleted",
		`DELETE FROM comments WHERE id = ?1`,
		func(ctx context.Context, db *mongo.Database, cid, comment string, final int) error {
			_, err := db.Collection("comments").DeleteOne(ctx, bson.D{{Key: "_id", Value: comment}})
			return err
		}, []string{"comment ?1", "deleted"}},
	{"comment inserted",
		`INSERT INTO comments (id, consultation_id, article_id, status, channel, group_id, outcome, received_at, receipt, idempotency_key, record)
		 SELECT 'forged1', consultation_id, article_id, status, channel, group_id, outcome, received_at, 'YGK-0000-0000-0001', NULL,
		 json_set(record, '$.id', 'forged1', '$.receipt', 'YGK-0000-0000-0001') FROM comments WHERE id = ?1`,
		func(ctx context.Context, db *mongo.Database, cid, comment string, final int) error {
			var doc bson.M
			if err := db.Collection("comments").FindOne(ctx, bson.D{{Key: "_id", Value: comment}}).Decode(&doc); err != nil {
				return err
			}
			doc["_id"], doc["receipt"] = "forged1", "YGK-0000-0000-0001"
			_, err := db.Collection("comments").InsertOne(ctx, doc)
			return err
		}, []string{"comment forged1", "inserted"}},
	{"final text altered",
		`UPDATE versions SET record = json_set(record, '$.text', replace(json_extract(record, '$.text'), '充电', '无需充电')) WHERE consultation_id = ?2 AND number = ?3`,
		func(ctx context.Context, db *mongo.Database, cid, comment string, final int) error {
			var v struct {
				Text string `bson:"text"`
			}
			id := cid + "/" + itoa(final)
			if err := db.Collection("versions").FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&v); err != nil {
				return err
			}
			_, err := db.Collection("versions").UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "text", Value: strings.ReplaceAll(v.Text, "充电", "无需充电")}}}})
			return err
		}, []string{"version ?3", "text"}},
	{"answer altered",
		`UPDATE comments SET record = json_set(record, '$.disposition.status', 'adopted', '$.dispositions[#-1].status', 'adopted') WHERE id = ?1`,
		func(ctx context.Context, db *mongo.Database, cid, comment string, final int) error {
			var doc struct {
				Dispositions []bson.M `bson:"dispositions"`
			}
			if err := db.Collection("comments").FindOne(ctx, bson.D{{Key: "_id", Value: comment}}).Decode(&doc); err != nil {
				return err
			}
			last := "dispositions." + itoa(len(doc.Dispositions)-1) + ".outcome"
			_, err := db.Collection("comments").UpdateOne(ctx, bson.D{{Key: "_id", Value: comment}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "disposition.outcome", Value: "adopted"}, {Key: last, Value: "adopted"}}}})
			return err
		}, []string{"disposition ?1"}},
}

func itoa(n int) string { return strconv.Itoa(n) }

func expand(s, cid, comment string, final int) string {
	return strings.NewReplacer("?1", comment, "?2", cid, "?3", strconv.Itoa(final)).Replace(s)
}

// TestVerifyCatchesTampering alters the stored record in each way a
// verifier must catch, on both stores: verify fails and names what was
// altered; the untouched data passes.
func TestVerifyCatchesTampering(t *testing.T) {
	ctx := context.Background()
	t.Run("sqlite", func(t *testing.T) {
		for _, tc := range tampers {
			t.Run(tc.name, func(t *testing.T) {
				dir := t.TempDir()
				db, err := sqlite.Open(ctx, dir)
				if err != nil {
					t.Fatal(err)
				}
				cid, comment, final := loadDemo(t, db.Auth(), db.Consultations(), db.Comments())
				db.Close()
				if out, err := runVerify("-data", dir, cid); err != nil {
					t.Fatalf("verify before tampering: %v\n%s", err, out)
				}
				raw, err := sql.Open("sqlite", "file:"+dir+"/yugongkai.db")
				if err != nil {
					t.Fatal(err)
				}
				res, err := raw.Exec(tc.sqlite, comment, cid, final)
				if err != nil {
					t.Fatal(err)
				}
				if n, _ := res.RowsAffected(); n != 1 {
					t.Fatalf("tampered %d rows", n)
				}
				raw.Close()
				out, err := runVerify("-data", dir, cid)
				if err == nil {
					t.Fatalf("verify after %s passed:\n%s", tc.name, out)
				}
				for _, w := range tc.want {
					if w = expand(w, cid, comment, final); !strings.Contains(out, w) {
						t.Errorf("verify after %s does not say %q:\n%s", tc.name, w, out)
					}
				}
			})
		}
	})
	for _, target := range mongotest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			client, err := mongo.Connect(options.Client().ApplyURI(target.URI))
			if err != nil {
				t.Fatal(err)
			}
			defer client.Disconnect(ctx)
			for _, tc := range tampers {
				t.Run(tc.name, func(t *testing.T) {
					name := mongotest.DatabaseName()
					uri := withDatabase(target.URI, name)
					db, err := mongodb.Open(ctx, uri)
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { mongotest.Drop(context.Background(), target.URI, name) })
					cid, comment, final := loadDemo(t, db, db, db.Comments())
					db.Close(ctx)
					if out, err := runVerify("-mongodb-uri", uri, cid); err != nil {
						t.Fatalf("verify before tampering: %v\n%s", err, out)
					}
					if err := tc.mongo(ctx, client.Database(name), cid, comment, final); err != nil {
						t.Fatal(err)
					}
					out, err := runVerify("-mongodb-uri", uri, cid)
					if err == nil {
						t.Fatalf("verify after %s passed:\n%s", tc.name, out)
					}
					for _, w := range tc.want {
						if w = expand(w, cid, comment, final); !strings.Contains(out, w) {
							t.Errorf("verify after %s does not say %q:\n%s", tc.name, w, out)
						}
					}
				})
			}
		})
	}
}

// verify checks the seals' signatures with the log key it finds
// (YUGONGKAI_LOG_KEY here): the key that signed them passes, another fails.
func TestVerifySealSignatures(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	skey, _, err := note.GenerateKey(rand.Reader, logKeyName)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	a := auth.NewService(db.Auth())
	a.Hash = auth.LightHashPassword
	csv := consultation.NewService(db.Consultations(), db.Auth())
	msv := comments.NewService(db.Comments(), csv)
	msv.SignHead = headSigner(signer)
	csv.Facts, csv.LogHead = msv.Facts, msv.SignedLogHead
	if _, err := demo.Load(ctx, demo.Services{Auth: a, Consultations: csv, Comments: msv}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	run := func(key string) (string, error) {
		var out bytes.Buffer
		err := verify(ctx, []string{"-data", dir}, func(k string) string {
			if k == "YUGONGKAI_LOG_KEY" {
				return key
			}
			return ""
		}, &out, &out)
		return out.String(), err
	}
	if out, err := run(skey); err != nil || !strings.Contains(out, "0 with a broken record") {
		t.Fatalf("verify with the signing key: %v\n%s", err, out)
	}
	other, _, _ := note.GenerateKey(rand.Reader, logKeyName)
	out, err := run(other)
	if err == nil || !strings.Contains(out, "seal") || !strings.Contains(out, "not signed by the log key") {
		t.Fatalf("verify with another key passed or did not name the seals:\n%s", out)
	}
}
