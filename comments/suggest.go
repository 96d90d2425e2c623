package comments

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/lawtext"
	"yugongkai/privacy"
	"yugongkai/redline"
)

// Suggested wording (建议修改为…). A comment on an article may carry the
// wording its commenter proposes for that article: the whole body of the
// article (without its label), not a quoted span. The span that changes is
// what the redline between the current body and the suggestion shows
// (SuggestionRedline), so a commenter never has to quote the text exactly
// and staff always see the change in context.
//
// Accepting it is a disposition 采纳 or 部分采纳 carrying AcceptedText, the
// wording accepted (the suggestion, or staff's edit of it for 部分采纳); the
// article is then among the disposition's changed articles, which is what
// links the comment to the change in every later redline (Linked). The
// next revision's draft starts from the accepted wordings (RevisionDraft);
// staff may still edit it before saving the version.

// MaxSuggestedText bounds a suggested or accepted wording, in characters.
const MaxSuggestedText = MaxBody

// checkSuggestion trims and checks the suggested wording of a submission.
func checkSuggestion(f *apperr.Fields, out *Submission) {
	out.SuggestedText = strings.TrimSpace(out.SuggestedText)
	if out.SuggestedText == "" {
		return
	}
	checkText(f, "suggested_text", out.SuggestedText, MaxSuggestedText, false)
	if out.ArticleID == "" && !f.Has("suggested_text") {
		f.Add("suggested_text", "comments.suggestion_needs_article")
	}
}

// withSuggestion puts a validated submission's suggested wording on cm.
// Comments with the same text but different suggestions are not identical,
// so the suggestion is part of the exact group key.
func withSuggestion(cm *Comment, in Submission) {
	if in.SuggestedText == "" {
		return
	}
	cm.SuggestedText = in.SuggestedText
	cm.PublicSuggestedText, _ = privacy.MaskText(in.SuggestedText)
	cm.GroupID = ExactGroupID(in.ArticleID, in.Body+"\x00建议修改为\x00"+in.SuggestedText)
}

// withWordingArticle adds the article of a disposition carrying an accepted
// wording to its changed articles before the form is validated (an adoption
// that names an article needs no reason).
func withWordingArticle(in DispositionForm, articleID string) DispositionForm {
	if strings.TrimSpace(in.AcceptedText) == "" || articleID == "" || slices.Contains(in.ChangedArticles, articleID) {
		return in
	}
	in.ChangedArticles = append(slices.Clone(in.ChangedArticles), articleID)
	return in
}

// acceptWording checks the accepted wording of a disposition of a comment
// (or a group) on articleID and records it in d. Invalid: a wording with an
// outcome other than adopted or partially adopted, on a whole-draft comment,
// on an article the current version no longer has, or that is more than
// one article's body.
func (s *Service) acceptWording(ctx context.Context, c *consultation.Consultation, d *Disposition, text, articleID string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	var f apperr.Fields
	checkText(&f, "accepted_text", text, MaxSuggestedText, false)
	switch {
	case f.Has("accepted_text"):
	case d.Outcome != Adopted && d.Outcome != PartiallyAdopted:
		f.Add("accepted_text", "comments.wording_needs_adoption")
	case articleID == "":
		f.Add("accepted_text", "comments.suggestion_needs_article")
	}
	if err := f.Err(); err != nil {
		return err
	}
	v, err := s.Consultations.Store.Version(ctx, c.ID, c.CurrentVersion)
	if err != nil {
		return err
	}
	a, ok := v.Article(articleID)
	if !ok {
		f.Add("accepted_text", "comments.wording_article_gone")
		return f.Err()
	}
	if _, err := wordingParagraphs(a, text); err != nil {
		f.Add("accepted_text", "comments.wording_one_article")
		return f.Err()
	}
	d.AcceptedText = text
	return nil
}

// wordingParagraphs parses a wording as the body of article a. A wording
// that starts with a's label has it dropped. Error: the wording reads as
// more than one article.
func wordingParagraphs(a lawtext.Article, text string) ([]lawtext.Paragraph, error) {
	text = strings.TrimSpace(text)
	if a.Label != "" && strings.HasPrefix(text, a.Label) {
		text = strings.TrimLeft(strings.TrimPrefix(text, a.Label), " \t\u3000")
	}
	doc, err := lawtext.Parse(a.Label + "\u3000" + text)
	arts := doc.Articles()
	if err != nil || len(arts) != 1 {
		return nil, apperr.New(apperr.Invalid, "comments.wording_one_article")
	}
	return arts[0].Paragraphs, nil
}

// SuggestionRedline is the character redline from the current wording of
// the article to the suggestion (staff's view of a suggestion).
func SuggestionRedline(current, suggested string) []redline.Span {
	return redline.Diff(current, strings.TrimSpace(suggested))
}

// AppliedWording is an accepted wording the revision draft starts from.
type AppliedWording struct {
	ArticleID string `json:"article_id"`
	Label     string `json:"label"`
	// Text is the accepted wording applied to the article's body.
	Text string `json:"text"`
	// CommentIDs are the comments whose accepted wording this is.
	CommentIDs []string `json:"comment_ids"`
	// Superseded are comments with another accepted wording of the same
	// article, given earlier: the latest accepted wording is applied.
	Superseded []string `json:"superseded,omitempty"`
}

