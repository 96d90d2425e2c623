package comments

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
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

// nearGroups is what the pass keeps of the groups besides their sketches:
// what a proposal shows, never a text, packed in a few slices (about 69
// bytes a group: its two ids back to back, 20 bytes of offsets and fields)
// rather than a struct of strings and a time.Time each.
type nearGroups struct {
	ids     []byte   // each group's id then its first member's id
	end     []uint32 // where group i's id ends (2i) and its first id (2i+1)
	firstAt []int64  // UnixNano
	count   []int32
}

func newNearGroups(n int) *nearGroups {
	// A group id is 33 bytes, a comment id 16.
	return &nearGroups{ids: make([]byte, 0, n*49), end: make([]uint32, 0, 2*n), firstAt: make([]int64, 0, n), count: make([]int32, 0, n)}
}

func (g *nearGroups) add(id, firstID string, firstAt time.Time, count int) {
	g.ids = append(g.ids, id...)
	g.end = append(g.end, uint32(len(g.ids)))
	g.ids = append(g.ids, firstID...)
	g.end = append(g.end, uint32(len(g.ids)))
	g.firstAt = append(g.firstAt, firstAt.UnixNano())
	g.count = append(g.count, int32(count))
}

func (g *nearGroups) len() int { return len(g.count) }

// str returns the k-th string of ids (2i: group i's id, 2i+1: its first
// member's).
func (g *nearGroups) str(k int) string {
	start := uint32(0)
	if k > 0 {
		start = g.end[k-1]
	}
	return string(g.ids[start:g.end[k]])
}

func (g *nearGroups) id(i int32) string      { return g.str(2 * int(i)) }
func (g *nearGroups) firstID(i int32) string { return g.str(2*int(i) + 1) }

// nearPage is how many groups the pass reads at a time, each page in its
// own short read (a keyset page of Store.Groups, then the first texts by
// id), so no read snapshot stays open for the whole pass. 128, not 500: at
// 500 the two reads took about 10 ms each on SQLite at 100,000 comments,
// stretches the pass cannot rest in (nearSlice).
const nearPage = 128

// nearSlice is the longest the near-duplicate pass works between two rests
// (pacer).
const nearSlice = 2 * time.Millisecond

// nearRest is how long the pass rests after working work since its last
// rest: nothing before nearSlice, then work·(1−duty)/duty.
func nearRest(duty float64, work time.Duration) time.Duration {
	if duty >= 1 || work < nearSlice {
		return 0
	}
	return time.Duration(float64(work) * (1 - duty) / duty)
}

// nearCacheShingles bounds the shingles the pass keeps of texts it read to
// verify pairs (8 bytes each: 16 MB).
const nearCacheShingles = 2 << 20

// DefaultNearSketchFileItems: a pass over at least this many comments keeps
// its groups' sketches and band keys (256 bytes a group) in a
// campaign.SketchFile rather than in memory. Below it they take at most
// 5 MB; a million comments would take 256 MB, more than the server's whole
// budget (goal 7: RSS under 300 MB), where the file costs reads served by
// the kernel's page cache.
const DefaultNearSketchFileItems = 20_000

