package web

import (
	"github.com/gofiber/fiber/v2"

	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/i18n"
)

// 我的意见: the comments of the logged-in account (comments.Service.Mine).

func init() {
	registerOperations(apiOperation{Method: "GET", Path: "/me/comments", ID: "myComments", Auth: "login",
		Summary:  "The comments submitted through the current account, newest first, each with its receipt, status, answer and what became of its article",
		Response: List[comments.MyComment]{}})
}

func (s *Server) myComments(c *fiber.Ctx) error {
	list, err := s.cfg.Comments.Mine(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	return c.JSON(List[comments.MyComment]{Items: list})
}

type minePageData struct {
	pageBase
	Items []mineItem
	// Attached: a comment was just attached (page_attach_receipt.go).
	Attached bool
}

type mineItem struct {
	comments.MyComment
	Fate string // what became of the article, in words
}

func (s *Server) minePage(c *fiber.Ctx) error {
	p, err := requirePage(c, auth.Resident, auth.Staff, auth.Legal, auth.Admin)
	if err != nil {
		return err
	}
	lang := langOf(c)
	list, err := s.cfg.Comments.Mine(c.UserContext(), p)
	if err != nil {
		return err
	}
	d := minePageData{pageBase: s.base(c, i18n.T(lang, "page.mine.title")), Attached: c.Query("attached") != ""}
	for _, m := range list {
		d.Items = append(d.Items, mineItem{MyComment: m, Fate: fateText(lang, m.Fate)})
	}
	return s.render(c, fiber.StatusOK, "me_comments", d)
}

// fateText says in words what a version did to an article.
func fateText(lang i18n.Lang, f *consultation.ArticleFate) string {
	if f == nil {
		return ""
	}
	switch f.Status {
	case "changed", "moved", "renumbered":
		return i18n.T(lang, "page.work.fate_"+f.Status, f.Version, f.ToLabel)
	}
	return i18n.T(lang, "page.work.fate_"+f.Status, f.Version)
}
