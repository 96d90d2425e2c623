package privacy

import (
	"math/rand/v2"
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

		// Mobile numbers with dots, digit by digit, in Chinese numerals.
		{"mobile dots", "138.1234.5678", "138.****.5678", []Kind{Mobile}},
		{"mobile dots in text", "电话138.1234.5678。", "电话138.****.5678。", []Kind{Mobile}},
		{"mobile full-width dots", "１３８．１２３４．５６７８", "１３８．****．５６７８", []Kind{Mobile}},
		{"mobile digit by digit spaces", "1 3 8 1 2 3 4 5 6 7 8", "1 3 8 * * * * 5 6 7 8", []Kind{Mobile}},
		{"mobile digit by digit dashes", "1-3-8-1-2-3-4-5-6-7-8", "1-3-8-*-*-*-*-5-6-7-8", []Kind{Mobile}},
		{"mobile digit by digit dots", "1.3.8.1.2.3.4.5.6.7.8", "1.3.8.*.*.*.*.5.6.7.8", []Kind{Mobile}},
		{"mobile digit by digit slashes", "1/3/8/1/2/3/4/5/6/7/8", "1/3/8/*/*/*/*/5/6/7/8", []Kind{Mobile}},
		{"mobile digit by digit underscores", "1_3_8_1_2_3_4_5_6_7_8", "1_3_8_*_*_*_*_5_6_7_8", []Kind{Mobile}},
		{"mobile digit by digit commas", "1,3,8,1,2,3,4,5,6,7,8", "1,3,8,*,*,*,*,5,6,7,8", []Kind{Mobile}},
		{"mobile digit by digit grouped", "1 3 8 - 1 2 3 4 - 5 6 7 8", "1 3 8 - * * * * - 5 6 7 8", []Kind{Mobile}},
		{"mobile digit by digit full-width", "１ ３ ８ １ ２ ３ ４ ５ ６ ７ ８", "１ ３ ８ * * * * ５ ６ ７ ８", []Kind{Mobile}},
		{"mobile digit by digit ideographic space", "1　3　8　1　2　3　4　5　6　7　8", "1　3　8　*　*　*　*　5　6　7　8", []Kind{Mobile}},
		{"mobile digit by digit in text", "电话：1 3 8 1 2 3 4 5 6 7 8，谢谢", "电话：1 3 8 * * * * 5 6 7 8，谢谢", []Kind{Mobile}},
		{"mobile Chinese numerals", "一三八一二三四五六七八", "一三八****五六七八", []Kind{Mobile}},
		{"mobile Chinese numerals 幺", "幺三八幺二三四五六七八", "幺三八****五六七八", []Kind{Mobile}},
		{"mobile Chinese numerals 〇 零", "一三九〇〇零〇五六七八", "一三九****五六七八", []Kind{Mobile}},
		{"mobile Chinese numerals ○", "一三九○○○○五六七八", "一三九****五六七八", []Kind{Mobile}},
		{"mobile financial numerals", "壹叁捌壹贰叁肆伍陆柒捌", "壹叁捌****伍陆柒捌", []Kind{Mobile}},
		{"mobile Chinese numerals grouped", "一三八 一二三四 五六七八", "一三八 **** 五六七八", []Kind{Mobile}},
		{"mobile Chinese numerals dashes", "一三八-一二三四-五六七八", "一三八-****-五六七八", []Kind{Mobile}},
		{"mobile Chinese digit by digit", "一 三 八 一 二 三 四 五 六 七 八", "一 三 八 * * * * 五 六 七 八", []Kind{Mobile}},
		{"mobile Chinese numerals in text", "我的电话是一三八一二三四五六七八。", "我的电话是一三八****五六七八。", []Kind{Mobile}},
		{"mobile Chinese numerals before 一直", "电话一三八一二三四五六七八一直没人接", "电话一三八****五六七八一直没人接", []Kind{Mobile}},
		{"mobile Chinese numerals after 统一", "统一一三八一二三四五六七八", "统一一三八****五六七八", []Kind{Mobile}},
		{"mobile Chinese numerals after 唯一, before 一下", "唯一一三八一二三四五六七八一下", "唯一一三八****五六七八一下", []Kind{Mobile}},
		{"mobile Chinese numerals next to Arabic", "3号楼一三八一二三四五六七八", "3号楼一三八****五六七八", []Kind{Mobile}},
		{"mobile Chinese numerals then Arabic", "一三八一二三四五六七八2楼", "一三八****五六七八2楼", []Kind{Mobile}},
		{"mobile Arabic before 一直", "13812345678一直打不通", "138****5678一直打不通", []Kind{Mobile}},
		{"mobile mixed alternating", "1三8一2三4五6七8", "1三8****五6七8", []Kind{Mobile}},
		{"mobile mixed halves", "138一二三四五六七八", "138****五六七八", []Kind{Mobile}},
		{"mobile mixed full-width", "１３８一二三四五六七八", "１３８****五六七八", []Kind{Mobile}},
		{"mobile mixed digit by digit", "1 三 8 一 2 三 4 五 6 七 8", "1 三 8 * * * * 五 6 七 8", []Kind{Mobile}},
		{"mobile Chinese numerals +86", "+86 一三八一二三四五六七八", "+86 一三八****五六七八", []Kind{Mobile}},
		{"landline Chinese numerals", "〇一〇-一二三四五六七八", "〇一〇-****五六七八", []Kind{Landline}},
		{"ID digit by digit", "1 1 0 1 0 1 1 9 9 0 0 3 0 7 1 2 3 3", "1 1 0 * * * * * * * * * * * 1 2 3 3", []Kind{IDCard}},
		{"ID digit by digit X", "1-1-0-1-0-5-1-9-4-9-1-2-3-1-0-0-2-X", "1-1-0-*-*-*-*-*-*-*-*-*-*-*-0-0-2-X", []Kind{IDCard}},
		{"ID Chinese numerals", "一一〇一〇一一九九〇〇三〇七一二三三", "一一〇***********一二三三", []Kind{IDCard}},
		{"bank card digit by digit", "6 2 2 8 4 8 0 0 1 2 3 4 5 6 7 1", "6 2 2 8 * * * * * * * * 5 6 7 1", []Kind{BankCard}},

		// ID numbers shaped right whatever the check character.
		{"ID bad checksum", "110101199003071230", "110***********1230", []Kind{IDCard}},
		{"ID bad checksum X", "32010219850615231X", "320***********231X", []Kind{IDCard}},
		{"ID unlisted region", "190101199003071235", "190***********1235", []Kind{IDCard}},
		{"ID bad checksum grouped", "身份证 320102 19850615 2318。", "身份证 320*** ******** 2318。", []Kind{IDCard}},
		{"ID bad checksum in text", "身份证号510102200002291234号", "身份证号510***********1234号", []Kind{IDCard}},

		// Spelled-out email addresses.
		{"email full-width at", "zhangsan＠qq．com", "z***＠qq．com", []Kind{Email}},
		{"email at dot", "zhangsan at qq dot com", "z*** at qq dot com", []Kind{Email}},
		{"email AT DOT", "zhangsan AT qq DOT com", "z*** AT qq DOT com", []Kind{Email}},
		{"email at plain dot", "邮箱 zhangsan at qq.com 谢谢", "邮箱 z*** at qq.com 谢谢", []Kind{Email}},
		{"email (at)", "zhangsan(at)qq.com", "z***(at)qq.com", []Kind{Email}},
		{"email (at) (dot) spaced", "zhangsan (at) qq (dot) com", "z*** (at) qq (dot) com", []Kind{Email}},
		{"email [at] [dot]", "zhangsan[at]qq[dot]com", "z***[at]qq[dot]com", []Kind{Email}},
		{"email full-width brackets", "zhangsan（at）163（dot）com", "z***（at）163（dot）com", []Kind{Email}},
		{"email 【at】", "zhangsan【at】qq【dot】com", "z***【at】qq【dot】com", []Kind{Email}},
		{"email 艾特 点", "zhangsan艾特qq点com", "z***艾特qq点com", []Kind{Email}},
		{"email 艾特 spaced", "邮箱：zhangsan 艾特 qq 点 com", "邮箱：z*** 艾特 qq 点 com", []Kind{Email}},
		{"email @ 点", "zhangsan@qq点com", "z***@qq点com", []Kind{Email}},
		{"email spaced @", "zhangsan @ qq.com", "z*** @ qq.com", []Kind{Email}},
		{"email digits (at)", "13812345678(at)qq(dot)com", "1***(at)qq(dot)com", []Kind{Email}},
		{"email at dot com.cn", "li.si at mail dot example dot com dot cn", "l*** at mail dot example dot com dot cn", []Kind{Email}},
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
		"110101199013071234",  // month 13
		"990101199003071235",  // unknown province
		"730101199003071230",  // region code starting with 7, bad checksum
		"110101180003071235",  // born 1800, bad checksum
		"110101199002301235",  // 30 February, bad checksum
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

		// Numbers that are not personal data.
		"第一百二十三条",
		"第一百二十三条第二款",
		"第12条",
		"2026年12月1日",
		"二〇二六年十二月一日",
		"二〇二六年",
		"2026-12-01",
		"20261201",
		"罚款5000元以上10000元以下",
		"罚款五千元以上一万元以下",
		"1,000,000元",
		"某政发〔2026〕12号",
		"《中华人民共和国个人信息保护法》（2021年）",
		"2021年8月20日第十三届全国人民代表大会常务委员会第三十次会议通过",
		"占比12.5%，同比增长3.2%",
		"一百二十三",
		"一二三四五六七",                 // seven numerals
		"一三八一二三四五六七八九",            // twelve numerals, no 一 at the end
		"1381234567一个",            // ten digits, then 一个
		"第1、3、8、1、2、3、4、5、6、7、8项", // list, 、 is not a separator
		"1 2 3 4 5 6 7 8 9 0 1",   // eleven digits not a mobile
		"v1.2.3.4.5.6.7.8.9.0.1",
		"3.14159265358979",
		"192.168.1.1",
		"一一一一一一一一一一一",

		// English prose with "at" and "dot".
		"meet at the park",
		"a dot on the map",
		"look at this dot com site",
		"we met at home dot com style",
		"at least, dot the i's",
		"Email me at noon",
		"张三#qq.com",    // # is not an unambiguous @
		"zhangsan艾特qq", // no domain
		"重点com",
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

func TestSuspicious(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		// Masked by MaskText.
		{"电话13812345678", true},
		{"一三八一二三四五六七八", true},
		{"zhangsan at qq dot com", true},
		{"110101199003071230", true},
		// Not masked, but seven digits or more in one run.
		{"1381234567", true},              // ten digits
		{"138123456789", true},            // twelve digits
		{"电话138 1234 567", true},          // eleven with single separators
		{"138,1234,5678", true},           // commas are not a mobile form
		{"一三八一二三四五六七八九", true},            // twelve numerals
		{"一 三 八 一 二 三 四", true},           // seven, digit by digit
		{"1三8一2三4", true},                 // mixed
		{"１２３４５６７", true},                 // full-width
		{"87654321", true},                // landline without area code
		{"20261201", true},                // a date written as eight digits
		{"2026-12-01", true},              // idem with dashes
		{"1,000,000元", true},              // seven digits
		{"400-123-4567", true},            // service number
		{"138****5678 13912345678", true}, // documented MaskText limitation
		{"1234567", true},                 // exactly seven
		// Nothing to look at.
		{"", false},
		{"普通的意见，没有任何数字。", false},
		{"123456", false}, // six digits
		{"第一百二十三条", false},
		{"第12条第3款", false},
		{"2026年12月1日", false},
		{"二〇二六年十二月一日", false},
		{"罚款5000元以上10000元以下", false},
		{"某政发〔2026〕12号", false},
		{"占比12.5%", false},
		{"12:30:45", false},    // colon is not a separator
		{"123  4567", false},   // two spaces end the run
		{"138****5678", false}, // masked by the commenter
		{"meet at the park", false},
		{"一二三四五六", false},
	}
	for _, tt := range tests {
		if got := Suspicious(tt.in); got != tt.want {
			t.Errorf("Suspicious(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func FuzzMaskText(f *testing.F) {
	for _, s := range []string{
		"138.1234.5678", "1 3 8 1 2 3 4 5 6 7 8", "1 3 8 * * * * 5 6 7 8", "一三八一二三四五六七八一直",
		"1三8一2三4五6七8", "一 三 八 一 二 三 四 五 六 七 八", "110101199003071230", "zhangsan at qq dot com",
		"zhangsan(at)qq(dot)com", "一三八19900307 19900307", "zhangsan艾特qq点com", "z*** at qq dot com", "1-1-0-1-0-5-1-9-4-9-1-2-3-1-0-0-2-X",
		"第一百二十三条", "二〇二六年", "meet at the park", "13812345678一三八一二三四五六七八",
		"110101199003071233", "13812345678", "+86 138 1234 5678", "010-12345678转123",
		"zhangsan@example.com", "6222021234567890128", "（０２０）８７６５４３２１",
		"138****5678 13912345678", "x1@13812345678.cn", "*13812345678*",
		"我叫王五，电话13812345678，座机（010）12345678，邮箱wangwu@163.com。",
		"010-22340571 87654321", "138 1234 0571 87654321", "a\xffb",
	} {
		f.Add(s)
	}
	f.Fuzz(checkMaskProperties)
}

// checkMaskProperties fails t unless MaskText(s) is valid UTF-8, reports
// findings inside s, changes nothing when it finds nothing, masks numbers
// rune by rune, is flagged by Suspicious when it masks, and is idempotent.
func checkMaskProperties(t *testing.T, s string) {
	t.Helper()
	once, found := MaskText(s)
	if !utf8.ValidString(once) {
		t.Fatalf("MaskText(%q) = %q, not valid UTF-8", s, once)
	}
	for _, fd := range found {
		if fd.Start < 0 || fd.End > len(s) || fd.Start >= fd.End {
			t.Fatalf("MaskText(%q) finding %v out of range", s, fd)
		}
	}
	if len(found) == 0 && utf8.ValidString(s) && once != s {
		t.Fatalf("MaskText(%q) = %q with no finding", s, once)
	}
	if len(found) > 0 && !Suspicious(s) {
		t.Fatalf("Suspicious(%q) = false, but MaskText found %v", s, found)
	}
	if utf8.ValidString(s) && !slices.ContainsFunc(found, func(f Finding) bool { return f.Kind == Email }) {
		// Numbers are masked rune by rune: only digits inside a
		// finding become "*", every other rune is kept.
		in, out := []rune(s), []rune(once)
		if len(in) != len(out) {
			t.Fatalf("MaskText(%q) = %q: %d runes, want %d", s, once, len(out), len(in))
		}
		byteAt := 0
		for i := range in {
			if in[i] != out[i] && (out[i] != '*' || !inFinding(found, byteAt)) {
				t.Fatalf("MaskText(%q) = %q: rune %d %q became %q", s, once, i, in[i], out[i])
			}
			byteAt += utf8.RuneLen(in[i])
		}
	}
	twice, again := MaskText(once)
	if twice != once {
		t.Fatalf("MaskText not idempotent:\n in    %q\n once  %q\n twice %q", s, once, twice)
	}
	if len(again) != 0 {
		t.Fatalf("MaskText(%q) found %v in masked output %q", s, again, once)
	}
}

func inFinding(found []Finding, at int) bool {
	return slices.ContainsFunc(found, func(f Finding) bool { return f.Start <= at && at < f.End })
}

// TestMaskTextProperties checks the fuzz properties on texts drawn from the
// pieces numbers and addresses are made of, which random bytes rarely hit.
func TestMaskTextProperties(t *testing.T) {
	pieces := []string{
		"1", "3", "8", "0", "5", "X", "x", "１", "３", "一", "三", "八", "〇", "零", "幺", "壹", "十", "百",
		" ", "-", ".", "/", "_", ",", "，", "、", "(", ")", "+", "*", "　", "（", "）", "【", "】",
		"at", " at ", "dot", " dot ", "(at)", "[dot]", "艾特", "点", "@", "＠", "com", "cn", "qq", "name",
		"转", "分机", "ext", "一直", "统一", "一三八", "五六七八", "年", "元", "第", "条", "电话", "a", "\xff",
		"138", "1234", "5678", "110101", "19900307", "86", "010", "6222",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		var b strings.Builder
		for range 1 + rng.IntN(30) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		checkMaskProperties(t, b.String())
		if t.Failed() {
			return
		}
	}
}

func BenchmarkMaskText(b *testing.B) {
	bodies := map[string]string{
		"prose":      strings.Repeat("对第十二条第一款提出意见，建议罚款5000元以上一万元以下，电话13812345678。", 100),
		"numerals":   strings.Repeat("一二三四五六七八九〇 ", 500),
		"digits":     strings.Repeat("1 ", 2500),
		"mixed":      strings.Repeat("1一 ", 1700),
		"emails":     strings.Repeat("a at b dot c ", 400),
		"long group": strings.Repeat("1234 ", 1000),
	}
	for name, body := range bodies {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				MaskText(body)
			}
		})
	}
}
