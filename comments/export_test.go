package comments

import (
	"context"
	"sort"

	"yugongkai/auth"
)

// ProposeGroupsOracle is the in-request algorithm ProposeGroups had before
// the bounded pass (near_job.go): every pair of groups sharing a band key
// compared by exact Jaccard. Kept as the tests' oracle.
func (s *Service) ProposeGroupsOracle(ctx context.Context, actor auth.Principal, consultationID string) ([]Proposal, error) {
	c, err := s.manage(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	threshold := s.NearThreshold
	if threshold <= 0 || threshold > 1 {
		threshold = DefaultNearThreshold
	}
	sets, err := s.Store.SharedBands(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	sets = withoutWithdrawnGroups(sets) // withdraw.go
	groups := map[string]*Group{}
	bodies := map[string]string{}
	load := func(id string) (*Group, error) {
		if g, ok := groups[id]; ok {
			return g, nil
		}
		g, err := s.Store.Group(ctx, c.ID, id)
		if err != nil {
			return nil, err
		}
		groups[id] = g
		return g, nil
	}
	// Union-find over groups linked by a similar pair.
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if p, ok := parent[x]; ok && p != x {
			r := find(p)
			parent[x] = r
			return r
		}
		parent[x] = x
		return x
	}
	minSim := map[string]float64{}
	checked := map[[2]string]bool{}
	var need []string
	for _, set := range sets {
		for _, id := range set {
			g, err := load(id)
			if err != nil {
				return nil, err
			}
			if _, ok := bodies[g.FirstID]; !ok {
				bodies[g.FirstID] = ""
				need = append(need, g.FirstID)
			}
		}
	}
	if len(need) > 0 {
		firsts, err := s.Store.CommentsByID(ctx, need)
		if err != nil {
			return nil, err
		}
		for _, f := range firsts {
			bodies[f.ID] = GroupText(f) // the body and its files' text (attachments.go)
		}
	}
	for _, set := range sets {
		for i := 0; i < len(set); i++ {
			for j := i + 1; j < len(set); j++ {
				a, b := set[i], set[j]
				if a > b {
					a, b = b, a
				}
				// Groups already linked need no comparison: a form letter
				// sent by n residents is n groups in one band set, and
				// comparing every pair of them was n² similarities (and
				// n² entries of checked) — 100,000 imported copies did
				// not finish in minutes and took gigabytes.
				ra, rb := find(a), find(b)
				if ra == rb || checked[[2]string{a, b}] {
					continue
				}
				checked[[2]string{a, b}] = true
				sim := similarity(bodies[groups[a].FirstID], bodies[groups[b].FirstID])
				if sim < threshold {
					continue
				}
				m := sim
				if v, ok := minSim[ra]; ok && v < m {
					m = v
				}
				if v, ok := minSim[rb]; ok && v < m {
					m = v
				}
				if ra != rb {
					parent[rb] = ra
				}
				minSim[ra] = m
			}
		}
	}
	members := map[string][]string{}
	for id := range parent {
		r := find(id)
		members[r] = append(members[r], id)
	}
	var out []Proposal
	for root, ids := range members {
		if len(ids) < 2 {
			continue
		}
		// The earliest group first: Merge keeps the first id.
		sort.Slice(ids, func(i, j int) bool {
			gi, gj := groups[ids[i]], groups[ids[j]]
			if !gi.FirstAt.Equal(gj.FirstAt) {
				return gi.FirstAt.Before(gj.FirstAt)
			}
			return ids[i] < ids[j]
		})
		p := Proposal{GroupIDs: ids, Similarity: minSim[root], Sample: bodies[groups[ids[0]].FirstID]}
		for _, id := range ids {
			p.Count += groups[id].Count
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].GroupIDs[0] < out[j].GroupIDs[0]
	})
	return out, nil
}

// LimitMemory is limitMemory (near_job.go).
var LimitMemory = limitMemory

// NearRests is the rests the service's passes took (grouping.go, pacer).
func NearRests(s *Service) int64 { return s.nearRests.Load() }
