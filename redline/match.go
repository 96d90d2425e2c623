package redline

import (
	"cmp"
	"slices"
)

// Matching is the result of Match.
type Matching struct {
	Articles   []Article          // next, with IDs filled in
	Deleted    []string           // ids of prev that have no successor, in prev order
	SplitFrom  map[string]string  // new id -> old id it was split from
	MergedInto map[string]string  // old id -> id it was merged into
	Similarity map[string]float64 // id -> similarity of the matched pair (1 = identical text after removing the label)
}

// Thresholds of Match, in per mille of bigram Dice similarity (2·common/(total) over the
// multisets of rune bigrams of the article bodies, labels removed) or of containment
// (common/bigrams of the smaller part).
const (
	// alignMille: least similarity for a pair matched in order (no crossing of other
	// matches), where position supports the content.
	alignMille = 400
	// moveMille: least similarity for a pair matched out of order (a moved article).
	moveMille = 600
	// containPartMille: least share of a part's bigrams found in the whole for a split or
	// merge to be recorded.
	containPartMille = 600
	// partWindow: a split-off or merged-in article must sit within this many articles of
	// the article that kept the id.
	partWindow = 2
	// gainMille: least share of a split-off part's bigrams found in what the old article
	// has beyond the article that kept the id (multiset difference); for a merge, in what
	// the new article has beyond the old article that gave its id. Without it, a new article on the same subject as its
	// neighbour would pass for a split.
	gainMille = 300
	// nearMove: how far (in articles) from its expected place an article may be matched
	// out of order with only alignMille.
	nearMove = 3
)

