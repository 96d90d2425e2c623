package consultation

import (
	"strings"

	"yugongkai/apperr"
)

// The 政策解读 (policy interpretation) published with a decision: a text in
// plain words and, optionally, questions and answers, written by the
// department (国办发〔2018〕37号 asks it of 规范性文件; the 条例 art. 32 of
// 重大行政决策). For those two procedure types it is required; the
// decision may go without one only with a recorded exception reason (a
// decision that is purely internal, a technical correction), which is
// published in its place. For 规章 and others it is optional.

// QA is one question and answer of a 政策解读.
type QA struct {
	Question string `json:"question" bson:"question" jsonschema:"required"`
	Answer   string `json:"answer" bson:"answer" jsonschema:"required"`
}

// Limits of the Q&A.
const (
	MaxQA       = 50
	MaxQAAnswer = 5000
)

// NeedsInterpretation reports whether a decision of type t must be
// published with a 政策解读 (or an exception reason).
func NeedsInterpretation(t ProcedureType) bool {
	return t == MajorDecision || t == NormativeDocument
}

// checkInterpretation validates a 政策解读 (trimmed text and exception):
// the text, the Q&A (pairs with both halves, blank pairs dropped) and the
// exception reason, which is taken only where an interpretation is needed
// and absent. On publication (finalizing) a 重大行政决策 or 规范性文件 needs
// the text or the exception; a department's draft (interpretation_draft.go)
// may still lack both.
func checkInterpretation(f *apperr.Fields, t ProcedureType, text, exception string, qa []QA, finalizing bool) []QA {
	checkText(f, "interpretation", text, MaxInterpretation, false)
	checkText(f, "interpretation_exception", exception, MaxReason, false)
	var out []QA
	for _, x := range qa {
		q, a := strings.TrimSpace(x.Question), strings.TrimSpace(x.Answer)
		if q == "" && a == "" {
			continue
		}
		if q == "" || a == "" {
			f.Add("qa", "finalize.qa_incomplete")
			break
		}
		checkText(f, "qa", q, MaxReason, true)
		checkText(f, "qa", a, MaxQAAnswer, true)
		out = append(out, QA{Question: q, Answer: a})
	}
	if len(out) > MaxQA {
		f.Add("qa", "field.too_many", MaxQA)
	}
	switch {
	case len(out) > 0 && text == "":
		f.Add("interpretation", "finalize.qa_without_text")
	case finalizing && NeedsInterpretation(t) && text == "" && exception == "":
		f.Add("interpretation", "finalize.interpretation_required")
	case text != "" && exception != "":
		f.Add("interpretation_exception", "finalize.exception_with_text")
	}
	return out
}

// qaPayload is the Q&A as an event payload value (a list of objects).
func qaPayload(qa []QA) []any {
	out := []any{}
	for _, x := range qa {
		out = append(out, map[string]any{"question": x.Question, "answer": x.Answer})
	}
	return out
}
