// Package privacy masks residents' personal information before a comment or a
// name is shown on a public page (个人信息保护法 art. 25, 民法典 art. 1034).
// The original text is kept for staff; only the public copy goes through
// MaskText and MaskName.
package privacy

import (
	"bytes"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Kind is the kind of personal information found in a text.
type Kind int

// Kinds of personal information recognized by MaskText.
const (
	IDCard   Kind = iota + 1 // 居民身份证号码, 18 or 15 digits
	Mobile                   // 手机号码
	Landline                 // 固定电话 with area code
	Email                    // 电子邮箱
	BankCard                 // 银行卡号 (16–19 digits, Luhn-valid, card prefix)
)

func (k Kind) String() string {
	switch k {
	case IDCard:
		return "IDCard"
	case Mobile:
		return "Mobile"
	case Landline:
		return "Landline"
	case Email:
		return "Email"
	case BankCard:
		return "BankCard"
	}
	return "Kind(?)"
}

// Finding locates one piece of personal information in the original text.
type Finding struct {
	Kind       Kind
	Start, End int // byte offsets in the original text, End exclusive
}

// MaskText returns the public copy of a comment body and the personal
// information it masked.
//
// Recognized, and masked digit by digit with "*" so the shape stays readable:
//
//	ID card, 18 characters (last may be X), region code
//	starting 1–6 or 8, plausible birth date, whatever
//	the check character                                110101199003071233 → 110***********1233
//	ID card, 15 digits (legacy), province code and date   110101900307123    → 110********7123
//	  (also written 6-8-4 with spaces or dashes; the first 3 and last 4 are kept)
//	mobile, 1[3-9] + 9 digits, optionally +86/86/0086
//	  or (+86) prefix, grouped 3-4-4 or 3-8            13812345678 → 138****5678, +86 138 1234 5678 → +86 138 **** 5678
//	  or 3.4.4 with dots                                 138.1234.5678 → 138.****.5678
//	landline with area code (010, 02x, 0xxx or +86 xx),
//	  local number of 7–8 digits (not starting with 0),
//	  optional extension (-123, 转123, 分机123, ext.123)   010-12345678 → 010-****5678, (0571)8765432 → (0571)***5432
//	bank card, 16–19 digits, Luhn-valid, starting with
//	  62 (UnionPay), 4 or 51–55; also grouped by four     6222021234567890128 → 6222***********0128
//	any of these written one digit at a time, each
//	  digit between one to three of space, dash, dot,
//	  underscore, slash or comma                          1 3 8 1 2 3 4 5 6 7 8 → 1 3 8 * * * * 5 6 7 8
//	email                                               zhangsan@example.com → z***@example.com
//	email spelled out: " at ", (at), [at], 艾特 or a
//	  spaced @ for "@"; " dot ", (dot), [dot] or 点 for
//	  a dot; ending in a common top-level domain          zhangsan at qq dot com → z*** at qq dot com
//
// Digits may be ASCII, full-width (１３８…) or Chinese numerals: 一…九, 〇, ○
// and 零 for 0, 幺 for 1, and the financial forms 壹…玖, so 一三八一二三四五六七八
// → 一三八****五六七八. A number is written in one kind of digit, or mixes
// Arabic digits and Chinese numerals with at least two of each (1三8一2三4五6七8).
//
// The area code, the +86 prefix, extensions and an email's domain are kept.
// Bank cards are masked although the specification lists only ID, mobile,
// landline and email: a card number in a public comment is sensitive personal
// information (个人信息保护法 art. 28) and a Luhn-valid 16–19 digit number with a
// card prefix is almost never anything else in a consultation comment. An
// ID number with a wrong check character is masked too: it is a mistyped
// ID number far more often than anything else.
//
// Not touched: article numbers (第十二条, 第12条, 第一百二十三条), dates
// (2026年12月31日, 二〇二六年, 2026-12-31, 20261231), amounts (5000元,
// 1,000,000元, 一万元), document numbers (某政发〔2026〕12号), percentages,
// postal codes, 400/800 service numbers, landlines without area code,
// 18-digit numbers with an implausible region code or date, other long
// numbers (including Luhn-invalid card-like numbers), and English prose
// with "at" and "dot" ("meet at the park", "a dot on the map"). Suspicious
// flags what is left for a moderator.
//
// A number only matches as a whole: a match never starts or ends inside a
// run of digits, so 138123456789 (12 digits) is not a mobile number. One
// exception: a run of Chinese numerals may begin or end with the 一 of a
// word around it (统一, 一直): 一三八一二三四五六七八一直 masks the first eleven.
//
// Idempotence: MaskText(MaskText(s)) == MaskText(s) and the second call finds
// nothing. To guarantee it, a group of digits joined by spaces, dashes or
// parentheses that already contains "*" between digits (an already masked
// number, such as 138****5678) is left alone as a whole, and an email whose
// local part is already in masked form (z***, ***) is left alone. The price
// is that a number written in the same space-joined group as a number the
// user masked himself ("138****5678 13912345678") is not masked.
//
// Invalid UTF-8 bytes are replaced by U+FFFD so the public copy is always
// valid UTF-8. The cost is linear in the length of s.
func MaskText(s string) (masked string, found []Finding) {
	sh := newShadow(s)
	var matches []match
	matches = sh.findEmails(matches)
	matches = sh.findObfuscatedEmails(matches)
	sortMatches(matches)
	matches = sh.findNumbers(matches)
	if sh.hasNumerals() {
		matches = sh.withMode(chineseDigits).findNumbers(matches)
		matches = sh.withMode(mixedDigits).findNumbers(matches)
	}
	if len(matches) == 0 && sh.valid {
		return s, nil
	}

	var b strings.Builder
	b.Grow(len(s))
	mi := 0
	for i := 0; i < len(sh.b); {
		for mi < len(matches) && matches[mi].end <= i {
			mi++
		}
		if mi < len(matches) && matches[mi].start == i && matches[mi].replace != "" {
			// Email local part: replaced as a whole.
			m := matches[mi]
			b.WriteString(m.replace)
			i = m.replaceEnd
			continue
		}
		if mi < len(matches) && matches[mi].start <= i && matches[mi].hides(i) {
			b.WriteByte('*')
		} else {
			r, size := utf8.DecodeRuneInString(s[sh.off[i]:])
			if r == utf8.RuneError && size <= 1 {
				b.WriteRune(utf8.RuneError)
			} else {
				b.WriteString(s[sh.off[i] : sh.off[i]+size])
			}
		}
		i++
	}
	for _, m := range matches {
		if m.kind == 0 {
			continue // already masked, kept only to block other matches
		}
		found = append(found, Finding{Kind: m.kind, Start: sh.off[m.start], End: sh.off[m.end]})
	}
	return b.String(), found
}

// shadow is a one-byte-per-rune ASCII image of the text: full-width digits,
// letters X/x, punctuation and spaces are folded to ASCII, 转/分/机 and
// 艾/特/点 get control bytes, anything else becomes '#'. Which characters
// become digits depends on the mode: Arabic digits, Chinese numerals
// (一三八…), or both. Matching runs on the shadow; off maps shadow indices
// back to byte offsets in the original, and is the same in every mode.
type shadow struct {
	s        string
	mode     numeralMode
	b        []byte
	off      []int // len(b)+1 entries
	digits   []int // digits[i] is the number of digits in b[:i]
	numerals []int // numerals[i] is the number of Chinese numerals in the text before index i
	valid    bool  // original is valid UTF-8
}

// numeralMode says which characters a shadow folds to digits.
type numeralMode int

const (
	arabicDigits  numeralMode = iota // 0–9, ０–９; Chinese numerals are text
	chineseDigits                    // 一二三…〇零幺, 壹贰叁…; Arabic digits are text
	mixedDigits                      // both, for numbers that mix them (1三8一…)
)

const (
	shZhuan = '\x01' // 转 (extension)
	shFen   = '\x02' // 分 of 分机
	shJi    = '\x03' // 机 of 分机
	shAi    = '\x04' // 艾 of 艾特 (@)
	shTe    = '\x05' // 特 of 艾特
	shDian  = '\x06' // 点 (dot)
)

func newShadow(s string) *shadow {
	// off and numerals have one entry per rune and one more, in one
	// allocation: sized by the bytes, they would be three times too long
	// for Chinese text (MaskText runs on every comment and imported row).
	n := utf8.RuneCountInString(s) + 1
	both := make([]int, 2*n)
	sh := &shadow{s: s, off: both[:0:n], valid: true}
	sh.numerals = both[n : n+1 : 2*n]
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			sh.valid = false
		}
		n := sh.numerals[len(sh.numerals)-1]
		if _, ok := chineseDigit(r); ok {
			n++
		}
		sh.numerals = append(sh.numerals, n)
		sh.off = append(sh.off, i)
		i += size
	}
	sh.off = append(sh.off, len(s))
	sh.fold(arabicDigits)
	return sh
}

