package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"yugongkai/apperr"
	"yugongkai/consultation"
	"yugongkai/surveys"
)

// SurveyStores are a store's survey responses and the consultation store
// whose Commit writes them (Change.SurveyResponses).
type SurveyStores struct {
	Surveys       surveys.Store
	Consultations consultation.Store
}

// SurveyOpener returns fresh, empty stores whose writes go through f.Hook;
// cleanup is registered on t.
type SurveyOpener func(t *testing.T, f *Faults) SurveyStores

// respond commits r as Respond does: a CheckRev of consultation "c1",
// created first if the store has none.
func respond(s SurveyStores, r *surveys.Response) error {
	c, err := s.Consultations.Consultation(ctx, r.ConsultationID)
	if apperr.Is(err, apperr.NotFound) {
		c = &consultation.Consultation{ID: r.ConsultationID, Title: "问卷", DepartmentID: "d1", State: consultation.Open, CreatedAt: T0, UpdatedAt: T0}
		if err := Create(s.Consultations, c, nil); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	return s.Consultations.Commit(ctx, &consultation.Change{Consultation: c, Write: consultation.CheckRev,
		SurveyResponses: []*consultation.SurveyResponse{r}})
}

// RunSurveys runs the survey response store contract.
func RunSurveys(t *testing.T, open SurveyOpener) {
	t.Run("Responses", func(t *testing.T) { testSurveyResponses(t, open(t, &Faults{})) })
	t.Run("FaultAtEveryWrite", func(t *testing.T) { testSurveyFaults(t, open) })
}

func response(survey, respondent string, at time.Time, choices ...string) *surveys.Response {
	return &surveys.Response{ID: fmt.Sprintf("r-%s-%s", survey, respondent), SurveyID: survey, ConsultationID: "c1",
		Respondent: respondent, Choices: choices, Texts: map[string]string{"q9": "短答 " + respondent}, At: at}
}

func testSurveyResponses(t *testing.T, st SurveyStores) {
	s := st.Surveys
	for i := range 7 {
		choices := []string{"q1:*", fmt.Sprintf("q1:o%d", i%3+1)}
		if i%2 == 0 {
			choices = append(choices, "q2:*", "q2:o1", "q2:o2")
		}
		must(t, respond(st, response("s1", fmt.Sprintf("d:%d", i), T0.Add(time.Duration(i%3)*time.Second), choices...)))
	}
	must(t, respond(st, response("s2", "d:0", T0, "q1:*", "q1:o1")))
	err := respond(st, response("s1", "d:3", T0.Add(time.Hour), "q1:*"))
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

	// A report holds only against the number of responses it counted, and
	// a response only against the consultation as its command read it: so
	// neither can slip past the other (a response stored uncounted after
	// the report that closed its survey).
	c, err := st.Consultations.Consultation(ctx, "c1")
	must(t, err)
	report := func(n int) error {
		c2 := *c
		c2.UpdatedAt = T0.Add(time.Minute)
		return st.Consultations.Commit(ctx, &consultation.Change{Consultation: &c2, Responses: &consultation.ResponseCount{SurveyID: "s1", N: n}})
	}
	if err := report(6); !errors.Is(err, consultation.ErrStale) {
		t.Errorf("report counting 6 of 7 responses: %v, want ErrStale", err)
	}
	must(t, report(7))
	stale := response("s1", "d:late", T0.Add(2*time.Minute), "q1:*")
	err = st.Consultations.Commit(ctx, &consultation.Change{Consultation: c, Write: consultation.CheckRev,
		SurveyResponses: []*consultation.SurveyResponse{stale}})
	if !errors.Is(err, consultation.ErrStale) {
		t.Errorf("response against the consultation before the report: %v, want ErrStale", err)
	}
	if n, err := s.CountResponses(ctx, "s1"); err != nil || n != 7 {
		t.Errorf("after the refused response: %d responses, %v; want 7", n, err)
	}
}

// testSurveyFaults: whichever write of a response fails, the response is
// stored whole or not at all, and may be sent again.
func testSurveyFaults(t *testing.T, open SurveyOpener) {
	f := &Faults{}
	st := open(t, f)
	s := st.Surveys
	must(t, respond(st, response("s0", "d:setup", T0))) // creates the consultation
	for k := 1; ; k++ {
		r := response("s1", "d:x", T0, "q1:*", "q1:o2", "q2:*", "q2:o1")
		f.arm(k)
		err := respond(st, r)
		writes := f.disarm()
		// A read of the consultation applies a commit a failed write left
		// unapplied (the MongoDB store's log; Respond's report reads it so).
		if _, cerr := st.Consultations.Consultation(ctx, "c1"); cerr != nil {
			t.Fatal(cerr)
		}
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