// Match assigns ids to the articles of a new version from the previous version's.
//
// Articles matched by content keep the previous id through renumbering (第十二条 →
// 第十三条 after an insertion), moves, and as far as detectable splits (one old → two
// new: the larger part keeps the id, the other is new but records SplitFrom) and
// merges (two old → one new: keeps the id of the best match, the other is recorded as
// MergedInto). Unmatched new articles get newID(), called in the order of next.
// Deleted old ids are returned; a merged old id is in MergedInto, not in Deleted, so
// every valid id of prev is exactly one of: an id in Articles, in Deleted, a key of
// MergedInto.
//
// The ids of prev must be non-empty and unique; an article of prev with an empty id or
// with the id of an earlier article cannot be matched and is ignored. The IDs already
// present in next are ignored and overwritten. newID must return ids that are unique
// and not used by prev.
//
// Matching steps, all deterministic (integer scores, ties broken by position):
//  1. score every pair by bigram Dice similarity of the bodies (labels removed);
//  2. align in order: a dynamic program picks the non-crossing set of pairs with score
//     ≥ alignMille that maximizes the total score (identical bodies weigh extra);
//  3. match moved articles: remaining pairs with score ≥ moveMille (≥ alignMille within
//     nearMove places of the expected position), best first;
//  4. an unmatched old article covered by two or more unmatched nearby new articles is
//     a split (the largest part keeps the id); an unmatched new article covering two or
//     more unmatched nearby old articles is a merge (the best-covered one gives its id);
//  5. an unmatched new article mostly contained in an old article whose successor is
//     within partWindow, and bringing text of it that the successor no longer has, is
//     split from it; symmetrically an unmatched old article mostly contained in a new
//     article near its neighbour's successor, and adding text that neighbour lacked, is
//     merged into it.
//
// Similarity is the share of runes the two bodies keep: 2·LCS/(len+len) of the raw
// rune-level diff, for each id that kept its predecessor.
func Match(prev, next []Article, newID func() string) Matching {
	// Valid predecessors: non-empty, first occurrence of the id.
	seen := make(map[string]bool, len(prev))
	var olds []int
	for i, a := range prev {
		if a.ID != "" && !seen[a.ID] {
			seen[a.ID] = true
			olds = append(olds, i)
		}
	}
	n, m := len(olds), len(next)
	oldBody := make([]string, n)
	oldGrams := make([][]uint64, n)
	for k, i := range olds {
		oldBody[k] = body(prev[i])
		oldGrams[k] = bigrams(decodeRunes(oldBody[k]))
	}
	newBody := make([]string, m)
	newGrams := make([][]uint64, m)
	for j, a := range next {
		newBody[j] = body(a)
		newGrams[j] = bigrams(decodeRunes(newBody[j]))
	}
	// common[k][j]: bigrams shared by old k and new j (multiset intersection), computed
	// through an inverted index so that pairs sharing nothing cost nothing;
	// score[k][j]: their Dice, per mille; same[k][j]: identical bodies.
	common := overlaps(oldGrams, newGrams)
	bodyIDs := make(map[string]int, n)
	for k := range n {
		if _, ok := bodyIDs[oldBody[k]]; !ok {
			bodyIDs[oldBody[k]] = k
		}
	}
	// Per mille fits int16 and overlaps int32: the matrices of a large text
	// stay at 11 bytes per pair (2 000 × 2 000 articles: 44 MB).
	same := make([][]bool, n)
	score := make([][]int16, n)
	for k := range n {
		same[k] = make([]bool, m)
		score[k] = make([]int16, m)
		for j := range m {
			if total := len(oldGrams[k]) + len(newGrams[j]); total > 0 {
				score[k][j] = int16(2000 * int(common[k][j]) / total)
			}
		}
	}
	for j := range m {
		if k0, ok := bodyIDs[newBody[j]]; ok {
			for k := k0; k < n; k++ {
				if oldBody[k] == newBody[j] {
					same[k][j] = true
				}
			}
		}
	}

	oldTo := make([]int, n) // old k -> new j, or -1
	newFrom := make([]int, m)
	for k := range oldTo {
		oldTo[k] = -1
	}
	for j := range newFrom {
		newFrom[j] = -1
	}
	link := func(k, j int) { oldTo[k], newFrom[j] = j, k }

	// 2. Order-preserving alignment (weighted LCS).
	weight := func(k, j int) int32 {
		s := int32(score[k][j])
		if s < alignMille {
			return -1
		}
		if same[k][j] {
			return 3000
		}
		return s
	}
	dp := make([][]int32, n+1)
	for k := range dp {
		dp[k] = make([]int32, m+1)
	}
	for k := 1; k <= n; k++ {
		for j := 1; j <= m; j++ {
			best := max(dp[k-1][j], dp[k][j-1])
			if w := weight(k-1, j-1); w >= 0 {
				best = max(best, dp[k-1][j-1]+w)
			}
			dp[k][j] = best
		}
	}
	for k, j := n, m; k > 0 && j > 0; {
		if w := weight(k-1, j-1); w >= 0 && dp[k][j] == dp[k-1][j-1]+w {
			link(k-1, j-1)
			k--
			j--
		} else if dp[k][j] == dp[k-1][j] {
			k--
		} else {
			j--
		}
	}

	// 3. Moves: best remaining pairs first. A pair within nearMove places of where the
	// old article's nearest matched predecessor puts it needs only alignMille.
	type cand struct{ k, j, s, dist int }
	var cands []cand
	for k := range n {
		if oldTo[k] >= 0 {
			continue
		}
		expect := k // expected new position from the nearest matched predecessor
		for p := k - 1; p >= 0; p-- {
			if oldTo[p] >= 0 {
				expect = oldTo[p] + k - p
				break
			}
		}
		for j := range m {
			if newFrom[j] >= 0 {
				continue
			}
			if s := int(score[k][j]); s >= moveMille || (s >= alignMille && abs(j-expect) <= nearMove) {
				cands = append(cands, cand{k, j, s, abs(j - expect)})
			}
		}
	}
	slices.SortFunc(cands, func(x, y cand) int {
		return cmp.Or(cmp.Compare(y.s, x.s), cmp.Compare(x.dist, y.dist), cmp.Compare(x.k, y.k), cmp.Compare(x.j, y.j))
	})
	for _, c := range cands {
		if oldTo[c.k] < 0 && newFrom[c.j] < 0 {
			link(c.k, c.j)
		}
	}

	// contains reports whether the part's bigrams are mostly found in the whole.
	contains := func(common, part int) bool { return 1000*common >= containPartMille*part }
	splitFrom := make(map[int]int) // new j -> old k
	mergedInto := make(map[int]int)

	// 4a. Unmatched old article split into several unmatched new ones.
	for k := range n {
		if oldTo[k] >= 0 {
			continue
		}
		var parts []int
		total := 0
		for j := range m {
			if newFrom[j] < 0 && contains(int(common[k][j]), len(newGrams[j])) {
				if len(parts) > 0 && j-parts[len(parts)-1] > partWindow {
					if len(parts) >= 2 {
						break
					}
					parts, total = parts[:0], 0
				}
				parts = append(parts, j)
				total += int(common[k][j])
			}
		}
		if len(parts) < 2 || !contains(total, len(oldGrams[k])) {
			continue
		}
		keep := parts[0]
		for _, j := range parts[1:] {
			if len(newGrams[j]) > len(newGrams[keep]) {
				keep = j
			}
		}
		link(k, keep)
		for _, j := range parts {
			if j != keep {
				splitFrom[j] = k
				newFrom[j] = -2 // taken, gets a new id
			}
		}
	}
	// 4b. Unmatched new article merging several unmatched old ones.
	for j := range m {
		if newFrom[j] != -1 {
			continue
		}
		var parts []int
		total := 0
		for k := range n {
			if oldTo[k] == -1 && contains(int(common[k][j]), len(oldGrams[k])) {
				if len(parts) > 0 && k-parts[len(parts)-1] > partWindow {
					if len(parts) >= 2 {
						break
					}
					parts, total = parts[:0], 0
				}
				parts = append(parts, k)
				total += int(common[k][j])
			}
		}
		if len(parts) < 2 || !contains(total, len(newGrams[j])) {
			continue
		}
		keep := parts[0]
		for _, k := range parts[1:] {
			if int(common[k][j]) > int(common[keep][j]) {
				keep = k
			}
		}
		link(keep, j)
		for _, k := range parts {
			if k != keep {
				mergedInto[k] = j
				oldTo[k] = -2
			}
		}
	}
	// 5a. Unmatched new article split off a matched old article next to its successor.
	for j := range m {
		if newFrom[j] != -1 {
			continue
		}
		best, bestCommon := -1, 0
		for k := range n {
			t := oldTo[k]
			if t < 0 || abs(t-j) > partWindow || !contains(int(common[k][j]), len(newGrams[j])) || int(common[k][j]) <= bestCommon {
				continue
			}
			if gained := intersect(newGrams[j], without(oldGrams[k], newGrams[t])); 1000*gained >= gainMille*len(newGrams[j]) {
				best, bestCommon = k, int(common[k][j])
			}
		}
		if best >= 0 {
			splitFrom[j] = best
			newFrom[j] = -2
		}
	}
	// 5b. Unmatched old article merged into a new article next to its neighbour's successor.
	for k := range n {
		if oldTo[k] != -1 {
			continue
		}
		best, bestCommon := -1, 0
		for j := range m {
			f := newFrom[j]
			if f < 0 || abs(f-k) > partWindow || !contains(int(common[k][j]), len(oldGrams[k])) || int(common[k][j]) <= bestCommon {
				continue
			}
			if gained := intersect(oldGrams[k], without(newGrams[j], oldGrams[f])); 1000*gained >= gainMille*len(oldGrams[k]) {
				best, bestCommon = j, int(common[k][j])
			}
		}
		if best >= 0 {
			mergedInto[k] = best
			oldTo[k] = -2
		}
	}

	res := Matching{
		Articles:   make([]Article, m),
		SplitFrom:  make(map[string]string),
		MergedInto: make(map[string]string),
		Similarity: make(map[string]float64),
	}
	for j, a := range next {
		if k := newFrom[j]; k >= 0 {
			a.ID = prev[olds[k]].ID
			res.Similarity[a.ID] = similarity(oldBody[k], newBody[j])
		} else {
			a.ID = newID()
		}
		res.Articles[j] = a
	}
	for j, k := range splitFrom {
		res.SplitFrom[res.Articles[j].ID] = prev[olds[k]].ID
	}
	for k, j := range mergedInto {
		res.MergedInto[prev[olds[k]].ID] = res.Articles[j].ID
	}
	for k, j := range oldTo {
		if j == -1 {
			res.Deleted = append(res.Deleted, prev[olds[k]].ID)
		}
	}
	return res
}