// hasNumerals reports whether the text holds any Chinese numeral.
func (sh *shadow) hasNumerals() bool { return sh.numerals[len(sh.numerals)-1] > 0 }

// withMode returns the shadow of the same text in another mode.
func (sh *shadow) withMode(mode numeralMode) *shadow {
	c := &shadow{s: sh.s, off: sh.off, numerals: sh.numerals, valid: sh.valid}
	c.fold(mode)
	return c
}

func (sh *shadow) fold(mode numeralMode) {
	sh.mode = mode
	sh.b = make([]byte, 0, len(sh.off)-1)
	for _, i := range sh.off[:len(sh.off)-1] {
		r, _ := utf8.DecodeRuneInString(sh.s[i:])
		sh.b = append(sh.b, shadowByte(r, mode))
	}
	sh.digits = make([]int, len(sh.b)+1)
	for i, c := range sh.b {
		sh.digits[i+1] = sh.digits[i]
		if isDigit(c) {
			sh.digits[i+1]++
		}
	}
}

func shadowByte(r rune, mode numeralMode) byte {
	if d, ok := chineseDigit(r); ok {
		if mode == arabicDigits {
			return '#'
		}
		return d
	}
	c := foldRune(r)
	if mode == chineseDigits && isDigit(c) {
		return '#'
	}
	return c
}

