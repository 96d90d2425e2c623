package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/history"
	"yugongkai/sqlite"
)

// TestVerifyPreviousReleaseData rewrites a data directory's whole history
// as the previous release wrote it (every event hashed whole, payload
// included: format 1, v = 1 in the table) and checks that verify still
// passes, and still catches an altered payload.
func TestVerifyPreviousReleaseData(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	cid, _, _ := loadDemo(t, db.Auth(), db.Consultations(), db.Comments())
	var ids []string
	if err := eachConsultation(ctx, db.Consultations(), func(c *consultation.Consultation) error {
		ids = append(ids, c.ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	old := map[string][]history.Event{}
	for _, id := range ids {
		events, err := db.Consultations().Events(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		prev := ""
		for i := range events {
			e := &events[i]
			e.V, e.PayloadHash, e.PrevHash = 0, "", prev
			var m map[string]any // the previous release's rule, spelled out
			raw, _ := json.Marshal(map[string]any{"consultation": e.Consultation, "seq": e.Seq,
				"at": e.At.UTC().Format("2006-01-02T15:04:05.000Z"), "actor_role": e.ActorRole, "type": e.Type,
				"public": e.Public, "payload": e.Payload, "prev_hash": prev})
			json.Unmarshal(raw, &m)
			if e.ActorID != "" {
				m["actor_id"] = e.ActorID
			}
			canon, err := history.Canonical(m)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(canon)
			e.Hash = hex.EncodeToString(sum[:])
			prev = e.Hash
		}
		old[id] = events
	}
	db.Close()
	raw, err := sql.Open("sqlite", "file:"+dir+"/yugongkai.db")
	if err != nil {
		t.Fatal(err)
	}
	for id, events := range old {
		for _, e := range events {
			if _, err := raw.Exec(`UPDATE events SET v = 1, prev_hash = ?, hash = ? WHERE consultation_id = ? AND seq = ?`, e.PrevHash, e.Hash, id, e.Seq); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := raw.Exec(`UPDATE consultations SET record = json_set(record, '$.history_head', ?) WHERE id = ?`, history.Head(events), id); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	out, err := runVerify("-data", dir)
	if err != nil || !strings.Contains(out, "0 with a broken record") {
		t.Fatalf("verify of data written by the previous release: %v\n%s", err, out)
	}
	raw, _ = sql.Open("sqlite", "file:"+dir+"/yugongkai.db")
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE events SET payload = CAST(json_set(payload, '$.forged', 1) AS BLOB) WHERE consultation_id = ? AND seq = 2`, cid); err != nil {
		t.Fatal(err)
	}
	if out, err := runVerify("-data", dir, cid); err == nil || !strings.Contains(out, "event 2") {
		t.Errorf("verify after altering a format-1 payload: %v\n%s", err, out)
	}
}

// verify -archive checks an exported archive file: the published demo
// decision's passes, a copy with an altered event fails naming it.
func TestVerifyArchiveFile(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cid, _, _ := loadDemo(t, db.Auth(), db.Consultations(), db.Comments())
	csv := consultation.NewService(db.Consultations(), db.Auth())
	msv := comments.NewService(db.Comments(), csv)
	csv.ArchiveLog = msv.ArchiveLog
	a, err := csv.BuildArchive(ctx, auth.Principal{}, cid, msv.Archive)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(a)
	good := filepath.Join(t.TempDir(), "archive.json")
	os.WriteFile(good, data, 0o600)
	if out, err := runVerify("-archive", good, a.ChainHead); err != nil || !strings.HasPrefix(out, "ok") {
		t.Fatalf("verify -archive of a genuine archive: %v\n%s", err, out)
	}
	a.Events[2].ActorID = "someone-else"
	data, _ = json.Marshal(a)
	bad := filepath.Join(t.TempDir(), "archive.json")
	os.WriteFile(bad, data, 0o600)
	if out, err := runVerify("-archive", bad, a.ChainHead); err == nil || !strings.Contains(out, "manifest events") {
		t.Errorf("verify -archive of an altered archive: %v\n%s", err, out)
	}
}
