package privacy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// compoundSurnames are the two-character surnames (复姓) that MaskName keeps
// whole. 吴铭 is on the list because the specification names it.
var compoundSurnames = map[string]bool{}

func init() {
	const list = "欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫 宗政 濮阳 公冶 " +
		"太叔 申屠 公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘 子车 亓官 司寇 巫马 公西 颛孙 壤驷 公良 " +
		"漆雕 乐正 宰父 谷梁 拓跋 夹谷 轩辕 令狐 段干 百里 呼延 东郭 南门 羊舌 微生 公户 公玉 公仪 梁丘 公仲 " +
		"公上 公门 公山 公坚 左丘 公伯 西门 公祖 第五 公乘 贯丘 公皙 南荣 东里 东宫 仲长 子书 子桑 即墨 达奚 " +
		"褚师 吴铭"
	for _, s := range strings.Fields(list) {
		compoundSurnames[s] = true
	}
}

// MaskName returns the form of a commenter's name shown on public pages
// (张*祥, 王*), as required by the personal-information rules in DOMAIN.md.
//
// Rule for names written in Chinese characters (whitespace is dropped first):
//   - the surname is kept: two characters when the name is at least three
//     characters long and starts with a compound surname from the list
//     (欧阳, 司马, 诸葛, …), otherwise one character;
//   - a one-character given name is replaced by one "*": 张三 → 张*, 欧阳明 → 欧阳*;
//   - a longer given name keeps its last character and every other character
//     becomes one "*": 张小祥 → 张*祥, 欧阳小明 → 欧阳*明, 司马相如 → 司马*如;
//   - separator dots of transliterated names (·, •, ・) are kept:
//     阿卜杜拉·买买提 → 阿***·**提;
//   - a single character is replaced entirely: 张 → *.
//
// The specification's example "欧阳小明 → 欧阳**明" contradicts its own
// "张小祥 → 张*祥" (one star per hidden character): no length-preserving rule
// yields both, so MaskName applies the one-star-per-hidden-character rule and
// returns 欧阳*明.
//
// Any other non-empty name keeps its first letter followed by "***"
// ("John Smith" → "J***"); the fixed star count hides the length.
// An empty or blank name returns "".
func MaskName(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	if !containsHan(name) {
		r, _ := utf8.DecodeRuneInString(name)
		for _, c := range name {
			if unicode.IsLetter(c) {
				r = c
				break
			}
		}
		return string(r) + "***"
	}
	runes := make([]rune, 0, len(name)/3+1)
	for _, r := range name {
		if !unicode.IsSpace(r) {
			runes = append(runes, r)
		}
	}
	if len(runes) == 1 {
		return "*"
	}
	surname := 1
	if len(runes) >= 3 && compoundSurnames[string(runes[:2])] {
		surname = 2
	}
	var b strings.Builder
	b.Grow(len(name))
	b.WriteString(string(runes[:surname]))
	given := runes[surname:]
	if len(given) == 1 {
		b.WriteByte('*')
		return b.String()
	}
	for _, r := range given[:len(given)-1] {
		if isNameDot(r) {
			b.WriteRune(r)
		} else {
			b.WriteByte('*')
		}
	}
	b.WriteRune(given[len(given)-1])
	return b.String()
}

func containsHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func isNameDot(r rune) bool {
	return r == '·' || r == '•' || r == '・' || r == '.'
}