func foldRune(r rune) byte {
	switch {
	case r < 0x80 && r >= 0x20:
		return byte(r)
	case r >= '０' && r <= '９':
		return byte(r-'０') + '0'
	}
	switch r {
	case 'Ｘ', 'ｘ':
		return 'X'
	case '＊':
		return '*'
	case '（':
		return '('
	case '）':
		return ')'
	case '［', '【':
		return '['
	case '］', '】':
		return ']'
	case '＋':
		return '+'
	case '－', '‐', '‑':
		return '-'
	case '\u3000', '\u00a0':
		return ' '
	case '＠':
		return '@'
	case '．':
		return '.'
	case '，':
		return ','
	case '转':
		return shZhuan
	case '分':
		return shFen
	case '机':
		return shJi
	case '艾':
		return shAi
	case '特':
		return shTe
	case '点':
		return shDian
	}
	return '#'
}

// chineseDigit returns the digit a Chinese numeral stands for: the common
// numerals, 〇/○/零 for 0, 幺 for 1 (as read aloud in phone numbers), and the
// financial forms 壹贰叁… (simplified and traditional). 十百千万 are not
// digits: a number written with them (一百二十三) is not a digit string.
func chineseDigit(r rune) (byte, bool) {
	switch r {
	case '〇', '○', '零':
		return '0', true
	case '一', '幺', '壹':
		return '1', true
	case '二', '贰', '貳':
		return '2', true
	case '三', '叁', '參':
		return '3', true
	case '四', '肆':
		return '4', true
	case '五', '伍':
		return '5', true
	case '六', '陆', '陸':
		return '6', true
	case '七', '柒':
		return '7', true
	case '八', '捌':
		return '8', true
	case '九', '玖':
		return '9', true
	}
	return 0, false
}

// match is a recognized span [start, end) of shadow indices.
type match struct {
	kind       Kind // 0: already masked, blocks other matches, no finding
	start, end int
	// Digit masking: shadow indices listed in hide become "*".
	hide []int
	// Email masking: shadow [start, replaceEnd) is replaced by replace.
	replace    string
	replaceEnd int
}

func (m *match) hides(i int) bool {
	for _, h := range m.hide {
		if h == i {
			return true
		}
	}
	return false
}

func sortMatches(ms []match) {
	slices.SortFunc(ms, func(a, b match) int { return a.start - b.start })
}

// overlapsAny reports whether [start, end) overlaps one of ms, which are
// sorted and do not overlap each other.
func overlapsAny(ms []match, start, end int) bool {
	i := sort.Search(len(ms), func(i int) bool { return ms[i].end > start })
	return i < len(ms) && ms[i].start < end
}

// emailRE matches an email address on the shadow. '*' is allowed in the local
// part so that an already masked address (z***@example.com) is recognized and
// kept away from the number matchers.
var emailRE = regexp.MustCompile(`[A-Za-z0-9._%+\-*]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}`)

func (sh *shadow) findEmails(ms []match) []match {
	for _, loc := range emailRE.FindAllIndex(sh.b, -1) {
		at := loc[0]
		for sh.b[at] != '@' {
			at++
		}
		local := string(sh.b[loc[0]:at])
		repl := maskLocalPart(local)
		m := match{start: loc[0], end: loc[1], replaceEnd: at, replace: repl}
		if repl != local || !sh.plainASCII(loc[0], at) {
			m.kind = Email
		} else {
			m.replace = "" // already masked: copy as is
		}
		ms = append(ms, m)
	}
	return ms
}

