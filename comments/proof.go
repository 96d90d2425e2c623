package comments

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
)

// Proofs that a comment is in the log unchanged, and that a later tree head
// extends an earlier one, as Certificate Transparency and the Go checksum
// database give them (RFC 6962 / 9162; tlog's proofs are RFC 6962's).

// HeadText is the text of a signed tree head (a golang.org/x/mod/sumdb/note
// note): the format, the consultation, the tree size, the root in standard
// base64 and the time, one per line.
func HeadText(consultationID string, size int64, rootHex string, at time.Time) (string, error) {
	root, err := hex.DecodeString(rootHex)
	if err != nil || len(root) != tlog.HashSize {
		return "", fmt.Errorf("comments: root %q is not a SHA-256 in hex", rootHex)
	}
	return "yugongkai-log/1\n" + consultationID + "\n" + strconv.FormatInt(size, 10) + "\n" +
		base64.StdEncoding.EncodeToString(root) + "\n" + at.UTC().Format("2006-01-02T15:04:05.000Z") + "\n", nil
}

// SignedHead is a tree head with the log key's signature.
type SignedHead struct {
	TreeSize int64  `json:"tree_size"`
	RootHash string `json:"root_hash"`
	// Note is the signed note (HeadText, a blank line, the signature).
	Note string `json:"note"`
	// Sealed says the head is recorded in the consultation's chain
	// (comments.sealed); an unsealed head is the log as it is now.
	Sealed bool `json:"sealed"`
}

// InclusionProof proves that Leaf is entry LeafIndex of the tree of
// TreeSize leaves whose root is RootHash (RFC 9162 §2.1.3: the audit path
// from the leaf up, lowercase hex).
type InclusionProof struct {
	LeafIndex     int64      `json:"leaf_index"`
	TreeSize      int64      `json:"tree_size"`
	Leaf          string     `json:"leaf"`
	RootHash      string     `json:"root_hash"`
	InclusionPath []string   `json:"inclusion_path"`
	Head          SignedHead `json:"signed_tree_head"`
	LogKey        string     `json:"log_key,omitempty"`
}

// ConsistencyProof proves that the tree of To leaves extends the tree of
// From leaves (RFC 9162 §2.1.4).
type ConsistencyProof struct {
	From     int64    `json:"from"`
	To       int64    `json:"to"`
	FromRoot string   `json:"from_root"`
	ToRoot   string   `json:"to_root"`
	Path     []string `json:"path"`
}

func hexes(hs []tlog.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = hex.EncodeToString(h[:])
	}
	return out
}

// newestSeal returns the last comments.sealed head of c's chain, if any.
func (s *Service) newestSeal(ctx context.Context, c *consultation.Consultation) (SignedHead, bool, error) {
	events, err := s.Consultations.Store.Events(ctx, c.ID)
	if err != nil {
		return SignedHead{}, false, err
	}
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Type != "comments.sealed" {
			continue
		}
		var p struct {
			TreeSize   int64  `json:"tree_size"`
			RootHash   string `json:"root_hash"`
			SignedHead string `json:"signed_head"`
		}
		if err := json.Unmarshal(events[i].Payload, &p); err != nil {
			return SignedHead{}, false, apperr.Wrap(err, "read seal")
		}
		return SignedHead{TreeSize: p.TreeSize, RootHash: p.RootHash, Note: p.SignedHead, Sealed: true}, true, nil
	}
	return SignedHead{}, false, nil
}

// signHead signs the head of c's log as it is now.
func (s *Service) signHead(c *consultation.Consultation, size int64, root string) (SignedHead, error) {
	h := SignedHead{TreeSize: size, RootHash: root}
	if s.SignHead == nil {
		return h, nil
	}
	text, err := HeadText(c.ID, size, root, s.now())
	if err != nil {
		return h, apperr.Wrap(err, "head text")
	}
	h.Note, err = s.SignHead(text)
	return h, err
}

// SignedLogHead is consultation.Service.LogHead with the head signed: the
// size, root and signed note a seal records.
func (s *Service) SignedLogHead(ctx context.Context, consultationID string) (int64, string, string, error) {
	size, root, err := s.LogHead(ctx, consultationID)
	if err != nil {
		return 0, "", "", err
	}
	c := &consultation.Consultation{ID: consultationID}
	h, err := s.signHead(c, size, root)
	return size, root, h.Note, err
}

