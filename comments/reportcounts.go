package comments

import "strings"

// ReportCounts are the adoption report's figures of one consultation, kept
// by the store in the commit of every change to its comments (SQLite:
// triggers, 0027_report_counts.sql; MongoDB: counter documents written by
// the commit record), so the report reads a few dozen numbers instead of
// counting a million comments at every load. Keys (Key* below) map to
// counts; an absent key is 0.
//
// "Live" is every comment not withdrawn; "people" counts a petition as its
// signatories (Comment.People), anything else counts each comment once.
type ReportCounts map[string]int

// The keys of ReportCounts.
const (
	KeyPeople     = "people"           // live people
	KeyUndisposed = "undisposed"       // live people without a disposition
	keyStatus     = "status:"          // + status: people with that status
	keyChannel    = "channel:"         // + channel: live people
	keyOutcome    = "disposition:"     // + outcome: live people with that disposition
	keyCategory   = "category:"        // + commenter type: live comments
	keyCatPeople  = "category-people:" // + commenter type: live people
	keyArticle    = "article:"         // + article id ("" whole draft): live comments
	keyStance     = "stance:"          // + stance + ":" + article id: published comments
)

// KeyStatus, KeyChannel, … name the counter of one value.
func KeyStatus(s Status) string                { return keyStatus + string(s) }
func KeyChannel(ch Channel) string             { return keyChannel + string(ch) }
func KeyOutcome(o Outcome) string              { return keyOutcome + string(o) }
func KeyCategory(t CommenterType) string       { return keyCategory + string(t) }
func KeyCategoryPeople(t CommenterType) string { return keyCatPeople + string(t) }
func KeyArticle(articleID string) string       { return keyArticle + articleID }
func KeyStance(st Stance, articleID string) string {
	return keyStance + string(st) + ":" + articleID
}

// Add counts c into r with sign +1 (c is now stored so) or -1 (c was
// stored so and is no longer). A change to a stored comment is Add(old,
// -1) then Add(new, +1). This is the definition the SQLite triggers
// follow; the contract test (storetest.RunReportCounts) holds both stores
// to it.
func (r ReportCounts) Add(c *Comment, sign int) {
	p := c.People() * sign
	live := c.Status != Withdrawn
	outcome := Outcome("")
	if c.Disposition != nil {
		outcome = c.Disposition.Outcome
	}
	r[KeyStatus(c.Status)] += p
	if c.Status == Published && c.Stance != "" {
		r[KeyStance(c.Stance, c.ArticleID)] += sign
	}
	if !live {
		return
	}
	r[KeyPeople] += p
	r[KeyCategory(c.CommenterType)] += sign
	r[KeyCategoryPeople(c.CommenterType)] += p
	r[KeyChannel(c.Channel)] += p
	r[KeyArticle(c.ArticleID)] += sign
	if outcome == "" {
		r[KeyUndisposed] += p
	} else {
		r[KeyOutcome(outcome)] += p
	}
}

// Prune deletes the keys whose count is 0.
func (r ReportCounts) Prune() ReportCounts {
	for k, n := range r {
		if n == 0 {
			delete(r, k)
		}
	}
	return r
}

// Categories returns the counts by commenter category, as
// Store.CountByCategory does.
func (r ReportCounts) Categories() map[CommenterType]CategoryCount {
	out := map[CommenterType]CategoryCount{}
	for k, n := range r {
		if t, ok := strings.CutPrefix(k, keyCategory); ok && n != 0 {
			c := out[CommenterType(t)]
			c.Comments = n
			c.People = r[KeyCategoryPeople(CommenterType(t))]
			out[CommenterType(t)] = c
		}
	}
	return out
}

// Articles returns the live comments per article ("" the whole draft),
// articles without any left out.
func (r ReportCounts) Articles() map[string]int {
	out := map[string]int{}
	for k, n := range r {
		if id, ok := strings.CutPrefix(k, keyArticle); ok && n > 0 {
			out[id] = n
		}
	}
	return out
}

// Stances returns the published comments giving a stance by article and
// stance, as Store.CountByStance does.
func (r ReportCounts) Stances() map[string]StanceCounts {
	out := map[string]StanceCounts{}
	for k, n := range r {
		rest, ok := strings.CutPrefix(k, keyStance)
		if !ok || n <= 0 {
			continue
		}
		st, article, _ := strings.Cut(rest, ":")
		if out[article] == nil {
			out[article] = StanceCounts{}
		}
		out[article][Stance(st)] = n
	}
	return out
}
