package web

import (
	"github.com/gofiber/fiber/v2"

	"yugongkai/consultation"
)

// The department's draft 政策解读 (consultation/interpretation_draft.go):
// written by the department before finalization, read by it and by the
// legal office, published by Finalize when the finalization gives none of
// its own.

// interpretationBodyLimit admits the longest draft: a 20 000-character text
// and 50 questions and answers.
const interpretationBodyLimit = DraftBodyLimit

func (s *Server) interpretationRoutes(api fiber.Router) {
	api.Put("/consultations/:id/interpretation", limitBody(interpretationBodyLimit), s.draftInterpretation)
	api.Get("/consultations/:id/interpretation", s.getInterpretation)
}

func init() {
	registerOperations(
		apiOperation{Method: "PUT", Path: "/consultations/{id}/interpretation", ID: "draftInterpretation", Auth: "staff",
			Summary: "Draft the 政策解读 (the owning department, any time before finalization): the text, its Q&A (only with the text), or the reason for publishing none; replaces the previous draft, all empty clears it. Finalization without an interpretation of its own publishes this draft. An internal interpretation.drafted event in the hash chain",
			Request: consultation.InterpretationForm{}, Response: consultation.InterpretationDraft{}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/interpretation", ID: "getInterpretation", Auth: "login",
			Summary:  "The department's draft 政策解读 (the department, the legal office and administrators); empty when none was drafted",
			Response: consultation.InterpretationDraft{}},
	)
}

func (s *Server) draftInterpretation(c *fiber.Ctx) error {
	var f consultation.InterpretationForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	d, err := s.cfg.Consultations.DraftInterpretation(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	return c.JSON(interpretationJSON(d))
}

func (s *Server) getInterpretation(c *fiber.Ctx) error {
	d, err := s.cfg.Consultations.InterpretationDraftOf(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(interpretationJSON(d))
}

// interpretationJSON writes an absent Q&A as [], not null.
func interpretationJSON(d *consultation.InterpretationDraft) consultation.InterpretationDraft {
	out := *d
	if out.QA == nil {
		out.QA = []consultation.QA{}
	}
	return out
}
