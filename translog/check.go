package translog

import (
	"cmp"
	"fmt"
	"slices"

	"golang.org/x/mod/sumdb/tlog"
)

// Problem is one way a stored log disagrees with its tree heads.
type Problem struct {
	// Index is the leaf index the problem is found at; for Kind "head", the
	// head's tree size.
	Index int64
	// Kind is one of
	//   - "altered": the leaf at Index is not the one the log committed to;
	//   - "missing": the leaf the log committed to at Index is absent;
	//   - "inserted": the leaf at Index was never committed to;
	//   - "reordered": the leaf at Index was committed to at another index;
	//   - "head": the tree head of size Index does not match the leaves.
	Kind string
	// Detail says what was found, in English, for logs and verifiers.
	Detail string
}

func (p Problem) String() string { return fmt.Sprintf("leaf %d %s: %s", p.Index, p.Kind, p.Detail) }

// Searching for the tampering that explains a mismatch is quadratic or
// cubic in the number of leaves between two heads; past this many node
// hashes CheckLog reports the span instead of naming the leaf.
const searchBudget = 1 << 22

// CheckLog checks the leaves a store holds for a log, in index order (nil
// where no leaf is held for an index), against the log's tree heads, and
// returns the problems found in index order; none if the leaves give every
// head's root.
//
// The heads are the authority: a head whose root a later head contradicts
// (the leaves match the later one) is reported as "head". Between the last
// head the leaves match and the first they do not, CheckLog names the leaf
// when the roots determine it: a nil leaf ("missing"), leaves fewer than a
// head's size ("missing"), one leaf too many ("inserted") or two leaves
// swapped ("reordered"). Otherwise it reports "altered" at the first leaf
// not covered by a matching head, naming the span in Detail: roots alone
// cannot tell which leaf of a span was altered or removed. [CheckLogHashes]
// names the leaf in every case when the store kept the leaf hashes. Leaves
// after the first span that does not match cannot be checked and are not
// reported.
func CheckLog(leaves [][]byte, heads []Head) []Problem {
	hashes := make([]tlog.Hash, len(leaves))
	var problems []Problem
	for i, l := range leaves {
		if l == nil {
			problems = append(problems, Problem{int64(i), "missing", "no leaf is held for this index"})
			continue
		}
		hashes[i] = LeafHash(l)
	}
	problems = append(problems, checkHashes(hashes, leaves, heads)...)
	return sortProblems(problems)
}

// CheckLogHashes is [CheckLog] for a store that also kept recorded[i], the
// leaf hash stored for index i when the leaf was appended (the stored hash
// at tlog.StoredHashIndex(0, i)). The recorded hashes are checked against
// the heads; if they give every head's root, each leaf is compared with
// them, which names every altered, missing, inserted and reordered leaf. If
// they do not, the recorded hashes were rewritten too, and the leaves are
// checked by CheckLog alone.
func CheckLogHashes(leaves [][]byte, recorded []tlog.Hash, heads []Head) []Problem {
	if len(checkHashes(recorded, nil, heads)) == 0 {
		return sortProblems(alignLeaves(leaves, recorded))
	}
	problems := CheckLog(leaves, heads)
	for i := range problems {
		problems[i].Detail += " (the recorded leaf hashes do not match the heads either)"
	}
	return problems
}

// checkHashes checks leaf hashes against heads; leaves, if not nil, holds
// the leaves themselves (nil entries are already reported).
func checkHashes(hashes []tlog.Hash, leaves [][]byte, heads []Head) []Problem {
	heads = slices.Clone(heads)
	slices.SortStableFunc(heads, func(a, b Head) int { return cmp.Compare(a.Size, b.Size) })
	n := int64(len(hashes))
	roots := prefixRoots(hashes, heads)
	good := int64(0) // the largest head size the hashes match
	for i, h := range heads {
		if h.Size <= n && roots[i] == h.Root {
			good = max(good, h.Size)
		}
	}
	var problems []Problem
	for i, h := range heads {
		switch {
		case h.Size > good:
			if p, ok := explainSpan(hashes, leaves, good, h, roots[i]); ok {
				problems = append(problems, p)
			}
			return problems
		case h.Size < 0:
			problems = append(problems, Problem{h.Size, "head", "negative tree size"})
		case roots[i] != h.Root:
			problems = append(problems, Problem{h.Size, "head", fmt.Sprintf(
				"head of size %d has root %s, the leaves give %s and match the head of size %d",
				h.Size, hexHash(h.Root), hexHash(roots[i]), good)})
		}
	}
	return problems
}

