package lawtext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxLabelNumber is the highest 编/章/节/条 number recognised; legal texts stay
// far below it (the longest, the Civil Code, ends at 第一千二百六十条).
const maxLabelNumber = 9999

// splitLines cleans text the way every entry point needs it — invalid UTF-8
// replaced by U+FFFD, BOMs removed, CRLF and CR turned into LF — and returns
// its lines, each trimmed of leading and trailing white space.
func splitLines(text string) []string {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	if strings.Contains(text, "\uFEFF") {
		text = strings.ReplaceAll(text, "\uFEFF", "")
	}
	if strings.Contains(text, "\r") {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = trimSpace(l)
	}
	return lines
}

func trimSpace(s string) string { return strings.TrimFunc(s, unicode.IsSpace) }

// isTOCLine reports whether l is the 目录 line, spaced or not ("目　　录").
func isTOCLine(l string) bool {
	if !strings.HasPrefix(l, "目") || !strings.HasSuffix(l, "录") {
		return false
	}
	return strings.TrimFunc(l[len("目"):len(l)-len("录")], unicode.IsSpace) == ""
}

type lineKind int

const (
	textLine lineKind = iota
	headingLine
	articleLine
	itemLine
	subItemLine
)

// line is a classified, trimmed, non-empty line.
type line struct {
	kind   lineKind
	raw    string       // the trimmed line as written
	level  HeadingLevel // headingLine
	number int          // headingLine, articleLine, itemLine
	label  string       // canonical label (as written for sub-items)
	text   string       // what follows the label, trimmed; the normalized title for headings
}

// classify decides what the trimmed, non-empty line l is. nextArticle is the
// number the next article would carry if numbered in sequence: a "第X条"
// directly followed by text, without a separating space, starts an article
// only when X is that number, so that a paragraph beginning "第二十条规定的…"
// stays a paragraph. Items and sub-items are only candidates: the caller
// decides from context whether they belong to an article.
func classify(l string, nextArticle int) line {
	ln := line{kind: textLine, raw: l}
	if strings.HasPrefix(l, "第") {
		if n, unit, rest, ok := numberedLabel(l[len("第"):]); ok {
			sep := rest == "" || startsWithSpace(rest)
			body := trimSpace(rest)
			switch unit {
			case '编', '章', '节':
				title := normalizeTitle(body)
				if sep && !strings.ContainsAny(title, "。；") {
					ln.kind = headingLine
					ln.level = headingLevel(unit)
					ln.number = n
					ln.label = "第" + FormatNumeral(n) + string(unit)
					ln.text = title
				}
			case '条':
				if sep || (n == nextArticle && !startsWithJoiner(rest)) {
					ln.kind = articleLine
					ln.number = n
					ln.label = "第" + FormatNumeral(n) + "条"
					ln.text = body
				}
			}
			return ln
		}
	}
	if n, rest, ok := itemLabel(l); ok {
		ln.kind = itemLine
		ln.number = n
		ln.label = "（" + FormatNumeral(n) + "）"
		ln.text = trimSpace(rest)
		return ln
	}
	if label, rest, ok := subItemLabel(l); ok {
		ln.kind = subItemLine
		ln.label = label
		ln.text = trimSpace(rest)
	}
	return ln
}

// headingLevel returns the level a heading unit character names.
func headingLevel(unit rune) HeadingLevel {
	switch unit {
	case '编':
		return Part
	case '章':
		return Chapter
	}
	return Section
}

// numberedLabel reads "<numeral><unit>" at the start of s, the part after 第.
func numberedLabel(s string) (n int, unit rune, rest string, ok bool) {
	end := 0
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		if !isNumeralRune(r) {
			break
		}
		end += size
		if end > 3*12 { // no label numeral is that long
			return 0, 0, "", false
		}
	}
	if end == 0 || end == len(s) {
		return 0, 0, "", false
	}
	n, ok = ParseNumeral(s[:end])
	if !ok || n < 1 || n > maxLabelNumber {
		return 0, 0, "", false
	}
	unit, size := utf8.DecodeRuneInString(s[end:])
	switch unit {
	case '编', '章', '节', '条':
		return n, unit, s[end+size:], true
	}
	return 0, 0, "", false
}

func startsWithSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// startsWithJoiner reports whether the text after "第X条" continues a
// reference rather than starting an article's text: "第三条之一",
// "第三条、第四条", "第三条（一）".
func startsWithJoiner(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r == '之' || r == '至' || unicode.IsPunct(r)
}

// itemLabel reads a 项 label "（一）" (also half-width "(一)") at the start of l.
func itemLabel(l string) (n int, rest string, ok bool) {
	var open string
	switch {
	case strings.HasPrefix(l, "（"):
		open = "（"
	case strings.HasPrefix(l, "("):
		open = "("
	default:
		return 0, "", false
	}
	s := l[len(open):]
	end := 0
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		if chineseDigit(r) < 0 && chineseUnit(r) == 0 {
			break
		}
		end += size
		if end > 3*6 {
			return 0, "", false
		}
	}
	if end == 0 {
		return 0, "", false
	}
	var closeLen int
	switch {
	case strings.HasPrefix(s[end:], "）"):
		closeLen = len("）")
	case strings.HasPrefix(s[end:], ")"):
		closeLen = len(")")
	default:
		return 0, "", false
	}
	n, ok = ParseNumeral(s[:end])
	if !ok || n < 1 || n > 99 {
		return 0, "", false
	}
	return n, s[end+closeLen:], true
}

// subItemLabel reads a 目 label "1." / "1．" / "1、" at the start of l. A
// decimal number ("1.5倍") is not a label.
func subItemLabel(l string) (label, rest string, ok bool) {
	end, digits := 0, 0
	for end < len(l) {
		r, size := utf8.DecodeRuneInString(l[end:])
		if arabicDigit(r) < 0 {
			break
		}
		end += size
		digits++
	}
	if digits == 0 || digits > 3 {
		return "", "", false
	}
	p, size := utf8.DecodeRuneInString(l[end:])
	if p != '.' && p != '．' && p != '、' {
		return "", "", false
	}
	rest = l[end+size:]
	if p != '、' {
		// Checked after trimming because Render drops the space: "1. 5" must not become "1.5".
		if r, _ := utf8.DecodeRuneInString(trimSpace(rest)); arabicDigit(r) >= 0 {
			return "", "", false
		}
	}
	return l[:end+size], rest, true
}

// normalizeTitle removes the spacing inside a heading title ("总　　则" ->
// "总则"): white space next to a non-ASCII character is dropped, white space
// between ASCII characters becomes one ASCII space.
func normalizeTitle(s string) string {
	s = trimSpace(s)
	if !strings.ContainsFunc(s, unicode.IsSpace) {
		return s
	}
	var b strings.Builder
	var prev rune
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && prev < utf8.RuneSelf && r < utf8.RuneSelf {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}
