package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"yugongkai/consultation"
	"yugongkai/history"
	"yugongkai/workcal"
)

// pythonArchiveCheck runs docs/verify_archive.py on an archive; it returns
// "" and skips (fails under CI=true) when python3 is missing.
func pythonArchiveCheck(t *testing.T, archive []byte, head string) (string, error) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 not installed")
		}
		t.Skip("python3 not installed")
	}
	f := filepath.Join(t.TempDir(), "archive.json")
	if err := os.WriteFile(f, archive, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, filepath.Join("..", "docs", "verify_archive.py"), f, head).CombinedOutput()
	return string(out), err
}

// withManifest re-encodes a tampered archive with its manifest's "events"
// entry recomputed, as a forger would, so that only the chain can tell.
func withManifest(t *testing.T, a map[string]any) []byte {
	t.Helper()
	raw, err := json.Marshal(a["events"])
	if err != nil {
		t.Fatal(err)
	}
	canon, err := history.Canonical(json.RawMessage(raw))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(canon)
	a["manifest"].(map[string]any)["events"] = hex.EncodeToString(sum[:])
	out, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The public archive of a consultation still open, with private events
// (a comment entered from a letter, staff-only moderation and answers),
// verifies end to end in Go and in docs/verify_archive.py; altering a
// withheld payload's hash, a public payload, or removing a withheld event
// is caught by both and the event named.
func TestPublicArchiveOfOpenConsultationVerifies(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := e.world()
		id, _ := e.openConsultation(w, nil)
		base := "/api/v1/consultations/" + id
		e.want(e.do("POST", base+"/comments/offline", w.staffA, map[string]any{"body": "来信：建议设立犬只收容场所。",
			"channel": "letter", "received_on": "2026-12-01", "display": "anonymous"}), 201, "letter")
		e.want(e.do("POST", base+"/comments", "", comment("建议延长征求意见期限，联系电话13812345678。")), 201, "online comment")
		e.want(e.do("POST", base+"/extend", w.staffA, map[string]string{"closes_at": "2027-01-15", "reason": "应群众要求延长"}), 200, "extend")
		e.want(e.do("POST", base+"/steps", w.staffA, map[string]any{"kind": "expert_review", "held_on": workcal.DateOf(e.clock.Now()).String(),
			"participants": "县律师协会", "summary": "内部专家意见：登记费宜降低。", "public": false}), 201, "internal step")

		full := e.want(e.do("GET", base+"/history", w.staffA, nil), 200, "staff history")
		arch := e.want(e.do("GET", base+"/archive", "", nil), 200, "public archive")
		var a map[string]any
		if err := json.Unmarshal(arch.Body, &a); err != nil {
			t.Fatal(err)
		}
		if a["format"] != consultation.ArchiveFormat {
			t.Errorf("archive format %v, want %s", a["format"], consultation.ArchiveFormat)
		}
		events := a["events"].([]any)
		if n := len(full.JSON["items"].([]any)); len(events) != n {
			t.Fatalf("public archive holds %d events, the history %d: events left out", len(events), n)
		}
		withheld, public := -1, -1
		for i, x := range events {
			ev := x.(map[string]any)
			_, hasPayload := ev["payload"]
			switch {
			case ev["public"] == false && (hasPayload || ev["withheld"] != true || ev["payload_sha256"] == nil):
				t.Errorf("private event %v in the public archive: %v", ev["seq"], ev)
			case ev["public"] == false && withheld < 0:
				withheld = i
			case ev["public"] == true && hasPayload && public < 0 && i > 0:
				public = i
			}
		}
		if withheld < 0 || public < 0 {
			t.Fatalf("want a withheld and a public event in the archive: %s", arch.Body)
		}
		if strings.Contains(string(arch.Body), "13812345678") || strings.Contains(string(arch.Body), "收容场所") {
			t.Error("the public archive leaks a private payload")
		}
		// The consultation in it is the public copy: no internal procedure
		// record, no account ids.
		if strings.Contains(string(arch.Body), "内部专家意见") || strings.Contains(string(arch.Body), "县律师协会") {
			t.Error("the public archive holds an internal procedure record")
		}
		if by := a["consultation"].(map[string]any)["created_by"]; by != nil && by != "" {
			t.Errorf("the public archive names the account that created the consultation: %v", by)
		}
		staffArch := e.want(e.do("GET", base+"/archive", w.staffA, nil), 200, "staff archive")
		if !strings.Contains(string(staffArch.Body), "内部专家意见") {
			t.Error("the department's archive lacks its internal procedure record")
		}
		head := e.want(e.do("GET", base, "", nil), 200, "consultation").str("history_head")

		v, err := consultation.VerifyArchive(arch.Body, head)
		if err != nil || !v.OK || v.Unbound != 0 {
			t.Fatalf("VerifyArchive(public archive) = %+v, %v", v, err)
		}
		out, err := pythonArchiveCheck(t, arch.Body, head)
		if err != nil || !strings.HasPrefix(out, "OK") || strings.Contains(out, "NOTE") {
			t.Fatalf("verify_archive.py on the public archive: %v\n%s", err, out)
		}

		seqOf := func(i int) string { return strconv.Itoa(i + 1) }
		tampers := []struct {
			name      string
			tamper    func(events []any) []any
			goWant    string // in the Go verifier's problem
			pythonWan string // in the script's output
		}{
			{"withheld payload hash altered", func(es []any) []any {
				es[withheld].(map[string]any)["payload_sha256"] = strings.Repeat("ab", 32)
				return es
			}, "event " + seqOf(withheld) + ": hash", "event seq " + seqOf(withheld) + " was altered"},
			{"public payload altered", func(es []any) []any {
				es[public].(map[string]any)["payload"].(map[string]any)["forged"] = "篡改"
				return es
			}, "event " + seqOf(public) + ": payload altered", "event seq " + seqOf(public) + ": payload altered"},
			{"withheld event removed", func(es []any) []any {
				return append(es[:withheld:withheld], es[withheld+1:]...)
			}, "event " + seqOf(withheld+1) + ": seq " + seqOf(withheld+1) + " at position " + seqOf(withheld), "event " + seqOf(withheld) + " has seq " + seqOf(withheld+1)},
		}
		for _, tc := range tampers {
			t.Run(tc.name, func(t *testing.T) {
				var a map[string]any
				json.Unmarshal(arch.Body, &a)
				a["events"] = tc.tamper(a["events"].([]any))
				forged := withManifest(t, a)
				if bytes.Equal(forged, arch.Body) {
					t.Fatal("tampering changed nothing")
				}
				v, err := consultation.VerifyArchive(forged, head)
				if err != nil || v.OK || !strings.Contains(v.Problem, tc.goWant) {
					t.Errorf("VerifyArchive after %s = %+v, %v; want a problem naming %q", tc.name, v, err, tc.goWant)
				}
				out, err := pythonArchiveCheck(t, forged, head)
				if err == nil || !strings.Contains(out, "BAD") || !strings.Contains(out, tc.pythonWan) {
					t.Errorf("verify_archive.py after %s: %v\n%s\nwant %q", tc.name, err, out, tc.pythonWan)
				}
			})
		}
	})
}
