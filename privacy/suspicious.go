package privacy

import (
	"strings"
	"unicode/utf8"
)

// suspiciousDigits is the length of a run of digits that makes a text worth
// a second look: a mobile number is 11 digits, a local landline number 7–8.
const suspiciousDigits = 7

// Suspicious reports whether a comment body deserves a second look from a
// moderator before it is published: MaskText masked something in it, or
// the text still holds a run of seven or more digits that MaskText did not
// recognize (a number written in a form no pattern covers, such as a
// mistyped phone number or 138,1234,5678).
//
// Digits may be ASCII, full-width (１３８) or Chinese numerals (一三八, 〇, 零,
// 幺, 壹贰叁…), mixed at will; a run may be broken by single separators
// (space, dash, dot, slash, underscore, comma), so "138 1234 567" and
// "一 三 八 一 二 三 四" count. Other characters end a run: "2026年12月31日"
// holds no run of seven, but "20261231" and "2026-12-31" do, as do amounts
// such as "1,000,000元". The false alarms are the price of a cheap rule;
// Suspicious only asks for a look and never blocks a comment.
func Suspicious(original string) bool {
	if masked, _ := MaskText(original); masked != original {
		return true
	}
	return longestDigitRun(original) >= suspiciousDigits
}

// longestDigitRun returns the most digits found in one run of s, counting
// ASCII and full-width digits and Chinese numerals, a run continuing over
// one separator between two digits.
func longestDigitRun(s string) int {
	longest, n := 0, 0
	afterSep := false // the run so far ends with a separator
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case isDigitRune(r):
			n++
			afterSep = false
			longest = max(longest, n)
		case n > 0 && !afterSep && isRunSeparator(r):
			afterSep = true
		default:
			n, afterSep = 0, false
		}
	}
	return longest
}

func isDigitRune(r rune) bool {
	if r >= '0' && r <= '9' || r >= '０' && r <= '９' {
		return true
	}
	_, ok := chineseDigit(r)
	return ok
}

func isRunSeparator(r rune) bool {
	return strings.ContainsRune(" \u00a0\u3000-－‐‑._/,，．", r)
}
