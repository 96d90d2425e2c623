package lawtext

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// art builds an article with one paragraph per text.
func art(n int, chapter string, texts ...string) Block {
	a := &Article{Number: n, Label: "第" + FormatNumeral(n) + "条", Chapter: chapter}
	for _, t := range texts {
		a.Paragraphs = append(a.Paragraphs, Paragraph{Text: t})
	}
	return Block{Article: a}
}

func chapter(n int, title string) Block {
	return Block{Heading: &Heading{Level: Chapter, Number: n, Label: "第" + FormatNumeral(n) + "章", Title: title}}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Document
	}{
		{
			name: "HalfWidthSpaces",
			in:   "第一章 总 则\n第一条 为了规范管理，制定本条例。\n第二条  本条例适用于本市。",
			want: Document{Blocks: []Block{
				chapter(1, "总则"),
				art(1, "第一章 总则", "为了规范管理，制定本条例。"),
				art(2, "第一章 总则", "本条例适用于本市。"),
			}},
		},
		{
			name: "CRLFAndBOM",
			in:   "\uFEFF某市物业管理条例\r\n\r\n第一条　为了规范物业管理，制定本条例。\r\n第二条　本条例适用于本市。\r\n",
			want: Document{Title: "某市物业管理条例", Blocks: []Block{
				art(1, "", "为了规范物业管理，制定本条例。"),
				art(2, "", "本条例适用于本市。"),
			}},
		},
		{
			name: "NoSpaceAfterArticleLabel",
			in:   "第一条为了规范物业管理，制定本条例。\n第二条本条例适用于本市。",
			want: Document{Blocks: []Block{
				art(1, "", "为了规范物业管理，制定本条例。"),
				art(2, "", "本条例适用于本市。"),
			}},
		},
		{
			name: "LinesStartingWith第AreParagraphs",
			in: "第一条　业主享有下列权利。\n第二款规定的情形除外。\n第二十条规定的期限不适用本条。\n" +
				"第二条、第三条另有规定的，从其规定。\n第二条　本条例适用于本市。",
			want: Document{Blocks: []Block{
				art(1, "", "业主享有下列权利。", "第二款规定的情形除外。", "第二十条规定的期限不适用本条。", "第二条、第三条另有规定的，从其规定。"),
				art(2, "", "本条例适用于本市。"),
			}},
		},
		{
			name: "LabelAloneOnItsLine",
			in:   "第一条\n为了规范物业管理，制定本条例。\n本条例自公布之日起施行。\n第二条\n第三条　（删除）",
			want: Document{Blocks: []Block{
				art(1, "", "为了规范物业管理，制定本条例。", "本条例自公布之日起施行。"),
				art(2, ""),
				art(3, "", "（删除）"),
			}},
		},
		{
			name: "ItemsAndSubItems",
			in: "第四条　物业服务包括：\n（一）共用部位的维修；\n1.电梯；\n2．水泵；\n3、1.5倍以上的费用；\n" +
				"(二)环境卫生。\n1.5倍的罚款不适用前款。\n（三）绿化。",
			want: Document{Blocks: []Block{{Article: &Article{Number: 4, Label: "第四条", Paragraphs: []Paragraph{
				{Text: "物业服务包括：", Items: []Item{
					{Label: "（一）", Text: "共用部位的维修；", SubItems: []SubItem{
						{Label: "1.", Text: "电梯；"}, {Label: "2．", Text: "水泵；"}, {Label: "3、", Text: "1.5倍以上的费用；"},
					}},
					{Label: "（二）", Text: "环境卫生。"},
				}},
				{Text: "1.5倍的罚款不适用前款。", Items: []Item{{Label: "（三）", Text: "绿化。"}}},
			}}}}},
		},
		{
			name: "ArabicAndLargeNumbers",
			in:   "第12条 本条例适用于本市。\n第一千条　本法自公布之日起施行。",
			want: Document{Blocks: []Block{
				art(12, "", "本条例适用于本市。"),
				art(1000, "", "本法自公布之日起施行。"),
			}},
		},
		{
			name: "TitlePreambleAndTOC",
			in: "某市物业管理条例\n（2020年1月1日某市人民代表大会常务委员会通过）\n\n目　　录\n第一章　总　　则\n第二章　附　　则\n\n" +
				"第一章　总　　则\n\n第一条　为了规范物业管理，制定本条例。\n\n第二章　附　　则\n\n第二条　本条例自公布之日起施行。\n",
			want: Document{Title: "某市物业管理条例", Preamble: []string{"（2020年1月1日某市人民代表大会常务委员会通过）"}, Blocks: []Block{
				chapter(1, "总则"),
				art(1, "第一章 总则", "为了规范物业管理，制定本条例。"),
				chapter(2, "附则"),
				art(2, "第二章 附则", "本条例自公布之日起施行。"),
			}},
		},
		{
			name: "PartsChaptersSections",
			in:   "第一编　总则\n第一章　一般规定\n第一节　范围\n第一条　甲。\n第二章　乙\n第二条　乙。\n第二编　分则\n第三条　丙。",
			want: Document{Blocks: []Block{
				{Heading: &Heading{Level: Part, Number: 1, Label: "第一编", Title: "总则"}},
				chapter(1, "一般规定"),
				{Heading: &Heading{Level: Section, Number: 1, Label: "第一节", Title: "范围"}},
				art(1, "第一编 总则 / 第一章 一般规定 / 第一节 范围", "甲。"),
				chapter(2, "乙"),
				art(2, "第一编 总则 / 第二章 乙", "乙。"),
				{Heading: &Heading{Level: Part, Number: 2, Label: "第二编", Title: "分则"}},
				art(3, "第二编 分则", "丙。"),
			}},
		},
		{
			name: "HeadingNotesAreKept",
			in:   "第一章　总则\n本章说明。\n（一）说明项\n第一条　甲。",
			want: Document{Blocks: []Block{
				{Heading: &Heading{Level: Chapter, Number: 1, Label: "第一章", Title: "总则", Notes: []string{"本章说明。", "（一）说明项"}}},
				art(1, "第一章 总则", "甲。"),
			}},
		},
		{
			name: "IndentedLines",
			in:   "　　第一条　　为了规范物业管理，制定本条例。　\n\t（一）甲；  ",
			want: Document{Blocks: []Block{{Article: &Article{Number: 1, Label: "第一条", Paragraphs: []Paragraph{
				{Text: "为了规范物业管理，制定本条例。", Items: []Item{{Label: "（一）", Text: "甲；"}}},
			}}}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q) error = %v, want nil", tc.in, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Parse(%q):\n got  %s\n want %s", tc.in, dump(got), dump(tc.want))
			}
			if r, n := Render(got), Normalize(tc.in); r != n {
				t.Errorf("Render(Parse(%q)) != Normalize:\n%s", tc.in, firstDiff(r, n))
			}
		})
	}
}

