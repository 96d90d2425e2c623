package campaign

import (
	"cmp"
	"runtime"
	"slices"
	"sync"
)

// Three runes of 21 bits fill a uint64 shingle; a larger ShingleSize would
// need hashing. This fails to compile if ShingleSize > 3.
const _ = uint(3 - ShingleSize)

// Doc is a comment to group.
type Doc struct {
	ID   string
	Text string
}

// Group is a set of comments proposed to be answered together.
type Group struct {
	// Key is ExactKey of the group's first member (in input order), the
	// representative text shown with the count.
	Key string
	// Members are the IDs of the comments, in input order.
	Members []string
	// Exact reports whether all members are identical after Normalize.
	Exact bool
}

// GroupExact groups comments that are identical after Normalize. Only
// groups of at least two comments are returned, largest first, ties in
// order of their first member; a comment in no group is unique.
func GroupExact(docs []Doc) []Group {
	byText := make(map[string]int32, len(docs))
	var members [][]int32
	for i, d := range docs {
		n := Normalize(d.Text)
		u, ok := byText[n]
		if !ok {
			u = int32(len(members))
			byText[n] = u
			members = append(members, nil)
		}
		members[u] = append(members[u], int32(i))
	}
	var groups []Group
	for _, m := range members {
		if len(m) < 2 {
			continue
		}
		groups = append(groups, newGroup(docs, m, true))
	}
	sortGroups(groups, docs)
	return groups
}

func newGroup(docs []Doc, idx []int32, exact bool) Group {
	ids := make([]string, len(idx))
	for i, d := range idx {
		ids[i] = docs[d].ID
	}
	return Group{Key: ExactKey(docs[idx[0]].Text), Members: ids, Exact: exact}
}

// sortGroups orders groups by size, largest first, then by the input
// position of their first member, which Key identifies.
func sortGroups(groups []Group, docs []Doc) {
	pos := make(map[string]int, len(docs))
	for i := len(docs) - 1; i >= 0; i-- {
		pos[docs[i].ID] = i
	}
	slices.SortStableFunc(groups, func(a, b Group) int {
		if c := cmp.Compare(len(b.Members), len(a.Members)); c != 0 {
			return c
		}
		return cmp.Compare(pos[a.Members[0]], pos[b.Members[0]])
	})
}

// estimateMargin: a candidate pair whose EstimatedJaccard is below
// threshold − estimateMargin is rejected without computing the exact
// Jaccard. At similarity 0.8 the estimate's standard error is 0.035, so a
// pair at the threshold is wrongly rejected with probability about 1e-6
// (4.9 σ); the rejected candidates are mostly unrelated comments that met in
// a bucket by chance.
const estimateMargin = 0.175

// Bounds on the comparisons made for one comment in one LSH bucket; see
// linkBucketMember.
const (
	maxAnchors        = 64
	maxTries          = 16
	triesPerComponent = 4
)

