package docx

import "testing"

func TestChineseNumber(t *testing.T) {
	cases := []struct {
		n    int
		want string
	}{{1, "一"}, {10, "十"}, {12, "十二"}, {20, "二十"}, {21, "二十一"}, {100, "一百"}, {105, "一百零五"}, {110, "一百一十"}, {113, "一百一十三"}, {1001, "一千零一"}, {2020, "二千零二十"}}
	for _, tc := range cases {
		if got := chineseNumber(tc.n); got != tc.want {
			t.Errorf("chineseNumber(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