// explainSpan names what breaks head h, the first head after the span
// [good, h.Size) that the hashes do not match; got is the root they give.
// It reports nothing (false) if the span holds a nil leaf, which CheckLog
// has already reported as missing.
func explainSpan(hashes []tlog.Hash, leaves [][]byte, good int64, h Head, got tlog.Hash) (Problem, bool) {
	n := int64(len(hashes))
	for i := good; i < min(n, h.Size); i++ {
		if leaves != nil && leaves[i] == nil {
			return Problem{}, false
		}
	}
	if n < h.Size {
		return Problem{n, "missing", fmt.Sprintf(
			"the head of size %d has root %s but the log holds %d leaves: leaves %d..%d are missing, or one of %d..%d was removed",
			h.Size, hexHash(h.Root), n, n, h.Size-1, good, n-1)}, true
	}
	span := h.Size - good
	budget := searchBudget
	// One leaf too many: without it the leaves give the head.
	if n > h.Size && (span+1)*h.Size <= int64(budget) {
		for j := good; j < h.Size; j++ {
			without := slices.Concat(hashes[:j], hashes[j+1:h.Size+1])
			if rootOf(without) == h.Root {
				return Problem{j, "inserted", fmt.Sprintf(
					"without leaf %d the leaves give the head of size %d; leaf %d was never committed to", j, h.Size, j)}, true
			}
		}
		budget -= int(span * h.Size)
	}
	// Two leaves swapped, both in the span or one of them just after it.
	end := min(n, h.Size+span)
	if span*(end-good)*h.Size/2 <= int64(budget) {
		swapped := slices.Clone(hashes[:end])
		for j := good; j < h.Size; j++ {
			for k := j + 1; k < end; k++ {
				swapped[j], swapped[k] = swapped[k], swapped[j]
				ok := rootOf(swapped[:h.Size]) == h.Root
				swapped[j], swapped[k] = swapped[k], swapped[j]
				if ok {
					return Problem{j, "reordered", fmt.Sprintf(
						"leaves %d and %d are swapped: exchanged, they give the head of size %d", j, k, h.Size)}, true
				}
			}
		}
	}
	if span == 1 {
		return Problem{good, "altered", fmt.Sprintf(
			"leaf %d is not the leaf committed to: the head of size %d has root %s, the leaves give %s",
			good, h.Size, hexHash(h.Root), hexHash(got))}, true
	}
	return Problem{good, "altered", fmt.Sprintf(
		"one of leaves %d..%d was altered or removed: the head of size %d has root %s, the leaves give %s",
		good, h.Size-1, h.Size, hexHash(h.Root), hexHash(got))}, true
}

// alignLeaves compares leaves with the hashes recorded when they were
// appended and names each disagreement.
func alignLeaves(leaves [][]byte, recorded []tlog.Hash) []Problem {
	at := make(map[tlog.Hash]int, len(recorded)) // recorded hash → index
	for k, h := range recorded {
		if _, dup := at[h]; !dup {
			at[h] = k
		}
	}
	claimed := make([]bool, len(recorded)) // a leaf holds recorded[k]
	pos := make([]int, len(leaves))        // recorded index of leaves[i], -1 if none
	for i, l := range leaves {
		pos[i] = -1
		if l == nil {
			continue
		}
		if k, ok := at[LeafHash(l)]; ok && !claimed[k] {
			pos[i], claimed[k] = k, true
		}
	}
	var problems []Problem
	explained := make([]bool, len(leaves))
	for k := range recorded {
		if claimed[k] {
			continue
		}
		if k < len(leaves) && leaves[k] != nil && pos[k] == -1 {
			explained[k] = true
			problems = append(problems, Problem{int64(k), "altered", fmt.Sprintf(
				"leaf %d has hash %s, the log recorded %s", k, hexHash(LeafHash(leaves[k])), hexHash(recorded[k]))})
			continue
		}
		problems = append(problems, Problem{int64(k), "missing", fmt.Sprintf(
			"no leaf has the hash %s recorded for index %d", hexHash(recorded[k]), k)})
	}
	for i, l := range leaves {
		if l != nil && pos[i] == -1 && !explained[i] {
			problems = append(problems, Problem{int64(i), "inserted", fmt.Sprintf(
				"leaf %d (hash %s) was never recorded in the log", i, hexHash(LeafHash(l)))})
		}
	}
	// The recorded leaves held must keep their order; those outside a
	// longest increasing run of recorded indexes have moved.
	var order []int // positions i with pos[i] >= 0
	for i := range leaves {
		if pos[i] >= 0 {
			order = append(order, i)
		}
	}
	inRun := longestIncreasing(order, pos)
	for _, i := range order {
		if !inRun[i] {
			problems = append(problems, Problem{int64(i), "reordered", fmt.Sprintf(
				"leaf %d is the leaf the log recorded at index %d", i, pos[i])})
		}
	}
	return problems
}

