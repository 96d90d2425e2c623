package translog

import (
	"testing"

	"golang.org/x/mod/sumdb/note"
)

// signText signs arbitrary note text, to test OpenHead's parsing of text
// that SignHead would not write.
func signText(t *testing.T, text, skey string) []byte {
	t.Helper()
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := note.Sign(&note.Note{Text: text}, s)
	if err != nil {
		t.Fatal(err)
	}
	return msg
}
