package redline

import (
	"slices"
	"strconv"
	"unicode/utf8"
)

// SpanOp says whether a span of text is kept, inserted or deleted.
type SpanOp int8

// The three span operations. A redline reads "Equal" text as unchanged, "Insert" text as
// present only in the new version and "Delete" text as present only in the old one.
const (
	Equal SpanOp = iota
	Insert
	Delete
)

// String returns "equal", "insert" or "delete".
func (op SpanOp) String() string {
	switch op {
	case Equal:
		return "equal"
	case Insert:
		return "insert"
	case Delete:
		return "delete"
	}
	return "SpanOp(" + strconv.Itoa(int(op)) + ")"
}

// Span is one piece of a character-level diff.
type Span struct {
	Op   SpanOp
	Text string
}

// Tuning constants. They are part of the definition of the result, not time limits:
// changing them changes the output, running on a slower machine never does.
const (
	// charLimit is the size (runes of both sides together) up to which a changed region is
	// always diffed rune by rune with Myers' algorithm, without the coarser passes.
	charLimit = 256
	// minContainMille is the share (per mille) of the bigrams of the shorter side of a
	// region that the longer side must also have for a region larger than charLimit,
	// left over after the sentence and clause passes, to be diffed rune by rune. Below
	// it the region is replaced wholesale (one Delete, one Insert): such regions are
	// unrelated text for which a rune-level diff is both unreadable and quadratic.
	// Containment rather than Dice, so that a region where a long passage was deleted
	// next to a small edit still gets a rune-level diff.
	minContainMille = 500
	// smallEquality is the length up to which an equality between two edits is always
	// folded into them by the semantic cleanup.
	smallEquality = 2
)

// Diff returns a rune-level diff of a and b, cleaned up so that spans read as phrases.
//
// Concatenating the Equal and Delete spans gives a; concatenating the Equal and Insert
// spans gives b. Within a changed stretch the Delete span comes before the Insert span,
// and no two adjacent spans have the same Op. Invalid UTF-8 is kept byte for byte: each
// invalid byte is a "rune" of its own that only equals the same byte.
//
// The algorithm is deterministic and has no time limit:
//  1. trim the common prefix and suffix;
//  2. diff the rest as sequences of sentences (split after 。；！？ and newline), using
//     Myers' O(ND) algorithm (linear-space, divide and conquer) on sentence ids, after
//     dropping sentences that occur on one side only (they cannot be part of a common
//     subsequence, so this does not change the optimum);
//  3. diff each changed region the same way at clause level (，、：), and each region
//     that remains rune by rune with Myers; a region larger than charLimit whose bigram
//     containment is below minContainMille is replaced wholesale instead;
//  4. fold small equalities between edits into them (semantic cleanup), so that
//     "禁止或者限制特定动物" → "禁止特定动物" reads as one deletion and unrelated
//     phrases read as one replacement rather than a scatter of shared characters.
func Diff(a, b string) []Span {
	ra, offA := decode(a)
	rb, offB := decode(b)
	var d differ
	d.layered(ra, rb, levelSentence)
	segs := toSegments(d.edits)
	segs = cleanupSemantic(segs)
	return render(segs, a, b, offA, offB)
}

// decode turns s into a slice of rune codes and the byte offset of each code (plus
// len(s) at the end). An invalid byte x becomes the code 0x110000+x, above any valid
// rune, so that distinct invalid bytes never compare equal.
func decode(s string) ([]int32, []int32) {
	n := utf8.RuneCountInString(s)
	runes := make([]int32, 0, n)
	offs := make([]int32, 0, n+1)
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				r = 0x110000 + rune(s[i])
			}
		}
		runes = append(runes, r)
		offs = append(offs, int32(i))
	}
	offs = append(offs, int32(len(s)))
	return runes, offs
}

// decodeRunes is decode without the offsets.
func decodeRunes(s string) []int32 {
	runes := make([]int32, 0, utf8.RuneCountInString(s))
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				r = 0x110000 + rune(s[i])
			}
		}
		runes = append(runes, r)
	}
	return runes
}

