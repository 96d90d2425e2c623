package web_test

import (
	"strings"
	"testing"

	"yugongkai/consultation"
)

// TestLargestDraft: the largest accepted draft (consultation.MaxArticles
// articles) is saved, one more article is refused with a localized 422
// (BenchmarkSaveLargestDraft measures the save).
func TestLargestDraft(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	e.want(e.do("POST", "/api/v1/consultations", w.staffA, draftBody(largestDraft(consultation.MaxArticles, 0))), 201, "largest draft")
	r := e.want(e.do("POST", "/api/v1/consultations", w.staffA, draftBody(largestDraft(consultation.MaxArticles+1, 0))), 422, "one article too many")
	if got := r.field("text"); !strings.Contains(got, "条文不能超过 2000 条") {
		t.Errorf("refusal: %q", got)
	}
}
