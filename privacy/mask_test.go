package privacy

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMaskTextMasks(t *testing.T) {
	tests := []struct {
		name, in, want string
		kinds          []Kind
	}{
		{"ID18", "110101199003071233", "110***********1233", []Kind{IDCard}},
		{"ID18 X", "11010519491231002X", "110***********002X", []Kind{IDCard}},
		{"ID18 x lower", "11010519491231002x", "110***********002x", []Kind{IDCard}},
		{"ID18 full-width", "３２０１０２１９８５０６１５２３１９", "３２０***********２３１９", []Kind{IDCard}},
		{"ID18 grouped", "身份证 320102 19850615 2319。", "身份证 320*** ******** 2319。", []Kind{IDCard}},
		{"ID15", "110101900307123", "110********7123", []Kind{IDCard}},
		{"ID in text", "本人张三，身份证号110101199003071233，住某区。", "本人张三，身份证号110***********1233，住某区。", []Kind{IDCard}},
		{"mobile", "13812345678", "138****5678", []Kind{Mobile}},
		{"mobile spaces", "138 1234 5678", "138 **** 5678", []Kind{Mobile}},
		{"mobile dashes", "138-1234-5678", "138-****-5678", []Kind{Mobile}},
		{"mobile 3-8", "138 12345678", "138 ****5678", []Kind{Mobile}},
		{"mobile +86", "+8613812345678", "+86138****5678", []Kind{Mobile}},
		{"mobile +86 space", "+86 138 1234 5678", "+86 138 **** 5678", []Kind{Mobile}},
		{"mobile 86-", "86-13912345678", "86-139****5678", []Kind{Mobile}},
		{"mobile 0086", "0086 19912345678", "0086 199****5678", []Kind{Mobile}},
		{"mobile (+86)", "(+86)13812345678", "(+86)138****5678", []Kind{Mobile}},
		{"mobile full-width", "电话：１３８１２３４５６７８。", "电话：１３８****５６７８。", []Kind{Mobile}},
		{"mobile in Chinese", "请联系我13812345678谢谢", "请联系我138****5678谢谢", []Kind{Mobile}},
		{"mobile full-width brackets", "（手机：13812345678）", "（手机：138****5678）", []Kind{Mobile}},
		{"mobile after star", "*13812345678", "*138****5678", []Kind{Mobile}},
		{"landline 010", "010-12345678", "010-****5678", []Kind{Landline}},
		{"landline 7 digits", "0571-8765432", "0571-***5432", []Kind{Landline}},
		{"landline parens", "(010)12345678", "(010)****5678", []Kind{Landline}},
		{"landline full-width parens", "（０２０）８７６５４３２１", "（０２０）****４３２１", []Kind{Landline}},
		{"landline space", "0755 12345678", "0755 ****5678", []Kind{Landline}},
		{"landline contiguous", "057187654321", "0571****4321", []Kind{Landline}},
		{"landline grouped local", "0755-2345 6789", "0755-**** 6789", []Kind{Landline}},
		{"landline ext dash", "010-12345678-123", "010-****5678-123", []Kind{Landline}},
		{"landline ext 转", "010-12345678转8021", "010-****5678转8021", []Kind{Landline}},
		{"landline ext 分机", "020-87654321分机66", "020-****4321分机66", []Kind{Landline}},
		{"landline ext.", "0571-87654321 ext. 12", "0571-****4321 ext. 12", []Kind{Landline}},
		{"landline +86", "+86 10 12345678", "+86 10 ****5678", []Kind{Landline}},
		{"email", "zhangsan@example.com", "z***@example.com", []Kind{Email}},
		{"email one char", "z@example.com", "***@example.com", []Kind{Email}},
		{"email in Chinese", "邮箱：li.si+gov@mail.example.org.cn，欢迎联系", "邮箱：l***@mail.example.org.cn，欢迎联系", []Kind{Email}},
		{"email qq digits", "13812345678@qq.com", "1***@qq.com", []Kind{Email}},
		{"email digits domain", "x1@13812345678.cn", "x***@13812345678.cn", []Kind{Email}},
		{"bank card", "6222021234567890128", "6222***********0128", []Kind{BankCard}},
		{"bank card 16", "6228480012345671", "6228********5671", []Kind{BankCard}},
		{"bank card grouped", "卡号 4111 1111 1111 1111。", "卡号 4111 **** **** 1111。", []Kind{BankCard}},
		{"two mobiles one group", "13812345678 13987654321", "138****5678 139****4321", []Kind{Mobile, Mobile}},
		{
			"several kinds",
			"我叫王五，电话13812345678，座机（010）12345678，邮箱wangwu@163.com，身份证110101199003071233。",
			"我叫王五，电话138****5678，座机（010）****5678，邮箱w***@163.com，身份证110***********1233。",
			[]Kind{Mobile, Landline, Email, IDCard},
		},
		{
			"numbers around",
			"对第12条提出意见，2026年12月31日前，罚款5000元，电话13812345678。",
			"对第12条提出意见，2026年12月31日前，罚款5000元，电话138****5678。",
			[]Kind{Mobile},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, found := MaskText(tt.in)
			if got != tt.want {
				t.Errorf("MaskText(%q) = %q, want %q", tt.in, got, tt.want)
			}
			var kinds []Kind
			for _, f := range found {
				kinds = append(kinds, f.Kind)
			}
			if !slices.Equal(kinds, tt.kinds) {
				t.Errorf("MaskText(%q) kinds = %v, want %v", tt.in, kinds, tt.kinds)
			}
		})
	}
}

