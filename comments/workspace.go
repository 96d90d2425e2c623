package comments

import (
	"context"

	"yugongkai/auth"
)

// The disposition workspace (答复工作台) at any size: a page of groups in
// (first received, group) order, each with the first of its members, and
// one group's members page by page. Nothing here reads more than a page,
// so a consultation of a million comments costs what one of a hundred does.

// WorkspaceFilter pages the workspace's groups.
type WorkspaceFilter struct {
	// ArticleID keeps the groups on one article ("" the whole draft).
	ArticleID      *string
	Cursor, Before string
	Limit          int // groups per page, ≤ 100 (default 50)
	Members        int // members shown per group, ≤ 100 (default 10)
}

// WorkspaceGroup is a group with the first of its members (Members is
// shorter than Group.Count when the group is larger).
type WorkspaceGroup struct {
	Group   *Group
	Members []*Comment
}

// Workspace is one page of the workspace.
type Workspace struct {
	Groups []WorkspaceGroup
	// Next is the store's cursor for the page (see Neighbours).
	Next string
}

// Workspace returns a page of the consultation's non-empty groups with the
// first members of each, for staff who manage it. Errors: NotFound,
// Forbidden (not the owning department), BadRequest (cursor).
func (s *Service) Workspace(ctx context.Context, actor auth.Principal, consultationID string, f WorkspaceFilter) (Workspace, error) {
	c, err := s.manage(ctx, actor, consultationID)
	if err != nil {
		return Workspace{}, err
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 50
	}
	if f.Members <= 0 || f.Members > 100 {
		f.Members = 10
	}
	groups, next, err := s.Store.Groups(ctx, GroupFilter{ConsultationID: c.ID, ArticleID: f.ArticleID, Cursor: f.Cursor, Before: f.Before, Limit: f.Limit})
	if err != nil {
		return Workspace{}, err
	}
	w := Workspace{Next: next}
	for _, g := range groups {
		members, _, err := s.Store.Comments(ctx, Filter{ConsultationID: c.ID, GroupID: g.ID, Limit: f.Members})
		if err != nil {
			return Workspace{}, err
		}
		if len(members) > 0 { // emptied between the two reads
			w.Groups = append(w.Groups, WorkspaceGroup{Group: g, Members: members})
		}
	}
	return w, nil
}

// GroupMembers returns one group and a page of its members in (received,
// id) order (cursor forward, before backward, limit ≤ 500), for staff who
// manage the consultation. Errors: NotFound (consultation or group),
// Forbidden, BadRequest (cursor).
func (s *Service) GroupMembers(ctx context.Context, actor auth.Principal, consultationID, groupID, cursor, before string, limit int) (*Group, []*Comment, string, error) {
	c, err := s.manage(ctx, actor, consultationID)
	if err != nil {
		return nil, nil, "", err
	}
	g, err := s.Store.Group(ctx, c.ID, groupID)
	if err != nil {
		return nil, nil, "", err
	}
	members, next, err := s.Store.Comments(ctx, Filter{ConsultationID: c.ID, GroupID: g.ID, Cursor: cursor, Before: before, Limit: limit})
	if err != nil {
		return nil, nil, "", err
	}
	return g, members, next, nil
}
