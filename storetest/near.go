package storetest

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"yugongkai/apperr"
	"yugongkai/comments"
)

// testNearRuns: the stored near-duplicate pass round-trips, and its claim
// holds one pass per consultation until it finishes or its lease is over.
func testNearRuns(t *testing.T, s comments.Store) {
	const cid = "near-c"
	if _, err := s.NearRun(ctx, cid); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("NearRun before any pass: err = %v, want NotFound", err)
	}
	claim := func(owner string, now time.Time) bool {
		t.Helper()
		ok, err := s.ClaimNear(ctx, cid, owner, now, now.Add(time.Minute))
		must(t, err)
		return ok
	}
	if !claim("a", T0) {
		t.Fatal("first ClaimNear refused")
	}
	if claim("b", T0.Add(30*time.Second)) {
		t.Error("ClaimNear taken while another claim holds")
	}
	r, err := s.NearRun(ctx, cid)
	must(t, err)
	if !r.Running || r.Owner != "a" || !r.Until.Equal(T0.Add(time.Minute)) || !r.StartedAt.Equal(T0) || !r.DoneAt.IsZero() || len(r.Proposals) != 0 {
		t.Errorf("NearRun while computing = %+v", r)
	}
	if ok, err := s.FinishNear(ctx, &comments.NearRun{ConsultationID: cid, Owner: "b", DoneAt: T0}); err != nil || ok {
		t.Errorf("FinishNear by a non-owner = %v, %v; want false", ok, err)
	}
	props := []comments.Proposal{
		{GroupIDs: []string{"g1", "g2", "g3"}, Count: 5, Similarity: 0.85, Sample: "近似的意见"},
		{GroupIDs: []string{"g4", "g5"}, Count: 2, Similarity: 0.9, Sample: "另一条"},
	}
	done := T0.Add(20 * time.Second)
	if ok, err := s.FinishNear(ctx, &comments.NearRun{ConsultationID: cid, Owner: "a", DoneAt: done, Comments: 7, Proposals: props}); err != nil || !ok {
		t.Fatalf("FinishNear by the owner = %v, %v", ok, err)
	}
	r, err = s.NearRun(ctx, cid)
	must(t, err)
	if r.Running || !r.DoneAt.Equal(done) || r.Comments != 7 || r.Error != "" || !reflect.DeepEqual(r.Proposals, props) {
		t.Errorf("NearRun after the pass = %+v, want done at %v with %+v", r, done, props)
	}
	// A new pass keeps the last result until it finishes; a failed one
	// keeps it after.
	if !claim("c", T0.Add(40*time.Second)) {
		t.Fatal("ClaimNear refused after the pass finished")
	}
	if r, err = s.NearRun(ctx, cid); err != nil || !r.Running || !reflect.DeepEqual(r.Proposals, props) || !r.StartedAt.Equal(T0.Add(40*time.Second)) {
		t.Errorf("NearRun of the second pass = %+v, %v; want running with the last proposals", r, err)
	}
	if ok, err := s.FinishNear(ctx, &comments.NearRun{ConsultationID: cid, Owner: "c", Error: "boom"}); err != nil || !ok {
		t.Fatalf("FinishNear of a failed pass = %v, %v", ok, err)
	}
	if r, err = s.NearRun(ctx, cid); err != nil || r.Running || r.Error != "boom" || !reflect.DeepEqual(r.Proposals, props) || !r.DoneAt.Equal(done) {
		t.Errorf("NearRun after a failed pass = %+v, %v; want the error and the last result", r, err)
	}
	// A claim whose lease is over is free: its process died.
	if !claim("d", T0.Add(time.Minute)) {
		t.Fatal("ClaimNear refused")
	}
	if !claim("e", T0.Add(2*time.Minute)) {
		t.Error("ClaimNear refused after the holder's lease ended")
	}
	if ok, _ := s.FinishNear(ctx, &comments.NearRun{ConsultationID: cid, Owner: "d", DoneAt: T0}); ok {
		t.Error("FinishNear accepted from the pass whose claim was taken over")
	}
	// Another consultation has its own record.
	if ok, err := s.ClaimNear(ctx, "near-other", "f", T0, T0.Add(time.Minute)); err != nil || !ok {
		t.Errorf("ClaimNear of another consultation = %v, %v", ok, err)
	}
	// An empty result is a result.
	if ok, err := s.FinishNear(ctx, &comments.NearRun{ConsultationID: "near-other", Owner: "f", DoneAt: done}); err != nil || !ok {
		t.Fatalf("FinishNear = %v, %v", ok, err)
	}
	if r, err = s.NearRun(ctx, "near-other"); err != nil || r.DoneAt.IsZero() || len(r.Proposals) != 0 {
		t.Errorf("NearRun with no proposals = %+v, %v", r, err)
	}
}

// LargeNearProposals returns proposals of about scale × 0.95 MB encoded,
// one of them of scale × 6,000 groups (a campaign sent in as many
// variants). At scale 20 they pass MongoDB's 16 MB document limit, as a
// million comments' result can.
func LargeNearProposals(seed, scale int) []comments.Proposal {
	var props []comments.Proposal
	id := func(k int) string { return fmt.Sprintf("x%08d%024d", seed, k) }
	k := 0
	big := comments.Proposal{Count: scale * 6_000, Similarity: 0.8, Sample: strings.Repeat("反对", 100)}
	for range scale * 6_000 {
		big.GroupIDs = append(big.GroupIDs, id(k))
		k++
	}
	props = append(props, big)
	for i := range scale * 1_250 {
		p := comments.Proposal{Count: 3, Similarity: 0.9, Sample: fmt.Sprintf("第%d条近似的意见：%s", i, strings.Repeat("建议", 40))}
		for range 3 {
			p.GroupIDs = append(p.GroupIDs, id(k))
			k++
		}
		props = append(props, p)
	}
	return props
}

// EnvNearLarge, set to 1, makes testNearRunsLarge store a result past
// MongoDB's 16 MB document limit (18 MB; 6–11 s on the embedded FerretDB,
// which does not enforce the limit); by default it stores 1 MB, which
// the MongoDB store's own test cuts in many chunks.
const EnvNearLarge = "YUGONGKAI_NEAR_LARGE"

// testNearRunsLarge: a large result is stored and read back whole, and a
// smaller result replaces it.
func testNearRunsLarge(t *testing.T, s comments.Store) {
	const cid = "near-large"
	scale := 1
	if os.Getenv(EnvNearLarge) == "1" {
		scale = 20
	}
	pass := func(owner string, at time.Time, props []comments.Proposal) {
		t.Helper()
		if ok, err := s.ClaimNear(ctx, cid, owner, at, at.Add(time.Minute)); err != nil || !ok {
			t.Fatalf("ClaimNear = %v, %v", ok, err)
		}
		if ok, err := s.FinishNear(ctx, &comments.NearRun{ConsultationID: cid, Owner: owner, DoneAt: at, Comments: 300_000, Proposals: props}); err != nil || !ok {
			t.Fatalf("FinishNear = %v, %v", ok, err)
		}
		r, err := s.NearRun(ctx, cid)
		must(t, err)
		if !reflect.DeepEqual(r.Proposals, props) {
			t.Errorf("NearRun: %d proposals, want %d as stored", len(r.Proposals), len(props))
		}
	}
	pass("a", T0, LargeNearProposals(1, scale))
	pass("b", T0.Add(time.Minute), LargeNearProposals(2, scale)[:100])
}