func TestMaskTextLeavesAlone(t *testing.T) {
	tests := []string{
		"第十二条",
		"第12条第3款",
		"2026年12月31日",
		"2026-12-31",
		"2026/12/31",
		"20261231",
		"2026.12.31",
		"5000元",
		"1,000,000元",
		"1000000元",
		"罚款一万元以上五万元以下",
		"某政发〔2026〕12号",
		"京政办发〔2026〕123号",
		"邮编100010",
		"邮政编码 310000",
		"110101199003071230",  // 18 digits, bad checksum
		"110101199013071234",  // month 13
		"990101199003071235",  // unknown province
		"1101011990030712331", // 19 digits, not Luhn-valid
		"6222021234567890127", // card-like, Luhn fails
		"1234567890123456",    // card-like, no card prefix
		"138123456789",        // 12 digits
		"1381234567",          // 10 digits
		"12345678901",         // 11 digits starting 12
		"87654321",            // landline without area code
		"400-123-4567",        // service number
		"010-0234567",         // local number starting with 0
		"3.14159265358979",    // decimals
		"GB/T 7714-2015",      // standard number
		"2019—2026年",          // range
		"统一社会信用代码91350100M000100Y43", // not a person
		"138****5678",             // already masked
		"110***********1233",      // already masked
		"z***@example.com",        // already masked
		"138****5678 13912345678", // documented limitation: group already masked
		"",
		"普通的意见，没有任何数字。",
	}
	for _, in := range tests {
		got, found := MaskText(in)
		if got != in || len(found) != 0 {
			t.Errorf("MaskText(%q) = %q, %v, want unchanged", in, got, found)
		}
	}
}

func TestMaskTextPositions(t *testing.T) {
	in := "我叫王五（电话：１３８１２３４５６７８），邮箱wangwu@163.com；身份证110101199003071233。"
	_, found := MaskText(in)
	want := []struct {
		kind Kind
		text string
	}{
		{Mobile, "１３８１２３４５６７８"},
		{Email, "wangwu@163.com"},
		{IDCard, "110101199003071233"},
	}
	if len(found) != len(want) {
		t.Fatalf("MaskText(%q) found %v, want %d findings", in, found, len(want))
	}
	for i, f := range found {
		if f.Kind != want[i].kind || in[f.Start:f.End] != want[i].text {
			t.Errorf("finding %d = %v %q, want %v %q", i, f.Kind, in[f.Start:f.End], want[i].kind, want[i].text)
		}
	}
}

func TestMaskTextInvalidUTF8(t *testing.T) {
	got, _ := MaskText("a\xffb 13812345678")
	if want := "a\uFFFDb 138****5678"; got != want {
		t.Errorf("MaskText = %q, want %q", got, want)
	}
}

func TestMaskTextLongDigitGroup(t *testing.T) {
	in := strings.Repeat("1 ", 20000) // eight times the longest comment body
	got, found := MaskText(in)
	if got != in || len(found) != 0 {
		t.Errorf("MaskText(long group) changed the text or found %d", len(found))
	}
}

func TestMaskName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"张三", "张*"},
		{"张小祥", "张*祥"},
		{"王", "*"},
		{"李四光明", "李**明"},
		{"欧阳小明", "欧阳*明"},
		{"欧阳明", "欧阳*"},
		{"司马相如", "司马*如"},
		{"诸葛亮", "诸葛*"},
		{"司马", "司*"},
		{"吴铭小", "吴铭*"},
		{" 张 小祥 ", "张*祥"},
		{"阿卜杜拉·买买提", "阿***·**提"},
		{"John Smith", "J***"},
		{"  alice", "a***"},
		{"", ""},
		{"   ", ""},
	}
	for _, tt := range tests {
		if got := MaskName(tt.in); got != tt.want {
			t.Errorf("MaskName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzMaskText(f *testing.F) {
	for _, s := range []string{
		"110101199003071233", "13812345678", "+86 138 1234 5678", "010-12345678转123",
		"zhangsan@example.com", "6222021234567890128", "（０２０）８７６５４３２１",
		"138****5678 13912345678", "x1@13812345678.cn", "*13812345678*",
		"我叫王五，电话13812345678，座机（010）12345678，邮箱wangwu@163.com。",
		"010-22340571 87654321", "138 1234 0571 87654321", "a\xffb",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once, found := MaskText(s)
		if !utf8.ValidString(once) {
			t.Fatalf("MaskText(%q) = %q, not valid UTF-8", s, once)
		}
		for _, fd := range found {
			if fd.Start < 0 || fd.End > len(s) || fd.Start >= fd.End {
				t.Fatalf("MaskText(%q) finding %v out of range", s, fd)
			}
		}
		twice, again := MaskText(once)
		if twice != once {
			t.Fatalf("MaskText not idempotent:\n in    %q\n once  %q\n twice %q", s, once, twice)
		}
		if len(again) != 0 {
			t.Fatalf("MaskText(%q) found %v in masked output %q", s, again, once)
		}
	})
}
