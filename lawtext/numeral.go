package lawtext

import (
	"strconv"
	"strings"
)

// maxNumeral bounds what ParseNumeral accepts so that callers never see an
// overflow; no legal text numbers anything near it.
const maxNumeral = 99999999

// chineseDigit returns the value of a Chinese digit 〇/零..九, or -1.
func chineseDigit(r rune) int {
	switch r {
	case '〇', '零':
		return 0
	case '一':
		return 1
	case '二', '两':
		return 2
	case '三':
		return 3
	case '四':
		return 4
	case '五':
		return 5
	case '六':
		return 6
	case '七':
		return 7
	case '八':
		return 8
	case '九':
		return 9
	}
	return -1
}

// chineseUnit returns the multiplier of 十/百/千, or 0.
func chineseUnit(r rune) int {
	switch r {
	case '十':
		return 10
	case '百':
		return 100
	case '千':
		return 1000
	}
	return 0
}

// arabicDigit returns the value of an ASCII or full-width digit, or -1.
func arabicDigit(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0')
	case r >= '０' && r <= '９':
		return int(r - '０')
	}
	return -1
}

// isNumeralRune reports whether r can be part of a numeral accepted by ParseNumeral.
func isNumeralRune(r rune) bool {
	return chineseDigit(r) >= 0 || chineseUnit(r) > 0 || arabicDigit(r) >= 0
}

// ParseNumeral parses a number written in Chinese numerals as used in legal
// texts (一..九, 十, 百, 千, 零/〇: "十二" = 12, "一百零三" = 103,
// "一百一十三" = 113, "一千" = 1000), digit by digit ("二〇二六" = 2026), or in
// Arabic digits (ASCII or full-width). It reports false for anything else,
// including the empty string and values above 99999999.
func ParseNumeral(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	if n, ok := parseArabic(s); ok {
		return n, true
	}
	if n, ok := parsePositional(s); ok {
		return n, true
	}
	return parseUnits(s)
}

func parseArabic(s string) (int, bool) {
	n, count := 0, 0
	for _, r := range s {
		d := arabicDigit(r)
		if d < 0 {
			return 0, false
		}
		n = n*10 + d
		count++
		if n > maxNumeral {
			return 0, false
		}
	}
	return n, count > 0
}

// parsePositional parses digit-by-digit numerals without units ("二〇二六").
// A single digit ("七", "零") is the trivial case.
func parsePositional(s string) (int, bool) {
	n, count := 0, 0
	for _, r := range s {
		d := chineseDigit(r)
		if d < 0 {
			return 0, false
		}
		n = n*10 + d
		count++
		if n > maxNumeral {
			return 0, false
		}
	}
	if count > 1 && strings.HasPrefix(s, "零") {
		return 0, false
	}
	return n, count > 0
}

// parseUnits parses numerals with 十/百/千, e.g. 一千零一十, 一百一十三, 十二.
// Units must decrease; 零 marks a skipped unit and must be followed by a digit.
func parseUnits(s string) (int, bool) {
	total, cur := 0, -1
	lastUnit := 10000
	zero := false      // a 零 is waiting for its digit
	afterZero := false // cur was preceded by 零
	for _, r := range s {
		if d := chineseDigit(r); d > 0 {
			if cur >= 0 {
				return 0, false
			}
			cur, afterZero, zero = d, zero, false
			continue
		} else if d == 0 {
			// 零 between units: "一百零三". Not first, not doubled, not after a bare digit.
			if total == 0 || cur >= 0 || zero {
				return 0, false
			}
			zero = true
			continue
		}
		u := chineseUnit(r)
		if u == 0 || u >= lastUnit || zero {
			return 0, false
		}
		if cur < 0 {
			if u != 10 {
				return 0, false
			}
			cur = 1 // 十二, 一百十 (colloquial)
		}
		total += cur * u
		lastUnit = u
		cur = -1
	}
	if zero {
		return 0, false
	}
	if cur >= 0 {
		// A final digit right after 百/千 without 零 ("一百一") is ambiguous: reject it.
		if lastUnit > 10 && !afterZero {
			return 0, false
		}
		total += cur
	}
	return total, true
}

var digitNames = [...]string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// FormatNumeral writes n in the canonical Chinese form used to number
// articles and headings: 十, 十二, 二十, 一百, 一百零三, 一百一十三, 一千,
// 一千零一十. Zero is "零"; numbers below zero or above 9999 are written in
// Arabic digits because legal texts never number that far.
func FormatNumeral(n int) string {
	if n == 0 {
		return "零"
	}
	if n < 0 || n > 9999 {
		return strconv.Itoa(n)
	}
	if n >= 10 && n < 20 {
		if n == 10 {
			return "十"
		}
		return "十" + digitNames[n-10]
	}
	var b strings.Builder
	units := [...]struct {
		value int
		name  string
	}{{1000, "千"}, {100, "百"}, {10, "十"}, {1, ""}}
	pendingZero := false
	for _, u := range units {
		d := n / u.value % 10
		if d == 0 {
			if b.Len() > 0 {
				pendingZero = true
			}
			continue
		}
		if pendingZero {
			b.WriteString("零")
			pendingZero = false
		}
		b.WriteString(digitNames[d])
		b.WriteString(u.name)
	}
	return b.String()
}
