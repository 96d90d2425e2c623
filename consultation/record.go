package consultation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/history"
	"yugongkai/redline"
)

// The public record: history (决策档案), its verification, the redline
// between versions and the archive.

// History returns the events the actor may see: everything for internal
// readers and, once the decision is published, for everyone (the whole
// history is published with the decision); before that the public sees the
// public events only.
func (s *Service) History(ctx context.Context, actor auth.Principal, id string) ([]history.Event, error) {
	c, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	events, err := s.Store.Events(ctx, id)
	if err != nil {
		return nil, err
	}
	if CanSeeInternal(actor, c) || c.State == Published {
		return events, nil
	}
	out := events[:0:0]
	for _, e := range events {
		if e.Public {
			out = append(out, e)
		}
	}
	return out, nil
}

// Verification is the result of recomputing a consultation's record: its
// chain and, when the service has a RecordVerifier, everything the chain
// commits to (version texts, the comments' log, dispositions).
type Verification struct {
	OK      bool   `json:"ok"`
	Events  int    `json:"events"`
	Head    string `json:"head"`
	BadSeq  int64  `json:"bad_seq,omitempty"`
	Problem string `json:"problem,omitempty"`
	// Problems names every record found altered, missing or added.
	Problems []Problem `json:"problems,omitempty"`
	// Unbound (archives only) is the highest seq of a withheld event
	// written before payloads were hashed separately (history format 1):
	// the events up to it verify among themselves but are not bound to the
	// head. 0 when the whole chain is bound.
	Unbound int64 `json:"unbound,omitempty"`
}

// Problem is one record that does not match what the chain commits to.
type Problem struct {
	What   string `json:"what"` // event, version, comment, leaf, seal, disposition, redaction
	ID     string `json:"id"`   // seq, version number, comment id or leaf index
	Reason string `json:"reason"`
}

// Add records a problem; the first one is also the Verification's Problem.
func (v *Verification) Add(p Problem) {
	if v.OK {
		v.OK = false
		if v.Problem == "" {
			v.Problem = p.What + " " + p.ID + ": " + p.Reason
		}
	}
	v.Problems = append(v.Problems, p)
}

// RecordVerifier checks the rest of a consultation's record against its
// verified chain, adding what it finds to v (the comments service).
type RecordVerifier func(ctx context.Context, c *Consultation, events []history.Event, v *Verification) error

// VerifyHistory recomputes the whole chain (every event, public or not) and
// checks it ends at the head recorded on the consultation.
func (s *Service) VerifyHistory(ctx context.Context, actor auth.Principal, id string) (*Verification, error) {
	v, _, _, err := s.verifyChain(ctx, actor, id)
	return v, err
}

