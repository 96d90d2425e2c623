package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/history"
)

func (s *Server) reviewRoutes(api fiber.Router) {
	small := limitBody(DefaultBodyLimit)
	api.Post("/consultations/:id/versions", limitBody(DraftBodyLimit), s.addVersion)
	api.Get("/consultations/:id/diff", s.diff)
	api.Post("/consultations/:id/review", small, s.submitForReview)
	api.Get("/consultations/:id/review", s.reviewPackage)
	api.Post("/consultations/:id/review/opinion", small, s.giveOpinion)
	api.Post("/consultations/:id/finalize", small, s.finalize)
	api.Post("/consultations/:id/later-status", small, s.laterStatus)
	api.Get("/consultations/:id/history", s.history)
	api.Get("/consultations/:id/history/verify", s.verifyHistory)
	api.Get("/consultations/:id/archive", s.archive)
	api.Get("/review-queue", s.reviewQueue)
}

func init() {
	registerOperations(
		apiOperation{Method: "POST", Path: "/consultations/{id}/versions", ID: "addVersion", Summary: "Add a revised version (after the period, or when returned)", Auth: "staff", Request: consultation.RevisionForm{}, Status: 201, Response: VersionResponse{}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/diff", ID: "diff", Summary: "Redline between two versions (format=json|html|text)", Params: []string{"from", "to", "format"}, Response: DiffResponse{}, Media: []string{"text/html", "text/plain"}},
		apiOperation{Method: "POST", Path: "/consultations/{id}/review", ID: "submitForReview", Summary: "Submit for legality review (package must be complete)", Auth: "staff", Request: consultation.SubmitForm{}, Response: ConsultationView{}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/review", ID: "reviewPackage", Summary: "The review package: procedure statement, missing items, due date", Auth: "login", Response: ReviewPackage{}},
		apiOperation{Method: "POST", Path: "/consultations/{id}/review/opinion", ID: "giveOpinion", Summary: "Review opinion: lawful, revise or unlawful", Auth: "legal", Request: consultation.OpinionForm{}, Response: ConsultationView{}},
		apiOperation{Method: "POST", Path: "/consultations/{id}/finalize", ID: "finalize", Summary: "Publish the adopted decision (文号, dates)", Auth: "legal", Request: consultation.FinalizeForm{}, Response: ConsultationView{}},
		apiOperation{Method: "POST", Path: "/consultations/{id}/later-status", ID: "laterStatus", Summary: "Stamp a published decision as amended, repealed or lapsed", Auth: "staff", Request: consultation.LaterStatusForm{}, Response: ConsultationView{}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/history", ID: "history", Summary: "The event chain (决策档案) visible to the caller", Response: List[history.Event]{}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/history/verify", ID: "verifyHistory", Summary: "Recompute the hash chain", Response: consultation.Verification{}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/archive", ID: "archive", Summary: "The whole record as one JSON archive with a SHA-256 manifest (docs/ARCHIVE.md; versions keep the stored document format)", Response: consultation.Archive{}},
		apiOperation{Method: "GET", Path: "/review-queue", ID: "reviewQueue", Summary: "Consultations awaiting review or finalization", Auth: "legal", Response: List[ConsultationView]{}},
	)
}

func (s *Server) addVersion(c *fiber.Ctx) error {
	var f consultation.RevisionForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	v, err := s.cfg.Consultations.Revise(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(versionResponse(v))
}

func intQuery(c *fiber.Ctx, name string, def int) (int, error) {
	q := c.Query(name)
	if q == "" {
		return def, nil
	}
	n, err := strconv.Atoi(q)
	if err != nil || n < 1 {
		return 0, apperr.New(apperr.Invalid, "error.bad_param", name)
	}
	return n, nil
}

func (s *Server) diff(c *fiber.Ctx) error {
	x, err := s.cfg.Consultations.Get(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	from, err := intQuery(c, "from", 1)
	if err != nil {
		return err
	}
	to, err := intQuery(c, "to", x.CurrentVersion)
	if err != nil {
		return err
	}
	r, _, _, err := s.cfg.Consultations.Redline(c.UserContext(), principal(c), x.ID, from, to)
	if err != nil {
		return err
	}
	switch c.Query("format", "json") {
	case "html":
		c.Type("html", "utf-8")
		return c.SendString(r.HTML())
	case "text":
		c.Type("txt", "utf-8")
		return c.SendString(r.Unified())
	case "json":
		links, err := s.linkedComments(c, x)
		if err != nil {
			return err
		}
		// Changed articles no comment is linked to: drafting changes, listed as such.
		unlinked := []string{}
		for _, ch := range r.Changes {
			if ch.Kind == "unchanged" || ch.Kind == "deleted" {
				continue
			}
			if _, ok := links[ch.ID]; !ok {
				unlinked = append(unlinked, ch.ID)
			}
		}
		return c.JSON(DiffResponse{From: from, To: to, Changes: changeViews(r.Changes), Stats: statsView(r.Stats),
			LinkedComments: links, UnlinkedChanges: unlinked})
	}
	return apperr.New(apperr.Invalid, "error.bad_param", "format")
}

func (s *Server) submitForReview(c *fiber.Ctx) error {
	var f consultation.SubmitForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	x, err := s.cfg.Consultations.SubmitForReview(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	return c.JSON(s.view(c, x))
}

// ReviewPackage is what the legal office reviews: the procedure statement,
// what is still missing, the review record and its due window.
type ReviewPackage struct {
	Consultation ConsultationView                 `json:"consultation"`
	Statement    *consultation.ProcedureStatement `json:"statement"`
	Missing      []string                         `json:"missing"`
	Review       *consultation.Review             `json:"review"`
	Window       consultation.ReviewWindow        `json:"window"`
}

func (s *Server) reviewPackage(c *fiber.Ctx) error {
	p := principal(c)
	x, err := s.cfg.Consultations.Get(c.UserContext(), p, c.Params("id"))
	if err != nil {
		return err
	}
	if !consultation.CanSeeInternal(p, x) {
		return apperr.New(apperr.Forbidden, "error.forbidden")
	}
	st, err := s.cfg.Consultations.Statement(c.UserContext(), x)
	if err != nil {
		return err
	}
	missing, err := s.cfg.Consultations.PackageMissing(c.UserContext(), x)
	if err != nil {
		return err
	}
	return c.JSON(ReviewPackage{Consultation: s.view(c, x), Statement: st, Missing: missing,
		Review: x.Review, Window: consultation.ReviewWindowFor(x.ProcedureType)})
}

func (s *Server) giveOpinion(c *fiber.Ctx) error {
	var f consultation.OpinionForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	x, err := s.cfg.Consultations.GiveOpinion(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	return c.JSON(s.view(c, x))
}

func (s *Server) finalize(c *fiber.Ctx) error {
	var f consultation.FinalizeForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	x, err := s.cfg.Consultations.Finalize(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	return c.JSON(s.view(c, x))
}

func (s *Server) laterStatus(c *fiber.Ctx) error {
	var f consultation.LaterStatusForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	x, err := s.cfg.Consultations.SetLaterStatus(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	return c.JSON(s.view(c, x))
}

func (s *Server) history(c *fiber.Ctx) error {
	events, err := s.cfg.Consultations.History(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(List[history.Event]{Items: events})
}

func (s *Server) verifyHistory(c *fiber.Ctx) error {
	v, err := s.cfg.Consultations.VerifyAll(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) archive(c *fiber.Ctx) error {
	a, err := s.cfg.Consultations.BuildArchive(c.UserContext(), principal(c), c.Params("id"), s.archiveComments())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="yugongkai-`+c.Params("id")+`.json"`)
	return c.JSON(a)
}

func (s *Server) reviewQueue(c *fiber.Ctx) error {
	list, err := s.cfg.Consultations.ReviewQueue(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	out := make([]ConsultationView, 0, len(list))
	for _, x := range list {
		out = append(out, s.view(c, x))
	}
	return c.JSON(List[ConsultationView]{Items: out})
}

// linkedComments returns, per changed article id, the public copies of the
// comments whose disposition names it (set once the comments API is wired).
func (s *Server) linkedComments(c *fiber.Ctx, x *consultation.Consultation) (map[string][]comments.PublicComment, error) {
	if s.links == nil {
		return map[string][]comments.PublicComment{}, nil
	}
	return s.links(c, x)
}

// archiveComments returns the comments part of the archive, if wired.
func (s *Server) archiveComments() consultation.CommentsArchiver { return s.commentsArchiver }
