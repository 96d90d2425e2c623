package consultation

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	"golang.org/x/mod/sumdb/tlog"

	"yugongkai/history"
	"yugongkai/translog"
)

// VerifyArchive checks an exported archive (GET …/archive) from its bytes
// alone, as docs/ARCHIVE.md describes and docs/verify_archive.py does: the
// manifest, the event chain end to end (private events of an unpublished
// consultation withheld, their payloads' hashes in the chain) to head (the
// head published with the decision; "" takes the archive's chain_head),
// every version text against the hash the chain recorded, every sealed
// tree head against the comment log's leaf hashes and, when the archive
// carries the log key, its signature. Every problem found is named in the
// result; an error means the data is not an archive at all.
func VerifyArchive(data []byte, head string) (*Verification, error) {
	var a struct {
		Format       string            `json:"format"`
		Consultation json.RawMessage   `json:"consultation"`
		Versions     []json.RawMessage `json:"versions"`
		Comments     json.RawMessage   `json:"comments"`
		Events       json.RawMessage   `json:"events"`
		CommentLog   json.RawMessage   `json:"comment_log"`
		ChainHead    string            `json:"chain_head"`
		Manifest     map[string]string `json:"manifest"`
	}
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, fmt.Errorf("not an archive: %v", err)
	}
	if a.Format != ArchiveFormat && a.Format != "yugongkai-archive/1" {
		return nil, fmt.Errorf("not an archive: format %q", a.Format)
	}
	var events []history.Event
	if err := json.Unmarshal(a.Events, &events); err != nil {
		return nil, fmt.Errorf("archive events: %v", err)
	}
	if head == "" {
		head = a.ChainHead
	}
	v := &Verification{OK: true, Events: len(events), Head: history.Head(events)}
	manifest := func(name string, raw json.RawMessage) {
		if raw == nil {
			return
		}
		canon, err := history.Canonical(raw)
		sum := sha256.Sum256(canon)
		if err != nil || a.Manifest[name] != hex.EncodeToString(sum[:]) {
			v.Add(Problem{What: "manifest", ID: name, Reason: "does not match its SHA-256 in the manifest"})
		}
	}
	manifest("consultation", a.Consultation)
	manifest("comments", a.Comments)
	manifest("events", a.Events)
	manifest("comment_log", a.CommentLog)

	texts := map[int64]string{}
	for _, raw := range a.Versions {
		var ver struct {
			Number int64  `json:"number"`
			Text   string `json:"text"`
			SHA256 string `json:"sha256"`
		}
		_ = json.Unmarshal(raw, &ver)
		n := strconv.FormatInt(ver.Number, 10)
		manifest("versions/"+n, raw)
		sum := sha256.Sum256([]byte(ver.Text))
		texts[ver.Number] = hex.EncodeToString(sum[:])
		if texts[ver.Number] != ver.SHA256 || a.Manifest["versions/"+n+"/text"] != ver.SHA256 {
			v.Add(Problem{What: "version", ID: n, Reason: "text does not match its SHA-256"})
		}
	}

	unbound, err := history.VerifyPublic(events)
	if be, ok := err.(*history.BrokenError); ok {
		v.BadSeq = be.Seq
		v.Add(Problem{What: "event", ID: strconv.FormatInt(be.Seq, 10), Reason: be.Reason})
		return v, nil
	} else if err != nil {
		return nil, err
	}
	if v.Head != head {
		v.Add(Problem{What: "event", ID: strconv.Itoa(len(events)), Reason: "the chain ends at " + v.Head + ", not at the published head " + head})
	}
	v.Unbound = unbound

	var log struct {
		TreeSize   int64    `json:"tree_size"`
		RootHash   string   `json:"root_hash"`
		LogKey     string   `json:"log_key"`
		LeafHashes []string `json:"leaf_hashes"`
	}
	var leaves []tlog.Hash
	if a.CommentLog != nil {
		_ = json.Unmarshal(a.CommentLog, &log)
		for i, s := range log.LeafHashes {
			b, err := hex.DecodeString(s)
			if err != nil || len(b) != len(tlog.Hash{}) {
				v.Add(Problem{What: "leaf", ID: strconv.Itoa(i), Reason: "leaf hash is not a hex SHA-256"})
				return v, nil
			}
			leaves = append(leaves, tlog.Hash(b))
		}
		root := translog.RootOfHashes(leaves)
		if int64(len(leaves)) != log.TreeSize || hex.EncodeToString(root[:]) != log.RootHash {
			v.Add(Problem{What: "leaf", ID: strconv.Itoa(len(leaves)), Reason: "the comment log's leaf hashes do not give its size and root"})
		}
	}
	for _, e := range events {
		if e.Payload == nil {
			continue // withheld: only its hash is checked
		}
		var p struct {
			Version    int64  `json:"version"`
			TextSHA256 string `json:"text_sha256"`
			TreeSize   int64  `json:"tree_size"`
			RootHash   string `json:"root_hash"`
			SignedHead string `json:"signed_head"`
		}
		_ = json.Unmarshal(e.Payload, &p)
		seq := strconv.FormatInt(e.Seq, 10)
		switch e.Type {
		case "consultation.opened", "version.added", "consultation.finalized":
			if got, ok := texts[p.Version]; p.TextSHA256 != "" && ok && got != p.TextSHA256 {
				v.Add(Problem{What: "version", ID: strconv.FormatInt(p.Version, 10), Reason: "text differs from the hash recorded by event " + seq + " (" + e.Type + ")"})
			}
		case "comments.sealed":
			if a.CommentLog == nil {
				continue
			}
			if p.TreeSize < 0 || p.TreeSize > int64(len(leaves)) {
				v.Add(Problem{What: "seal", ID: seq, Reason: fmt.Sprintf("seals %d comments; the log has %d", p.TreeSize, len(leaves))})
				continue
			}
			if root := translog.RootOfHashes(leaves[:p.TreeSize]); hex.EncodeToString(root[:]) != p.RootHash {
				v.Add(Problem{What: "seal", ID: seq, Reason: fmt.Sprintf("tree head of %d comments does not match the log's leaf hashes", p.TreeSize)})
			}
			if log.LogKey == "" {
				continue
			}
			h, err := translog.OpenHead([]byte(p.SignedHead), log.LogKey)
			switch {
			case err != nil:
				v.Add(Problem{What: "seal", ID: seq, Reason: "tree head not signed by the archive's log key: " + err.Error()})
			case h.Consultation != e.Consultation || h.Size != p.TreeSize || hex.EncodeToString(h.Root[:]) != p.RootHash:
				v.Add(Problem{What: "seal", ID: seq, Reason: "the signed tree head is not the one the event records"})
			}
		}
	}
	return v, nil
}
