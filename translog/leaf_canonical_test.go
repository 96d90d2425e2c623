package translog

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"yugongkai/history"
)

// canonicalLeaf is the encoding Leaf.Bytes had before it wrote its bytes
// directly: the leaf's JSON shape through encoding/json and
// history.Canonical. Leaf.Bytes must keep giving exactly these bytes, or
// every existing log stops verifying.
func canonicalLeaf(t testing.TB, l Leaf) []byte {
	t.Helper()
	b, err := history.Canonical(leafJSON{
		ArticleID:    l.ArticleID,
		Attachments:  l.Attachments,
		BodySHA256:   l.BodySHA256,
		Channel:      l.Channel,
		Consultation: l.Consultation,
		ReceivedAt:   l.ReceivedAt.UTC().Truncate(time.Millisecond).Format(TimeFormat),
		Receipt:      l.Receipt,
	})
	if err != nil {
		t.Fatalf("Canonical(%+v): %v", l, err)
	}
	return b
}

// leafPieces are what generated leaf fields are made of: everything
// history.Canonical escapes or deliberately does not, multi-byte UTF-8,
// and invalid UTF-8 (which both must turn into U+FFFD one byte at a time).
var leafPieces = []string{
	"a", "Z", "0", "9", "f", " ", "-", "_", "/", ":", ".",
	`"`, `\`, `\"`, `\\u0041`, "/",
	"\x00", "\x01", "\x07", "\b", "\t", "\n", "\v", "\f", "\r", "\x1b", "\x1f", "\x7f",
	"<", ">", "&", "'", "`",
	"\u00e9", "\u00a0", "\u2028", "\u2029", "\ufeff", "\ufffd", "\uffff",
	"意见", "第三条", "信函", "😀", "\U0010ffff",
	"\xff", "\xfe", "\xc0\xaf", "\x80", "\xe4\xb8", "\xed\xa0\x80", "\xf4\x90\x80\x80",
}

func randomLeafString(r *rand.Rand) string {
	if r.IntN(8) == 0 {
		return ""
	}
	var b strings.Builder
	for range r.IntN(12) + 1 {
		b.WriteString(leafPieces[r.IntN(len(leafPieces))])
	}
	return b.String()
}

func randomLeaf(r *rand.Rand) Leaf {
	zones := []*time.Location{time.UTC, time.FixedZone("CST", 8*3600), time.FixedZone("west", -5*3600-1800)}
	l := Leaf{
		Consultation: randomLeafString(r),
		Receipt:      randomLeafString(r),
		BodySHA256:   randomLeafString(r),
		ArticleID:    randomLeafString(r),
		Channel:      randomLeafString(r),
		// years 1 to 9999, any nanosecond, any zone
		ReceivedAt: time.Unix(r.Int64N(315_537_897_600)-62_135_596_800, r.Int64N(1e9)).In(zones[r.IntN(len(zones))]),
	}
	switch r.IntN(4) {
	case 0: // nil: no member
	case 1:
		l.Attachments = []string{} // empty: no member either
	default:
		for range r.IntN(4) + 1 {
			l.Attachments = append(l.Attachments, randomLeafString(r))
		}
	}
	if r.IntN(4) == 0 { // the usual shape: hex, ASCII ids
		l.BodySHA256 = BodyHash([]byte(l.Receipt))
		l.Consultation, l.Receipt, l.Channel = "c-0001", "R7K2-9QXM", "online"
	}
	return l
}

func TestLeafBytesAreCanonical(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 5))
	leaves := []Leaf{
		{}, // every field empty, zero time
		{Attachments: []string{""}},
		{ArticleID: "\u2028\u2029", Channel: "\x00\x1f\x7f", Receipt: `"\`, Consultation: "\xff"},
		// a five-digit year (which ParseLeaf's time.Parse does not read back)
		{ReceivedAt: time.Date(12000, 1, 2, 3, 4, 5, 6e6, time.UTC)},
	}
	for range 5000 {
		leaves = append(leaves, randomLeaf(r))
	}
	attached := 0
	for _, l := range leaves {
		got, want := l.Bytes(), canonicalLeaf(t, l)
		if !bytes.Equal(got, want) {
			t.Fatalf("Leaf%+v.Bytes()\n = %q\nwant %q (history.Canonical)", l, got, want)
		}
		if bytes.Contains(got, []byte(`"attachments":`)) {
			attached++
		}
		// The bytes are also what ParseLeaf accepts, and they give back the
		// leaf's encoding (fields with invalid UTF-8 come back as U+FFFD).
		if l.ReceivedAt.UTC().Year() > 9999 {
			continue
		}
		p, err := ParseLeaf(got)
		if err != nil {
			t.Fatalf("ParseLeaf(%q): %v", got, err)
		}
		if again := p.Bytes(); !bytes.Equal(again, got) {
			t.Fatalf("ParseLeaf(%q).Bytes() = %q", got, again)
		}
	}
	if attached == 0 || attached == len(leaves) {
		t.Errorf("%d of %d leaves with attachments: the generator does not cover both", attached, len(leaves))
	}
}

// BenchmarkLeafBytes encodes one leaf of the usual shape (an imported
// letter's) directly, and as before through encoding/json and
// history.Canonical (the baseline):
//
//	go test ./translog -run '^$' -bench LeafBytes -benchmem
func BenchmarkLeafBytes(b *testing.B) {
	l := Leaf{
		Consultation: "01JEXAMPLECONSULTATION0001", Receipt: "R7K2-9QXM-4HTD",
		BodySHA256: BodyHash([]byte("body")), ArticleID: "a-3", Channel: "letter",
		ReceivedAt: time.Date(2026, 12, 1, 8, 0, 0, 123456789, time.UTC),
	}
	b.Run("Direct", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			_ = l.Bytes()
		}
	})
	b.Run("Canonical", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			_ = canonicalLeaf(b, l)
		}
	})
}