// ProposeNear proposes groups of near-identical comments: comments whose
// normalized texts have a shingle Jaccard similarity of at least threshold
// (0.8 is the intended value), connected transitively. Only groups of at
// least two comments are returned, ordered like GroupExact.
//
// Identical texts (after Normalize) are collapsed first, so a campaign of
// 30,000 copies costs one signature. Candidate pairs come from shared LSH
// buckets (see BandKeys) and each is verified with the exact Jaccard
// similarity (after a cheap check of EstimatedJaccard that discards clearly
// dissimilar pairs); verified pairs are joined with union-find. A group may
// therefore contain two members less similar than threshold, linked through
// intermediate variants: that is how a campaign whose copies drifted apart
// stays one group.
//
// Inside a bucket each comment is compared with at most maxTries of the
// bucket's first maxAnchors members, skipping those already in its
// component, so a bucket of n variants costs O(n) verifications instead of
// O(n²). A pair missed in one bucket usually meets in another band.
//
// The output depends only on docs and threshold. IDs are taken to be
// distinct.
func ProposeNear(docs []Doc, threshold float64) []Group {
	// Collapse identical texts.
	byText := make(map[string]int32, len(docs))
	var texts []string
	var members [][]int32
	for i, d := range docs {
		n := Normalize(d.Text)
		u, ok := byText[n]
		if !ok {
			u = int32(len(texts))
			byText[n] = u
			texts = append(texts, n)
			members = append(members, nil)
		}
		members[u] = append(members[u], int32(i))
	}
	byText = nil

	// Signatures and band hashes of every distinct non-empty text, in
	// parallel.
	nu := len(texts)
	sigs := make([]Signature, nu)
	bands := make([]uint64, nu*Bands)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			var buf []uint64
			for u := w; u < nu; u += workers {
				if texts[u] == "" {
					continue
				}
				buf = shingles(buf[:0], texts[u])
				sigs[u] = minHashShingles(buf)
				for b := range Bands {
					bands[u*Bands+b] = bandHash(&sigs[u], b)
				}
			}
		})
	}
	wg.Wait()

	uf := newUnionFind(nu)
	sets := make([][]uint64, nu) // shingle sets, computed when first needed
	similar := func(x, y int32) bool {
		if EstimatedJaccard(sigs[x], sigs[y]) < threshold-estimateMargin {
			return false
		}
		if sets[x] == nil {
			sets[x] = shingleSet(texts[x])
		}
		if sets[y] == nil {
			sets[y] = shingleSet(texts[y])
		}
		return jaccardSets(sets[x], sets[y]) >= threshold
	}

	type entry struct {
		h uint64
		u int32
	}
	entries := make([]entry, 0, nu)
	var anchors []int32
	for b := range Bands {
		entries = entries[:0]
		for u := range nu {
			if texts[u] != "" {
				entries = append(entries, entry{bands[u*Bands+b], int32(u)})
			}
		}
		slices.SortFunc(entries, func(p, q entry) int {
			if c := cmp.Compare(p.h, q.h); c != 0 {
				return c
			}
			return cmp.Compare(p.u, q.u)
		})
		for i := 0; i < len(entries); {
			j := i + 1
			for j < len(entries) && entries[j].h == entries[i].h {
				j++
			}
			if j-i >= 2 {
				anchors = anchors[:0]
				for _, e := range entries[i:j] {
					anchors = linkBucketMember(uf, similar, anchors, e.u)
				}
			}
			i = j
		}
	}

	// Components of distinct texts → groups of comments.
	comps := make(map[int32][]int32)
	var roots []int32
	for u := range nu {
		r := uf.find(int32(u))
		if _, ok := comps[r]; !ok {
			roots = append(roots, r)
		}
		comps[r] = append(comps[r], int32(u))
	}
	var groups []Group
	for _, r := range roots {
		us := comps[r]
		var idx []int32
		for _, u := range us {
			idx = append(idx, members[u]...)
		}
		if len(idx) < 2 {
			continue
		}
		slices.Sort(idx)
		groups = append(groups, newGroup(docs, idx, len(us) == 1))
	}
	sortGroups(groups, docs)
	return groups
}

// linkBucketMember compares x with the anchors of its bucket, the first
// maxAnchors members, and joins it to every anchor it is similar to. It
// skips anchors already in x's component and makes at most maxTries
// comparisons, at most triesPerComponent with members of one component, so
// a bucket of n comments costs O(n) comparisons. It returns the anchors,
// with x added while there is room.
func linkBucketMember(uf *unionFind, similar func(x, y int32) bool, anchors []int32, x int32) []int32 {
	type tried struct{ root, n int32 }
	var triedBuf [maxTries]tried
	triedRoots := triedBuf[:0]
	tries := 0
	for _, a := range anchors {
		if tries == maxTries {
			break
		}
		ra := uf.find(a)
		if ra == uf.find(x) {
			continue
		}
		k := slices.IndexFunc(triedRoots, func(t tried) bool { return t.root == ra })
		if k < 0 {
			triedRoots = append(triedRoots, tried{ra, 0})
			k = len(triedRoots) - 1
		}
		if triedRoots[k].n == triesPerComponent {
			continue
		}
		triedRoots[k].n++
		tries++
		if similar(x, a) {
			uf.union(x, a)
		}
	}
	if len(anchors) < maxAnchors {
		anchors = append(anchors, x)
	}
	return anchors
}

type unionFind struct{ parent []int32 }

func newUnionFind(n int) *unionFind {
	p := make([]int32, n)
	for i := range p {
		p[i] = int32(i)
	}
	return &unionFind{p}
}

func (uf *unionFind) find(x int32) int32 {
	for uf.parent[x] != x {
		uf.parent[x] = uf.parent[uf.parent[x]]
		x = uf.parent[x]
	}
	return x
}

// union joins the components of x and y; the smaller index becomes the
// root, which keeps the result independent of the order of unions.
func (uf *unionFind) union(x, y int32) {
	rx, ry := uf.find(x), uf.find(y)
	if rx == ry {
		return
	}
	if ry < rx {
		rx, ry = ry, rx
	}
	uf.parent[ry] = rx
}