// edit is a run of n elements with the same operation.
type edit struct {
	op SpanOp
	n  int
}

// differ accumulates an edit script and owns the scratch space of the Myers search.
type differ struct {
	edits []edit
	v     []int
}

func (d *differ) emit(op SpanOp, n int) {
	if n <= 0 {
		return
	}
	if k := len(d.edits); k > 0 && d.edits[k-1].op == op {
		d.edits[k-1].n += n
		return
	}
	d.edits = append(d.edits, edit{op, n})
}

func commonPrefix(a, b []int32) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

func commonSuffix(a, b []int32) int {
	n := min(len(a), len(b))
	for i := 1; i <= n; i++ {
		if a[len(a)-i] != b[len(b)-i] {
			return i - 1
		}
	}
	return n
}

// myers appends a minimal (insertions + deletions) edit script turning a into b.
func (d *differ) myers(a, b []int32) {
	p := commonPrefix(a, b)
	d.emit(Equal, p)
	a, b = a[p:], b[p:]
	s := commonSuffix(a, b)
	a, b = a[:len(a)-s], b[:len(b)-s]
	switch {
	case len(a) == 0:
		d.emit(Insert, len(b))
	case len(b) == 0:
		d.emit(Delete, len(a))
	default:
		x, y, ok := d.middle(a, b)
		if !ok || (x == 0 && y == 0) || (x == len(a) && y == len(b)) {
			// Not reachable for non-empty inputs with different first and last
			// elements; kept so that a bug cannot turn into infinite recursion.
			d.emit(Delete, len(a))
			d.emit(Insert, len(b))
			break
		}
		d.myers(a[:x], b[:y])
		d.myers(a[x:], b[y:])
	}
	d.emit(Equal, s)
}

// middle runs the forward and backward greedy searches of Myers' algorithm at the same
// time and returns a point (x, y) on an optimal edit path where they meet, so that the
// problem splits into a[:x]→b[:y] and a[x:]→b[y:] with the same total cost.
func (d *differ) middle(a, b []int32) (int, int, bool) {
	n, m := len(a), len(b)
	maxD := (n + m + 1) / 2
	off := maxD
	vlen := 2*maxD + 2
	if cap(d.v) < 2*vlen {
		d.v = make([]int, 2*vlen)
	}
	v1, v2 := d.v[:vlen], d.v[vlen:2*vlen]
	for i := range v1 {
		v1[i] = -1
		v2[i] = -1
	}
	v1[off+1], v2[off+1] = 0, 0
	delta := n - m
	front := delta&1 != 0
	k1start, k1end, k2start, k2end := 0, 0, 0, 0
	for dd := 0; dd < maxD; dd++ {
		for k1 := -dd + k1start; k1 <= dd-k1end; k1 += 2 {
			k1off := off + k1
			var x1 int
			if k1 == -dd || (k1 != dd && v1[k1off-1] < v1[k1off+1]) {
				x1 = v1[k1off+1]
			} else {
				x1 = v1[k1off-1] + 1
			}
			y1 := x1 - k1
			for x1 < n && y1 < m && a[x1] == b[y1] {
				x1++
				y1++
			}
			v1[k1off] = x1
			switch {
			case x1 > n:
				k1end += 2
			case y1 > m:
				k1start += 2
			case front:
				k2off := off + delta - k1
				if k2off >= 0 && k2off < vlen && v2[k2off] != -1 && x1 >= n-v2[k2off] {
					return x1, y1, true
				}
			}
		}
		for k2 := -dd + k2start; k2 <= dd-k2end; k2 += 2 {
			k2off := off + k2
			var x2 int
			if k2 == -dd || (k2 != dd && v2[k2off-1] < v2[k2off+1]) {
				x2 = v2[k2off+1]
			} else {
				x2 = v2[k2off-1] + 1
			}
			y2 := x2 - k2
			for x2 < n && y2 < m && a[n-x2-1] == b[m-y2-1] {
				x2++
				y2++
			}
			v2[k2off] = x2
			switch {
			case x2 > n:
				k2end += 2
			case y2 > m:
				k2start += 2
			case !front:
				k1off := off + delta - k2
				if k1off >= 0 && k1off < vlen && v1[k1off] != -1 {
					x1 := v1[k1off]
					y1 := off + x1 - k1off
					if x1 >= n-x2 {
						return x1, y1, true
					}
				}
			}
		}
	}
	return 0, 0, false
}

