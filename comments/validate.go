package comments

import (
	"strings"
	"time"
	"unicode/utf8"

	"yugongkai/apperr"
	"yugongkai/attachment"
	"yugongkai/workcal"
)

// Field limits.
const (
	MaxBody           = 5000 // characters, after trimming
	MaxName           = 100
	MaxOrganization   = 200
	MaxPhone          = 50
	MaxEmail          = 254
	MaxReason         = 2000
	MaxNote           = 2000
	MaxIdempotencyKey = 200
	MaxChangedArticle = 200
)

// Submission is the form a resident submits.
type Submission struct {
	ArticleID        string        `json:"article_id"`
	Body             string        `json:"body" jsonschema:"required"`
	CommenterType    CommenterType `json:"commenter_type"`
	OrganizationName string        `json:"organization_name"`
	Display          Display       `json:"display"`
	RealName         string        `json:"real_name"`
	ContactPhone     string        `json:"contact_phone"`
	ContactEmail     string        `json:"contact_email"`
	// Stance, optional: support, oppose or neutral on the whole draft.
	Stance Stance `json:"stance" jsonschema:"enum=,enum=support,enum=oppose,enum=neutral"`
	// Notify asks for notifications to the contacts given (nil: yes when
	// a contact is given); Lang is their language (set by the web layer).
	Notify *bool  `json:"notify"`
	Lang   string `json:"-"`
	// SuggestedText, optional: the wording proposed for the whole body of
	// the article commented on (建议修改为…); needs ArticleID.
	SuggestedText string `json:"suggested_text"`
	// Files are the attached files (multipart requests; attachments.go).
	Files []attachment.File `json:"-"`
	// OnBehalfOf, optional: whom the commenter speaks for (category.go).
	OnBehalfOf string `json:"on_behalf_of"`
}

// OfflineSubmission is a comment received offline and entered by staff.
type OfflineSubmission struct {
	Submission
	Channel Channel `json:"channel" jsonschema:"required"`
	// ReceivedOn is the date (2026-12-31, Shanghai) or instant (RFC 3339) the
	// department received the comment.
	ReceivedOn string `json:"received_on" jsonschema:"required"`
	// Signatories, optional: how many people signed (联名信); default 1.
	Signatories int `json:"signatories" jsonschema:"minimum=1"`
}

// ModerationForm publishes or declines a comment.
type ModerationForm struct {
	Action Action        `json:"action" jsonschema:"required"`
	Reason DeclineReason `json:"reason"`
	Note   string        `json:"note"`
}

// DispositionForm answers a comment or a group.
type DispositionForm struct {
	Outcome         Outcome  `json:"status" jsonschema:"required"`
	Reason          string   `json:"reason"`
	ChangedArticles []string `json:"changed_articles"`
	// AcceptedText, with adopted or partially_adopted: the wording of the
	// comment's article accepted (the suggestion, or an edited form of it).
	AcceptedText string `json:"accepted_text"`
}

// hasControl reports control characters other than newline, tab and CR.
func hasControl(s string) bool {
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t' && r != '\r') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}

// checkText validates one free-text field; v must already be trimmed.
func checkText(f *apperr.Fields, field, v string, max int, required bool) {
	switch {
	case !utf8.ValidString(v):
		f.Add(field, "error.bad_utf8")
	case required && v == "":
		f.Add(field, "field.required")
	case utf8.RuneCountInString(v) > max:
		f.Add(field, "field.too_long", max)
	case hasControl(v):
		f.Add(field, "field.control_chars")
	}
}

// validate trims and checks a submission; articleOK tells whether an
// article id belongs to the version shown.
func (in Submission) validate(articleOK func(string) bool) (Submission, error) {
	var f apperr.Fields
	out := in
	out.Body = strings.TrimSpace(in.Body)
	out.ArticleID = strings.TrimSpace(in.ArticleID)
	out.OrganizationName = strings.TrimSpace(in.OrganizationName)
	out.RealName = strings.TrimSpace(in.RealName)
	out.ContactPhone = strings.TrimSpace(in.ContactPhone)
	out.ContactEmail = strings.TrimSpace(in.ContactEmail)

	checkText(&f, "body", out.Body, MaxBody, true)
	if out.ArticleID != "" && !articleOK(out.ArticleID) {
		f.Add("article_id", "comments.article_not_in_version")
	}
	out.OnBehalfOf = strings.TrimSpace(in.OnBehalfOf)
	if out.CommenterType == "" {
		out.CommenterType = Individual
	}
	category, known := CategoryOf(out.CommenterType)
	if !known {
		f.Add("commenter_type", "field.invalid_choice", CategoryNames())
		category = Category{Person: true}
	}
	checkText(&f, "on_behalf_of", out.OnBehalfOf, MaxOnBehalfOf, false)
	switch out.Display {
	case "":
		out.Display = Masked
	case Masked, RealName, Anonymous:
	default:
		f.Add("display", "field.invalid_choice", "masked, real_name, anonymous")
	}
	if !out.Stance.Valid() {
		f.Add("stance", "field.invalid_choice", "support, oppose, neutral")
	}
	checkText(&f, "organization_name", out.OrganizationName, MaxOrganization, category.NeedsOrganization)
	// A name is needed only where it will be shown.
	needName := category.Person && (out.Display == Masked || out.Display == RealName)
	checkText(&f, "real_name", out.RealName, MaxName, needName)
	checkText(&f, "contact_phone", out.ContactPhone, MaxPhone, false)
	if out.ContactPhone != "" && !f.Has("contact_phone") && !plausiblePhone(out.ContactPhone) {
		f.Add("contact_phone", "field.phone")
	}
	checkText(&f, "contact_email", out.ContactEmail, MaxEmail, false)
	if out.ContactEmail != "" && !f.Has("contact_email") && !plausibleEmail(out.ContactEmail) {
		f.Add("contact_email", "field.email")
	}
	checkSuggestion(&f, &out) // suggest.go
	return out, f.Err()
}

func plausiblePhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+-() 转", r):
		default:
			return false
		}
	}
	return digits >= 5 && digits <= 20
}

func plausibleEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	return at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " \t<>") && strings.Contains(s[at:], ".")
}

// publicName is the name public pages show for a validated submission; ""
// means 匿名.
func publicName(in Submission, mask func(string) string) string {
	if in.Display == Anonymous {
		return ""
	}
	if c, ok := CategoryOf(in.CommenterType); ok && !c.Person {
		return in.OrganizationName
	}
	if in.Display == RealName {
		return in.RealName
	}
	return mask(in.RealName)
}

// parseReceived reads a received date (Shanghai civil date: its start) or
// an RFC 3339 instant.
func parseReceived(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if d, err := workcal.ParseDate(s); err == nil {
		return d.In(workcal.Shanghai()).UTC(), true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}

func (d DispositionForm) validate(articleExists func(string) bool) (DispositionForm, error) {
	var f apperr.Fields
	out := d
	out.Reason = strings.TrimSpace(d.Reason)
	switch out.Outcome {
	case Adopted, PartiallyAdopted, NotAdopted, OutOfScope:
	case "":
		f.Add("status", "field.required")
	default:
		f.Add("status", "field.invalid_choice", "adopted, partially_adopted, not_adopted, out_of_scope")
	}
	out.ChangedArticles = nil
	seen := map[string]bool{}
	for _, id := range d.ChangedArticles {
		id = strings.TrimSpace(id)
		if seen[id] {
			continue
		}
		seen[id] = true
		if !articleExists(id) {
			f.Add("changed_articles", "comments.unknown_article", id)
			break
		}
		out.ChangedArticles = append(out.ChangedArticles, id)
	}
	if len(out.ChangedArticles) > MaxChangedArticle {
		f.Add("changed_articles", "field.too_long", MaxChangedArticle)
	}
	// An answer that adopts nothing changed no article: the articles are
	// kept only for adopted and partially adopted comments (the page's
	// picker ticks the comment's article to begin with).
	if out.Outcome == NotAdopted || out.Outcome == OutOfScope {
		out.ChangedArticles = nil
	}
	if key := ReasonRequired(out.Outcome, len(out.ChangedArticles)); key != "" && out.Reason == "" {
		f.Add("reason", key)
	} else {
		checkText(&f, "reason", out.Reason, MaxReason, false)
	}
	return out, f.Err()
}

// ReasonRequired returns the catalogue key of the message asking for a
// reason when an answer with outcome o naming changed articles needs one,
// "" when it does not:
//   - 未予采纳的，应当说明理由: anything but adopted needs a written reason;
//   - an adoption that changes no article needs one too, or the public page
//     would show 采纳 beside 未作修改 unexplained (already provided for
//     elsewhere, adopted in the implementing rules, …).
func ReasonRequired(o Outcome, changedArticles int) string {
	switch {
	case o == "":
		return ""
	case o != Adopted:
		return "comments.reason_required"
	case changedArticles == 0:
		return "comments.adopted_unchanged_reason"
	}
	return ""
}
