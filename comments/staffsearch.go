package comments

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/privacy"
)

// Staff search: the department and the legal office search every comment
// of one consultation (pending, published, declined, withdrawn) by its text
// and by the text extracted from its attached PDFs and .docx files.
//
// It is a bounded scan, not an index: a page walks the consultation's
// comments through the store's keyset listing (Store.Comments, the same
// call as the staff list, so both stores serve it unchanged) in
// (ReceivedAt, ID) order and stops when it has Limit hits or has read
// StaffSearchScan comments. Either way the page returns the position to go
// on from, so a search through 100 000 comments is a chain of pages each
// costing at most StaffSearchScan rows, never one unbounded request. An
// index was not built because the public search's postings are being
// reworked beside this, because staff search one consultation at a time
// (thousands of comments, rarely more), and because a scan sees a comment's
// current status and text with no index to keep in step; docs/PERFORMANCE.md
// gives the cost of a page at 10 000 comments.
//
// Contact details are never searched nor returned: the text searched and
// the excerpts shown are privacy.MaskText of the body and of each file's
// text (so a phone number, e-mail or ID number typed into a comment or a
// letter is masked there too), and a hit carries no contact field.

// StaffSearchScan bounds the comments one page of a staff search reads.
const StaffSearchScan = 2000

// staffSearchBatch is how many comments one store call reads.
const staffSearchBatch = 250

// MaxStaffQuery bounds a staff search query, in characters; MaxStaffTerms
// bounds its words.
const (
	MaxStaffQuery = 100
	MaxStaffTerms = 8
)

// excerptRunes is how much text an excerpt shows around its first match.
const excerptRunes = 40

// StaffSearchQuery is a staff search request.
type StaffSearchQuery struct {
	// Q is one to MaxStaffTerms words or runs of Chinese characters
	// separated by spaces; a comment matches when each occurs (case
	// folded) in its body or in the text of one of its files.
	Q string
	// Cursor is the Next of the previous page ("": from the start).
	Cursor string
	// Limit is the most hits a page returns (default 20, at most 100).
	Limit int
}

// StaffSearchPage is one page of a staff search.
type StaffSearchPage struct {
	Query string     `json:"query"`
	Hits  []StaffHit `json:"hits"`
	// Scanned is how many comments this page read.
	Scanned int `json:"scanned"`
	// Next goes on after the last comment read; "" when every comment of
	// the consultation has been searched.
	Next string `json:"next,omitempty"`
}

// StaffHit is a comment that matched: where it matched, never who sent it
// or how to reach them.
type StaffHit struct {
	CommentID  string    `json:"comment_id"`
	ArticleID  string    `json:"article_id,omitempty"`
	Status     Status    `json:"status"`
	Channel    Channel   `json:"channel"`
	ReceivedAt time.Time `json:"received_at"`
	Receipt    string    `json:"receipt"`
	// InBody says a word matched in the comment's text; Excerpt is that
	// text (masked) around the first match, or its start.
	InBody  bool   `json:"in_body"`
	Excerpt string `json:"excerpt"`
	// Files are the attached files in whose text a word matched.
	Files []StaffHitFile `json:"files,omitempty"`
}

// StaffHitFile is an attached file whose extracted text matched.
type StaffHitFile struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Excerpt string `json:"excerpt"`
}

// CanStaffSearch reports whether p may search the comments of c: staff of
// its department and the legal office (which reviews the comments with the
// draft). Administrators manage accounts, not comments, and are refused.
func CanStaffSearch(p auth.Principal, c *consultation.Consultation) bool {
	return p.StaffOf(c.DepartmentID) || p.Is(auth.Legal)
}

// StaffSearch searches the comments of consultation consultationID and the
// text of their files. Errors: NotFound (no consultation the actor may
// see), Forbidden (not its department's staff nor legal staff), Invalid
// with field "q" (empty, too long, too many words), BadRequest (cursor).
func (s *Service) StaffSearch(ctx context.Context, actor auth.Principal, consultationID string, q StaffSearchQuery) (StaffSearchPage, error) {
	c, err := s.Consultations.Get(ctx, actor, consultationID)
	if err != nil {
		return StaffSearchPage{}, err
	}
	if !CanStaffSearch(actor, c) {
		return StaffSearchPage{}, apperr.New(apperr.Forbidden, "error.forbidden")
	}
	terms, err := staffTerms(q.Q)
	if err != nil {
		return StaffSearchPage{}, err
	}
	limit := q.Limit
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	page := StaffSearchPage{Query: strings.Join(terms, " "), Hits: []StaffHit{}}
	pos := q.Cursor
	for page.Scanned < StaffSearchScan {
		n := min(staffSearchBatch, StaffSearchScan-page.Scanned)
		list, next, err := s.Store.Comments(ctx, Filter{ConsultationID: c.ID, Cursor: pos, Limit: n})
		if err != nil {
			return StaffSearchPage{}, err
		}
		for i, cm := range list {
			hit, ok := matchComment(cm, terms)
			if !ok {
				continue
			}
			page.Hits = append(page.Hits, hit)
			if len(page.Hits) < limit {
				continue
			}
			page.Scanned += i + 1
			if i == len(list)-1 {
				page.Next = next
				return page, nil
			}
			// The page is full inside this batch: the store names
			// positions only at the end of what it returned, so ask again
			// for exactly the comments up to this hit. A comment entered
			// meanwhile with an earlier date may make the next page repeat
			// one hit; none is skipped.
			_, page.Next, err = s.Store.Comments(ctx, Filter{ConsultationID: c.ID, Cursor: pos, Limit: i + 1})
			return page, err
		}
		page.Scanned += len(list)
		if next == "" {
			return page, nil
		}
		pos = next
	}
	page.Next = pos
	return page, nil
}

