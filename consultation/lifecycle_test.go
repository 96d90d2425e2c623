package consultation_test

import (
	"strings"
	"testing"

	"yugongkai/auth"
	"yugongkai/consultation"
)

// TestLifecycleTable is the lifecycle of DOMAIN.md as a table: for every
// state, the actions allowed in it. A change to consultation.Lifecycle that
// is not also made here fails.
func TestLifecycleTable(t *testing.T) {
	want := map[consultation.State]string{
		consultation.Draft:     "edit publish withdraw step survey interpret",
		consultation.Open:      "extend close withdraw step hearing apply comment offline moderate dispose withdraw_comment survey survey_report interpret",
		consultation.Closed:    "withdraw revise review step hearing apply offline moderate dispose survey_report interpret",
		consultation.InReview:  "opinion offline moderate dispose survey_report interpret",
		consultation.Returned:  "withdraw revise review step hearing apply offline moderate dispose survey_report interpret",
		consultation.Approved:  "withdraw finalize decide offline moderate dispose survey_report interpret",
		consultation.Rejected:  "withdraw moderate dispose",
		consultation.Published: "stamp",
		consultation.Withdrawn: "",
	}
	for _, st := range consultation.States {
		c := &consultation.Consultation{State: st}
		var got []string
		for _, tr := range consultation.Lifecycle {
			if c.Allows(tr.Action) {
				got = append(got, string(tr.Action))
			}
		}
		if g := strings.Join(got, " "); g != want[st] {
			t.Errorf("actions allowed in %s = %q, want %q", st, g, want[st])
		}
	}
}

func TestLifecycleWho(t *testing.T) {
	c := &consultation.Consultation{State: consultation.InReview, DepartmentID: "d1"}
	staff := auth.Principal{UserID: "s", Role: auth.Staff, DepartmentID: "d1"}
	legal := auth.Principal{UserID: "l", Role: auth.Legal}
	admin := auth.Principal{UserID: "a", Role: auth.Admin}
	tests := []struct {
		p    auth.Principal
		a    consultation.Action
		want bool
	}{
		{legal, consultation.ActOpinion, true},
		{staff, consultation.ActOpinion, false},
		{admin, consultation.ActOpinion, false},
		{staff, consultation.ActOffline, true},
		{legal, consultation.ActOffline, false},
	}
	for _, tt := range tests {
		if got := consultation.CanDo(tt.p, c, tt.a); got != tt.want {
			t.Errorf("CanDo(%s, in_review, %s) = %v, want %v", tt.p.Role, tt.a, got, tt.want)
		}
	}
	c.State = consultation.Approved
	if !consultation.CanDo(admin, c, consultation.ActFinalize) || consultation.CanDo(staff, c, consultation.ActFinalize) {
		t.Error("finalize: admins and legal staff only")
	}
	// Moving follows the table.
	c.State = consultation.Draft
	c.Move(consultation.ActPublish)
	if c.State != consultation.Open {
		t.Errorf("publish leads to %s, want open", c.State)
	}
}