// Proof returns the inclusion proof of the comment with receipt code,
// against the newest sealed tree head that holds it, or, before the first
// such seal, the current head (Sealed false). No login: the code is the
// secret (the web layer rate-limits it). Errors: NotFound.
func (s *Service) Proof(ctx context.Context, code string) (*InclusionProof, error) {
	canon, ok := NormalizeReceiptCode(code)
	if !ok {
		return nil, apperr.ErrNotFound
	}
	cm, err := s.Store.CommentByReceipt(ctx, canon)
	if err != nil {
		return nil, err
	}
	c, err := s.Consultations.Store.Consultation(ctx, cm.ConsultationID)
	if err != nil {
		return nil, err
	}
	head, sealed, err := s.newestSeal(ctx, c)
	if err != nil {
		return nil, err
	}
	if !sealed || head.TreeSize <= cm.LeafIndex {
		size, root, err := s.LogHead(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		if head, err = s.signHead(c, size, root); err != nil {
			return nil, err
		}
	}
	r := HashReader(ctx, s.Store, c.ID)
	path, err := tlog.ProveRecord(head.TreeSize, cm.LeafIndex, r)
	if err != nil {
		return nil, apperr.Wrap(err, "prove inclusion")
	}
	return &InclusionProof{LeafIndex: cm.LeafIndex, TreeSize: head.TreeSize, Leaf: string(LeafOf(cm)), RootHash: head.RootHash,
		InclusionPath: hexes(path), Head: head, LogKey: s.LogKey}, nil
}

// Consistency proves that the log of a consultation the actor may see at
// size to extends itself at size from. Errors: NotFound, BadRequest (sizes
// out of order or beyond the log).
func (s *Service) Consistency(ctx context.Context, actor auth.Principal, consultationID string, from, to int64) (*ConsistencyProof, error) {
	c, err := s.Consultations.Get(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	size, err := s.Store.LogSize(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if from < 1 || to < from || to > size {
		return nil, apperr.New(apperr.BadRequest, "error.bad_param", "from, to")
	}
	r := HashReader(ctx, s.Store, c.ID)
	path, err := tlog.ProveTree(to, from, r)
	if err != nil {
		return nil, apperr.Wrap(err, "prove consistency")
	}
	fromRoot, err := TreeRoot(from, r)
	if err != nil {
		return nil, err
	}
	toRoot, err := TreeRoot(to, r)
	if err != nil {
		return nil, err
	}
	return &ConsistencyProof{From: from, To: to, FromRoot: fromRoot, ToRoot: toRoot, Path: hexes(path)}, nil
}

// ArchiveLog is the comments' log for the decision archive
// (consultation.Service.ArchiveLog): tree size, root, the log key and the
// hash of every leaf, from which anyone recomputes every sealed head.
func (s *Service) ArchiveLog(ctx context.Context, c *consultation.Consultation) (json.RawMessage, error) {
	size, err := s.Store.LogSize(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	leaves, err := s.Store.LogLeaves(ctx, c.ID, 0, size)
	if err != nil {
		return nil, err
	}
	out := struct {
		TreeSize   int64    `json:"tree_size"`
		RootHash   string   `json:"root_hash"`
		LogKey     string   `json:"log_key,omitempty"`
		LeafHashes []string `json:"leaf_hashes"`
	}{TreeSize: size, LogKey: s.LogKey, LeafHashes: make([]string, len(leaves))}
	for i, l := range leaves {
		h := tlog.RecordHash(l.Leaf)
		out.LeafHashes[i] = hex.EncodeToString(h[:])
	}
	if out.RootHash, err = TreeRoot(size, HashReader(ctx, s.Store, c.ID)); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(out)
	return raw, apperr.Wrap(err, "encode comment log")
}

// CheckInclusion verifies p by RFC 9162 §2.1.3.2, from the proof alone.
func CheckInclusion(p *InclusionProof) error {
	root, err := hex.DecodeString(p.RootHash)
	if err != nil || len(root) != tlog.HashSize {
		return fmt.Errorf("root_hash is not a SHA-256")
	}
	var path tlog.RecordProof
	for _, h := range p.InclusionPath {
		b, err := hex.DecodeString(h)
		if err != nil || len(b) != tlog.HashSize {
			return fmt.Errorf("inclusion_path holds %q", h)
		}
		var x tlog.Hash
		copy(x[:], b)
		path = append(path, x)
	}
	var th tlog.Hash
	copy(th[:], root)
	return tlog.CheckRecord(path, p.TreeSize, th, p.LeafIndex, tlog.RecordHash([]byte(p.Leaf)))
}

// ParseHeadText reads a HeadText.
func ParseHeadText(text string) (consultationID string, size int64, rootHex string, err error) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != 5 || lines[0] != "yugongkai-log/1" {
		return "", 0, "", fmt.Errorf("not a yugongkai tree head")
	}
	size, err = strconv.ParseInt(lines[2], 10, 64)
	if err != nil {
		return "", 0, "", fmt.Errorf("tree size %q", lines[2])
	}
	root, err := base64.StdEncoding.DecodeString(lines[3])
	if err != nil || len(root) != tlog.HashSize {
		return "", 0, "", fmt.Errorf("root %q", lines[3])
	}
	return lines[1], size, hex.EncodeToString(root), nil
}

// ConsultationHead is the newest sealed tree head of one consultation.
type ConsultationHead struct {
	ConsultationID string `json:"consultation_id"`
	Title          string `json:"title"`
	SignedHead
}

// Heads lists the newest sealed tree head of every public consultation the
// actor may see that has one, a page at a time (the consultations' order
// and cursor), so outside parties can keep copies and later ask for
// consistency proofs.
func (s *Service) Heads(ctx context.Context, actor auth.Principal, cursor string) ([]ConsultationHead, string, error) {
	list, next, err := s.Consultations.List(ctx, actor, consultation.ListFilter{Cursor: cursor, Limit: 50})
	if err != nil {
		return nil, "", err
	}
	out := []ConsultationHead{}
	for _, c := range list {
		if c.PublishedAt == nil {
			continue
		}
		h, ok, err := s.newestSeal(ctx, c)
		if err != nil {
			return nil, "", err
		}
		if ok {
			out = append(out, ConsultationHead{ConsultationID: c.ID, Title: c.Title, SignedHead: h})
		}
	}
	return out, next, nil
}
