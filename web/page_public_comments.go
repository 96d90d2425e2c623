package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/i18n"
)

// The public list of published comments of a consultation, by article and
// paginated: public copies only (masked names and bodies), each group of
// identical comments once with its count, with the department's answer and
// what became of the article in the newest public text.

func (s *Server) publicCommentPageRoutes() {
	if s.cfg.Comments == nil {
		return
	}
	s.App.Get("/consultations/:id/comments", s.publicCommentsPage)
}

type publicCommentItem struct {
	*comments.PublicComment
	ArticleLabel string
	Fate         *consultation.ArticleFate
	// AdoptionNote explains an adopted comment whose article the newest
	// text leaves unchanged (adoptionNote); it replaces the fate line.
	AdoptionNote string
}

// adoptionNote says why a comment answered 采纳 sits beside an article
// that was not changed: the department's reason, else the other articles
// the adoption changed, else that no reason was given (answers recorded
// before the rule of comments.ReasonRequired). "" when nothing needs
// explaining.
func adoptionNote(lang i18n.Lang, d *comments.PublicDisposition, articleID string, fate *consultation.ArticleFate, label func(string) string) string {
	if d == nil || d.Outcome != comments.Adopted || fate == nil || fate.Status != "unchanged" {
		return ""
	}
	if d.Reason != "" {
		return i18n.T(lang, "page.comments.adopted_unchanged", d.Reason)
	}
	var labels []string
	unknown := false
	for _, id := range d.ChangedArticles {
		if id == articleID {
			continue
		}
		if l := label(id); l != "" {
			labels = append(labels, l)
		} else {
			unknown = true
		}
	}
	switch {
	case len(labels) > 0:
		return i18n.T(lang, "page.comments.adopted_elsewhere", strings.Join(labels, i18n.T(lang, "page.list_sep")))
	case unknown:
		return i18n.T(lang, "page.comments.adopted_other")
	}
	return i18n.T(lang, "page.comments.adopted_no_reason")
}

type articleOption struct {
	ID, Label string
	Count     int
	Selected  bool
}

type publicCommentsPageData struct {
	pageBase
	C        *consultation.Consultation
	Items    []publicCommentItem
	Articles []articleOption
	Article  string // the filter: an article id, "" for all
	Whole    int    // published comments on the whole draft
	Next     string // address of the next page, "" at the end
}

func (s *Server) publicCommentsPage(c *fiber.Ctx) error {
	ctx, lang := c.UserContext(), langOf(c)
	anyone := auth.Principal{} // the page shows public copies to everyone
	x, err := s.cfg.Consultations.Get(ctx, anyone, c.Params("id"))
	if err != nil {
		return err
	}
	f := comments.ListFilter{Cursor: c.Query("cursor"), Limit: 20}
	article := c.Query("article")
	if article != "" {
		f.ArticleID = &article
	}
	page, err := s.cfg.Comments.List(ctx, anyone, x.ID, f)
	if err != nil {
		return err
	}
	v, err := s.cfg.Consultations.VersionOf(ctx, anyone, x, max(x.PublicVersion, 1))
	if err != nil {
		return err
	}
	counts, err := s.cfg.Comments.Store.CountByArticle(ctx, x.ID, comments.Published)
	if err != nil {
		return err
	}
	fates, err := s.cfg.Consultations.ArticleFatesOf(ctx, anyone, x)
	if err != nil {
		return err
	}
	d := publicCommentsPageData{pageBase: s.base(c, i18n.T(lang, "page.comments.title", x.Title)), C: x, Article: article, Whole: counts[""]}
	labels := map[string]string{}
	for _, a := range v.Articles() {
		labels[a.ID] = a.Label
		if counts[a.ID] > 0 {
			d.Articles = append(d.Articles, articleOption{ID: a.ID, Label: a.Label, Count: counts[a.ID], Selected: a.ID == article})
		}
	}
	for _, pc := range page.Public {
		it := publicCommentItem{PublicComment: pc, ArticleLabel: labels[pc.ArticleID]}
		if fate, ok := fates[pc.ArticleID]; ok && fate.Version > 1 {
			it.Fate = &fate
		}
		it.AdoptionNote = adoptionNote(lang, pc.Disposition, pc.ArticleID, it.Fate, func(id string) string {
			if f, ok := fates[id]; ok && f.ToLabel != "" {
				return f.ToLabel
			}
			return labels[id]
		})
		d.Items = append(d.Items, it)
	}
	if page.Next != "" {
		d.Next = "/consultations/" + x.ID + "/comments?cursor=" + page.Next
		if article != "" {
			d.Next += "&article=" + article
		}
	}
	return s.render(c, fiber.StatusOK, "comments", d)
}
