package sqlite

import (
	"encoding/json"
	"testing"

	"yugongkai/comments"
)

// bandsJSON must store what json.Marshal stored: SharedBands and older
// rows read the column as JSON text.
func TestBandsJSONIsMarshal(t *testing.T) {
	for _, bands := range [][]string{
		nil,
		{},
		{""},
		comments.BandKeys("建议明确城区范围"),
		comments.BandKeys(""),
		{"00ff", "ABCDEF"},            // upper case: not a band key, but valid
		{"0123", `"<&>\` + "\u2028é"}, // what json.Marshal escapes
		{"0123", "\xff"},
	} {
		got, err := bandsJSON(bands)
		want, werr := json.Marshal(bands)
		if err != nil || werr != nil || got != string(want) {
			t.Errorf("bandsJSON(%q) = %s, %v; want %s, %v", bands, got, err, want, werr)
		}
	}
}
