package storetest

import (
	"reflect"
	"testing"

	"yugongkai/comments"
)

// testSignatoryCounts: a count with Signatories counts each comment as its
// signatories (0 means one), under every other filter, and CommenterType
// selects one category.
func testSignatoryCounts(t *testing.T, s comments.Store) {
	type row struct {
		status      comments.Status
		channel     comments.Channel
		category    comments.CommenterType
		signatories int
	}
	rows := []row{
		{comments.Published, comments.Online, comments.Individual, 0},
		{comments.Published, comments.Letter, comments.Individual, 312},
		{comments.Pending, comments.Letter, comments.Enterprise, 1},
		{comments.Declined, comments.Email, comments.PeoplesDeputy, 7},
		{comments.Published, comments.Letter, comments.GovernmentAgency, 0},
		{comments.Published, comments.Symposium, comments.IndustryAssociation, 40},
		{comments.Withdrawn, comments.Letter, comments.Enterprise, 25}, // left out of the categories
	}
	for _, r := range rows {
		c := NewComment("c1", "", "x", T0)
		c.Status, c.Channel, c.CommenterType, c.Signatories = r.status, r.channel, r.category, r.signatories
		insert(t, s, c)
	}
	other := NewComment("c2", "", "x", T0)
	other.Signatories = 1000
	insert(t, s, other)
	// want sums what the filter keeps, as the report must.
	want := func(keep func(row) bool, weighted bool) int {
		n := 0
		for _, r := range rows {
			if !keep(r) {
				continue
			}
			switch {
			case weighted && r.signatories > 1:
				n += r.signatories
			default:
				n++
			}
		}
		return n
	}
	cases := []struct {
		name string
		f    comments.CountFilter
		keep func(row) bool
	}{
		{"all", comments.CountFilter{}, func(row) bool { return true }},
		{"published", comments.CountFilter{Status: comments.Published}, func(r row) bool { return r.status == comments.Published }},
		{"letter", comments.CountFilter{Channel: comments.Letter}, func(r row) bool { return r.channel == comments.Letter }},
		{"individual", comments.CountFilter{CommenterType: comments.Individual}, func(r row) bool { return r.category == comments.Individual }},
		{"deputy declined", comments.CountFilter{CommenterType: comments.PeoplesDeputy, Status: comments.Declined},
			func(r row) bool { return r.category == comments.PeoplesDeputy && r.status == comments.Declined }},
		{"undisposed", comments.CountFilter{Undisposed: true}, func(row) bool { return true }},
	}
	for _, tc := range cases {
		for _, weighted := range []bool{false, true} {
			f := tc.f
			f.ConsultationID, f.Signatories = "c1", weighted
			got, err := s.CountComments(ctx, f)
			must(t, err)
			if w := want(tc.keep, weighted); got != w {
				t.Errorf("CountComments(%s, signatories=%v) = %d, want %d", tc.name, weighted, got, w)
			}
		}
	}
	byCat, err := s.CountByCategory(ctx, "c1")
	must(t, err)
	wantCat := map[comments.CommenterType]comments.CategoryCount{}
	for _, r := range rows {
		if r.status == comments.Withdrawn {
			continue // a withdrawn comment leaves the counts
		}
		c := wantCat[r.category]
		c.Comments++
		c.People += max(r.signatories, 1)
		wantCat[r.category] = c
	}
	if !reflect.DeepEqual(byCat, wantCat) {
		t.Errorf("CountByCategory = %v, want %v", byCat, wantCat)
	}
	got, err := s.Comment(ctx, other.ID)
	must(t, err)
	if got.Signatories != 1000 || got.People() != 1000 {
		t.Errorf("Signatories round trip = %d (people %d), want 1000", got.Signatories, got.People())
	}
}
