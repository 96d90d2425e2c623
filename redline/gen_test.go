package redline

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// genText returns about n runes of random CJK text cut into clauses and sentences by
// Chinese punctuation, like a long legal text but without shared phrases.
func genText(rng *rand.Rand, n int) string {
	var sb strings.Builder
	for count := 0; count < n; {
		clause := 4 + rng.IntN(14)
		for range clause {
			sb.WriteRune(rune(0x4e00 + rng.IntN(3000)))
		}
		count += clause + 1
		switch rng.IntN(6) {
		case 0:
			sb.WriteRune('。')
		case 1:
			sb.WriteRune('；')
		case 2:
			sb.WriteRune('、')
		default:
			sb.WriteRune('，')
		}
		if rng.IntN(25) == 0 {
			sb.WriteRune('\n')
			count++
		}
	}
	return sb.String()
}

// scatterEdits applies k edits (insert, delete or replace 1–6 runes) at evenly spread
// random places of s.
func scatterEdits(rng *rand.Rand, s string, k int) string {
	r := []rune(s)
	var out []rune
	step := len(r) / k
	for i := 0; i < k; i++ {
		lo := i * step
		pos := lo + rng.IntN(max(1, step-8))
		out = append(out, r[lo:pos]...)
		n := 1 + rng.IntN(6)
		switch rng.IntN(3) {
		case 0: // insert
			for range n {
				out = append(out, rune(0x4e00+rng.IntN(3000)))
			}
			out = append(out, r[pos:(i+1)*step]...)
		case 1: // delete
			out = append(out, r[min(pos+n, (i+1)*step):(i+1)*step]...)
		default: // replace
			for range n {
				out = append(out, rune(0x4e00+rng.IntN(3000)))
			}
			out = append(out, r[min(pos+n, (i+1)*step):(i+1)*step]...)
		}
	}
	out = append(out, r[k*step:]...)
	return string(out)
}

// revision says which edits reviseDraft makes, each at random places.
type revision struct {
	edited, rewritten, inserted, deleted, split, merged, nearMoves int
	farMove                                                        bool // the first article moved to the end
}

// reviseDraft returns a new version of prev (ids cleared, renumbered): articles edited
// in a few places, rewritten, inserted, deleted, split in two, merged with the next,
// moved by two places, and optionally the first article moved to the end.
func reviseDraft(rng *rand.Rand, prev []Article, r revision) []Article {
	texts := make([]string, len(prev))
	for i, a := range prev {
		texts[i] = body(a)
	}
	pick := func() int { return rng.IntN(len(texts)) }
	for range r.edited {
		if i := pick(); len([]rune(texts[i])) > 40 {
			texts[i] = scatterEdits(rng, texts[i], 1+rng.IntN(3))
		}
	}
	for range r.rewritten {
		texts[pick()] = genText(rng, 60+rng.IntN(120))
	}
	for range r.split {
		i := pick()
		rs := []rune(texts[i])
		if len(rs) < 20 {
			continue
		}
		cut := len(rs)/3 + rng.IntN(len(rs)/3)
		texts = slices.Insert(texts, i+1, string(rs[cut:]))
		texts[i] = string(rs[:cut])
	}
	for range r.merged {
		if i := pick(); i+1 < len(texts) {
			texts[i] += texts[i+1]
			texts = slices.Delete(texts, i+1, i+2)
		}
	}
	for range r.nearMoves {
		if i := pick(); i+2 < len(texts) {
			t := texts[i]
			texts = slices.Insert(slices.Delete(texts, i, i+1), i+2, t)
		}
	}
	for range r.deleted {
		if len(texts) > 1 {
			i := pick()
			texts = slices.Delete(texts, i, i+1)
		}
	}
	for range r.inserted {
		texts = slices.Insert(texts, rng.IntN(len(texts)+1), genText(rng, 60+rng.IntN(120)))
	}
	if r.farMove && len(texts) > 1 {
		texts = append(texts[1:], texts[0])
	}
	next := make([]Article, len(texts))
	for i, t := range texts {
		next[i] = Article{Number: i + 1, Label: fmt.Sprintf("第%d条", i+1), Text: t}
	}
	return next
}
