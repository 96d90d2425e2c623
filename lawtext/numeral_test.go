package lawtext

import "testing"

func TestParseNumeral(t *testing.T) {
	tests := []struct {
		in     string
		want   int
		wantOK bool
	}{
		{"一", 1, true},
		{"九", 9, true},
		{"十", 10, true},
		{"十一", 11, true},
		{"十二", 12, true},
		{"一十二", 12, true},
		{"二十", 20, true},
		{"九十九", 99, true},
		{"一百", 100, true},
		{"一百零一", 101, true},
		{"一百〇三", 103, true},
		{"一百一十", 110, true},
		{"一百十", 110, true},
		{"一百一十三", 113, true},
		{"一千", 1000, true},
		{"一千零一", 1001, true},
		{"一千零一十", 1010, true},
		{"一千二百六十", 1260, true},
		{"二〇二六", 2026, true},
		{"零", 0, true},
		{"12", 12, true},
		{"１２", 12, true},
		{"0113", 113, true},
		{"", 0, false},
		{"一百一", 0, false},
		{"零一", 0, false},
		{"一〇", 10, true},
		{"一十十", 0, false},
		{"十十", 0, false},
		{"一二十", 0, false},
		{"百", 0, false},
		{"一百零", 0, false},
		{"一百零零一", 0, false},
		{"十百", 0, false},
		{"1二", 0, false},
		{"条", 0, false},
		{"999999999", 0, false},
	}
	for _, tc := range tests {
		got, ok := ParseNumeral(tc.in)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("ParseNumeral(%q) = %d, %v, want %d, %v", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestFormatNumeral(t *testing.T) {
	tests := []struct {
		in   int
		want string
	}{
		{0, "零"},
		{1, "一"},
		{10, "十"},
		{11, "十一"},
		{12, "十二"},
		{20, "二十"},
		{99, "九十九"},
		{100, "一百"},
		{101, "一百零一"},
		{103, "一百零三"},
		{110, "一百一十"},
		{113, "一百一十三"},
		{1000, "一千"},
		{1001, "一千零一"},
		{1010, "一千零一十"},
		{1100, "一千一百"},
		{1260, "一千二百六十"},
		{9999, "九千九百九十九"},
		{10000, "10000"},
		{-3, "-3"},
	}
	for _, tc := range tests {
		if got := FormatNumeral(tc.in); got != tc.want {
			t.Errorf("FormatNumeral(%d) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFormatNumeralRoundTrip(t *testing.T) {
	for n := 0; n <= 9999; n++ {
		s := FormatNumeral(n)
		if got, ok := ParseNumeral(s); !ok || got != n {
			t.Fatalf("ParseNumeral(FormatNumeral(%d) = %q) = %d, %v, want %d, true", n, s, got, ok, n)
		}
	}
}