// obfuscatedEmailRE matches, anchored on the shadow, an email address whose
// "@" or dots are spelled out: " at ", "(at)", "[at]", 艾特 for "@" (a plain
// or spaced "@" too), and " dot ", "(dot)", "[dot]", 点 for a dot. Brackets
// may be full-width (（at）, 【at】). The address must end in a common
// top-level domain, so that English prose ("meet at the park", "a dot on
// the map") and Chinese prose (重点) do not match. Submatch 1 is the local
// part, submatch 2 the "@" form, submatch 3 the first label of the domain.
var obfuscatedEmailRE = regexp.MustCompile(
	`^([A-Za-z0-9._%+\-*]+)` +
		`( {0,3}@ {0,3}| {0,3}[(\[] {0,3}(?i:at) {0,3}[)\]] {0,3}| {1,3}(?i:at) {1,3}| {0,3}\x04\x05 {0,3})` +
		`([A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)` +
		`(?:(?:\.| {0,3}[(\[] {0,3}(?i:dot) {0,3}[)\]] {0,3}| {1,3}(?i:dot) {1,3}| {0,3}\x06 {0,3})[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*?` +
		`(?:\.| {0,3}[(\[] {0,3}(?i:dot) {0,3}[)\]] {0,3}| {1,3}(?i:dot) {1,3}| {0,3}\x06 {0,3})` +
		`(?i:com|cn|net|org|edu|gov|info|biz|io|me|cc|top|vip|xyz|hk|mo|tw)\b`)

// maxLocalLen and maxDomainLen bound, in runes, the spelled-out address
// obfuscatedEmailRE is tried on: 64 is the longest local part RFC 5321
// allows; a spelled-out domain longer than 100 runes is not an address
// anyone will type back.
const (
	maxLocalLen  = 64
	maxDomainLen = 100
)

// proseWords are English words that, around a spelled-out " at ", make
// ordinary prose rather than an address ("look at this dot com site").
var proseWords = map[string]bool{
	"a": true, "an": true, "the": true, "this": true, "that": true, "these": true, "those": true,
	"my": true, "your": true, "our": true, "their": true, "his": true, "her": true, "its": true,
	"i": true, "me": true, "you": true, "we": true, "us": true, "it": true, "him": true, "them": true,
	"is": true, "are": true, "was": true, "be": true, "look": true, "looking": true, "find": true,
	"visit": true, "online": true, "available": true, "here": true, "there": true,
	"least": true, "most": true, "all": true, "first": true, "last": true, "home": true, "work": true,
}

func isLocalChar(c byte) bool { return isAlnum(c) || strings.IndexByte("._%+-*", c) >= 0 }

// findObfuscatedEmails adds spelled-out addresses (zhangsan at qq dot com,
// zhangsan(at)qq.com, zhangsan艾特qq点com) that do not overlap a plain one,
// which must come first in ms. The local part is masked as for a plain
// address; the rest is kept. The pattern is only tried from the local part
// before each "@", "at" or 艾特, so the cost stays linear in the text.
func (sh *shadow) findObfuscatedEmails(ms []match) []match {
	b := sh.b
	plain := len(ms)
	done := 0 // shadow index before which nothing is tried again
	for i := 0; i+1 < len(b); i++ {
		isAt := b[i] == '@' || b[i] == shAi && b[i+1] == shTe ||
			(b[i] == 'a' || b[i] == 'A') && (b[i+1] == 't' || b[i+1] == 'T') && i > 0 && strings.IndexByte(" ([", b[i-1]) >= 0
		if !isAt {
			continue
		}
		// The local part ends before the spaces and bracket leading into the "@" form.
		le := i
		for k := 0; k < 6 && le > 0 && strings.IndexByte(" ([", b[le-1]) >= 0; k++ {
			le--
		}
		ls := le
		for ls > done && isLocalChar(b[ls-1]) {
			ls--
		}
		if ls == le || le-ls > maxLocalLen {
			continue
		}
		loc := obfuscatedEmailRE.FindSubmatchIndex(b[ls:min(len(b), le+maxDomainLen)])
		if loc == nil || loc[3] != le-ls || overlapsAny(ms[:plain], ls, ls+loc[1]) {
			continue
		}
		local := string(b[ls:le])
		if strings.EqualFold(strings.TrimSpace(string(b[ls+loc[4]:ls+loc[5]])), "at") &&
			(proseWords[strings.ToLower(local)] || proseWords[strings.ToLower(string(b[ls+loc[6]:ls+loc[7]]))]) {
			continue
		}
		repl := maskLocalPart(local)
		m := match{start: ls, end: ls + loc[1], replaceEnd: le, replace: repl}
		if repl != local || !sh.plainASCII(ls, le) {
			m.kind = Email
		} else {
			m.replace = ""
		}
		ms = append(ms, m)
		done = m.end
		i = m.end - 1
	}
	return ms
}

// plainASCII reports whether shadow [i, j) was ASCII in the original, so the
// shadow bytes equal the original bytes.
func (sh *shadow) plainASCII(i, j int) bool {
	return sh.off[j]-sh.off[i] == j-i
}

