package redline

import (
	"cmp"
	"slices"
)

// matchDense is Match as it was before the sparse candidate search: it scores every
// old × new pair in n × m matrices (11 bytes per pair) and runs the alignment over
// the full n × m table. It is kept as the reference the property tests and the scaling
// benchmark compare Match against; its algorithm is the one Match documents, step by
// step, so the two must agree wherever Match finds every relevant pair (see
// scorePairs for the bound).
func matchDense(prev, next []Article, newID func() string) Matching {
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
