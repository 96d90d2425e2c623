package comments

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	"golang.org/x/mod/sumdb/tlog"

	"yugongkai/consultation"
	"yugongkai/history"
	"yugongkai/lawtext"
	"yugongkai/translog"
)

// Verifying the record beyond the chain: what the chain commits to must be
// what the store holds. The chain records the hash of every version's text
// when it is shown or added, the comments' tree heads (comments.sealed) and
// every answer and redaction; the log's leaves commit to every comment as
// received. A comment altered, deleted, inserted or moved, a version text
// altered, or an answer changed is named.

// VerifyRecord is consultation.Service.VerifyRecord for this store.
func (s *Service) VerifyRecord(ctx context.Context, c *consultation.Consultation, events []history.Event, v *consultation.Verification) error {
	if err := VerifyRecord(ctx, s.Consultations.Store, s.Store, c, events, v); err != nil {
		return err
	}
	if s.LogKey != "" {
		VerifySeals(events, s.LogKey, v)
	}
	return nil
}

// VerifyRecord checks versions, the comments' log and the answers of c
// against its chain (events, already verified by consultation.VerifyChain),
// adding every problem found to v.
func VerifyRecord(ctx context.Context, cs consultation.Store, ms Store, c *consultation.Consultation, events []history.Event, v *consultation.Verification) error {
	if err := verifyVersions(ctx, cs, c, events, v); err != nil {
		return err
	}
	all, err := allComments(ctx, ms, c.ID)
	if err != nil {
		return err
	}
	if err := verifyLog(ctx, ms, c, all, events, v); err != nil {
		return err
	}
	verifyAnswers(all, events, v)
	verifyWithdrawals(all, events, v) // withdraw.go
	return nil
}

func payload(e history.Event) map[string]any {
	var p map[string]any
	_ = json.Unmarshal(e.Payload, &p)
	return p
}

func str(p map[string]any, k string) string {
	s, _ := p[k].(string)
	return s
}

func num(p map[string]any, k string) int64 {
	f, _ := p[k].(float64)
	return int64(f)
}

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// verifyVersions: every version's text matches its document and its hash,
// and the hash the chain recorded when the version was shown, added or
// adopted (consultation.opened, version.added, consultation.finalized).
func verifyVersions(ctx context.Context, cs consultation.Store, c *consultation.Consultation, events []history.Event, v *consultation.Verification) error {
	versions, err := cs.Versions(ctx, c.ID)
	if err != nil {
		return err
	}
	byNumber := map[int64]*consultation.Version{}
	for _, ver := range versions {
		id := strconv.Itoa(ver.Number)
		byNumber[int64(ver.Number)] = ver
		if got := sum(ver.Text); got != ver.SHA256 {
			v.Add(consultation.Problem{What: "version", ID: id, Reason: "text altered: its SHA-256 is " + got + ", recorded " + ver.SHA256})
		}
		if lawtext.Render(ver.Document) != ver.Text {
			v.Add(consultation.Problem{What: "version", ID: id, Reason: "the articles shown differ from the version's text"})
		}
	}
	for _, e := range events {
		switch e.Type {
		case "consultation.opened", "version.added", "consultation.finalized":
		default:
			continue
		}
		p := payload(e)
		n, want := num(p, "version"), str(p, "text_sha256")
		ver, ok := byNumber[n]
		switch {
		case !ok:
			v.Add(consultation.Problem{What: "version", ID: strconv.FormatInt(n, 10), Reason: "missing: event " + strconv.FormatInt(e.Seq, 10) + " (" + e.Type + ") records it"})
		case want != "" && sum(ver.Text) != want:
			v.Add(consultation.Problem{What: "version", ID: strconv.FormatInt(n, 10), Reason: "text differs from the hash recorded by event " + strconv.FormatInt(e.Seq, 10) + " (" + e.Type + ")"})
		}
	}
	return nil
}

func allComments(ctx context.Context, ms Store, cid string) ([]*Comment, error) {
	var out []*Comment
	cursor := ""
	for {
		page, next, err := ms.Comments(ctx, Filter{ConsultationID: cid, Cursor: cursor, Limit: 500})
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if next == "" {
			return out, nil
		}
		cursor = next
	}
}

