package redline

import (
	"math/rand/v2"
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