func TestParseNoArticles(t *testing.T) {
	tests := []struct {
		in   string
		want Document
	}{
		{"", Document{}},
		{" \n\u3000\r\n", Document{}},
		{"关于征求意见的通知\n请于五月一日前反馈。", Document{Title: "关于征求意见的通知", Preamble: []string{"请于五月一日前反馈。"}}},
		{"目录\n第一章　总则", Document{}},
		{"第一章　总则\n第二款规定的情形除外。", Document{Blocks: []Block{{Heading: &Heading{
			Level: Chapter, Number: 1, Label: "第一章", Title: "总则", Notes: []string{"第二款规定的情形除外。"}}}}}},
	}
	for _, tc := range tests {
		got, err := Parse(tc.in)
		if !errors.Is(err, ErrNoArticles) {
			t.Errorf("Parse(%q) error = %v, want ErrNoArticles", tc.in, err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Parse(%q) = %s, want %s", tc.in, dump(got), dump(tc.want))
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"", ""},
		{"\uFEFF第一条　甲。\r\n\r\n\r\n第二条　乙。\r\n", "第一条　甲。\n第二条　乙。\n"},
		{"标题\n\n\n说明\n第一章 总 则\n第一条 甲。   \n", "标题\n\n说明\n\n第一章　总则\n\n第一条　甲。\n"},
		{"第1条\n甲。\n(二)乙", "第一条　甲。\n（二）乙\n"},
		{"第一章　总则\n\n\n第一节　通则\n第一条　甲。\n\n第二章　附则\n第二条　乙。", "第一章　总则\n\n第一节　通则\n\n第一条　甲。\n\n第二章　附则\n\n第二条　乙。\n"},
		{"目　录\n第一章　总则\n第二章　附则\n第一章　总则\n第一条　甲。", "第一章　总则\n\n第一条　甲。\n"},
	}
	for _, tc := range tests {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := Normalize(Normalize(tc.in)); got != tc.want {
			t.Errorf("Normalize(Normalize(%q)) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestArticleTextAndBody(t *testing.T) {
	d, err := Parse("第四条　分为下列两类：\n（一）甲；\n1.子；\n（二）乙。\n前款规定的名录由国务院公布。\n第五条\n（一）甲。")
	if err != nil {
		t.Fatal(err)
	}
	as := d.Articles()
	tests := []struct {
		got, want string
	}{
		{as[0].Text(), "第四条　分为下列两类：\n（一）甲；\n1.子；\n（二）乙。\n前款规定的名录由国务院公布。"},
		{as[0].Body(), "分为下列两类：\n（一）甲；\n1.子；\n（二）乙。\n前款规定的名录由国务院公布。"},
		{as[1].Text(), "第五条\n（一）甲。"},
		{as[1].Body(), "（一）甲。"},
	}
	for i, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("case %d = %q, want %q", i, tc.got, tc.want)
		}
	}
}

func TestGapsAndDuplicates(t *testing.T) {
	d, _ := Parse("第一条　甲。\n第三条　丙。\n第三条　丙。\n第六条　己。")
	if got, want := d.Gaps(), []int{2, 4, 5}; !reflect.DeepEqual(got, want) {
		t.Errorf("Gaps() = %v, want %v", got, want)
	}
	if got, want := d.Duplicates(), []int{3}; !reflect.DeepEqual(got, want) {
		t.Errorf("Duplicates() = %v, want %v", got, want)
	}
}

// dump prints a Document with its pointers followed, for failure messages.
func dump(d Document) string {
	var b strings.Builder
	b.WriteString("Title=" + d.Title + " Preamble=" + strings.Join(d.Preamble, "|"))
	for _, bl := range d.Blocks {
		switch {
		case bl.Heading != nil:
			b.WriteString("\n  H " + strings.TrimSpace(strings.ReplaceAll(fmtAny(*bl.Heading), "\n", " ")))
		case bl.Article != nil:
			b.WriteString("\n  A " + fmtAny(*bl.Article))
		}
	}
	return b.String()
}
