package search

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// normalizeRune maps one rune of a document or a query to the rune that is
// indexed, or reports false for a rune that is dropped. Every rune maps to
// at most one rune, so a position in normalized text always points back to
// one rune of the source (see snippet).
func normalizeRune(r rune) (rune, bool) {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII: ＡＢＣ１２３（）
		r -= 0xFF01 - 0x21
	case r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
		// Whitespace (U+3000 included), controls, zero-width and format
		// characters, and invalid UTF-8: a query matches across them.
		return 0, false
	}
	if 'A' <= r && r <= 'Z' {
		r += 'a' - 'A'
	}
	return r, true
}

// Normalize returns the searchable form of s; documents and queries go
// through the same function, and a query matches a document exactly when
// Normalize(doc) contains Normalize(query). It
//   - folds full-width ASCII (U+FF01–U+FF5E) to ASCII: "２０２５" → "2025",
//     "（一）" → "(一)", "，" → ",", "：" → ":";
//   - lower-cases ASCII letters (after folding: "ＡＢ" → "ab");
//   - drops whitespace (U+3000 included), control and format characters
//     (zero-width space, BOM) and invalid UTF-8;
//   - leaves everything else alone: Chinese characters, punctuation
//     outside that block such as "。", "、", "“" and "《", other scripts.
//
// It is not NFKC: no rune expands into several, so positions map back to
// the source one to one.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if n, ok := normalizeRune(r); ok {
			b.WriteRune(n)
		}
	}
	return b.String()
}

// Terms returns the index terms of a normalized text: every distinct rune
// (unigram) and every distinct pair of consecutive runes (bigram), sorted.
// ASCII is treated rune by rune like Chinese, so "2025" yields "2", "0",
// "5", "20", "02", "25".
func Terms(text string) []string {
	seen := make(map[string]struct{})
	prev := -1 // byte offset of the previous rune
	for i, r := range text {
		seen[string(r)] = struct{}{}
		if prev >= 0 {
			seen[text[prev:i+utf8.RuneLen(r)]] = struct{}{}
		}
		prev = i
	}
	terms := make([]string, 0, len(seen))
	for t := range seen {
		terms = append(terms, t)
	}
	slices.Sort(terms)
	return terms
}

// maxQueryTerms bounds the terms a query looks up. Longer queries use an
// evenly spread subset of their bigrams; the candidates are a superset of
// the matches either way and the Service verifies each one.
const maxQueryTerms = 8

// QueryTerms returns the terms a normalized, non-empty query looks up: the
// query itself for one rune (its unigram), otherwise its distinct bigrams
// (at most maxQueryTerms of them, the first and the last included). For
// one and two runes the postings are exact; from three runes on a document
// holding every bigram may still not contain the query, hence verification.
func QueryTerms(q string) []string {
	runes := []rune(q)
	if len(runes) == 1 {
		return []string{q}
	}
	var terms []string
	for i := 0; i+1 < len(runes); i++ {
		t := string(runes[i : i+2])
		if !slices.Contains(terms, t) {
			terms = append(terms, t)
		}
	}
	if len(terms) <= maxQueryTerms {
		return terms
	}
	picked := make([]string, maxQueryTerms)
	for i := range picked {
		picked[i] = terms[i*(len(terms)-1)/(maxQueryTerms-1)]
	}
	return picked
}

// Snippet lengths, in runes of the source.
const (
	snippetBefore = 20 // context shown before the match
	snippetWidth  = 80 // total width when the match is short
	snippetAfter  = 20 // context shown at least after a long match
)

// snippet returns the part of source around the first occurrence of the
// normalized query q (which must occur in Normalize(source)), with runs of
// whitespace shown as one space and "…" where text was cut, and the rune
// offsets [start, end) of the match within the snippet.
//
// It reads the source only as far as the window after the first match
// (a comment is up to 5,000 characters; the page shows 80).
func snippet(source, q string) (string, [2]int) {
	qr := []rune(q)
	if len(qr) == 0 {
		return "", [2]int{}
	}
	// Normalize rune by rune up to the first match; pos holds the byte
	// offsets in source of the normalized runes.
	var normBuf [64]rune
	var posBuf [64]int
	norm, pos := normBuf[:0], posBuf[:0]
	startB, endB := -1, -1
	for i := 0; i < len(source); {
		r, w := utf8.DecodeRuneInString(source[i:])
		if n, ok := normalizeRune(r); ok {
			norm, pos = append(norm, n), append(pos, i)
			if k := len(norm) - len(qr); k >= 0 && slices.Equal(norm[k:], qr) {
				startB, endB = pos[k], i+w
				break
			}
		}
		i += w
	}
	if startB < 0 {
		return "", [2]int{}
	}
	// The window, in runes of the source: snippetBefore before the match,
	// then at least snippetAfter after it and snippetWidth in all.
	fromB := startB
	for k := 0; k < snippetBefore && fromB > 0; k++ {
		_, w := utf8.DecodeLastRuneInString(source[:fromB])
		fromB -= w
	}
	start := utf8.RuneCountInString(source[fromB:startB]) // relative to the window
	end := start + utf8.RuneCountInString(source[startB:endB])
	to := max(end+snippetAfter, snippetWidth)
	// The output in one allocation: the window's bytes at most (spaces only
	// shrink) and two ellipses. n counts its runes, for match.
	out := make([]byte, 0, min(len(source)-fromB, 4*to)+2*utf8.RuneLen('…'))
	n := 0
	if fromB > 0 {
		out, n = utf8.AppendRune(out, '…'), n+1
	}
	var match [2]int
	space := true // drop whitespace at the start
	i, b := 0, fromB
	for ; i < to && b < len(source); i++ {
		r, w := utf8.DecodeRuneInString(source[b:])
		b += w
		if i == start {
			match[0] = n
		}
		if i == end {
			match[1] = n
		}
		if unicode.IsSpace(r) {
			if !space {
				out, n = append(out, ' '), n+1
				space = true
			}
			continue
		}
		out, n = utf8.AppendRune(out, r), n+1
		space = false
	}
	if end == i {
		match[1] = n
	}
	if space && n > 0 && out[len(out)-1] == ' ' && match[1] < n {
		out, n = out[:len(out)-1], n-1
	}
	if b < len(source) {
		out = utf8.AppendRune(out, '…')
	}
	return string(out), match
}
