package web

import (
	"github.com/gofiber/fiber/v2"

	"yugongkai/comments"
	"yugongkai/redline"
)

// Suggested wordings on the pages (comments/suggest.go): the commenter's
// field on the comment form, the redline staff see beside the answer form
// and the accepted wording it carries.

// withSuggestion marks the answer form of a comment that suggests a
// wording; an unanswered form offers the suggestion as the wording to
// accept.
func (f dispositionForm) withSuggestion(cm *comments.Comment) dispositionForm {
	if cm.SuggestedText == "" || cm.ArticleID == "" {
		return f
	}
	f.Suggested = true
	if f.Accepted == "" {
		f.Accepted = cm.SuggestedText
	}
	return f
}

// postedWording reads the accepted wording of an answer form: kept only
// with an outcome that adopts, so a form offering the suggestion can still
// be answered 未采纳 without clearing the field.
func postedWording(c *fiber.Ctx, o comments.Outcome) string {
	if o != comments.Adopted && o != comments.PartiallyAdopted {
		return ""
	}
	return formText(c, "accepted_text")
}

// suggestionSpans is the redline from the current wording to a suggestion.
func suggestionSpans(current, suggested string) []diffSpan {
	if current == "" {
		return nil
	}
	var out []diffSpan
	for _, sp := range comments.SuggestionRedline(current, suggested) {
		out = append(out, diffSpan{Text: sp.Text, Ins: sp.Op == redline.Insert, Del: sp.Op == redline.Delete})
	}
	return out
}

// SuggestionArgs are the arguments of the "suggestion" partial for a
// comment: its suggestion as a redline against the newest version's
// wording of its article.
func (d workDispositionsData) SuggestionArgs(cm *comments.Comment) map[string]any {
	return map[string]any{"Page": d, "Text": cm.SuggestedText, "Spans": suggestionSpans(d.Wording[cm.ArticleID].Text, cm.SuggestedText)}
}

// prefillRevision starts the revision form from the newest version with
// the accepted wordings applied (comments.Service.RevisionDraft).
func (s *Server) prefillRevision(c *fiber.Ctx, d *workReviseData) error {
	if s.cfg.Comments == nil {
		v, err := s.cfg.Consultations.VersionOf(c.UserContext(), d.User, d.C, d.C.CurrentVersion)
		if err != nil {
			return err
		}
		d.Text = v.Text
		return nil
	}
	draft, err := s.cfg.Comments.RevisionDraft(c.UserContext(), d.User, d.C.ID)
	if err != nil {
		return err
	}
	d.Text, d.Applied = draft.Text, draft.Applied
	return nil
}
