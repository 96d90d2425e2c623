package comments_test

import (
	"testing"

	"yugongkai/comments"
	"yugongkai/i18n"
)

// TestReasonRequired: 未予采纳的，应当说明理由, and an adoption that changes
// no article says why, so 采纳 never stands beside 未作修改 unexplained.
func TestReasonRequired(t *testing.T) {
	cases := []struct {
		outcome comments.Outcome
		changed int
		want    string
	}{
		{comments.Adopted, 1, ""},
		{comments.Adopted, 3, ""},
		{comments.Adopted, 0, "comments.adopted_unchanged_reason"},
		{comments.PartiallyAdopted, 1, "comments.reason_required"},
		{comments.PartiallyAdopted, 0, "comments.reason_required"},
		{comments.NotAdopted, 0, "comments.reason_required"},
		{comments.OutOfScope, 0, "comments.reason_required"},
		{"", 0, ""},
	}
	for _, tc := range cases {
		got := comments.ReasonRequired(tc.outcome, tc.changed)
		if got != tc.want {
			t.Errorf("ReasonRequired(%q, %d) = %q, want %q", tc.outcome, tc.changed, got, tc.want)
		}
		if got != "" && !i18n.Has(got) {
			t.Errorf("ReasonRequired(%q, %d): %q is not in the catalogue", tc.outcome, tc.changed, got)
		}
	}
}
