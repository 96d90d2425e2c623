package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"yugongkai/apperr"
	"yugongkai/comments"
)

// testKeyset pages forward to the end and back to the start over comments
// (by status) and over groups (staff and public), following the links a
// page shows (comments.Neighbours): every page back must be the page that
// was seen going forward, and the walk must reach both ends.
func testKeyset(t *testing.T, s comments.Store) {
	for i := 0; i < 23; i++ {
		// Several share a time, so pages must break ties by id.
		gid := fmt.Sprintf("g%02d", i%11) // 11 groups, some with 3 members
		c := NewComment("c1", gid, "text "+gid, T0.Add(time.Duration(i/4)*time.Second))
		if i%3 == 0 {
			c.Status = comments.Pending
		}
		insert(t, s, c)
	}
	insert(t, s, NewComment("c2", "", "elsewhere", T0))
	// g10 merged into g00: empty, not listed among the staff's groups.
	if _, err := moveToGroup(s, "c1", "g00", []string{"g10"}, nil); err != nil {
		t.Fatal(err)
	}

	type page struct {
		ids       []string
		cursor    string // the page's own position as asked ("" first page)
		prev, nxt string
	}
	// walk pages forward from the start, then backward from the last
	// page, with list(cursor, before) returning ids and the store's cursor.
	walk := func(name string, want []string, list func(cursor, before string) ([]string, string, error)) {
		t.Helper()
		var forward []page
		var got []string
		cursor := ""
		for n := 0; ; n++ {
			if n > 20 {
				t.Fatalf("%s: paging forward does not end", name)
			}
			ids, ret, err := list(cursor, "")
			must(t, err)
			prev, next := comments.Neighbours(cursor, "", ret)
			forward = append(forward, page{ids: ids, cursor: cursor, prev: prev, nxt: next})
			got = append(got, ids...)
			if next == "" {
				break
			}
			cursor = next
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s forward = %v\nwant %v", name, got, want)
		}
		if len(forward) < 3 {
			t.Fatalf("%s: %d pages, the test needs at least 3", name, len(forward))
		}
		// Back from the last page by the previous links.
		before := forward[len(forward)-1].prev
		for i := len(forward) - 2; i >= 0; i-- {
			if before == "" {
				t.Fatalf("%s: page %d has no previous link", name, i+1)
			}
			ids, ret, err := list("", before)
			must(t, err)
			prev, next := comments.Neighbours("", before, ret)
			if !slices.Equal(ids, forward[i].ids) {
				t.Errorf("%s: page %d backward = %v, forward it was %v", name, i, ids, forward[i].ids)
			}
			// Forward from the page's next link: the page after it.
			again, _, err := list(next, "")
			must(t, err)
			if !slices.Equal(again, forward[i+1].ids) {
				t.Errorf("%s: next of backward page %d = %v, want %v", name, i, again, forward[i+1].ids)
			}
			before = prev
		}
		if before != "" {
			t.Errorf("%s: the first page reached backward still has a previous link %q", name, before)
		}
	}

	all, _, err := s.Comments(ctx, comments.Filter{ConsultationID: "c1", Limit: 500})
	must(t, err)
	for _, st := range []comments.Status{"", comments.Published} {
		var want []string
		for _, c := range all {
			if st == "" || c.Status == st {
				want = append(want, c.ID)
			}
		}
		walk("comments "+string(st), want, func(cursor, before string) ([]string, string, error) {
			list, ret, err := s.Comments(ctx, comments.Filter{ConsultationID: "c1", Status: st, Limit: 4, Cursor: cursor, Before: before})
			var ids []string
			for _, c := range list {
				ids = append(ids, c.ID)
			}
			return ids, ret, err
		})
	}
	groupIDs := func(list []*comments.Group) []string {
		var ids []string
		for _, g := range list {
			ids = append(ids, g.ID)
		}
		return ids
	}
	// Groups by (FirstAt, ID): gNN's first member came at (NN/4) s.
	staff := []string{"g00", "g01", "g02", "g03", "g04", "g05", "g06", "g07", "g08", "g09"}
	walk("groups", staff, func(cursor, before string) ([]string, string, error) {
		list, ret, err := s.Groups(ctx, comments.GroupFilter{ConsultationID: "c1", Limit: 3, Cursor: cursor, Before: before})
		return groupIDs(list), ret, err
	})
	var public []string
	for _, id := range staff {
		if group(t, s, "c1", id).PublishedCount > 0 {
			public = append(public, id)
		}
	}
	walk("public groups", public, func(cursor, before string) ([]string, string, error) {
		list, ret, err := s.PublicGroups(ctx, comments.GroupFilter{ConsultationID: "c1", Limit: 2, Cursor: cursor, Before: before})
		return groupIDs(list), ret, err
	})
	// The group's members page by group whatever their status.
	members, _, err := s.Comments(ctx, comments.Filter{ConsultationID: "c1", GroupID: "g00", Limit: 100})
	must(t, err)
	if len(members) != 5 { // g00: 3 of its own, 2 of g10
		t.Errorf("members of g00 = %d, want 5", len(members))
	}
	for _, f := range []comments.Filter{{Before: "%%garbage"}, {Cursor: "%%garbage"}} {
		f.ConsultationID = "c1"
		if _, _, err := s.Comments(ctx, f); err == nil || apperr.KindOf(err) == apperr.Internal {
			t.Errorf("Comments(%+v): err = %v, want a client error", f, err)
		}
		if _, _, err := s.Groups(ctx, comments.GroupFilter{ConsultationID: "c1", Cursor: f.Cursor, Before: f.Before}); err == nil || apperr.KindOf(err) == apperr.Internal {
			t.Errorf("Groups(%+v): err = %v, want a client error", f, err)
		}
	}
}
