package web_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"yugongkai/consultation"
)

// TestLargestDraft: the largest accepted draft (consultation.MaxArticles
// articles of consultation.MaxTextChars characters in all) is saved; one
// more article, or one more character, is refused with a localized 422
// (BenchmarkSaveLargestDraft measures the save).
func TestLargestDraft(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	e.want(e.do("POST", "/api/v1/consultations", w.staffA, draftBody(largestDraft(consultation.MaxArticles, 0))), 201, "largest draft")
	r := e.want(e.do("POST", "/api/v1/consultations", w.staffA, draftBody(largestDraft(consultation.MaxArticles+1, 0))), 422, "one article too many")
	if got := r.field("text"); !strings.Contains(got, "条文不能超过 2000 条") {
		t.Errorf("refusal: %q", got)
	}
	// At the character limit exactly, then one character over (a longer last
	// article): characters are counted, not bytes (a Chinese one is 3).
	text := paddedDraft(consultation.MaxArticles, 0, largestPad())
	text = strings.TrimSuffix(text, "。\n") + strings.Repeat("款", consultation.MaxTextChars-utf8.RuneCountInString(text)) + "。\n"
	if n := utf8.RuneCountInString(text); n != consultation.MaxTextChars {
		t.Fatalf("the text has %d characters, want %d", n, consultation.MaxTextChars)
	}
	e.want(e.do("POST", "/api/v1/consultations", w.staffA, draftBody(text)), 201, "text at the character limit")
	r = e.want(e.do("POST", "/api/v1/consultations", w.staffA, draftBody("款"+text)), 422, "one character too many")
	if got := r.field("text"); !strings.Contains(got, "不能超过 200000 个字符") {
		t.Errorf("refusal: %q", got)
	}
}

// TestNoAccountIDsInPublicJSON: the public view of a consultation names no
// account (created_by, by, submitted_by, decided_by, finalized_by,
// entered_by are internal user ids); the department still sees them.
func TestNoAccountIDsInPublicJSON(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	id := e.openAndClose(&w, "normative_document", shortText)
	staffID := e.userID(w.admin, "staffa")
	for _, who := range []struct {
		name, tok string
		want      bool
	}{{"anonymous", "", false}, {"resident", w.resident, false}, {"other department", w.staffB, false}, {"department", w.staffA, true}} {
		body := string(e.want(e.do("GET", "/api/v1/consultations/"+id, who.tok, nil), 200, who.name).Body)
		if got := strings.Contains(body, staffID); got != who.want {
			t.Errorf("%s: the creating account's id in the JSON = %v, want %v", who.name, got, who.want)
		}
	}
}
