package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/consultation"
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
		apiOperation{"POST", "/consultations/{id}/versions", "Add a revised version (after the period, or when returned)", "Revision", "staff", nil},
		apiOperation{"GET", "/consultations/{id}/diff", "Redline between two versions (format=json|html|text)", "", "", []string{"from", "to", "format"}},
		apiOperation{"POST", "/consultations/{id}/review", "Submit for legality review (package must be complete)", "Submit", "staff", nil},
		apiOperation{"GET", "/consultations/{id}/review", "The review package: procedure statement, missing items, due date", "", "login", nil},
		apiOperation{"POST", "/consultations/{id}/review/opinion", "Review opinion: lawful, revise or unlawful", "Opinion", "legal", nil},
		apiOperation{"POST", "/consultations/{id}/finalize", "Publish the adopted decision (文号, dates)", "Finalize", "legal", nil},
		apiOperation{"POST", "/consultations/{id}/later-status", "Stamp a published decision as amended, repealed or lapsed", "LaterStatus", "staff", nil},
		apiOperation{"GET", "/consultations/{id}/history", "The event chain (决策档案) visible to the caller", "", "", nil},
		apiOperation{"GET", "/consultations/{id}/history/verify", "Recompute the hash chain", "", "", nil},
		apiOperation{"GET", "/consultations/{id}/archive", "The whole record as one JSON archive with a SHA-256 manifest", "", "", nil},
		apiOperation{"GET", "/review-queue", "Consultations awaiting review or finalization", "", "legal", nil},
	)
	requestSchemas["Revision"] = obj(props{"text": str(), "note": str(), "kind": enum("revision")}, "text")
	requestSchemas["Submit"] = obj(props{"review_days": map[string]any{"type": "integer"}})
	requestSchemas["Opinion"] = obj(props{"outcome": enum("lawful", "revise", "unlawful"), "opinion": str()}, "outcome")
	requestSchemas["Finalize"] = obj(props{"title": str(), "document_number": str(), "registration_number": str(), "adopted_on": str(), "effective_on": str(), "effective_exception": str()}, "document_number", "adopted_on", "effective_on")
	requestSchemas["LaterStatus"] = obj(props{"status": enum("amended", "repealed", "lapsed"), "reason": str(), "successor_url": str()}, "status", "reason")
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
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"version": v, "articles": v.Articles()})
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
		return c.JSON(fiber.Map{"from": from, "to": to, "changes": r.Changes, "stats": r.Stats,
			"linked_comments": links, "unlinked_changes": unlinked})
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
	return c.JSON(fiber.Map{"consultation": s.view(c, x), "statement": st, "missing": missing,
		"review": x.Review, "window": consultation.ReviewWindowFor(x.ProcedureType)})
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
	return c.JSON(fiber.Map{"items": events})
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
	return c.JSON(fiber.Map{"items": out})
}

// linkedComments returns, per changed article id, the public copies of the
// comments whose disposition names it (set once the comments API is wired).
func (s *Server) linkedComments(c *fiber.Ctx, x *consultation.Consultation) (map[string]any, error) {
	if s.links == nil {
		return map[string]any{}, nil
	}
	return s.links(c, x)
}

// archiveComments returns the comments part of the archive, if wired.
func (s *Server) archiveComments() consultation.CommentsArchiver { return s.commentsArchiver }