// overlaps returns the size of the multiset intersection of every old bigram multiset
// with every new one. Each multiset is a sorted slice.
func overlaps(olds, news [][]uint64) [][]int32 {
	type posting struct{ k, count int }
	size := 0
	for _, g := range olds {
		size += len(g)
	}
	postings := make(map[uint64][]posting, size/2)
	for k, g := range olds {
		for i := 0; i < len(g); {
			e := i + 1
			for e < len(g) && g[e] == g[i] {
				e++
			}
			postings[g[i]] = append(postings[g[i]], posting{k, e - i})
			i = e
		}
	}
	common := make([][]int32, len(olds))
	for k := range common {
		common[k] = make([]int32, len(news))
	}
	// The join costs, per new bigram, the old articles holding it: little for
	// real texts, but a text of many near-identical articles makes it the
	// product of the article counts times their length. Past a budget, only
	// the pairs within overlapBand places of the diagonal are compared (by
	// merging their sorted bigrams), so a move farther than that goes
	// unrecognized in such a text; the work stays linear in its length.
	work := 0
	for _, g := range news {
		for _, x := range g {
			work += len(postings[x])
		}
		if work > overlapBudget {
			return bandedOverlaps(olds, news, common)
		}
	}
	for j, g := range news {
		for i := 0; i < len(g); {
			e := i + 1
			for e < len(g) && g[e] == g[i] {
				e++
			}
			for _, p := range postings[g[i]] {
				common[p.k][j] += int32(min(p.count, e-i))
			}
			i = e
		}
	}
	return common
}

