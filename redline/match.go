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
//  1. score the candidate pairs by bigram Dice similarity of the bodies (labels
//     removed): identical bodies, and the pairs found through shared bigrams that are
//     not stop bigrams (scorePairs; every other pair is below every threshold below,
//     except in the cases scorePairs documents);
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
//
// Cost: no step looks at every pair. For texts of L bigrams in all (about their
// length in characters) and m new articles, the candidate search is O(L log L +
// stopBigramDF·L) plus, per candidate that its bound does not drop, a merge of the
// two articles' stop bigrams, and 2·stopBand+1 such merges per banded article; at
// most P ≤ stopBigramDF·L + (sameBodyWindow+2·stopBand+1)·m pairs are kept (a few
// per article in ordinary texts), and the later steps are O(P log P).
// The result is the one the comparison of every pair (matchDense, in the tests)
// gives, except where scorePairs documents a pair it cannot see.
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
	// 1. The candidate pairs, sparse: every other pair scores below every threshold.
	ps := scorePairs(oldBody, newBody, oldGrams, newGrams)

	oldTo := make([]int, n) // old k -> new j, or -1
	newFrom := make([]int, m)
	for k := range oldTo {
		oldTo[k] = -1
	}
	for j := range newFrom {
		newFrom[j] = -1
	}
	link := func(k, j int) { oldTo[k], newFrom[j] = j, k }

	// 2. Order-preserving alignment (weighted LCS) over the candidate pairs.
	ps.align(n, m, link)

	// 3. Moves: best remaining pairs first. A pair within nearMove places of where the
	// old article's nearest matched predecessor puts it needs only alignMille.
	type cand struct{ k, j, s, dist int }
	var cands []cand
	last := -1 // nearest matched old article before k
	for k := range n {
		if oldTo[k] >= 0 {
			last = k
			continue
		}
		expect := k // expected new position from the nearest matched predecessor
		if last >= 0 {
			expect = oldTo[last] + k - last
		}
		for _, x := range ps.ofOld(k) {
			p := &ps.pairs[x]
			j := int(p.j)
			if newFrom[j] >= 0 {
				continue
			}
			if s := int(p.score); s >= moveMille || (s >= alignMille && abs(j-expect) <= nearMove) {
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
		for _, x := range ps.ofOld(k) {
			p := &ps.pairs[x]
			j := int(p.j)
			if newFrom[j] < 0 && contains(int(p.common), len(newGrams[j])) {
				if len(parts) > 0 && j-parts[len(parts)-1] > partWindow {
					if len(parts) >= 2 {
						break
					}
					parts, total = parts[:0], 0
				}
				parts = append(parts, j)
				total += int(p.common)
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
		var parts, commons []int
		total := 0
		for _, p := range ps.ofNew(j) {
			k := int(p.k)
			if oldTo[k] == -1 && contains(int(p.common), len(oldGrams[k])) {
				if len(parts) > 0 && k-parts[len(parts)-1] > partWindow {
					if len(parts) >= 2 {
						break
					}
					parts, commons, total = parts[:0], commons[:0], 0
				}
				parts = append(parts, k)
				commons = append(commons, int(p.common))
				total += int(p.common)
			}
		}
		if len(parts) < 2 || !contains(total, len(newGrams[j])) {
			continue
		}
		keep, keepCommon := parts[0], commons[0]
		for i, k := range parts[1:] {
			if commons[i+1] > keepCommon {
				keep, keepCommon = k, commons[i+1]
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
		for _, p := range ps.ofNew(j) {
			k, common := int(p.k), int(p.common)
			t := oldTo[k]
			if t < 0 || abs(t-j) > partWindow || !contains(common, len(newGrams[j])) || common <= bestCommon {
				continue
			}
			if gained := intersect(newGrams[j], without(oldGrams[k], newGrams[t])); 1000*gained >= gainMille*len(newGrams[j]) {
				best, bestCommon = k, common
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
		for _, x := range ps.ofOld(k) {
			p := &ps.pairs[x]
			j, common := int(p.j), int(p.common)
			f := newFrom[j]
			if f < 0 || abs(f-k) > partWindow || !contains(common, len(oldGrams[k])) || common <= bestCommon {
				continue
			}
			if gained := intersect(oldGrams[k], without(newGrams[j], oldGrams[f])); 1000*gained >= gainMille*len(oldGrams[k]) {
				best, bestCommon = j, common
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

// Bounds of the candidate search of scorePairs.
const (
	// stopBigramDF: a bigram found in more old articles than this is a stop bigram (的，
	// 应当, the end of a sentence): it still counts in every score, but it does not make
	// two articles candidates of each other, so that a text full of common words costs
	// at most stopBigramDF postings per bigram of the new text.
	stopBigramDF = 64
	// sameBodyWindow: a new article whose body is identical to more old articles than
	// this is paired, as identical, only with the sameBodyWindow of them nearest in rank
	// (the r-th copy of a body in the new text with the r-th copy in the old one).
	sameBodyWindow = 64
	// stopBand: a new article of which more than half the bigrams are stop bigrams, or
	// that has no candidate through the index, is also compared with the old articles
	// within stopBand places of its proportional place (j·n/m), as the all-pairs
	// comparison would: in a text of near-identical articles (a template varied by a
	// number) those differ only in stop bigrams.
	stopBand = 40
)

// pair is a scored candidate pair of an old article k and a new article j.
type pair struct {
	k, j   int32
	common int32 // bigrams shared (multiset intersection)
	score  int16 // Dice, per mille
	same   bool  // identical bodies
}

// pairSet holds the candidate pairs of Match: pairs sorted by (j, k), newStart
// indexing them by new article, and byOld the same pairs' indices sorted by (k, j).
type pairSet struct {
	pairs    []pair
	newStart []int32
	byOld    []int32
	oldStart []int32
	banded   []bool // new articles also compared with the old ones within stopBand of their place
}

func (ps *pairSet) ofNew(j int) []pair { return ps.pairs[ps.newStart[j]:ps.newStart[j+1]] }

// add appends a pair, doubling the storage when full (append grows large slices by
// a quarter, which would allocate about five times the final size in all).
func (ps *pairSet) add(p pair) {
	if len(ps.pairs) == cap(ps.pairs) {
		ps.pairs = slices.Grow(ps.pairs, len(ps.pairs))
	}
	ps.pairs = append(ps.pairs, p)
}
func (ps *pairSet) ofOld(k int) []int32 { return ps.byOld[ps.oldStart[k]:ps.oldStart[k+1]] }

// relevant reports whether a pair sharing common of a and b bigrams can play a part in
// Match: its Dice reaches alignMille (the least of the similarity thresholds) or one
// side is containPartMille contained in the other. Other pairs change nothing in any
// step of Match, so they need not be stored.
func relevant(common, a, b int) bool {
	return 2000*common >= alignMille*(a+b) || 1000*common >= containPartMille*min(a, b)
}

// gramRun is a distinct bigram of an article with its number of occurrences.
type gramRun struct {
	gram  uint64
	count int32
}

// runs returns the distinct bigrams of a sorted bigram slice with their counts.
func runs(g []uint64, out []gramRun) []gramRun {
	for i := 0; i < len(g); {
		e := i + 1
		for e < len(g) && g[e] == g[i] {
			e++
		}
		out = append(out, gramRun{g[i], int32(e - i)})
		i = e
	}
	return out
}

// scorePairs finds and scores the pairs of Match without looking at every pair.
//
// Each distinct bigram of the old text gets a small id (bigramTable); an inverted index
// lists, for every bigram found in at most stopBigramDF old articles, the old articles
// holding it. A new article's candidates are the old articles sharing at least one such
// bigram, plus those with an identical body (within sameBodyWindow). For each
// candidate the postings give the shared non-stop bigrams; an upper bound adding the
// fewer stop-bigram occurrences of the two drops the pairs that cannot be relevant, and
// the others get their exact overlap (non-stop + stop bigrams, as a full multiset
// intersection would count it). A new article that is more than half stop bigrams, or
// has no relevant candidate, is banded: also compared with
// the old articles within stopBand places of j·n/m (those it shares no non-stop
// bigram with: their overlap is that of their stop bigrams). Only relevant pairs are
// kept.
//
// The bound, precisely: a pair is scored exactly as the all-pairs comparison would
// score it, and kept iff relevant, unless
//   - the two bodies differ and every bigram they share is a stop bigram (in more than
//     stopBigramDF old articles): such a pair is looked at only if the new article is
//     banded (more than half its bigrams are stop bigrams, or it has no candidate
//     otherwise) and the old one is within stopBand places of its place j·n/m;
//   - the bodies are identical and the body occurs more than sameBodyWindow times in
//     the old text: only the sameBodyWindow copies nearest in rank are paired as
//     identical (the others still are when they share a non-stop bigram, or fall in
//     the band).
//
// Cost: the join visits at most stopBigramDF postings per distinct bigram of the new
// text; each candidate costs a merge of the two stop-bigram lists, and a banded
// article 2·stopBand+1 more. All are linear in the length of the texts for
// texts of bounded article length, where the all-pairs comparison is quadratic in the
// number of articles.
func scorePairs(oldBody, newBody []string, oldGrams, newGrams [][]uint64) pairSet {
	n, m := len(oldGrams), len(newGrams)
	size := 0
	for _, g := range oldGrams {
		size += len(g)
	}
	tab := newBigramTable(size / 4) // texts repeat bigrams; the table grows if not
	// Distinct bigrams of each old article, and their ids.
	oldStart := make([]int32, n+1)
	oldRuns := make([]gramRun, 0, size)
	oldIDs := make([]int32, 0, size)
	df := make([]int32, 0, size) // old articles holding each bigram id
	for k, g := range oldGrams {
		from := len(oldRuns)
		oldRuns = runs(g, oldRuns)
		for _, r := range oldRuns[from:] {
			id := tab.insert(r.gram)
			if int(id) == len(df) {
				df = append(df, 0)
			}
			df[id]++
			oldIDs = append(oldIDs, id)
		}
		oldStart[k+1] = int32(len(oldRuns))
	}
	// Inverted index (CSR) of the non-stop bigrams; stop bigrams of each old article.
	type posting struct{ k, count int32 }
	postStart := make([]int32, len(df)+1)
	for id, d := range df {
		if d <= stopBigramDF {
			postStart[id+1] = d
		}
		postStart[id+1] += postStart[id]
	}
	postings := make([]posting, postStart[len(df)])
	fill := slices.Clone(postStart[:len(df)])
	stops := 0
	for _, id := range oldIDs {
		if df[id] > stopBigramDF {
			stops++
		}
	}
	stopStart := make([]int32, n+1)
	oldStop := make([]gramRun, 0, stops)
	stopCount := make([]int32, n) // stop-bigram occurrences of each old article
	for k := range n {
		for i := oldStart[k]; i < oldStart[k+1]; i++ {
			r, id := oldRuns[i], oldIDs[i]
			if df[id] <= stopBigramDF {
				postings[fill[id]] = posting{int32(k), r.count}
				fill[id]++
			} else {
				oldStop = append(oldStop, r)
				stopCount[k] += r.count
			}
		}
		stopStart[k+1] = int32(len(oldStop))
	}
	oldIDs, fill = nil, nil
	sameBody := make(map[string][]int32, n)
	for k, b := range oldBody {
		sameBody[b] = append(sameBody[b], int32(k))
	}
	newRank := make(map[string]int)

	ps := pairSet{newStart: make([]int32, m+1), pairs: make([]pair, 0, 4*m), banded: make([]bool, m)}
	acc := make([]int32, n)   // shared non-stop bigrams with the current new article
	stamp := make([]int32, n) // j+1 when paired as identical with new article j
	var touched []int32
	var newRuns, newStop []gramRun
	for j, g := range newGrams {
		from := len(ps.pairs)
		b := len(g)
		if ks, ok := sameBody[newBody[j]]; ok {
			r := newRank[newBody[j]]
			newRank[newBody[j]] = r + 1
			if len(ks) > sameBodyWindow {
				lo := min(max(0, r-sameBodyWindow/2), len(ks)-sameBodyWindow)
				ks = ks[lo : lo+sameBodyWindow]
			}
			for _, k := range ks {
				stamp[k] = int32(j + 1)
				ps.add(pair{k: k, j: int32(j), common: int32(b), score: 1000, same: true})
			}
		}
		newRuns = runs(g, newRuns[:0])
		newStop = newStop[:0]
		newStopCount := 0
		for _, r := range newRuns {
			id, ok := tab.lookup(r.gram)
			if !ok {
				continue
			}
			if df[id] > stopBigramDF {
				newStop = append(newStop, r)
				newStopCount += int(r.count)
				continue
			}
			for _, p := range postings[postStart[id]:postStart[id+1]] {
				if acc[p.k] == 0 {
					touched = append(touched, p.k)
				}
				acc[p.k] += min(p.count, r.count)
			}
		}
		for _, k := range touched {
			c := int(acc[k])
			acc[k] = 0
			if stamp[k] == int32(j+1) {
				continue
			}
			stamp[k] = int32(j + 1)
			a := len(oldGrams[k])
			if !relevant(c+min(int(stopCount[k]), newStopCount), a, b) {
				continue
			}
			c += stopOverlap(oldStop[stopStart[k]:stopStart[k+1]], newStop)
			if !relevant(c, a, b) {
				continue
			}
			same := c == a && a == b && oldBody[k] == newBody[j]
			ps.add(pair{k: k, j: int32(j), common: int32(c), score: int16(2000 * c / (a + b)), same: same})
		}
		touched = touched[:0]
		// An article made mostly of stop bigrams, or with no candidate at all, is
		// also compared with the old articles near its place.
		if len(ps.pairs) == from || 2*newStopCount > b {
			ps.banded[j] = true
			center := int(int64(j) * int64(n) / int64(m))
			for k := max(0, center-stopBand); k <= min(n-1, center+stopBand); k++ {
				if stamp[k] == int32(j+1) {
					continue
				}
				// Not a candidate: the two share stop bigrams only.
				a := len(oldGrams[k])
				if !relevant(min(int(stopCount[k]), newStopCount), a, b) {
					continue
				}
				if c := stopOverlap(oldStop[stopStart[k]:stopStart[k+1]], newStop); relevant(c, a, b) {
					same := c == a && a == b && oldBody[k] == newBody[j]
					ps.add(pair{k: int32(k), j: int32(j), common: int32(c), score: int16(2000 * c / (a + b)), same: same})
				}
			}
		}
		slices.SortFunc(ps.pairs[from:], func(x, y pair) int { return cmp.Compare(x.k, y.k) })
		ps.newStart[j+1] = int32(len(ps.pairs))
	}
	// The same pairs by old article (a counting sort: pairs are already in j order).
	ps.oldStart = make([]int32, n+1)
	for _, p := range ps.pairs {
		ps.oldStart[p.k+1]++
	}
	for k := range n {
		ps.oldStart[k+1] += ps.oldStart[k]
	}
	ps.byOld = make([]int32, len(ps.pairs))
	next := slices.Clone(ps.oldStart[:n])
	for i, p := range ps.pairs {
		ps.byOld[next[p.k]] = int32(i)
		next[p.k]++
	}
	return ps
}

// stopOverlap returns the multiset intersection of two sorted run lists: by a merge
// when they are of comparable length, else by looking up each element of the shorter
// one in the rest of the longer one.
func stopOverlap(a, b []gramRun) int {
	if len(a) > len(b) {
		a, b = b, a
	}
	n := 0
	if len(b) <= 16*len(a) {
		for i, j := 0, 0; i < len(a) && j < len(b); {
			switch x, y := a[i].gram, b[j].gram; {
			case x < y:
				i++
			case x > y:
				j++
			default:
				n += int(min(a[i].count, b[j].count))
				i++
				j++
			}
		}
		return n
	}
	for _, r := range a {
		i, found := slices.BinarySearchFunc(b, r.gram, func(x gramRun, g uint64) int { return cmp.Compare(x.gram, g) })
		if found {
			n += int(min(r.count, b[i].count))
			i++
		}
		b = b[i:]
	}
	return n
}

// bigramTable maps bigrams to dense ids 0, 1, 2, … by open addressing (linear
// probing, a power-of-two table at most half full, doubled when it would be more),
// without an allocation per bigram. A slot keeps its key and id together: one cache
// line per probe.
type bigramTable struct {
	slots []bigramSlot
	shift uint
	count int32
}

type bigramSlot struct {
	key uint64
	id  int32 // id+1; 0 marks a free slot
}

// newBigramTable returns a table sized for about hint keys.
func newBigramTable(hint int) *bigramTable {
	size, shift := 16, uint(64-4)
	for size < 2*hint {
		size *= 2
		shift--
	}
	return &bigramTable{slots: make([]bigramSlot, size), shift: shift}
}

func (t *bigramTable) slot(key uint64) uint64 { return (key * 0x9e3779b97f4a7c15) >> t.shift }

// insert returns the id of key, giving it the next id if it is new.
func (t *bigramTable) insert(key uint64) int32 {
	if 2*int(t.count+1) > len(t.slots) {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	for i := t.slot(key); ; i = (i + 1) & mask {
		s := &t.slots[i]
		switch {
		case s.id == 0:
			t.count++
			*s = bigramSlot{key, t.count}
			return t.count - 1
		case s.key == key:
			return s.id - 1
		}
	}
}

// grow doubles the table, keeping every key's id.
func (t *bigramTable) grow() {
	old := t.slots
	t.slots = make([]bigramSlot, 2*len(old))
	t.shift--
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s.id == 0 {
			continue
		}
		i := t.slot(s.key)
		for t.slots[i].id != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}

// lookup returns the id of key, if present.
func (t *bigramTable) lookup(key uint64) (int32, bool) {
	mask := uint64(len(t.slots) - 1)
	for i := t.slot(key); ; i = (i + 1) & mask {
		s := &t.slots[i]
		switch {
		case s.id == 0:
			return 0, false
		case s.key == key:
			return s.id - 1, true
		}
	}
}

// align links the non-crossing set of candidate pairs with score ≥ alignMille that
// maximizes the total weight (alignMille ≤ score, identical bodies 3000), and among
// optimal sets the same one as the backtrace of the full n × m table would pick.
//
// Forward: the pairs in (k, j) order; the best chain ending at a pair is its weight
// plus D(k, j), the best chain within old[:k] × new[:j], read from a Fenwick tree of
// prefix maxima over j holding the rows before k. Backward: the full-table backtrace
// from (k, j) with value V takes, among the pairs in old[:k] × new[:j] whose best chain
// is V, the one in column j−1 with the largest k if there is one, else the one with the
// smallest k and then the largest j (it walks up while the value holds, then left);
// then continues from that pair's (k, j) with its D. The pairs are grouped by chain
// value, each value visited once: O(P log P) for P pairs.
func (ps *pairSet) align(n, m int, link func(k, j int)) {
	weight := func(p *pair) int32 {
		switch {
		case p.score < alignMille:
			return -1
		case p.same:
			return 3000
		}
		return int32(p.score)
	}
	best := make([]int32, len(ps.pairs))  // best chain ending at the pair, -1 if not alignable
	below := make([]int32, len(ps.pairs)) // D at the pair
	tree := make([]int32, m+1)            // Fenwick tree of prefix maxima, 1-based
	query := func(j int) int32 {          // max over columns < j
		v := int32(0)
		for ; j > 0; j -= j & -j {
			v = max(v, tree[j])
		}
		return v
	}
	update := func(j int, v int32) {
		for j++; j <= m; j += j & -j {
			tree[j] = max(tree[j], v)
		}
	}
	alignable := make([]int32, 0, len(ps.pairs))
	for k := range n {
		row := ps.ofOld(k)
		for _, x := range row {
			p := &ps.pairs[x]
			best[x] = -1
			if w := weight(p); w >= 0 {
				below[x] = query(int(p.j))
				best[x] = w + below[x]
				alignable = append(alignable, x)
			}
		}
		for _, x := range row {
			if best[x] >= 0 {
				update(int(ps.pairs[x].j), best[x])
			}
		}
	}
	if len(alignable) == 0 {
		return
	}
	// alignable is in (k, j) order; a stable sort by value keeps it within a value.
	slices.SortStableFunc(alignable, func(x, y int32) int { return cmp.Compare(best[x], best[y]) })
	k, j := n, m
	v := query(m)
	for v > 0 {
		lo, _ := slices.BinarySearchFunc(alignable, v, func(x, v int32) int { return cmp.Compare(best[x], v) })
		hi := lo
		for hi < len(alignable) && best[alignable[hi]] == v {
			hi++
		}
		pick := int32(-1)
		// A pair in column j−1: the one with the largest k.
		for _, x := range alignable[lo:hi] {
			if p := &ps.pairs[x]; int(p.k) < k && int(p.j) == j-1 {
				pick = x
			}
		}
		if pick < 0 { // else the smallest k, then the largest j
			for _, x := range alignable[lo:hi] {
				p := &ps.pairs[x]
				if int(p.k) >= k || int(p.j) >= j {
					continue
				}
				if pick >= 0 && p.k != ps.pairs[pick].k {
					break
				}
				pick = x
			}
		}
		p := &ps.pairs[pick]
		link(int(p.k), int(p.j))
		k, j, v = int(p.k), int(p.j), below[pick]
	}
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
