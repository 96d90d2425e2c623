package auth

import (
	"strings"
	"testing"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("hash %q is not argon2id with the default parameters", h)
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	cases := []struct {
		hash, password string
		want           bool
	}{
		{h, "correct horse battery", true},
		{h, "correct horse batterY", false},
		{h, "", false},
		{"$2a$10$notargon", "correct horse battery", false},
		{"garbage", "x", false},
	}
	for _, c := range cases {
		if got := CheckPassword(c.hash, c.password); got != c.want {
			t.Errorf("CheckPassword(%.20q, %q) = %v, want %v", c.hash, c.password, got, c.want)
		}
	}
	light, _ := LightHashPassword("pw-for-tests")
	if !CheckPassword(light, "pw-for-tests") || CheckPassword(light, "other") {
		t.Error("light hashes do not verify like full ones")
	}
}
