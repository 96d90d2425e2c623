package translog

import (
	"testing"
	"time"
)

func TestLeafAttachments(t *testing.T) {
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	old := Leaf{Consultation: "c1", Receipt: "YGK-1", BodySHA256: "ab", Channel: "online", ReceivedAt: at}
	const oldBytes = `{"article_id":"","body_sha256":"ab","channel":"online","consultation":"c1","receipt":"YGK-1","received_at":"2026-03-01T08:00:00.000Z"}`
	if got := string(old.Bytes()); got != oldBytes {
		t.Errorf("leaf without attachments = %s, want the old encoding %s", got, oldBytes)
	}
	with := old
	with.Attachments = []string{"h1", "h2"}
	const withBytes = `{"article_id":"","attachments":["h1","h2"],"body_sha256":"ab","channel":"online","consultation":"c1","receipt":"YGK-1","received_at":"2026-03-01T08:00:00.000Z"}`
	if got := string(with.Bytes()); got != withBytes {
		t.Errorf("leaf with attachments = %s, want %s", got, withBytes)
	}
	l, err := ParseLeaf([]byte(withBytes))
	if err != nil || len(l.Attachments) != 2 || l.Attachments[1] != "h2" {
		t.Errorf("ParseLeaf = %+v, %v", l, err)
	}
	if _, err := ParseLeaf([]byte(`{"article_id":"","attachments":[],"body_sha256":"ab","channel":"online","consultation":"c1","receipt":"YGK-1","received_at":"2026-03-01T08:00:00.000Z"}`)); err == nil {
		t.Error("ParseLeaf accepted an empty attachments member (a second encoding of the old leaf)")
	}
}
