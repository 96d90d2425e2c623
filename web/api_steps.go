package web

import (
	"github.com/gofiber/fiber/v2"

	"yugongkai/consultation"
)

func init() {
	registerOperations(
		apiOperation{Method: "POST", Path: "/consultations/{id}/steps", ID: "recordStep", Auth: "staff",
			Summary: "Enter the record of a procedure step (also multipart/form-data: the JSON members as form fields, risk_types repeated, up to 5 files as attachment: PDF, .docx, images, 10 MB each): expert review, risk assessment, fair-competition review, hearing (before the legality review) or the collective decision (after approval; revise returns the draft, rejected ends it)",
			Request: consultation.StepForm{}, Files: []string{"attachment"}, Status: 201, Response: consultation.Step{}},
		apiOperation{Method: "GET", Path: "/consultations/{id}/steps", ID: "listSteps",
			Summary:  "The procedure step records: the public ones for everyone, all of them for the department, the legal office and administrators",
			Response: List[consultation.Step]{}},
	)
}

func (s *Server) recordStep(c *fiber.Ctx) error {
	var f consultation.StepForm
	if err := decodeStepForm(c, &f); err != nil { // JSON or multipart with files (api_attachments.go)
		return err
	}
	st, err := s.cfg.Consultations.RecordStep(c.UserContext(), principal(c), c.Params("id"), f)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(st)
}

func (s *Server) listSteps(c *fiber.Ctx) error {
	p := principal(c)
	x, err := s.cfg.Consultations.Get(c.UserContext(), p, c.Params("id"))
	if err != nil {
		return err
	}
	steps := consultation.StepsFor(p, x)
	if steps == nil {
		steps = []consultation.Step{}
	}
	return c.JSON(List[consultation.Step]{Items: steps})
}
