package comments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"time"

	"yugongkai/auth"
	"yugongkai/campaign"
)

// ExactGroupID is the group of a comment on articleID with body: identical
// texts (after campaign normalization of whitespace, punctuation and width)
// on the same article get the same id, with no lookup, so concurrent
// identical comments land in one group without a race.
func ExactGroupID(articleID, body string) string {
	sum := sha256.Sum256([]byte(articleID + "\x00" + exactKey(body)))
	return "x" + hex.EncodeToString(sum[:16])
}

// BandKeys returns the LSH band keys of body's MinHash signature; two texts
// sharing a band key are candidate near-duplicates.
func BandKeys(body string) []string { return bandKeys(body) }

// Proposal is a set of groups whose texts are near-identical.
type Proposal struct {
	GroupIDs   []string `json:"group_ids"`
	Count      int      `json:"count"`      // comments in all the groups
	Similarity float64  `json:"similarity"` // lowest Jaccard of the pairs that linked the groups
	Sample     string   `json:"sample"`     // the first group's first text (original)
}

// ProposeGroups proposes merging groups whose first texts are near-identical
// (shingle Jaccard ≥ NearThreshold, verified exactly with campaign.Jaccard),
// computed now, in the caller's request: the pass NearProposals runs in the
// background (near_job.go). Errors: NotFound, Forbidden.
func (s *Service) ProposeGroups(ctx context.Context, actor auth.Principal, consultationID string) ([]Proposal, error) {
	c, err := s.manage(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	return s.proposeNear(ctx, c.ID, 0)
}

// nearGroup is what the pass keeps of a group besides its 512-byte
// signature: what the proposal shows, never its text.
type nearGroup struct {
	id, firstID string
	firstAt     time.Time
	count       int
}

// nearPage is how many groups the pass reads at a time, each page in its
// own short read (a keyset page of Store.Groups, then the first texts by
// id), so no read snapshot stays open for the whole pass.
const nearPage = 500

// nearCacheShingles bounds the shingles the pass keeps of texts it read to
// verify pairs (8 bytes each: 16 MB).
const nearCacheShingles = 2 << 20

// proposeNear is the bounded pass over the consultation's groups.
//
// It reads the groups in keyset pages and keeps of each only its MinHash
// signature (campaign.MinHash of GroupText of its first member) and a few
// fields; campaign.LinkNear finds the candidate pairs from the signatures'
// bands, bounding the comparisons per band key (a key shared by thousands
// of groups is compared against a few anchors, not pairwise), and the
// pairs whose estimated similarity passes are verified by exact Jaccard,
// reading only those pairs' texts, a batch at a time. Linked groups are
// proposed together (transitively). Groups without band keys and groups of
// withdrawn comments take no part, as in SharedBands.
//
// sizeHint (the consultation's comments, 0 if unknown) sizes the signature
// array at once rather than by doubling. The pass paces itself to use
// about NearDuty of one core (pace), so that the submissions and reads it
// runs beside keep most of the machine.
func (s *Service) proposeNear(ctx context.Context, consultationID string, sizeHint int) ([]Proposal, error) {
	threshold := s.NearThreshold
	if threshold <= 0 || threshold > 1 {
		threshold = DefaultNearThreshold
	}
	pace := s.pacer()
	groups := make([]nearGroup, 0, sizeHint)
	sigs := make([]campaign.Signature, 0, sizeHint)
	for cursor := ""; ; {
		if err := pace(ctx); err != nil {
			return nil, err
		}
		page, next, err := s.Store.Groups(ctx, GroupFilter{ConsultationID: consultationID, Cursor: cursor, Limit: nearPage})
		if err != nil {
			return nil, err
		}
		var need []string
		at := map[string]int{}
		for _, g := range page {
			if len(g.Bands) == 0 || strings.HasPrefix(g.ID, WithdrawnGroupPrefix) {
				continue
			}
			at[g.FirstID] = len(groups)
			need = append(need, g.FirstID)
			groups = append(groups, nearGroup{id: g.ID, firstID: g.FirstID, firstAt: g.FirstAt, count: g.Count})
			sigs = append(sigs, campaign.Signature{})
		}
		if len(need) > 0 {
			firsts, err := s.Store.CommentsByID(ctx, need)
			if err != nil {
				return nil, err
			}
			for _, f := range firsts {
				sigs[at[f.ID]] = campaign.MinHash(GroupText(f)) // the body and its files' text (attachments.go)
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	// sets keeps the shingles of the texts read for verification, up to
	// nearCacheShingles in all (then it starts over): a bucket's anchors
	// are verified against many items, batch after batch.
	sets, cached := map[string][]uint64{}, 0
	verify := func(ctx context.Context, pairs []campaign.Pair) ([]float64, error) {
		if err := pace(ctx); err != nil {
			return nil, err
		}
		if cached > nearCacheShingles {
			sets, cached = map[string][]uint64{}, 0
		}
		var need []string
		seen := map[string]bool{}
		for _, p := range pairs {
			for _, i := range []int32{p.A, p.B} {
				if id := groups[i].firstID; !seen[id] && sets[id] == nil {
					seen[id] = true
					need = append(need, id)
				}
			}
		}
		if len(need) > 0 {
			firsts, err := s.Store.CommentsByID(ctx, need)
			if err != nil {
				return nil, err
			}
			for _, f := range firsts {
				sh := campaign.Shingles(GroupText(f))
				sets[f.ID], cached = sh, cached+len(sh)
			}
		}
		sims := make([]float64, len(pairs))
		for k, p := range pairs {
			a, okA := sets[groups[p.A].firstID]
			b, okB := sets[groups[p.B].firstID]
			if okA && okB && a != nil && b != nil { // a first member gone meanwhile (erased) links nothing
				sims[k] = campaign.JaccardShingles(a, b)
			}
		}
		return sims, nil
	}
	links, err := campaign.LinkNear(ctx, sigs, threshold, verify)
	if err != nil {
		return nil, err
	}
	sigs = nil // let the signatures go before the proposals are built
	members := map[int32][]int32{}
	for i := range groups {
		r := links.Root(int32(i))
		members[r] = append(members[r], int32(i))
	}
	var out []Proposal
	var samples []string
	for root, idx := range members {
		if len(idx) < 2 {
			continue
		}
		// The earliest group first: Merge keeps the first id.
		sort.Slice(idx, func(i, j int) bool {
			gi, gj := &groups[idx[i]], &groups[idx[j]]
			if !gi.firstAt.Equal(gj.firstAt) {
				return gi.firstAt.Before(gj.firstAt)
			}
			return gi.id < gj.id
		})
		p := Proposal{Similarity: links.Similarity(root)}
		for _, i := range idx {
			p.GroupIDs = append(p.GroupIDs, groups[i].id)
			p.Count += groups[i].count
		}
		out = append(out, p)
		samples = append(samples, groups[idx[0]].firstID)
	}
	if len(samples) > 0 {
		firsts, err := s.Store.CommentsByID(ctx, samples)
		if err != nil {
			return nil, err
		}
		text := map[string]string{}
		for _, f := range firsts {
			text[f.ID] = GroupText(f)
		}
		for k := range out {
			out[k].Sample = text[samples[k]]
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].GroupIDs[0] < out[j].GroupIDs[0]
	})
	return out, nil
}

// pacer returns a function the pass calls between steps: it sleeps so that
// the time spent working since the last call is about NearDuty of the
// time elapsed (default 0.5; 1 never sleeps).
func (s *Service) pacer() func(context.Context) error {
	duty := s.NearDuty
	if duty <= 0 || duty > 1 {
		duty = DefaultNearDuty
	}
	last := time.Now()
	return func(ctx context.Context) error {
		if duty >= 1 {
			return ctx.Err()
		}
		work := time.Since(last)
		t := time.NewTimer(time.Duration(float64(work) * (1 - duty) / duty))
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		last = time.Now()
		return nil
	}
}