// overlapBudget bounds the postings join of overlaps (bigram occurrences
// visited); overlapBand is how far from the diagonal bandedOverlaps looks.
const (
	overlapBudget = 40_000_000
	overlapBand   = 40
)

// bandedOverlaps fills common for the pairs near the diagonal only.
func bandedOverlaps(olds, news [][]uint64, common [][]int32) [][]int32 {
	n, m := len(olds), len(news)
	for k := range n {
		center := k * m / max(n, 1)
		for j := max(0, center-overlapBand); j < min(m, center+overlapBand+1); j++ {
			common[k][j] = int32(intersect(olds[k], news[j]))
		}
	}
	return common
}

// without returns the multiset difference a − b of two sorted slices.
func without(a, b []uint64) []uint64 {
	out := make([]uint64, 0, len(a))
	j := 0
	for _, x := range a {
		for j < len(b) && b[j] < x {
			j++
		}
		if j < len(b) && b[j] == x {
			j++
			continue
		}
		out = append(out, x)
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// similarity returns 2·LCS/(len(a)+len(b)) in runes, from a minimal rune-level diff;
// 1 for two empty strings.
func similarity(a, b string) float64 {
	if a == b {
		return 1
	}
	ra, rb := decodeRunes(a), decodeRunes(b)
	var d differ
	d.layered(ra, rb, levelSentence)
	eq := 0
	for _, e := range d.edits {
		if e.op == Equal {
			eq += e.n
		}
	}
	return float64(2*eq) / float64(len(ra)+len(rb))
}
