package translog

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestLeafBytes(t *testing.T) {
	l := Leaf{
		Consultation: "c-2026-7",
		Receipt:      "YG-7K2Q-9XMD",
		BodySHA256:   BodyHash([]byte("第十二条应当删除。")),
		ArticleID:    "a12",
		Channel:      "online",
		ReceivedAt:   time.Date(2026, 3, 1, 16, 4, 5, 123456789, time.FixedZone("CST", 8*3600)),
	}
	want := `{"article_id":"a12","body_sha256":"` + BodyHash([]byte("第十二条应当删除。")) +
		`","channel":"online","consultation":"c-2026-7","receipt":"YG-7K2Q-9XMD","received_at":"2026-03-01T08:04:05.123Z"}`
	if got := string(l.Bytes()); got != want {
		t.Errorf("Bytes() =\n%s\nwant\n%s", got, want)
	}
	back, err := ParseLeaf(l.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if string(back.Bytes()) != want {
		t.Errorf("ParseLeaf(Bytes()).Bytes() = %s, want %s", back.Bytes(), want)
	}
	for _, bad := range []string{
		strings.Replace(want, `,"channel"`, `, "channel"`, 1),        // a space
		strings.Replace(want, `.123Z`, `.123+00:00`, 1),              // another time form
		strings.Replace(want, `"article_id":"a12",`, ``, 1),          // a member left out
		`{"receipt":"x"` + want[1:],                                  // duplicate member, first wins in Go
		strings.Replace(want, `"receipt"`, `"extra":1,"receipt"`, 1), // an unknown member
	} {
		if _, err := ParseLeaf([]byte(bad)); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseLeaf(%s) = %v, want %v", bad, err, ErrInvalid)
		}
	}
}

func TestSignedHead(t *testing.T) {
	skey, vkey, err := GenerateKey("log.yugongkai.example")
	if err != nil {
		t.Fatal(err)
	}
	_, otherV, err := GenerateKey("log.yugongkai.example")
	if err != nil {
		t.Fatal(err)
	}
	_, hs := ctLog(t)
	root, err := TreeHash(8, hs)
	if err != nil {
		t.Fatal(err)
	}
	h := Head{Consultation: "c-2026-7", Size: 8, Root: root, At: time.Date(2026, 3, 31, 16, 0, 0, 7e6, time.UTC)}
	msg, err := SignHead(h, skey)
	if err != nil {
		t.Fatal(err)
	}
	wantText := "yugongkai-log/1\nc-2026-7\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n2026-03-31T16:00:00.007Z\n\n— log.yugongkai.example "
	if !strings.HasPrefix(string(msg), wantText) {
		t.Fatalf("SignHead() =\n%s\nwant it to start\n%s", msg, wantText)
	}
	got, err := OpenHead(msg, vkey)
	if err != nil {
		t.Fatalf("OpenHead(SignHead()) = %v", err)
	}
	if got != h {
		t.Errorf("OpenHead(SignHead(%+v)) = %+v", h, got)
	}

	for _, tt := range []struct {
		name string
		msg  []byte
		vkey string
		want error
	}{
		{"another key", msg, otherV, ErrSignature},
		{"size altered", bytes.Replace(msg, []byte("\n8\n"), []byte("\n9\n"), 1), vkey, ErrSignature},
		{"root altered", bytes.Replace(msg, []byte("Xcnae"), []byte("Ycnae"), 1), vkey, ErrSignature},
		{"signature altered", append(bytes.Clone(msg[:len(msg)-6]), []byte("AAAA=\n")...), vkey, ErrSignature},
		{"no signature", msg[:len(wantText)-len("— log.yugongkai.example ")], vkey, ErrInvalid},
		{"not a key", msg, "log.yugongkai.example", ErrInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := OpenHead(tt.msg, tt.vkey); !errors.Is(err, tt.want) {
				t.Errorf("OpenHead() = %v, want %v", err, tt.want)
			}
		})
	}

	// Well signed, but not a head this package writes.
	for _, text := range []string{
		"yugongkai-log/2\nc-2026-7\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n2026-03-31T16:00:00.007Z\n",
		"yugongkai-log/1\nc-2026-7\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n2026-03-31T16:00:00.007Z\n",
		"yugongkai-log/1\nc-2026-7\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n2026-03-31T16:00:00Z\n",
		"yugongkai-log/1\nc-2026-7\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n2026-03-31T16:00:00.007Z\nextra\n",
	} {
		msg := signText(t, text, skey)
		if _, err := OpenHead(msg, vkey); !errors.Is(err, ErrInvalid) {
			t.Errorf("OpenHead(%q) = %v, want %v", text, err, ErrInvalid)
		}
	}

	for _, bad := range []Head{{Consultation: "", Size: 1}, {Consultation: "a\nb", Size: 1}, {Consultation: "c", Size: -1}} {
		if _, err := SignHead(bad, skey); !errors.Is(err, ErrInvalid) {
			t.Errorf("SignHead(%+v) = %v, want %v", bad, err, ErrInvalid)
		}
	}
	if _, _, err := GenerateKey("has space"); !errors.Is(err, ErrInvalid) {
		t.Errorf("GenerateKey(%q) = %v, want %v", "has space", err, ErrInvalid)
	}
}