// nearSketches is where a pass over sizeHint comments keeps its sketches.
func (s *Service) nearSketches(sizeHint int) (interface {
	campaign.Sketches
	Add(*campaign.Signature) error
}, func(), error) {
	limit := s.NearSketchFileItems
	if limit == 0 {
		limit = DefaultNearSketchFileItems
	}
	if sizeHint < limit {
		return campaign.NewSketchSlice(sizeHint), func() {}, nil
	}
	f, err := campaign.NewSketchFile(s.NearSketchDir)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// proposeNear is the bounded pass over the consultation's groups.
//
// It reads the groups in keyset pages and keeps of each only its sketch
// and band keys (campaign.Sketches, of the MinHash signature of GroupText
// of its first member, in memory or in a file: nearSketches) and a few
// fields (nearGroups); campaign.LinkSketches finds the candidate pairs from
// the bands, bounding the comparisons per band key (a key shared by
// thousands of groups is compared against a few anchors, not pairwise),
// and the pairs whose estimated similarity passes are verified by exact
// Jaccard, reading only those pairs' texts, a batch at a time. Linked
// groups are proposed together (transitively). Groups without band keys
// and groups of withdrawn comments take no part, as in SharedBands.
//
// sizeHint (the consultation's comments, 0 if unknown) sizes the arrays at
// once rather than by doubling, and chooses the sketches' form. The pass
// paces itself to use about NearDuty of one core (pace), so that the
// submissions and reads it runs beside keep most of the machine.
func (s *Service) proposeNear(ctx context.Context, consultationID string, sizeHint int) ([]Proposal, error) {
	threshold := s.NearThreshold
	if threshold <= 0 || threshold > 1 {
		threshold = DefaultNearThreshold
	}
	pace := s.pacer()
	groups := newNearGroups(sizeHint)
	items, release, err := s.nearSketches(sizeHint)
	if err != nil {
		return nil, err
	}
	defer func() { release() }()
	var sigs []campaign.Signature // one page's
	for cursor := ""; ; {
		if err := pace(ctx); err != nil {
			return nil, err
		}
		page, next, err := s.Store.Groups(ctx, GroupFilter{ConsultationID: consultationID, Cursor: cursor, Limit: nearPage})
		if err != nil {
			return nil, err
		}
		var need []string
		sigs = sigs[:0]
		for _, g := range page {
			if len(g.Bands) == 0 || strings.HasPrefix(g.ID, WithdrawnGroupPrefix) {
				continue
			}
			need = append(need, g.FirstID)
			groups.add(g.ID, g.FirstID, g.FirstAt, g.Count)
			sigs = append(sigs, campaign.Signature{})
		}
		if len(need) > 0 {
			texts, err := s.Store.GroupTexts(ctx, need) // the body and its files' text (attachments.go)
			if err != nil {
				return nil, err
			}
			for i, id := range need {
				if text, ok := texts[id]; ok {
					sigs[i] = campaign.MinHash(text)
				}
				if err := pace(ctx); err != nil {
					return nil, err
				}
			}
			for i := range sigs {
				if err := items.Add(&sigs[i]); err != nil {
					return nil, err
				}
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	sigs = nil
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
				if id := groups.firstID(i); !seen[id] && sets[id] == nil {
					seen[id] = true
					need = append(need, id)
				}
			}
		}
		if len(need) > 0 {
			texts, err := s.Store.GroupTexts(ctx, need)
			if err != nil {
				return nil, err
			}
			for id, text := range texts {
				sh := campaign.Shingles(text)
				sets[id], cached = sh, cached+len(sh)
				if err := pace(ctx); err != nil {
					return nil, err
				}
			}
		}
		sims := make([]float64, len(pairs))
		for k, p := range pairs {
			if k%256 == 255 {
				if err := pace(ctx); err != nil {
					return nil, err
				}
			}
			a, okA := sets[groups.firstID(p.A)]
			b, okB := sets[groups.firstID(p.B)]
			if okA && okB && a != nil && b != nil { // a first member gone meanwhile (erased) links nothing
				sims[k] = campaign.JaccardShingles(a, b)
			}
		}
		return sims, nil
	}
	links, err := campaign.LinkSketches(ctx, items, threshold, verify, pace)
	if err != nil {
		return nil, err
	}
	sets = nil
	release() // let the sketches go before the proposals are built
	release = func() {}
	// The linked groups, by component (its root, the smallest index),
	// the earliest group first in each: Merge keeps the first id.
	var order []int32
	for i := range int32(groups.len()) {
		if r := links.Root(i); r != i || links.Similarity(r) > 0 {
			order = append(order, i)
		}
	}
	earlier := func(x, y int32) int {
		if c := cmp.Compare(groups.firstAt[x], groups.firstAt[y]); c != 0 {
			return c
		}
		return strings.Compare(groups.id(x), groups.id(y))
	}
	slices.SortFunc(order, func(x, y int32) int {
		if c := cmp.Compare(links.Root(x), links.Root(y)); c != 0 {
			return c
		}
		return earlier(x, y)
	})
	var out []Proposal
	var samples []string
	for i := 0; i < len(order); {
		root := links.Root(order[i])
		j := i + 1
		for j < len(order) && links.Root(order[j]) == root {
			j++
		}
		if j-i >= 2 {
			p := Proposal{Similarity: links.Similarity(root)}
			for _, g := range order[i:j] {
				p.GroupIDs = append(p.GroupIDs, groups.id(g))
				p.Count += int(groups.count[g])
			}
			out = append(out, p)
			samples = append(samples, groups.firstID(order[i]))
		}
		i = j
	}
	if len(samples) > 0 {
		text, err := s.Store.GroupTexts(ctx, samples)
		if err != nil {
			return nil, err
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

// pacer returns a function the pass calls between steps, often (every
// text, every few thousand sketches): once it has worked nearSlice since
// its last rest, it rests so that its work is about NearDuty of the time
// elapsed (1 never rests), if NearBusy says anyone is being served. Short
// slices matter as much as the share: a pass that works 40 ms at a
// stretch holds one of the two cores that long, and a page request
// arriving then waits for the other, which is what the readers' p99
// showed (issue 10, goal 6).
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
		d := nearRest(duty, time.Since(last))
		if d == 0 {
			return nil
		}
		if s.NearBusy != nil && !s.NearBusy() { // no one to make room for
			last = time.Now()
			return ctx.Err()
		}
		s.nearRests.Add(1)
		t := time.NewTimer(d)
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
