package comments

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"

	"golang.org/x/mod/sumdb/tlog"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/translog"
)

// base64Of turns a hex hash into tlog's base64 form ("" for bad hex).
func base64Of(hexHash string) string {
	b, err := hex.DecodeString(hexHash)
	if err != nil {
		return ""
	}
	return base64.StdEncoding.EncodeToString(b)
}

// Proofs that a comment is in the log unchanged, and that a later tree head
// extends an earlier one, as Certificate Transparency and the Go checksum
// database give them (RFC 6962 / 9162; tlog's proofs are RFC 6962's).

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

// InclusionProof is a receipt's proof (translog.InclusionProof: RFC 9162
// §2.1.3, the audit path from the leaf up) with the signed tree head it is
// against and the key that signed it.
type InclusionProof struct {
	translog.InclusionProof
	Head   SignedHead `json:"signed_tree_head"`
	LogKey string     `json:"log_key,omitempty"`
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
	r, err := tlog.ParseHash(base64Of(root))
	if err != nil {
		return h, apperr.Wrap(err, "head root")
	}
	text, err := translog.Head{Consultation: c.ID, Size: size, Root: r, At: s.now()}.Text()
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
	cm, err := s.receiptComment(ctx, code)
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
	p, err := translog.ProveInclusion(cm.LeafIndex, head.TreeSize, LeafOf(cm), HashReader(ctx, s.Store, c.ID))
	if err != nil {
		return nil, apperr.Wrap(err, "prove inclusion")
	}
	return &InclusionProof{InclusionProof: *p, Head: head, LogKey: s.LogKey}, nil
}

// Consistency proves that the log of a consultation the actor may see at
// size to extends itself at size from (translog.ConsistencyProof).
// Errors: NotFound, BadRequest (sizes out of order or beyond the log).
func (s *Service) Consistency(ctx context.Context, actor auth.Principal, consultationID string, from, to int64) (*translog.ConsistencyProof, error) {
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
	p, err := translog.ProveConsistency(from, to, HashReader(ctx, s.Store, c.ID))
	return p, apperr.Wrap(err, "prove consistency")
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