// longestIncreasing returns the positions (of order) that form a longest
// strictly increasing run of pos values (patience sorting).
func longestIncreasing(order []int, pos []int) map[int]bool {
	var tails []int // tails[l]: index into order of the smallest tail of a run of length l+1
	prev := make([]int, len(order))
	for j, i := range order {
		l, _ := slices.BinarySearchFunc(tails, pos[i], func(t, v int) int { return cmp.Compare(pos[order[t]], v) })
		prev[j] = -1
		if l > 0 {
			prev[j] = tails[l-1]
		}
		if l == len(tails) {
			tails = append(tails, j)
		} else {
			tails[l] = j
		}
	}
	in := make(map[int]bool, len(tails))
	if len(tails) > 0 {
		for j := tails[len(tails)-1]; j >= 0; j = prev[j] {
			in[order[j]] = true
		}
	}
	return in
}

// prefixRoots returns, for each head (sorted by size), the root of the tree
// of the first head.Size hashes (zero if there are fewer), computed with a
// frontier of complete subtrees in one pass.
func prefixRoots(hashes []tlog.Hash, heads []Head) []tlog.Hash {
	roots := make([]tlog.Hash, len(heads))
	var frontier []tlog.Hash // complete subtrees, largest first
	var sizes []int64
	n := int64(0)
	h := 0
	for {
		for h < len(heads) && heads[h].Size <= n {
			if heads[h].Size == n {
				roots[h] = foldFrontier(frontier)
			}
			h++
		}
		if h == len(heads) || n == int64(len(hashes)) {
			return roots
		}
		frontier, sizes = append(frontier, hashes[n]), append(sizes, 1)
		for len(sizes) > 1 && sizes[len(sizes)-1] == sizes[len(sizes)-2] {
			last := len(frontier) - 1
			frontier[last-1] = nodeHash(frontier[last-1], frontier[last])
			sizes[last-1] *= 2
			frontier, sizes = frontier[:last], sizes[:last]
		}
		n++
	}
}

// foldFrontier returns the root of the tree whose complete subtrees,
// largest first, are frontier (RFC 6962: smaller subtrees hang right).
func foldFrontier(frontier []tlog.Hash) tlog.Hash {
	if len(frontier) == 0 {
		return emptyRoot
	}
	root := frontier[len(frontier)-1]
	for i := len(frontier) - 2; i >= 0; i-- {
		root = nodeHash(frontier[i], root)
	}
	return root
}

// rootOf is RFC 6962's MTH over leaf hashes, by the definition: split at the
// largest power of two smaller than n.
func rootOf(hashes []tlog.Hash) tlog.Hash {
	switch n := len(hashes); n {
	case 0:
		return emptyRoot
	case 1:
		return hashes[0]
	default:
		k := 1
		for k*2 < n {
			k *= 2
		}
		return nodeHash(rootOf(hashes[:k]), rootOf(hashes[k:]))
	}
}

func sortProblems(ps []Problem) []Problem {
	slices.SortStableFunc(ps, func(a, b Problem) int { return cmp.Compare(a.Index, b.Index) })
	return ps
}

// RootOfHashes is RFC 6962's Merkle tree hash (MTH) of the tree whose leaf
// hashes are hashes: how an archive's sealed heads are recomputed from the
// leaf hashes it carries.
func RootOfHashes(hashes []tlog.Hash) tlog.Hash { return rootOf(hashes) }
