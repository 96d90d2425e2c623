package storetest

import (
	"encoding/json"
	"testing"

	"yugongkai/comments"
	"yugongkai/consultation"
)

// erasedContacts returns the comments whose contact was erased (an event
// comments.ContactErased in the chain), and checks what the erasure left:
// no contact on the comment, and of its notifications none pending and
// none with a recipient.
func erasedContacts(s snapshot) map[string]bool {
	out := map[string]bool{}
	for _, e := range s.Events {
		if e.Type == comments.ContactErased {
			var p struct {
				Comment string `json:"comment"`
			}
			if err := json.Unmarshal(e.Payload, &p); err == nil {
				out[p.Comment] = true
			}
		}
	}
	return out
}

// checkErased is consistentOutbox's part for erased comments.
func checkErased(t *testing.T, what string, s snapshot) {
	t.Helper()
	erased := erasedContacts(s)
	for _, cm := range s.Comments {
		if erased[cm.ID] && (cm.ContactEmail != "" || cm.ContactPhone != "" || cm.Notify) {
			t.Errorf("%s: comment %s keeps a contact after its erasure", what, cm.ID)
		}
	}
	for _, n := range s.Outbox {
		if erased[n.Comment] && (n.To != "" || n.State == consultation.NotifyPending) {
			t.Errorf("%s: notification %s of erased comment %s: state %s, recipient kept %v", what, n.ID, n.Comment, n.State, n.To != "")
		}
	}
}