// maskLocalPart keeps the first character of an email's local part and
// replaces the rest by a fixed "***", hiding the length. A one-character
// local part, or one already starting with "*", becomes "***".
func maskLocalPart(local string) string {
	if len(local) < 2 || local[0] == '*' {
		return "***"
	}
	return local[:1] + "***"
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// isRunChar reports whether shadow index i belongs to a run of digits: a
// digit, a '*', or an X/x ending a run (the ID checksum character).
func (sh *shadow) isRunChar(i int) bool {
	c := sh.b[i]
	if isDigit(c) || c == '*' {
		return true
	}
	if c != 'X' && c != 'x' || i == 0 {
		return false
	}
	p := sh.b[i-1]
	if !isDigit(p) && p != '*' {
		return false
	}
	return i+1 == len(sh.b) || !isAlnum(sh.b[i+1]) && sh.b[i+1] != '*'
}

// joinerLen returns the length of the joiner starting at shadow index i that
// may connect two runs of one number, or 0: up to three of space, dash and
// parentheses and plus ("-", " ", ")", ") ", " (", "+"), a single dot
// (138.1234.5678), 转, 分机 or "ext".
func (sh *shadow) joinerLen(i int) int {
	b := sh.b
	n := 0
	for i+n < len(b) && n < 3 && strings.IndexByte(" -()+", b[i+n]) >= 0 {
		n++
	}
	if n > 0 {
		return n
	}
	switch {
	case b[i] == '.':
		return 1
	case b[i] == shZhuan:
		return 1
	case b[i] == shFen && i+1 < len(b) && b[i+1] == shJi:
		return 2
	case i+3 <= len(b) && strings.EqualFold(string(b[i:i+3]), "ext"):
		n = 3
		if i+n < len(b) && b[i+n] == '.' {
			n++
		}
		if i+n < len(b) && b[i+n] == ' ' {
			n++
		}
		return n
	}
	return 0
}

// maxNumberLen bounds the length, in runes, of one number match, and
// maxNumberRuns the number of runs of digits it is written in (+86 10 1234
// 5678 ext. 12 has five), so that a long group of digits costs linear time.
const (
	maxNumberLen  = 40
	maxNumberRuns = 6
)

// findNumbers adds the numbers found in this shadow's mode that do not
// overlap ms, which must be sorted: first numbers written in groups as the
// patterns allow, then numbers written digit by digit.
func (sh *shadow) findNumbers(ms []match) []match {
	ms = sh.findGroups(ms)
	sortMatches(ms)
	ms = sh.findSpelledOut(ms)
	sortMatches(ms)
	return ms
}

func (sh *shadow) findGroups(ms []match) []match {
	b := sh.b
	prev := ms[:len(ms):len(ms)]
	for i := 0; i < len(b); {
		if !isDigit(b[i]) && b[i] != '*' || i > 0 && sh.isRunChar(i-1) {
			i++
			continue
		}
		// A group starts here: optional "+(" prefix, runs joined by joiners.
		gs := i
		for k := 0; k < 3 && gs > 0 && (b[gs-1] == '+' || b[gs-1] == '('); k++ {
			gs--
		}
		var runEnds []int
		e := i
		for {
			for e < len(b) && sh.isRunChar(e) {
				e++
			}
			runEnds = append(runEnds, e)
			if e == len(b) {
				break
			}
			j := sh.joinerLen(e)
			if j == 0 || e+j >= len(b) || !isDigit(b[e+j]) && b[e+j] != '*' {
				break
			}
			e += j
		}
		ge := e
		// Stars at the edges of the group ("*13812345678") are not part of
		// any number, unless a digit of the other kind touches them: then
		// they are the middle of a number masked in another mode
		// (一三八****0307), and the group is left alone.
		masked := false
		if b[i] == '*' {
			masked = i > 0 && sh.anyDigit(i-1)
			for gs = i; gs < ge && b[gs] == '*'; gs++ {
			}
		}
		if last := runEnds[len(runEnds)-1]; b[last-1] == '*' {
			masked = masked || last < len(b) && sh.anyDigit(last)
			t := last
			for t > gs && b[t-1] == '*' {
				t--
			}
			runEnds = append(runEnds[:len(runEnds)-1], t)
		}
		if gs < ge && !masked && !sh.maskedGroup(gs, ge) {
			ms = sh.matchGroup(ms, prev, gs, ge, runEnds)
		}
		i = ge
	}
	return ms
}

// maskedGroup reports whether the group contains a '*' that is not at its
// edges, i.e. holds a number that has already been masked.
func (sh *shadow) maskedGroup(gs, ge int) bool {
	for gs < ge && (sh.b[gs] == '*' || sh.b[gs] == '+' || sh.b[gs] == '(') {
		gs++
	}
	for ge > gs && sh.b[ge-1] == '*' {
		ge--
	}
	for i := gs; i < ge; i++ {
		if sh.b[i] == '*' {
			return true
		}
	}
	return false
}

// matchGroup tries every start in the group (the group start and each run
// start, including a '+' or '(' just before it) and every end at a run end,
// longest first, and records non-overlapping matches left to right. A
// candidate overlapping one of prev (found earlier) is not a match.
func (sh *shadow) matchGroup(ms, prev []match, gs, ge int, runEnds []int) []match {
	b := sh.b
	for p := gs; p < ge; p++ {
		if p > gs {
			if c := b[p-1]; isDigit(c) || c == '*' || c == 'X' || c == 'x' {
				continue
			}
			if !isDigit(b[p]) && b[p] != '+' && b[p] != '(' {
				continue
			}
			// '+' or '(' continue into the next run; a joiner like ") ("
			// may offer several starts, all fine.
		}
		// A number in Chinese numerals may also start past the 一 that
		// ends a word (统一, 唯一, 第一).
		for _, q := range [2]int{p, sh.leadingOne(p)} {
			if q < 0 {
				continue
			}
			if m, ok := sh.longestFrom(prev, q, runEnds); ok {
				ms = append(ms, m)
				p = m.end - 1
				break
			}
		}
	}
	return ms
}

// longestFrom returns the longest number starting at p and ending at a run
// end within maxNumberLen and maxNumberRuns, or before the 一 ending a run.
func (sh *shadow) longestFrom(prev []match, p int, runEnds []int) (match, bool) {
	first := sort.SearchInts(runEnds, p+1) // the run p is in
	for k := min(sort.SearchInts(runEnds, p+maxNumberLen+1)-1, first+maxNumberRuns-1); k >= first; k-- {
		if m, ok := sh.recognize(prev, p, runEnds[k]); ok {
			return m, true
		}
		if e := sh.trailingOne(runEnds[k]); e > p {
			if m, ok := sh.recognize(prev, p, e); ok {
				return m, true
			}
		}
	}
	return match{}, false
}

// leadingOne returns p+1 when a run of Chinese numerals starts at p with 一
// followed by another digit, else -1.
func (sh *shadow) leadingOne(p int) int {
	if sh.mode == arabicDigits || p+1 >= len(sh.b) || !isDigit(sh.b[p+1]) ||
		!strings.HasPrefix(sh.s[sh.off[p]:], "一") {
		return -1
	}
	return p + 1
}

// trailingOne returns e-1 when the run of Chinese numerals ending at e ends
// with 一, else -1. 一 starts many words (一直, 一下, 一起), so a number
// written in Chinese numerals may run into one: 一三八一二三四五六七八一直.
func (sh *shadow) trailingOne(e int) int {
	if sh.mode == arabicDigits || !strings.HasPrefix(sh.s[sh.off[e-1]:], "一") {
		return -1
	}
	return e - 1
}

// findSpelledOut adds numbers written digit by digit, each digit on its
// own between separators (1 3 8 1 2 3 4 5 6 7 8, 1-3-8-…, 一 三 八 …): a
// chain of single digits (the last may be the X of an ID number) joined
// by one to three of space, dash, dot, underscore, slash or comma. The
// chain is recognized as a whole; one that holds a '*' between digits is
// already masked and left alone.
func (sh *shadow) findSpelledOut(ms []match) []match {
	b := sh.b
	prev := ms[:len(ms):len(ms)]
	single := func(i int) bool {
		return (isDigit(b[i]) || b[i] == '*') &&
			(i == 0 || !isDigit(b[i-1]) && b[i-1] != '*') &&
			(i+1 == len(b) || !isDigit(b[i+1]) && b[i+1] != '*')
	}
	var elems []int
	for i := 0; i < len(b); i++ {
		if !single(i) {
			continue
		}
		elems = append(elems[:0], i)
		e := i + 1
		for {
			j := 0
			for e+j < len(b) && j < 3 && isChainSeparator(b[e+j]) {
				j++
			}
			if j == 0 || e+j == len(b) {
				break
			}
			n := e + j
			if c := b[n]; (c == 'X' || c == 'x') && len(elems) == 17 && (n+1 == len(b) || !isAlnum(b[n+1])) {
				elems = append(elems, n)
				e = n + 1
				break
			}
			if !single(n) {
				break
			}
			elems = append(elems, n)
			e = n + 1
		}
		i = e - 1
		// Edge stars as in findGroups: touching a digit of the other
		// kind, they are part of a number masked in another mode.
		if b[elems[0]] == '*' && sh.digitBefore(elems[0]) ||
			b[elems[len(elems)-1]] == '*' && sh.digitAfter(elems[len(elems)-1]) {
			continue
		}
		for len(elems) > 0 && b[elems[0]] == '*' {
			elems = elems[1:]
		}
		for len(elems) > 0 && b[elems[len(elems)-1]] == '*' {
			elems = elems[:len(elems)-1]
		}
		if len(elems) < 10 || len(elems) > 19 {
			continue
		}
		v := make([]byte, len(elems))
		for k, at := range elems {
			v[k] = b[at]
		}
		if bytes.IndexByte(v, '*') >= 0 {
			continue
		}
		start, end := elems[0], elems[len(elems)-1]+1
		if overlapsAny(prev, start, end) || !sh.mixEnough(start, end) {
			continue
		}
		if k, loc, keepFirst, keepLast, ok := classify(v); ok {
			ms = append(ms, sh.newMatch(k, start, end, v, elems, loc, keepFirst, keepLast))
		}
	}
	return ms
}

// anyDigit reports whether shadow index i is a digit of any kind, Arabic or
// Chinese, whatever the mode.
func (sh *shadow) anyDigit(i int) bool {
	if sh.numerals[i+1] > sh.numerals[i] {
		return true
	}
	r, _ := utf8.DecodeRuneInString(sh.s[sh.off[i]:])
	return isDigit(foldRune(r))
}

// digitBefore and digitAfter report whether a digit of any kind comes
// before or after shadow index i, past up to three chain separators.
func (sh *shadow) digitBefore(i int) bool {
	for k := 0; k < 4 && i > 0; k++ {
		i--
		if sh.anyDigit(i) {
			return true
		}
		if !isChainSeparator(sh.b[i]) {
			return false
		}
	}
	return false
}

func (sh *shadow) digitAfter(i int) bool {
	for k := 0; k < 4 && i+1 < len(sh.b); k++ {
		i++
		if sh.anyDigit(i) {
			return true
		}
		if !isChainSeparator(sh.b[i]) {
			return false
		}
	}
	return false
}

func isChainSeparator(c byte) bool { return strings.IndexByte(" -._/,", c) >= 0 }

// mixEnough reports whether, in mixed mode, the span holds at least two
// Arabic digits and two Chinese numerals. A number written in one kind is
// found in that kind's mode; requiring both keeps a ten-digit number from
// becoming a mobile number with the 一 of 一个 that follows it.
func (sh *shadow) mixEnough(p, e int) bool {
	if sh.mode != mixedDigits {
		return true
	}
	chinese := sh.numerals[e] - sh.numerals[p]
	return chinese >= 2 && sh.digits[e]-sh.digits[p]-chinese >= 2
}

// Number patterns, anchored on a candidate span of the shadow. Submatch 1 is
// the part whose digits are partly hidden.
var (
	idRE     = regexp.MustCompile(`^([0-9]{6}[ \-]?[0-9]{8}[ \-]?[0-9]{3}[0-9Xx]|[0-9]{6}[ \-]?[0-9]{6}[ \-]?[0-9]{3})$`)
	bankRE   = regexp.MustCompile(`^([0-9]{16,19}|[0-9]{4}(?:[ \-][0-9]{4}){3}(?:[ \-][0-9]{1,3})?)$`)
	mobileRE = regexp.MustCompile(`^(?:(?:\+|00)?86[ \-]?|\((?:\+|00)?86\)[ \-]?)?(1[3-9][0-9](?:[ \-]?[0-9]{4}[ \-]?|\.[0-9]{4}\.)[0-9]{4})$`)
	// Area codes: 010, 02x, 0[3-9]xx; after +86 without the leading 0.
	landlineRE = regexp.MustCompile(`^(?:(?:\+86[ \-]?|\(\+86\)[ \-]?)(?:10|2[0-9]|[3-9][0-9]{2})[ \-]?|\(0(?:10|2[0-9]|[3-9][0-9]{2})\)[ \-]?|0(?:10|2[0-9]|[3-9][0-9]{2})[ \-]?)` +
		`([1-9][0-9]{6,7}|[1-9][0-9]{3}[ \-][0-9]{4}|[1-9][0-9]{2}[ \-][0-9]{4})` +
		`(?:(?:[ \-]|\x01|\x02\x03|[Ee][Xx][Tt]\.? ?)[0-9]{1,6})?$`)
)

func (sh *shadow) recognize(prev []match, p, e int) (match, bool) {
	// Every pattern has 9 (landline 010-1234567) to 22 (+86, 8 digits and
	// a 6-digit extension) digits; most spans are ruled out here.
	if n := sh.digits[e] - sh.digits[p]; n < 9 || n > 22 {
		return match{}, false
	}
	if !sh.mixEnough(p, e) || overlapsAny(prev, p, e) {
		return match{}, false
	}
	span := sh.b[p:e]
	k, loc, keepFirst, keepLast, ok := classify(span)
	if !ok {
		return match{}, false
	}
	return sh.newMatch(k, p, e, span, nil, loc, keepFirst, keepLast), true
}

// classify recognizes v, a whole candidate number, and returns its kind, the
// submatch indices of the part whose digits are partly hidden and how many
// digits stay visible at each end of that part.
func classify(v []byte) (k Kind, loc []int, keepFirst, keepLast int, ok bool) {
	if loc := idRE.FindSubmatchIndex(v); loc != nil {
		d := digitsOf(v)
		if validID(d) {
			return IDCard, loc, 3, 4, true
		}
		if validBankCard(d) {
			return BankCard, loc, 4, 4, true
		}
		if shapedLikeID(d) {
			return IDCard, loc, 3, 4, true
		}
	}
	if loc := bankRE.FindSubmatchIndex(v); loc != nil && validBankCard(digitsOf(v)) {
		return BankCard, loc, 4, 4, true
	}
	if loc := mobileRE.FindSubmatchIndex(v); loc != nil {
		return Mobile, loc, 3, 4, true
	}
	if loc := landlineRE.FindSubmatchIndex(v); loc != nil {
		return Landline, loc, 0, 4, true
	}
	return 0, nil, 0, 0, false
}

// newMatch hides the digits of submatch 1 of v except the first keepFirst
// and the last keepLast. v is the shadow span [p, e), or, when at is not
// nil, the digits at shadow indices at.
func (sh *shadow) newMatch(k Kind, p, e int, v []byte, at, loc []int, keepFirst, keepLast int) match {
	var pos []int
	for i := loc[2]; i < loc[3]; i++ {
		if c := v[i]; isDigit(c) || c == 'X' || c == 'x' {
			if at != nil {
				pos = append(pos, at[i])
			} else {
				pos = append(pos, p+i)
			}
		}
	}
	return match{kind: k, start: p, end: e, hide: pos[keepFirst : len(pos)-keepLast]}
}

func digitsOf(span []byte) []byte {
	d := make([]byte, 0, len(span))
	for _, c := range span {
		switch {
		case isDigit(c):
			d = append(d, c)
		case c == 'x' || c == 'X':
			d = append(d, 'X')
		}
	}
	return d
}

// provinces are the first two digits of valid administrative division codes
// (83: residence permits for Taiwan residents).
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true, "83": true,
}

