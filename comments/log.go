package comments

import (
	"context"
	"encoding/hex"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"yugongkai/attachment"
	"yugongkai/translog"
)

// The transparency log of comments (RFC 6962 / 9162 hashing, as the Go
// checksum database keeps it: golang.org/x/mod/sumdb/tlog). Every comment,
// online or offline, is a leaf: the comment as received. The store appends
// the leaf and the tree's stored hashes in the same commit as the comment
// (Store.Commit), giving the comment its LeafIndex; a tree head then costs
// O(log n) stored hashes.

// LeafOf is the leaf of c (translog.Leaf): consultation, receipt code,
// SHA-256 of the body as submitted, article id, channel and time received,
// and the SHA-256 of each attached file (attachments.go).
func LeafOf(c *Comment) []byte {
	return translog.Leaf{Consultation: c.ConsultationID, Receipt: c.Receipt, BodySHA256: c.BodySHA256,
		ArticleID: c.ArticleID, Channel: string(c.Channel), ReceivedAt: c.ReceivedAt, Attachments: attachment.Hashes(c.Attachments)}.Bytes()
}

// LogLeaf is one stored leaf.
type LogLeaf struct {
	Index     int64
	CommentID string
	Leaf      []byte
	At        time.Time // when it was appended (the comment's CreatedAt)
}

// LogReader reads a consultation's log (implemented by both stores).
type LogReader interface {
	// LogSize returns how many leaves the consultation's log holds.
	LogSize(ctx context.Context, consultationID string) (int64, error)
	// LogHashes returns the stored hashes at the given tlog indexes
	// (tlog.StoredHashIndex); an index not stored is an error.
	LogHashes(ctx context.Context, consultationID string, indexes []int64) ([]tlog.Hash, error)
	// LogLeaves returns the leaves with from ≤ index < to, in order.
	LogLeaves(ctx context.Context, consultationID string, from, to int64) ([]LogLeaf, error)
}

// TreeRoot is the RFC 6962 root of the first n leaves, lowercase hex
// (SHA-256 of nothing for the empty tree).
func TreeRoot(n int64, r tlog.HashReader) (string, error) {
	h, err := translog.TreeHash(n, r)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h[:]), nil
}

// LogHead returns the size and root of a consultation's log
// (consultation.Service.LogHead).
func (s *Service) LogHead(ctx context.Context, consultationID string) (int64, string, error) {
	n, err := s.Store.LogSize(ctx, consultationID)
	if err != nil {
		return 0, "", err
	}
	root, err := TreeRoot(n, HashReader(ctx, s.Store, consultationID))
	return n, root, err
}

// HashReader adapts a LogReader to tlog.HashReader for one consultation.
func HashReader(ctx context.Context, r LogReader, consultationID string) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		return r.LogHashes(ctx, consultationID, indexes)
	})
}
