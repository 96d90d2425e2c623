package vcode

import "testing"

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Contact
		ok   bool
	}{
		{" Li.Si@Example.CN ", Contact{Email, "li.si@example.cn"}, true},
		{"+86 139-0000-1111", Contact{SMS, "13900001111"}, true},
		{"0086 13900001111", Contact{SMS, "13900001111"}, true},
		{"8613900001111", Contact{SMS, "13900001111"}, true},
		{"(0571) 8888-1234", Contact{SMS, "057188881234"}, true},
		{"", Contact{}, false},
		{"not a contact", Contact{}, false},
		{"a@b", Contact{}, false},
	} {
		got, err := Parse(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestKeysDependOnKey(t *testing.T) {
	c := MustParse("li@example.cn")
	a, b := Hasher{Key: []byte("one")}, Hasher{Key: []byte("two")}
	if a.ContactKey(c) == b.ContactKey(c) || a.ContactKey(c) != a.ContactKey(MustParse("LI@example.cn")) {
		t.Error("contact keys must depend on the key and only on the normalized contact")
	}
	if a.ContactKey(Contact{}) != "" {
		t.Error("the zero contact has a key")
	}
}
