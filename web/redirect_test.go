package web

import "testing"

func TestLocalPath(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"/consultations", "/consultations"},
		{"/consultations/abc?tab=comments#c1", "/consultations/abc?tab=comments#c1"},
		{"/search?q=%E5%85%BB%E7%8A%AC", "/search?q=%E5%85%BB%E7%8A%AC"},
		{"/", "/"},
		{"", ""},
		{"consultations", ""},
		{"//evil.example/", ""},
		{"///evil.example/", ""},
		{"/\\evil.example", ""},
		{"\\\\evil.example", ""},
		{"/\t/evil.example", ""},
		{"/\n/evil.example", ""},
		{"/\r\n/evil.example", ""},
		{"\t//evil.example", ""},
		{" //evil.example", ""},
		{"/ /evil.example", ""},
		{"/\u00a0/evil.example", ""},
		{"/\u3000/evil.example", ""},
		{"/%2F%2Fevil.example", ""},
		{"/%2f/evil.example", ""},
		{"https://evil.example/", ""},
		{"https:evil.example", ""},
		{"javascript:alert(1)", ""},
		{"/x\x00", ""},
		{"/x\x7f", ""},
		{"//user@evil.example", ""},
	}
	for _, tt := range tests {
		if got := localPath(tt.in); got != tt.want {
			t.Errorf("localPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