// verifyLog: every leaf has its comment unchanged, every comment has its
// leaf, the stored tree hashes and every sealed tree head match the leaves.
func verifyLog(ctx context.Context, ms Store, c *consultation.Consultation, all []*Comment, events []history.Event, v *consultation.Verification) error {
	size, err := ms.LogSize(ctx, c.ID)
	if err != nil {
		return err
	}
	leaves, err := ms.LogLeaves(ctx, c.ID, 0, size)
	if err != nil {
		return err
	}
	byID := map[string]*Comment{}
	for _, cm := range all {
		byID[cm.ID] = cm
	}
	var mem translog.MemoryHashes
	leafOf := map[string]int64{}
	for i, l := range leaves {
		idx := strconv.FormatInt(int64(i), 10)
		if l.Index != int64(i) {
			v.Add(consultation.Problem{What: "leaf", ID: idx, Reason: fmt.Sprintf("leaf %d stored at position %d (leaves missing or reordered)", l.Index, i)})
		}
		hs, err := tlog.StoredHashes(int64(i), l.Leaf, mem)
		if err != nil {
			return err
		}
		mem = append(mem, hs...)
		leafOf[l.CommentID] = int64(i)
		cm, ok := byID[l.CommentID]
		switch {
		case !ok:
			v.Add(consultation.Problem{What: "comment", ID: l.CommentID, Reason: "deleted: leaf " + idx + " records it"})
		case !bytes.Equal(LeafOf(cm), l.Leaf):
			v.Add(consultation.Problem{What: "comment", ID: cm.ID, Reason: "altered: receipt, body hash, article, channel or time differ from leaf " + idx})
		case sum(cm.Body) != cm.BodySHA256:
			v.Add(consultation.Problem{What: "comment", ID: cm.ID, Reason: "text altered: it no longer hashes to the SHA-256 recorded in leaf " + idx})
		case cm.LeafIndex != int64(i):
			v.Add(consultation.Problem{What: "comment", ID: cm.ID, Reason: fmt.Sprintf("moved: says it is leaf %d, the log has it at %s", cm.LeafIndex, idx)})
		}
	}
	if int64(len(leaves)) != size {
		v.Add(consultation.Problem{What: "leaf", ID: strconv.Itoa(len(leaves)), Reason: fmt.Sprintf("the log holds %d leaves but says %d", len(leaves), size)})
	}
	for _, cm := range all {
		if _, ok := leafOf[cm.ID]; !ok {
			v.Add(consultation.Problem{What: "comment", ID: cm.ID, Reason: "inserted: it is in no leaf of the log"})
		}
	}
	rootOf := func(n int64) (string, bool) {
		if n < 0 || n > int64(len(leaves)) {
			return "", false
		}
		h, err := TreeRoot(n, mem)
		return h, err == nil
	}
	if size > 0 && int64(len(leaves)) == size {
		stored, err := TreeRoot(size, HashReader(ctx, ms, c.ID))
		want, _ := rootOf(size)
		if err != nil || stored != want {
			v.Add(consultation.Problem{What: "leaf", ID: strconv.FormatInt(size, 10), Reason: "the stored tree hashes do not match the leaves"})
		}
	}
	for _, e := range events {
		if e.Type != "comments.sealed" {
			continue
		}
		p := payload(e)
		n, want := num(p, "tree_size"), str(p, "root_hash")
		if got, ok := rootOf(n); !ok || got != want {
			v.Add(consultation.Problem{What: "seal", ID: strconv.FormatInt(e.Seq, 10),
				Reason: fmt.Sprintf("tree head of %d comments sealed by event %d does not match the stored comments", n, e.Seq)})
		}
	}
	return nil
}

// VerifySeals checks the signature of every sealed tree head in events
// with the log's verifier key (a golang.org/x/mod/sumdb/note key) and that
// the signed head is the one the event records.
func VerifySeals(events []history.Event, vkey string, v *consultation.Verification) {
	for _, e := range events {
		if e.Type != "comments.sealed" {
			continue
		}
		p := payload(e)
		seq := strconv.FormatInt(e.Seq, 10)
		h, err := translog.OpenHead([]byte(str(p, "signed_head")), vkey)
		switch {
		case err != nil:
			v.Add(consultation.Problem{What: "seal", ID: seq, Reason: "tree head not signed by the log key: " + err.Error()})
		case h.Consultation != e.Consultation || h.Size != num(p, "tree_size") || hex.EncodeToString(h.Root[:]) != str(p, "root_hash"):
			v.Add(consultation.Problem{What: "seal", ID: seq, Reason: "the signed tree head is not the one the event records"})
		}
	}
}

// verifyAnswers: every disposition and redaction a comment holds was
// recorded by an event, and every such event is found on its comment.
func verifyAnswers(all []*Comment, events []history.Event, v *consultation.Verification) {
	type answer struct{ who, outcome, reason string }
	recorded := map[answer]bool{}
	redactions := map[string]int{}
	lastPublic := map[string]string{}
	for _, e := range events {
		p := payload(e)
		switch e.Type {
		case "comment.disposed":
			recorded[answer{"c:" + str(p, "comment"), str(p, "outcome"), str(p, "reason")}] = true
		case "comment.group_disposed":
			recorded[answer{"g:" + str(p, "group"), str(p, "outcome"), str(p, "reason")}] = true
		case "comment.redacted":
			redactions[str(p, "comment")]++
			lastPublic[str(p, "comment")] = str(p, "public_sha256")
		}
	}
	held := map[answer]bool{}
	for _, cm := range all {
		for _, d := range cm.Dispositions {
			held[answer{"c:" + cm.ID, string(d.Outcome), d.Reason}] = true
		}
	}
	for _, e := range events {
		if e.Type != "comment.disposed" {
			continue
		}
		p := payload(e)
		if a := (answer{"c:" + str(p, "comment"), str(p, "outcome"), str(p, "reason")}); !held[a] {
			v.Add(consultation.Problem{What: "disposition", ID: str(p, "comment"),
				Reason: "answer recorded by event " + strconv.FormatInt(e.Seq, 10) + " is missing from the comment"})
		}
	}
	for _, cm := range all {
		for _, d := range cm.Dispositions {
			who := "c:" + cm.ID
			if d.GroupID != "" {
				who = "g:" + d.GroupID
			}
			if !recorded[answer{who, string(d.Outcome), d.Reason}] {
				v.Add(consultation.Problem{What: "disposition", ID: cm.ID, Reason: "answer " + string(d.Outcome) + " is recorded by no event (altered or added)"})
			}
		}
		if n := redactions[cm.ID]; n != len(cm.Redactions) {
			v.Add(consultation.Problem{What: "redaction", ID: cm.ID, Reason: fmt.Sprintf("%d redactions stored, %d recorded", len(cm.Redactions), n)})
		} else if n > 0 && sum(cm.PublicBody) != lastPublic[cm.ID] {
			v.Add(consultation.Problem{What: "redaction", ID: cm.ID, Reason: "public copy altered after its last redaction"})
		}
	}
}
