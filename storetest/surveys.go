package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"yugongkai/apperr"
	"yugongkai/surveys"
)

// SurveyOpener returns a fresh, empty survey response store whose writes go
// through f.Hook; cleanup is registered on t.
type SurveyOpener func(t *testing.T, f *Faults) surveys.Store

// RunSurveys runs the survey response store contract.
func RunSurveys(t *testing.T, open SurveyOpener) {
	t.Run("Responses", func(t *testing.T) { testSurveyResponses(t, open(t, &Faults{})) })
	t.Run("FaultAtEveryWrite", func(t *testing.T) { testSurveyFaults(t, open) })
}

func response(survey, respondent string, at time.Time, choices ...string) *surveys.Response {
	return &surveys.Response{ID: fmt.Sprintf("r-%s-%s", survey, respondent), SurveyID: survey, ConsultationID: "c1",
		Respondent: respondent, Choices: choices, Texts: map[string]string{"q9": "短答 " + respondent}, At: at}
}

func testSurveyResponses(t *testing.T, s surveys.Store) {
	for i := range 7 {
		choices := []string{"q1:*", fmt.Sprintf("q1:o%d", i%3+1)}
		if i%2 == 0 {
			choices = append(choices, "q2:*", "q2:o1", "q2:o2")
		}
		must(t, s.InsertResponse(ctx, response("s1", fmt.Sprintf("d:%d", i), T0.Add(time.Duration(i%3)*time.Second), choices...)))
	}
	must(t, s.InsertResponse(ctx, response("s2", "d:0", T0, "q1:*", "q1:o1")))
	err := s.InsertResponse(ctx, response("s1", "d:3", T0.Add(time.Hour), "q1:*"))
	wantKind(t, "second response", err, apperr.Conflict)
	if !errors.Is(err, surveys.ErrAlreadyResponded) {
		t.Errorf("second response: %v, want ErrAlreadyResponded", err)
	}
	if ok, err := s.HasResponded(ctx, "s1", "d:3"); err != nil || !ok {
		t.Errorf("HasResponded(d:3) = %v, %v", ok, err)
	}
	if ok, err := s.HasResponded(ctx, "s1", "d:99"); err != nil || ok {
		t.Errorf("HasResponded(d:99) = %v, %v", ok, err)
	}
	if n, err := s.CountResponses(ctx, "s1"); err != nil || n != 7 {
		t.Errorf("CountResponses = %d, %v; want 7", n, err)
	}
	got, err := s.CountChoices(ctx, "s1", []string{"q1:*", "q1:o1", "q1:o2", "q1:o3", "q2:*", "q2:o1", "q2:o2", "q2:o3"})
	must(t, err)
	want := map[string]int{"q1:*": 7, "q1:o1": 3, "q1:o2": 2, "q1:o3": 2, "q2:*": 4, "q2:o1": 4, "q2:o2": 4, "q2:o3": 0}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("CountChoices[%s] = %d, want %d", k, got[k], n)
		}
	}
	// Pages of 3 in (At, ID) order, each response once.
	seen := map[string]bool{}
	var last time.Time
	pages := 0
	for cursor := ""; ; {
		page, next, err := s.Responses(ctx, "s1", cursor, 3)
		must(t, err)
		pages++
		for _, r := range page {
			if seen[r.ID] || r.At.Before(last) {
				t.Fatalf("page %d: %s repeated or out of order", pages, r.ID)
			}
			seen[r.ID], last = true, r.At
			if r.Texts["q9"] != "短答 "+r.Respondent || r.Respondent == "" {
				t.Errorf("response %s round trip: %+v", r.ID, r)
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if len(seen) != 7 || pages != 3 {
		t.Errorf("listed %d responses in %d pages, want 7 in 3", len(seen), pages)
	}
	_, _, err = s.Responses(ctx, "s1", "%%%", 3)
	wantKind(t, "bad cursor", err, apperr.BadRequest)
}

// testSurveyFaults: whichever write of a response fails, the response is
// stored whole or not at all, and may be sent again.
func testSurveyFaults(t *testing.T, open SurveyOpener) {
	f := &Faults{}
	s := open(t, f)
	for k := 1; ; k++ {
		r := response("s1", "d:x", T0, "q1:*", "q1:o2", "q2:*", "q2:o1")
		f.arm(k)
		err := s.InsertResponse(ctx, r)
		writes := f.disarm()
		n, cerr := s.CountResponses(ctx, "s1")
		must(t, cerr)
		counts, cerr := s.CountChoices(ctx, "s1", []string{"q1:*", "q1:o2", "q2:o1"})
		must(t, cerr)
		partial := counts["q1:*"] != n || counts["q1:o2"] != n || counts["q2:o1"] != n
		if partial {
			t.Fatalf("write %d failing: %d responses but counts %v", k, n, counts)
		}
		if writes < k {
			if err != nil || n != 1 {
				t.Fatalf("no fault reached: err %v, %d responses", err, n)
			}
			t.Logf("a response takes %d writes; each failure left all or nothing", k-1)
			return
		}
		if err == nil && n == 0 {
			t.Fatalf("write %d failed, nothing stored, yet success reported", k)
		}
		if n == 1 {
			return // a store that wrote before the failing hook: whole, as checked
		}
	}
}
