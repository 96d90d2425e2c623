package mongodb

import (
	"testing"

	"yugongkai/comments"
	"yugongkai/consultation"
)

// TestPickMergeable: a batch shares a record only among changes that read
// the same Rev (a submission checked against an older consultation — one
// open before a close — must be checked on its own, and refused), and
// never with a second use of an idempotency key, receipt or comment id.
func TestPickMergeable(t *testing.T) {
	req := func(rev int64, id, receipt, key string) *batchReq {
		return &batchReq{ch: &comments.Change{Change: consultation.Change{Consultation: &consultation.Consultation{ID: "c", Rev: rev}, Write: consultation.CheckRev},
			Insert: []*comments.Comment{{ID: id, Receipt: receipt, IdempotencyKey: key}}}}
	}
	list := []*batchReq{req(2, "a", "RA", ""), req(1, "b", "RB", ""), req(2, "c", "RC", "k"), req(2, "d", "RD", "k"),
		req(2, "e", "RA", ""), req(2, "a", "RF", ""), req(2, "g", "RG", "")}
	merged, rest := pickMergeable(list)
	ids := func(l []*batchReq) (out []string) {
		for _, r := range l {
			out = append(out, r.ch.Insert[0].ID)
		}
		return out
	}
	if got, want := ids(merged), []string{"a", "c", "g"}; !equal(got, want) {
		t.Errorf("merged %v, want %v", got, want)
	}
	if got, want := ids(rest), []string{"b", "d", "e", "a"}; !equal(got, want) {
		t.Errorf("rest %v, want %v", got, want)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestBatchable: only lone submissions are batched; any other part of a
// change, including fields added later, keeps it out.
func TestBatchable(t *testing.T) {
	base := func() *comments.Change {
		return &comments.Change{Change: consultation.Change{Consultation: &consultation.Consultation{ID: "c"}, Write: consultation.CheckRev},
			Insert: []*comments.Comment{{ID: "x"}}}
	}
	if !batchable(base()) {
		t.Error("a lone submission is not batchable")
	}
	for name, edit := range map[string]func(*comments.Change){
		"update":     func(ch *comments.Change) { ch.Write = consultation.Update },
		"no insert":  func(ch *comments.Change) { ch.Insert = nil },
		"moderate":   func(ch *comments.Change) { ch.Moderate = []comments.Moderated{{ID: "x"}} },
		"log size":   func(ch *comments.Change) { n := int64(1); ch.LogSize = &n },
		"responses":  func(ch *comments.Change) { ch.SurveyResponses = []*consultation.SurveyResponse{{}} },
		"withdraw":   func(ch *comments.Change) { ch.Withdraw = []comments.WithdrawnComment{{}} },
		"expire":     func(ch *comments.Change) { ch.ExpireContacts = true },
		"no consult": func(ch *comments.Change) { ch.Consultation = nil },
	} {
		ch := base()
		edit(ch)
		if batchable(ch) {
			t.Errorf("%s: batchable", name)
		}
	}
}