// RevisionDraft is the text the next revision starts from.
type RevisionDraft struct {
	// Version is the version the draft starts from (the newest).
	Version int              `json:"version"`
	Text    string           `json:"text"`
	Applied []AppliedWording `json:"applied"`
}

// RevisionDraft returns the newest version's text with every wording
// accepted since that version was saved applied to its article (the latest
// one where several were accepted for one article), for staff to start the
// next revision from. Errors: NotFound, Forbidden (not the owning
// department), Conflict (the state allows no revision).
func (s *Service) RevisionDraft(ctx context.Context, actor auth.Principal, consultationID string) (*RevisionDraft, error) {
	c, err := s.manage(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	if err := consultation.Check(actor, c, consultation.ActRevise); err != nil {
		return nil, err
	}
	v, err := s.Consultations.Store.Version(ctx, c.ID, c.CurrentVersion)
	if err != nil {
		return nil, err
	}
	type accepted struct {
		d   Disposition
		ids []string
	}
	byArticle := map[string][]*accepted{}
	f := Filter{ConsultationID: c.ID, Outcomes: []Outcome{Adopted, PartiallyAdopted}, Limit: 500}
	for {
		page, next, err := s.Store.Comments(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, cm := range page {
			d := cm.Disposition
			if cm.Status == Withdrawn || d == nil || d.AcceptedText == "" || cm.ArticleID == "" || !d.At.After(v.CreatedAt) {
				continue
			}
			list := byArticle[cm.ArticleID]
			i := slices.IndexFunc(list, func(a *accepted) bool { return a.d.AcceptedText == d.AcceptedText })
			if i < 0 {
				list = append(list, &accepted{d: *d})
				i = len(list) - 1
			} else if d.At.After(list[i].d.At) {
				list[i].d = *d
			}
			list[i].ids = append(list[i].ids, cm.ID)
			byArticle[cm.ArticleID] = list
		}
		if next == "" || len(page) == 0 {
			break
		}
		f.Cursor = next
	}
	out := &RevisionDraft{Version: v.Number, Applied: []AppliedWording{}}
	doc := v.Document
	doc.Blocks = slices.Clone(doc.Blocks)
	for i, b := range doc.Blocks {
		if b.Article == nil || len(byArticle[b.Article.ID]) == 0 {
			continue
		}
		list := byArticle[b.Article.ID]
		sort.SliceStable(list, func(i, j int) bool { return list[i].d.At.After(list[j].d.At) })
		paras, err := wordingParagraphs(*b.Article, list[0].d.AcceptedText)
		if err != nil {
			continue // checked when accepted; a text that no longer parses is left to staff
		}
		a := *b.Article
		a.Paragraphs = paras
		doc.Blocks[i].Article = &a
		w := AppliedWording{ArticleID: a.ID, Label: a.Label, Text: list[0].d.AcceptedText, CommentIDs: list[0].ids}
		for _, other := range list[1:] {
			w.Superseded = append(w.Superseded, other.ids...)
		}
		out.Applied = append(out.Applied, w)
	}
	out.Text = lawtext.Render(doc)
	return out, nil
}

// suggestionNotifications tells the commenter of cm, who suggested a
// wording, that the answer d accepts it (采纳, 部分采纳) or declines it;
// nothing when the answer keeps the suggestion where the previous one had
// it, or cm has no suggestion or was withdrawn.
func suggestionNotifications(c *consultation.Consultation, cm *Comment, d Disposition, now time.Time) []consultation.Notification {
	if cm.SuggestedText == "" || cm.Status == Withdrawn {
		return nil
	}
	accepted := d.Outcome == Adopted || d.Outcome == PartiallyAdopted
	if prev := cm.Disposition; prev != nil && (prev.Outcome == Adopted || prev.Outcome == PartiallyAdopted) == accepted {
		return nil
	}
	kind := consultation.NotifySuggestionDeclined
	params := map[string]string{"outcome": string(d.Outcome)}
	if accepted {
		kind = consultation.NotifySuggestionAccepted
		params["accepted_text"] = d.AcceptedText
	} else {
		params["reason"] = d.Reason
	}
	return notifications(c, cm, kind, params, now)
}

// groupSuggestionNotifications is suggestionNotifications for every member
// of group gid answered with d.
func (s *Service) groupSuggestionNotifications(ctx context.Context, c *consultation.Consultation, gid string, d Disposition) ([]consultation.Notification, error) {
	var out []consultation.Notification
	f := Filter{ConsultationID: c.ID, GroupID: gid, Limit: 500}
	for {
		page, next, err := s.Store.Comments(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, cm := range page {
			out = append(out, suggestionNotifications(c, cm, d, d.At)...)
		}
		if next == "" || len(page) == 0 {
			return out, nil
		}
		f.Cursor = next
	}
}

// withAccepted adds the accepted wording of d, if any, to the payload of
// its event: the history holds what was accepted.
func withAccepted(payload map[string]any, d Disposition) map[string]any {
	if d.AcceptedText != "" {
		payload["accepted_text"] = d.AcceptedText
	}
	return payload
}