// VerifyAll is VerifyHistory followed by the check of everything the chain
// commits to (RecordVerifier: version texts, every comment against its
// leaf, seals, answers). It reads the whole record: pages show the chain
// check, the verify endpoint and `yugongkai verify` run this one.
func (s *Service) VerifyAll(ctx context.Context, actor auth.Principal, id string) (*Verification, error) {
	v, c, events, err := s.verifyChain(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if v.OK && s.VerifyRecord != nil {
		if err := s.VerifyRecord(ctx, c, events, v); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// verifyChain loads the consultation the actor may see and its events, and
// checks the chain (VerifyChain).
func (s *Service) verifyChain(ctx context.Context, actor auth.Principal, id string) (*Verification, *Consultation, []history.Event, error) {
	c, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, nil, nil, err
	}
	events, err := s.Store.Events(ctx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	return VerifyChain(c, events), c, events, nil
}

// VerifyChain checks events against the head recorded on c.
func VerifyChain(c *Consultation, events []history.Event) *Verification {
	v := &Verification{OK: true, Events: len(events), Head: history.Head(events)}
	if err := history.Verify(events); err != nil {
		var be *history.BrokenError
		if errors.As(err, &be) {
			v.BadSeq, v.Problem = be.Seq, be.Reason
		} else {
			v.Problem = err.Error()
		}
		v.Add(Problem{What: "event", ID: strconv.FormatInt(v.BadSeq, 10), Reason: v.Problem})
		return v
	}
	if int64(len(events)) != c.HistorySeq || v.Head != c.HistoryHead {
		v.BadSeq = int64(len(events)) + 1
		if int64(len(events)) > c.HistorySeq {
			v.BadSeq = c.HistorySeq + 1
		}
		v.Problem = "the chain does not end at the head recorded on the consultation (events missing or added at the end)"
		v.Add(Problem{What: "event", ID: strconv.FormatInt(v.BadSeq, 10), Reason: v.Problem})
	}
	return v
}

// Redline compares two versions the actor may see.
func (s *Service) Redline(ctx context.Context, actor auth.Principal, id string, from, to int) (redline.Redline, *Version, *Version, error) {
	a, err := s.Version(ctx, actor, id, from)
	if err != nil {
		return redline.Redline{}, nil, nil, err
	}
	b, err := s.Version(ctx, actor, id, to)
	if err != nil {
		return redline.Redline{}, nil, nil, err
	}
	return redline.Compare(RedlineArticles(a), RedlineArticles(b)), a, b, nil
}

// RedlineArticles converts a version's articles for the redline package.
func RedlineArticles(v *Version) []redline.Article {
	arts := v.Articles()
	out := make([]redline.Article, len(arts))
	for i, a := range arts {
		out[i] = ToRedline(a)
	}
	return out
}

// Archive is the complete public record of a decision, checkable by anyone
// (VerifyArchive): every entry's SHA-256 is in the manifest, and the events
// end at the chain head published with the decision. Before publication the
// public archive withholds private events' payloads, not the events.
type Archive struct {
	Format       string          `json:"format"`
	GeneratedAt  time.Time       `json:"generated_at"`
	Consultation *Consultation   `json:"consultation"`
	Versions     []*Version      `json:"versions"`
	Comments     json.RawMessage `json:"comments"`
	Events       []history.Event `json:"events"`
	// CommentLog is the comments' transparency log: its size, root, the
	// log key and every leaf's hash (not the leaves: they hold receipt
	// codes); each sealed head in Events can be recomputed from it.
	CommentLog json.RawMessage   `json:"comment_log,omitempty"`
	ChainHead  string            `json:"chain_head"`
	Manifest   map[string]string `json:"manifest"`
}

// ArchiveFormat names the archive's layout: in /2 the events are the whole
// chain, private payloads withheld before publication (history.Event.Withhold).
const ArchiveFormat = "yugongkai-archive/2"

// archiveEvents is the whole chain as the actor may see it: everything for
// internal readers and once the decision is published; before that the
// private events withheld (header, payload hash and hash, no payload), so
// that the public archive still verifies end to end.
func (s *Service) archiveEvents(ctx context.Context, actor auth.Principal, c *Consultation) ([]history.Event, error) {
	events, err := s.Store.Events(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if CanSeeInternal(actor, c) || c.State == Published {
		return events, nil
	}
	for i, e := range events {
		if !e.Public {
			events[i] = e.Withhold()
		}
	}
	return events, nil
}

// CommentsArchiver supplies the public copies of comments and their
// dispositions for the archive (the comments service).
type CommentsArchiver func(ctx context.Context, actor auth.Principal, c *Consultation) (json.RawMessage, error)

// BuildArchive assembles the archive visible to the actor. The manifest
// maps "consultation", "versions/N", "comments" and "events" to the hex SHA-256 of their
// canonical JSON (history.Canonical), and "versions/N/text" to the hash of
// the version's text as stored (Version.SHA256).
func (s *Service) BuildArchive(ctx context.Context, actor auth.Principal, id string, comments CommentsArchiver) (*Archive, error) {
	c, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !CanSeeInternal(actor, c) {
		// Outside the department and the legal office the archive holds the
		// consultation as the public sees it (PublicCopy): no internal
		// procedure records, drafts or account ids; the chain keeps them
		// (withheld until publication).
		c = c.PublicCopy()
	}
	versions, err := s.Versions(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	events, err := s.archiveEvents(ctx, actor, c)
	if err != nil {
		return nil, err
	}
	a := &Archive{Format: ArchiveFormat, GeneratedAt: s.now(), Consultation: c, Versions: versions,
		Events: events, ChainHead: c.HistoryHead, Manifest: map[string]string{}, Comments: json.RawMessage("[]")}
	if comments != nil {
		if a.Comments, err = comments(ctx, actor, c); err != nil {
			return nil, err
		}
	}
	if s.ArchiveLog != nil {
		if a.CommentLog, err = s.ArchiveLog(ctx, c); err != nil {
			return nil, err
		}
	}
	hash := func(v any) (string, error) {
		raw, err := json.Marshal(v)
		if err != nil {
			return "", err
		}
		canon, err := history.Canonical(json.RawMessage(raw))
		if err != nil {
			return "", err
		}
		sum := sha256.Sum256(canon)
		return hex.EncodeToString(sum[:]), nil
	}
	for _, v := range versions {
		h, err := hash(v)
		if err != nil {
			return nil, apperr.Wrap(err, "hash version")
		}
		a.Manifest["versions/"+strconv.Itoa(v.Number)] = h
		a.Manifest["versions/"+strconv.Itoa(v.Number)+"/text"] = v.SHA256
	}
	parts := map[string]any{"consultation": c, "comments": a.Comments, "events": events}
	if a.CommentLog != nil {
		parts["comment_log"] = a.CommentLog
	}
	for name, v := range parts {
		h, err := hash(v)
		if err != nil {
			return nil, apperr.Wrap(err, "hash "+name)
		}
		a.Manifest[name] = h
	}
	return a, nil
}
