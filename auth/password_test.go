package auth

import (
	"strings"
	"sync"
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

// Concurrent logins take their turn: never more argon2id computations at
// once than hashSlots, each of which holds the hash's memory (64 MiB).
func TestHashingBounded(t *testing.T) {
	h, err := hashWith("pw-for-tests", hashParams{time: 1, memory: 8 << 10, threads: 1, keyLen: 32})
	if err != nil {
		t.Fatal(err)
	}
	hashing.most.Store(0)
	var wg sync.WaitGroup
	start := make(chan struct{})
	n := 4 * cap(hashSlots)
	ok := make([]bool, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ok[i] = CheckPassword(h, "pw-for-tests")
		}()
	}
	close(start)
	wg.Wait()
	for i, v := range ok {
		if !v {
			t.Errorf("check %d failed", i)
		}
	}
	if most := int(hashing.most.Load()); most > cap(hashSlots) || most < 1 {
		t.Errorf("%d computations at once, want 1 to %d", most, cap(hashSlots))
	}
	if cap(hashSlots) < 1 || cap(hashSlots) > 4 {
		t.Errorf("hashSlots = %d, want 1 to 4", cap(hashSlots))
	}
}