// Levels of the coarse-to-fine diff.
const (
	levelSentence = iota
	levelClause
	levelChar
)

func isSentenceEnd(r int32) bool {
	switch r {
	case '。', '；', '！', '？', '\n', ';', '!', '?':
		return true
	}
	return false
}

func isClauseEnd(r int32) bool {
	switch r {
	case '，', '、', '：', ',', ':':
		return true
	}
	return isSentenceEnd(r)
}

// layered trims the common prefix and suffix of a and b and diffs the rest starting at
// the given level of granularity.
func (d *differ) layered(a, b []int32, level int) {
	p := commonPrefix(a, b)
	d.emit(Equal, p)
	a, b = a[p:], b[p:]
	s := commonSuffix(a, b)
	a, b = a[:len(a)-s], b[:len(b)-s]
	switch {
	case len(a) == 0:
		d.emit(Insert, len(b))
	case len(b) == 0:
		d.emit(Delete, len(a))
	case len(a)+len(b) <= charLimit:
		d.myers(a, b)
	case level == levelSentence:
		d.tokens(a, b, isSentenceEnd, levelClause)
	case level == levelClause:
		d.tokens(a, b, isClauseEnd, levelChar)
	case containMille(a, b) >= minContainMille:
		d.myers(a, b)
	default:
		d.emit(Delete, len(a))
		d.emit(Insert, len(b))
	}
	d.emit(Equal, s)
}

// split returns token boundaries: token i is s[bounds[i]:bounds[i+1]]. A token ends
// after a run of delimiters, so that "。\n" never becomes a token of its own that
// every text shares.
func split(s []int32, isEnd func(int32) bool) []int {
	bounds := []int{0}
	for i, r := range s {
		if isEnd(r) && i+1 < len(s) && !isEnd(s[i+1]) {
			bounds = append(bounds, i+1)
		}
	}
	return append(bounds, len(s))
}

// tokens diffs a and b as sequences of tokens and refines each changed region at the
// next level.
func (d *differ) tokens(a, b []int32, isEnd func(int32) bool, next int) {
	ba, bb := split(a, isEnd), split(b, isEnd)
	ids := make(map[string]int32)
	var key []byte
	intern := func(s []int32, bounds []int) []int32 {
		out := make([]int32, len(bounds)-1)
		for i := range out {
			key = key[:0]
			for _, r := range s[bounds[i]:bounds[i+1]] {
				key = append(key, byte(r), byte(r>>8), byte(r>>16), byte(r>>24))
			}
			id, ok := ids[string(key)]
			if !ok {
				id = int32(len(ids))
				ids[string(key)] = id
			}
			out[i] = id
		}
		return out
	}
	ta, tb := intern(a, ba), intern(b, bb)
	inA := make([]bool, len(ids))
	inB := make([]bool, len(ids))
	for _, id := range ta {
		inA[id] = true
	}
	for _, id := range tb {
		inB[id] = true
	}
	// Tokens present on one side only can never match; dropping them leaves the
	// longest common subsequence unchanged and makes unrelated texts cheap.
	var ra, rb []int32
	var ia, ib []int
	for i, id := range ta {
		if inB[id] {
			ra = append(ra, id)
			ia = append(ia, i)
		}
	}
	for i, id := range tb {
		if inA[id] {
			rb = append(rb, id)
			ib = append(ib, i)
		}
	}
	td := differ{v: d.v}
	if len(ra) > 0 && len(rb) > 0 {
		td.myers(ra, rb)
	}
	d.v = td.v
	pa, pb := 0, 0 // next unconsumed token on each side
	x, y := 0, 0   // position in the reduced sequences
	for _, e := range td.edits {
		switch e.op {
		case Delete:
			x += e.n
		case Insert:
			y += e.n
		case Equal:
			for k := 0; k < e.n; k++ {
				ta, tb := ia[x+k], ib[y+k]
				if ta > pa || tb > pb {
					d.layered(a[ba[pa]:ba[ta]], b[bb[pb]:bb[tb]], next)
				}
				d.emit(Equal, ba[ta+1]-ba[ta])
				pa, pb = ta+1, tb+1
			}
			x += e.n
			y += e.n
		}
	}
	d.layered(a[ba[pa]:], b[bb[pb]:], next)
}

