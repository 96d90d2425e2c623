package consultation

import (
	"context"
	"fmt"
	"sync"

	"yugongkai/auth"
	"yugongkai/redline"
)

// ArticleFate says what became of an article of the consultation draft in
// the newest version a reader may see: comments stay attached to their
// article id, and this is how a comment's article is shown today.
type ArticleFate struct {
	Status     string `json:"status"` // unchanged, changed, moved, renumbered, deleted, merged
	FromLabel  string `json:"from_label"`
	ToLabel    string `json:"to_label,omitempty"`
	ToNumber   int    `json:"to_number,omitempty"`
	MergedInto string `json:"merged_into,omitempty"`
	Version    int    `json:"version"`
}

// fateCache keeps computed fates: versions of an opened consultation never
// change, so the fates up to a version number are valid forever.
type fateCache struct {
	mu sync.Mutex
	m  map[string]map[string]ArticleFate
}

// ArticleFates maps every article id of the consultation draft (version 1)
// to its fate in the newest version the actor may see.
func (s *Service) ArticleFates(ctx context.Context, actor auth.Principal, id string) (map[string]ArticleFate, error) {
	c, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	return s.ArticleFatesOf(ctx, actor, c)
}

// latestVisible is the number of the newest version actor may see of c
// (see CanSeeVersion): every version for internal readers and once the
// decision is published, the consultation draft otherwise.
func latestVisible(actor auth.Principal, c *Consultation) int {
	if CanSeeInternal(actor, c) || c.State == Published {
		return c.CurrentVersion
	}
	return c.PublicVersion
}

// ArticleFatesOf is ArticleFates for a consultation already loaded with
// Get. A cached result is returned without reading any version.
func (s *Service) ArticleFatesOf(ctx context.Context, actor auth.Principal, c *Consultation) (map[string]ArticleFate, error) {
	if latestVisible(actor, c) == 0 {
		return nil, nil
	}
	key := fmt.Sprintf("%s/%d", c.ID, latestVisible(actor, c))
	s.fates.mu.Lock()
	if f, ok := s.fates.m[key]; ok {
		s.fates.mu.Unlock()
		return f, nil
	}
	s.fates.mu.Unlock()

	versions, err := s.VersionsOf(ctx, actor, c)
	if err != nil || len(versions) == 0 {
		return nil, err
	}
	first, latest := versions[0], versions[len(versions)-1]
	key = fmt.Sprintf("%s/%d", c.ID, latest.Number)

	r := redline.Compare(RedlineArticles(first), RedlineArticles(latest))
	merged := map[string]string{}
	for _, v := range versions[1:] {
		for from, into := range v.MergedInto {
			merged[from] = into
		}
	}
	out := make(map[string]ArticleFate, len(r.Changes))
	for _, ch := range r.Changes {
		if ch.FromNumber == 0 {
			continue // added later: no comment on the draft can name it
		}
		f := ArticleFate{FromLabel: ch.FromLabel, ToLabel: ch.ToLabel, ToNumber: ch.ToNumber, Version: latest.Number}
		switch ch.Kind {
		case redline.Unchanged:
			f.Status = "unchanged"
		case redline.Modified:
			f.Status = "changed"
		case redline.Moved:
			f.Status = "moved"
		case redline.Renumbered:
			f.Status = "renumbered"
		case redline.Deleted:
			f.Status = "deleted"
			if into, ok := merged[ch.ID]; ok {
				f.Status, f.MergedInto = "merged", into
			}
		}
		out[ch.ID] = f
	}
	if c.PublishedAt == nil {
		return out, nil // the working draft may still be replaced: no cache
	}
	s.fates.mu.Lock()
	if s.fates.m == nil || len(s.fates.m) > 1000 {
		s.fates.m = map[string]map[string]ArticleFate{}
	}
	s.fates.m[key] = out
	s.fates.mu.Unlock()
	return out, nil
}