// validID checks an 18-character (GB 11643-1999) or 15-digit legacy
// resident ID number: province code, birth date and, for 18 characters, the
// ISO 7064 mod 11-2 check character.
func validID(d []byte) bool {
	switch len(d) {
	case 18:
		if !provinces[string(d[:2])] || !plausibleDate(d[6:10], d[10:12], d[12:14]) {
			return false
		}
		weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
		sum := 0
		for i, w := range weights {
			if d[i] == 'X' {
				return false
			}
			sum += int(d[i]-'0') * w
		}
		return "10X98765432"[sum%11] == d[17]
	case 15:
		if d[14] == 'X' || !provinces[string(d[:2])] {
			return false
		}
		return plausibleDate([]byte{'1', '9', d[6], d[7]}, d[8:10], d[10:12])
	}
	return false
}

// shapedLikeID reports whether an 18-character number has the shape of an
// ID number whatever its check character: a region code starting with 1–6
// or 8, a plausible birth date, three digits and a digit or X. A mistyped
// ID number is still personal data.
func shapedLikeID(d []byte) bool {
	if len(d) != 18 || !strings.ContainsRune("1234568", rune(d[0])) || atoi(d[:17]) < 0 {
		return false
	}
	return plausibleDate(d[6:10], d[10:12], d[12:14])
}

func atoi(b []byte) int {
	n := 0
	for _, c := range b {
		if !isDigit(c) {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// plausibleDate accepts calendar dates from 1900-01-01 to 2099-12-31.
func plausibleDate(y, m, d []byte) bool {
	year, month, day := atoi(y), atoi(m), atoi(d)
	if year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month]
	if month == 2 && (year%4 == 0 && year%100 != 0 || year%400 == 0) {
		days = 29
	}
	return day <= days
}

// validBankCard checks length, issuer prefix (62 UnionPay, 4 Visa, 51–55
// Mastercard) and the Luhn check digit.
func validBankCard(d []byte) bool {
	if len(d) < 16 || len(d) > 19 {
		return false
	}
	switch {
	case d[0] == '6' && d[1] == '2', d[0] == '4', d[0] == '5' && d[1] >= '1' && d[1] <= '5':
	default:
		return false
	}
	sum := 0
	for i := range d {
		c := d[len(d)-1-i]
		if !isDigit(c) {
			return false
		}
		v := int(c - '0')
		if i%2 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}