// staffTerms splits and checks a query.
func staffTerms(q string) ([]string, error) {
	var f apperr.Fields
	q = strings.TrimSpace(q)
	switch {
	case q == "":
		f.Add("q", "staffsearch.query_required")
	case !utf8.ValidString(q):
		f.Add("q", "error.bad_utf8")
	case utf8.RuneCountInString(q) > MaxStaffQuery:
		f.Add("q", "staffsearch.query_too_long", MaxStaffQuery)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	terms := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return unicode.IsSpace(r) || r == '　' })
	if len(terms) > MaxStaffTerms {
		f.Add("q", "staffsearch.too_many_terms", MaxStaffTerms)
		return nil, f.Err()
	}
	return terms, nil
}

// matchComment reports whether every term occurs in cm's masked body or
// in the masked text of one of its files, and where.
func matchComment(cm *Comment, terms []string) (StaffHit, bool) {
	if !mayMatch(cm, terms) {
		return StaffHit{}, false
	}
	body := maskedLower(cm.Body)
	var texts []searchable
	for _, a := range cm.Attachments {
		texts = append(texts, maskedLower(a.Text))
	}
	inBody := false
	inFile := make([]bool, len(texts))
	for _, t := range terms {
		found := false
		if strings.Contains(body.lower, t) {
			inBody, found = true, true
		}
		for i, x := range texts {
			if x.lower != "" && strings.Contains(x.lower, t) {
				inFile[i], found = true, true
			}
		}
		if !found {
			return StaffHit{}, false
		}
	}
	hit := StaffHit{CommentID: cm.ID, ArticleID: cm.ArticleID, Status: cm.Status, Channel: cm.Channel,
		ReceivedAt: cm.ReceivedAt, Receipt: cm.Receipt, InBody: inBody, Excerpt: body.excerpt(terms)}
	for i, a := range cm.Attachments {
		if inFile[i] {
			hit.Files = append(hit.Files, StaffHitFile{ID: a.ID, Name: a.Name, Excerpt: texts[i].excerpt(terms)})
		}
	}
	return hit, true
}

// mayMatch is a cheap first test on the unmasked text: masking only hides
// characters (as '*'), so a term without '*' that is absent from the
// original is absent from the masked copy too.
func mayMatch(cm *Comment, terms []string) bool {
	var texts []string
	lower := func(i int) string {
		for len(texts) <= i {
			k := len(texts)
			if k == 0 {
				texts = append(texts, strings.ToLower(cm.Body))
			} else {
				texts = append(texts, strings.ToLower(cm.Attachments[k-1].Text))
			}
		}
		return texts[i]
	}
	for _, t := range terms {
		if strings.ContainsRune(t, '*') {
			continue
		}
		found := false
		for i := 0; i <= len(cm.Attachments) && !found; i++ {
			found = strings.Contains(lower(i), t)
		}
		if !found {
			return false
		}
	}
	return true
}

// searchable is a text as searched: masked, and a lower-cased copy whose
// runes line up with it (strings.ToLower can change byte lengths, so
// excerpts are cut by rune index).
type searchable struct {
	text  []rune
	lower string
}

func maskedLower(s string) searchable {
	if s == "" {
		return searchable{}
	}
	m, _ := privacy.MaskText(s)
	rs := []rune(m)
	lr := make([]rune, len(rs))
	for i, r := range rs {
		lr[i] = unicode.ToLower(r)
	}
	return searchable{text: rs, lower: string(lr)}
}

// excerpt is the text around the first term found, or its start.
func (x searchable) excerpt(terms []string) string {
	at := 0
	for _, t := range terms {
		if i := strings.Index(x.lower, t); i >= 0 {
			at = utf8.RuneCountInString(x.lower[:i])
			break
		}
	}
	from := max(0, at-excerptRunes/2)
	to := min(len(x.text), from+excerptRunes+excerptRunes/2)
	out := strings.Join(strings.Fields(string(x.text[from:to])), " ")
	if from > 0 {
		out = "…" + out
	}
	if to < len(x.text) {
		out += "…"
	}
	return out
}