// containMille returns the share of the bigrams of the shorter of a and b that the
// other also has (multiset intersection), per mille.
func containMille(a, b []int32) int {
	ga, gb := bigrams(a), bigrams(b)
	return 1000 * intersect(ga, gb) / min(len(ga), len(gb))
}

// bigrams returns the sorted multiset of rune bigrams of s, padded with a zero rune at
// both ends so that every string, even the empty one, has at least one bigram.
func bigrams(s []int32) []uint64 {
	out := make([]uint64, 0, len(s)+1)
	prev := int32(0)
	for _, r := range s {
		out = append(out, uint64(uint32(prev))<<32|uint64(uint32(r)))
		prev = r
	}
	out = append(out, uint64(uint32(prev))<<32)
	slices.Sort(out)
	return out
}

// intersect returns the size of the multiset intersection of two sorted slices.
func intersect(a, b []uint64) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// segment is a stretch of the diff: either an equality (a[a0:a1] == b[b0:b1]) or a
// change replacing a[a0:a1] by b[b0:b1]. Segments alternate.
type segment struct {
	eq             bool
	a0, a1, b0, b1 int
}

func toSegments(edits []edit) []segment {
	var segs []segment
	x, y := 0, 0
	for _, e := range edits {
		isEq := e.op == Equal
		if k := len(segs); k == 0 || segs[k-1].eq != isEq {
			segs = append(segs, segment{eq: isEq, a0: x, a1: x, b0: y, b1: y})
		}
		s := &segs[len(segs)-1]
		switch e.op {
		case Equal:
			x += e.n
			y += e.n
		case Delete:
			x += e.n
		case Insert:
			y += e.n
		}
		s.a1, s.b1 = x, y
	}
	return segs
}

// cleanupSemantic folds an equality into the changes on both sides of it when it is at
// most smallEquality runes long, or no longer than the larger side of the change before
// it and of the change after it. Folding can make the previous equality foldable in
// turn, so the segments are processed as a stack.
func cleanupSemantic(segs []segment) []segment {
	out := segs[:0:0]
	for _, s := range segs {
		out = append(out, s)
		for len(out) >= 3 {
			e1, eq, e2 := out[len(out)-3], out[len(out)-2], out[len(out)-1]
			if e1.eq || !eq.eq || e2.eq || !foldable(e1, eq, e2) {
				break
			}
			out = out[:len(out)-3]
			out = append(out, segment{a0: e1.a0, a1: e2.a1, b0: e1.b0, b1: e2.b1})
		}
	}
	return out
}

func foldable(before, eq, after segment) bool {
	n := eq.a1 - eq.a0
	if n <= smallEquality {
		return true
	}
	return n <= max(before.a1-before.a0, before.b1-before.b0) &&
		n <= max(after.a1-after.a0, after.b1-after.b0)
}

func render(segs []segment, a, b string, offA, offB []int32) []Span {
	if len(segs) == 0 {
		return nil
	}
	spans := make([]Span, 0, len(segs)+len(segs)/2)
	for _, s := range segs {
		if s.eq {
			if s.a1 > s.a0 {
				spans = append(spans, Span{Equal, a[offA[s.a0]:offA[s.a1]]})
			}
			continue
		}
		if s.a1 > s.a0 {
			spans = append(spans, Span{Delete, a[offA[s.a0]:offA[s.a1]]})
		}
		if s.b1 > s.b0 {
			spans = append(spans, Span{Insert, b[offB[s.b0]:offB[s.b1]]})
		}
	}
	return spans
}
