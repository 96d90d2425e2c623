package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"yugongkai/consultation"
)

// The 政策解读's questions and answers on the finalization form: rows of
// qa_question / qa_answer fields, blank rows dropped by the domain.

// qaBlankRows is how many empty question-and-answer rows the form offers.
const qaBlankRows = 3

// qaRows is the posted rows followed by blank ones.
func qaRows(posted []consultation.QA) []consultation.QA {
	var out []consultation.QA
	for _, x := range posted {
		if strings.TrimSpace(x.Question) != "" || strings.TrimSpace(x.Answer) != "" {
			out = append(out, x)
		}
	}
	for i := 0; i < qaBlankRows; i++ {
		out = append(out, consultation.QA{})
	}
	return out
}

// postedQA reads the question-and-answer rows of the form.
func postedQA(c *fiber.Ctx) []consultation.QA {
	args := c.Context().PostArgs()
	qs, as := args.PeekMulti("qa_question"), args.PeekMulti("qa_answer")
	var out []consultation.QA
	for i := range qs {
		x := consultation.QA{Question: string(qs[i])}
		if i < len(as) {
			x.Answer = strings.ReplaceAll(string(as[i]), "\r\n", "\n")
		}
		out = append(out, x)
	}
	return out
}

// NeedsInterpretation reports whether the decision must carry a 政策解读.
func (d legalFinalizeData) NeedsInterpretation() bool {
	return consultation.NeedsInterpretation(d.C.ProcedureType)
}

// interpretationFields is the data of the "interpretationfields" partial
// (templates/_interpretation.html): a 政策解读's text, Q&A rows and
// exception reason, on the department's draft form (page_interpretation.go)
// and on the finalization form.
type interpretationFields struct {
	pageBase
	Interpretation, Exception string
	QA                        []consultation.QA
	Errors                    formErrors
	// Needs: a 重大行政决策 or 规范性文件, published with one or a reason.
	Needs bool
}

// Fields is the data of the finalization form's 政策解读 fields.
func (d legalFinalizeData) Fields() interpretationFields {
	return interpretationFields{pageBase: d.pageBase, Interpretation: d.Form.Interpretation, Exception: d.Form.InterpretationException,
		QA: d.Form.QA, Errors: d.Errors, Needs: d.NeedsInterpretation()}
}
