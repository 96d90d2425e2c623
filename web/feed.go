package web

import (
	"encoding/json"
	"encoding/xml"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/i18n"
	"yugongkai/translog"
)

// Atom feeds: new consultations and the comments' signed tree heads, and
// the updates of one consultation, so residents and newsrooms can follow
// without visiting the site, and outsiders keep copies of every head.

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	ID      string     `xml:"id"`
	Title   string     `xml:"title"`
	Updated string     `xml:"updated"`
	Links   []atomLink `xml:"link"`
	Summary atomText   `xml:"summary"`
	Content *atomText  `xml:"content,omitempty"`
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (s *Server) feedRoutes() {
	s.App.Get("/feed.atom", s.siteFeed)
	s.App.Get("/consultations/:id/feed.atom", s.consultationFeed)
}

// baseURL is the configured public address: feeds are read by other
// software, so their absolute links must not come from the Host header.
func (s *Server) baseURL(*fiber.Ctx) string { return s.cfg.BaseURL }

func (s *Server) sendFeed(c *fiber.Ctx, f atomFeed) error {
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/atom+xml; charset=utf-8")
	return c.Send(append([]byte(xml.Header), out...))
}

func (s *Server) siteFeed(c *fiber.Ctx) error {
	lang := langOf(c)
	list, _, err := s.cfg.Consultations.List(c.UserContext(), auth.Principal{}, consultation.ListFilter{Limit: 50})
	if err != nil {
		return err
	}
	base := s.baseURL(c)
	f := atomFeed{Lang: string(lang), ID: base + "/feed.atom", Title: i18n.T(lang, "feed.site_title"),
		Updated: atomTime(s.cfg.Now()), Author: atomAuthor{Name: "yugongkai"},
		Links: []atomLink{{Rel: "self", Href: base + "/feed.atom", Type: "application/atom+xml"}, {Href: base + "/consultations"}}}
	for _, x := range list {
		updated := x.UpdatedAt
		summary := i18n.T(lang, "type."+string(x.ProcedureType)) + " · " + i18n.T(lang, "state."+string(x.State))
		if x.OpensAt != nil && x.ClosesAt != nil {
			summary += " · " + i18n.T(lang, "feed.period", consultation.FormatDateTime(*x.OpensAt), consultation.FormatDateTime(*x.ClosesAt))
		}
		f.Entries = append(f.Entries, atomEntry{ID: base + "/consultations/" + x.ID, Title: x.Title, Updated: atomTime(updated),
			Links: []atomLink{{Href: base + "/consultations/" + x.ID}}, Summary: atomText{Type: "text", Body: summary}})
	}
	heads, err := s.headEntries(c, lang, base)
	if err != nil {
		return err
	}
	f.Entries = append(f.Entries, heads...)
	return s.sendFeed(c, f)
}

// headEntries are the newest signed tree head of every public consultation
// (GET /api/v1/heads), one entry per head: its id names the consultation
// and the tree size, so each new seal is a new entry a reader keeps. The
// content is the signed note itself, checkable with GET /api/v1/log-key.
func (s *Server) headEntries(c *fiber.Ctx, lang i18n.Lang, base string) ([]atomEntry, error) {
	if s.cfg.Comments == nil {
		return nil, nil
	}
	heads, _, err := s.cfg.Comments.Heads(c.UserContext(), auth.Principal{}, "")
	if err != nil {
		return nil, err
	}
	var out []atomEntry
	for _, h := range heads {
		if h.Note == "" {
			continue // the instance does not sign heads
		}
		updated := s.cfg.Now()
		if th, err := translog.OpenHead([]byte(h.Note), s.cfg.Comments.LogKey); err == nil {
			updated = th.At
		}
		size := strconv.FormatInt(h.TreeSize, 10)
		page := base + "/consultations/" + h.ConsultationID
		out = append(out, atomEntry{ID: page + "#comment-log-" + size,
			Title: i18n.T(lang, "feed.head_title", h.Title, h.TreeSize), Updated: atomTime(updated),
			Links: []atomLink{{Href: page},
				{Rel: "related", Href: base + "/api/v1/heads", Type: "application/json"},
				{Rel: "related", Href: base + "/api/v1/log-key", Type: "application/json"}},
			Summary: atomText{Type: "text", Body: i18n.T(lang, "feed.head_summary", h.ConsultationID, size, h.RootHash)},
			Content: &atomText{Type: "text", Body: h.Note}})
	}
	return out, nil
}

func (s *Server) consultationFeed(c *fiber.Ctx) error {
	lang := langOf(c)
	anyone := auth.Principal{}
	x, err := s.cfg.Consultations.Get(c.UserContext(), anyone, c.Params("id"))
	if err != nil {
		return err
	}
	events, err := s.cfg.Consultations.History(c.UserContext(), anyone, x.ID)
	if err != nil {
		return err
	}
	base := s.baseURL(c)
	page := base + "/consultations/" + x.ID
	f := atomFeed{Lang: string(lang), ID: page + "/feed.atom", Title: x.Title, Updated: atomTime(x.UpdatedAt),
		Author: atomAuthor{Name: "yugongkai"},
		Links:  []atomLink{{Rel: "self", Href: page + "/feed.atom", Type: "application/atom+xml"}, {Href: page}}}
	// Newest first.
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		if !e.Public {
			continue
		}
		if e.Type == "hearing.applied" {
			continue // one entry per applicant would drown the feed; the selection says how many applied
		}
		title := i18n.T(lang, "event."+e.Type)
		var payload map[string]any
		_ = json.Unmarshal(e.Payload, &payload)
		summary := title
		if r, ok := payload["reason"].(string); ok && r != "" {
			summary += "：" + r
		}
		if o, ok := payload["opinion"].(string); ok && o != "" {
			summary += "：" + o
		}
		// page_hearings.go: hearings, 政策解读; api_documents.go: documents.
		summary += feedDetail(lang, e.Type, payload)
		if t, ok := payload["title"].(string); ok && t != "" && e.Type == "document.attached" {
			summary += "：" + t
		}
		f.Entries = append(f.Entries, atomEntry{ID: page + "#event-" + strconv.FormatInt(e.Seq, 10), Title: title, Updated: atomTime(e.At),
			Links: []atomLink{{Href: page}}, Summary: atomText{Type: "text", Body: summary}})
	}
	return s.sendFeed(c, f)
}
