// Package comments is what residents say about a draft and what the
// department answers: submission with a receipt, moderation (先审后发),
// dispositions (采纳情况), grouping of identical and near-identical comments,
// the public list and the adoption report.
//
// Personal data rule: a Comment holds the original text, the identity and the
// contact data the commenter gave; it is for staff only. Everything public —
// lists, receipts, the report, exports — is built from PublicComment, a
// separate type computed at submission (PublicBody, PublicName), so a public
// code path cannot serialize contact data by accident.
//
// Receipts: 60 bits from crypto/rand, Crockford base32, YGK-XXXX-XXXX-XXXX,
// unique in the store; lookups accept any case, O for 0, I/L for 1, and
// missing dashes. The Idempotency-Key is scoped to the consultation and to
// the account (or to "anonymous"), hashed, and unique in the store, so a
// retry returns the first receipt and one user's key never reveals
// another's receipt.
//
// Groups: a comment's GroupID is "x" + a hash of (article, campaign.ExactKey
// of the body), computed without any lookup, so concurrent identical
// comments land in one group without a race. A small group record per
// group (count, published count, first member, a published representative,
// first time, band keys, the group's disposition) is kept by the store in
// the same transaction (SQLite) or with single-document atomic updates
// (MongoDB). The public list pages over group records with a published
// member in (first time, id) order and fetches the representatives by id:
// two store calls per page and no offset. Merge moves members to the first
// group and marks the others as merged into it, so a later identical
// comment follows the merge; Split moves one comment to "s" + its id.
// Near-duplicates are found from the band keys of the group records
// (campaign.MinHash/BandKeys) and verified with campaign.Jaccard; they are
// only proposed, staff merge.
package comments

import (
	"time"

	"yugongkai/attachment"
)

// Status is where a comment stands in moderation.
type Status string

const (
	Pending   Status = "pending"   // waiting for moderation (先审后发)
	Published Status = "published" // public copy shown
	Declined  Status = "declined"  // kept in the record, counted as not published
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	return s == Pending || s == Published || s == Declined || s == Withdrawn
}

// CommenterType says who is commenting.
type CommenterType string

const (
	Individual   CommenterType = "individual"
	Organization CommenterType = "organization"
)

// Display is how the commenter chose to be named publicly.
type Display string

const (
	Masked    Display = "masked"    // 张*祥
	RealName  Display = "real_name" // only with the commenter's opt-in
	Anonymous Display = "anonymous" // 匿名
)

// Channel is how a comment reached the department.
type Channel string

const (
	Online    Channel = "online"
	Letter    Channel = "letter"
	Email     Channel = "email"
	Phone     Channel = "phone"
	Symposium Channel = "symposium" // 座谈会
	Hearing   Channel = "hearing"   // 听证会
)

// Channels lists every channel, online first.
var Channels = []Channel{Online, Letter, Email, Phone, Symposium, Hearing}

// OfflineChannels lists the channels staff may enter.
var OfflineChannels = Channels[1:]

// DeclineReason is the fixed list of reasons a comment is not published.
type DeclineReason string

const (
	Spam         DeclineReason = "spam"
	Abusive      DeclineReason = "abusive"
	OffTopic     DeclineReason = "off_topic"
	PersonalData DeclineReason = "personal_data"
	Duplicate    DeclineReason = "duplicate"
)

// DeclineReasons lists every reason.
var DeclineReasons = []DeclineReason{Spam, Abusive, OffTopic, PersonalData, Duplicate}

// Outcome is a disposition (DOMAIN rule 6).
type Outcome string

const (
	Adopted          Outcome = "adopted"           // 采纳
	PartiallyAdopted Outcome = "partially_adopted" // 部分采纳
	NotAdopted       Outcome = "not_adopted"       // 未采纳
	OutOfScope       Outcome = "out_of_scope"      // 不属于本次征求范围
)

// Outcomes lists every outcome in report order.
var Outcomes = []Outcome{Adopted, PartiallyAdopted, NotAdopted, OutOfScope}

// Action is a moderation action.
type Action string

const (
	Publish Action = "publish"
	Decline Action = "decline"
)

// Moderation records a publish or decline decision.
type Moderation struct {
	Action Action        `json:"action" bson:"action"`
	Reason DeclineReason `json:"reason,omitempty" bson:"reason,omitempty"`
	Note   string        `json:"note,omitempty" bson:"note,omitempty"`
	By     string        `json:"by" bson:"by"`
	At     time.Time     `json:"at" bson:"at"`
}

// Disposition is the department's answer to a comment or a group.
type Disposition struct {
	Outcome         Outcome   `json:"status" bson:"outcome"`
	Reason          string    `json:"reason,omitempty" bson:"reason,omitempty"`
	ChangedArticles []string  `json:"changed_articles,omitempty" bson:"changed_articles,omitempty"`
	GroupID         string    `json:"group_id,omitempty" bson:"group_id,omitempty"` // set when given to a whole group
	By              string    `json:"by" bson:"by"`
	At              time.Time `json:"at" bson:"at"`
	// AcceptedText is the wording of the comment's article the department
	// accepted (采纳/部分采纳 of a suggestion, possibly edited): the next
	// revision's draft starts from it (suggest.go).
	AcceptedText string `json:"accepted_text,omitempty" bson:"accepted_text,omitempty"`
}

// Comment is one comment with everything the commenter gave. Staff only:
// public code paths use PublicComment.
type Comment struct {
	ID             string `json:"id" bson:"_id"`
	ConsultationID string `json:"consultation_id" bson:"consultation_id"`
	// ArticleID is the article commented on; "" means the whole draft.
	ArticleID string `json:"article_id,omitempty" bson:"article_id"`
	Version   int    `json:"version" bson:"version"` // the version shown when commenting

	Body       string `json:"body" bson:"body"`               // original, trimmed
	BodySHA256 string `json:"body_sha256" bson:"body_sha256"` // of Body as stored
	PublicBody string `json:"public_body" bson:"public_body"` // privacy.MaskText(Body)

	CommenterType    CommenterType `json:"commenter_type" bson:"commenter_type"`
	OrganizationName string        `json:"organization_name,omitempty" bson:"organization_name,omitempty"`
	Display          Display       `json:"display" bson:"display"`
	RealName         string        `json:"real_name,omitempty" bson:"real_name,omitempty"`
	// PublicName is what public pages show; "" means 匿名.
	PublicName   string `json:"public_name,omitempty" bson:"public_name,omitempty"`
	ContactPhone string `json:"contact_phone,omitempty" bson:"contact_phone,omitempty"`
	ContactEmail string `json:"contact_email,omitempty" bson:"contact_email,omitempty"`
	// Stance is the commenter's view of the whole draft, if given.
	Stance Stance `json:"stance,omitempty" bson:"stance,omitempty"`
	UserID string `json:"user_id,omitempty" bson:"user_id,omitempty"` // account that submitted, if any
	// Notify: the commenter asked to hear what becomes of the comment, in
	// Lang, at the contacts above (notify.go).
	Notify bool   `json:"notify,omitempty" bson:"notify,omitempty"`
	Lang   string `json:"lang,omitempty" bson:"lang,omitempty"`

	Channel    Channel   `json:"channel" bson:"channel"`
	ReceivedAt time.Time `json:"received_at" bson:"received_at"` // server time online; date received offline
	CreatedAt  time.Time `json:"created_at" bson:"created_at"`   // when stored
	EnteredBy  string    `json:"entered_by,omitempty" bson:"entered_by,omitempty"`
	// Import is the file row the comment was imported from, if it was.
	Import *ImportRef `json:"import,omitempty" bson:"import,omitempty"`

	Receipt string `json:"receipt" bson:"receipt"`
	// LeafIndex is the comment's place in its consultation's transparency
	// log (log.go), set by the store when it is stored.
	LeafIndex      int64  `json:"leaf_index" bson:"leaf_index"`
	IdempotencyKey string `json:"-" bson:"idempotency_key,omitempty"` // scoped key, see Service.Submit

	Status     Status      `json:"status" bson:"status"`
	Moderation *Moderation `json:"moderation,omitempty" bson:"moderation,omitempty"`

	// GroupID: "x"+exact key for identical texts, "s"+id after a split, or
	// whatever group staff merged it into.
	GroupID string `json:"group_id" bson:"group_id"`
	// Bands are the near-duplicate LSH band keys of the body.
	Bands []string `json:"-" bson:"bands,omitempty"`

	Disposition *Disposition `json:"disposition,omitempty" bson:"disposition,omitempty"`
	// Dispositions is every disposition given, oldest first; the last is current.
	Dispositions []Disposition `json:"dispositions,omitempty" bson:"dispositions,omitempty"`

	// Redactions are the spans staff hid from the public copy, oldest first.
	Redactions []Redaction `json:"redactions,omitempty" bson:"redactions,omitempty"`

	// SuggestedText is the commenter's proposed wording of the article
	// commented on (建议修改为…), replacing its whole body; staff see it as a
	// redline against the current wording (suggest.go). PublicSuggestedText
	// is its public copy (privacy.MaskText).
	SuggestedText       string `json:"suggested_text,omitempty" bson:"suggested_text,omitempty"`
	PublicSuggestedText string `json:"public_suggested_text,omitempty" bson:"public_suggested_text,omitempty"`
	// Withdrawal is set when the commenter withdrew the comment (status
	// withdrawn, withdraw.go).
	Withdrawal *Withdrawal `json:"withdrawal,omitempty" bson:"withdrawal,omitempty"`
	// Attachments are the files sent with the comment (attachments.go).
	Attachments []attachment.Meta `json:"attachments,omitempty" bson:"attachments,omitempty"`
	// Signatories is how many people signed the submission (a 联名信 entered
	// offline or imported); 0 means one. The report counts the comment this
	// many times (petition.go).
	Signatories int `json:"signatories,omitempty" bson:"signatories,omitempty"`
	// OnBehalfOf names whom the commenter speaks for ("受某村村民委托"), if
	// anyone; PublicOnBehalfOf is its public copy (privacy.MaskText), shown
	// unless the commenter chose 匿名 (category.go).
	OnBehalfOf       string `json:"on_behalf_of,omitempty" bson:"on_behalf_of,omitempty"`
	PublicOnBehalfOf string `json:"public_on_behalf_of,omitempty" bson:"public_on_behalf_of,omitempty"`
}

// RedactionReason is the fixed list of reasons for hiding part of a public copy.
type RedactionReason string

const (
	RedactPersonalData RedactionReason = "personal_data" // 个人信息
	RedactThirdParty   RedactionReason = "third_party"   // 他人信息
	RedactAbusive      RedactionReason = "abusive"       // 侮辱、诽谤内容
	RedactTradeSecret  RedactionReason = "trade_secret"  // 商业秘密
)

// RedactionReasons lists every reason.
var RedactionReasons = []RedactionReason{RedactPersonalData, RedactThirdParty, RedactAbusive, RedactTradeSecret}

// Redacted is what the public copy shows in place of a hidden span.
const RedactedMark = "［已隐去］"

// Redaction records one span hidden from the public copy: Start and End are
// rune offsets into the public copy as it was before (End exclusive).
type Redaction struct {
	Start  int             `json:"start" bson:"start"`
	End    int             `json:"end" bson:"end"`
	Reason RedactionReason `json:"reason" bson:"reason"`
	By     string          `json:"by" bson:"by"`
	At     time.Time       `json:"at" bson:"at"`
}

// Group is the small per-group record that lets the public list show a
// group once with its count without scanning comments.
type Group struct {
	ConsultationID string    `json:"consultation_id"`
	ID             string    `json:"id"`
	Count          int       `json:"count"`           // every member, whatever its status
	PublishedCount int       `json:"published_count"` // members with status published
	FirstID        string    `json:"first_id"`        // first member stored (staff representative)
	RepID          string    `json:"rep_id"`          // a published member shown publicly; "" if none
	FirstAt        time.Time `json:"first_at"`        // earliest ReceivedAt of a member
	ArticleID      string    `json:"article_id,omitempty"`
	Bands          []string  `json:"-"` // band keys of the first member
	// Disposition is the answer given to the whole group, if any.
	Disposition *Disposition `json:"disposition,omitempty"`
	// MergedInto names the group this one was merged into: a comment that
	// would join this group joins that one instead.
	MergedInto string `json:"merged_into,omitempty"`
}

// PublicDisposition is a disposition without who gave it.
type PublicDisposition struct {
	Outcome         Outcome  `json:"status"`
	Reason          string   `json:"reason,omitempty"`
	ChangedArticles []string `json:"changed_articles,omitempty"`
	AcceptedText    string   `json:"accepted_text,omitempty"`
}

// PublicComment is the only form in which a comment leaves the staff area.
type PublicComment struct {
	ID             string             `json:"id"`
	ConsultationID string             `json:"consultation_id"`
	ArticleID      string             `json:"article_id,omitempty"`
	Body           string             `json:"body"`
	Name           string             `json:"name,omitempty"` // masked or real name, organization name
	Anonymous      bool               `json:"anonymous"`
	CommenterType  CommenterType      `json:"commenter_type"`
	Channel        Channel            `json:"channel"`
	ReceivedAt     time.Time          `json:"received_at"`
	GroupID        string             `json:"group_id"`
	Count          int                `json:"count"` // comments in the group, every copy counted
	Disposition    *PublicDisposition `json:"disposition,omitempty"`
	// SuggestedText is the public copy of the commenter's suggested wording.
	SuggestedText string `json:"suggested_text,omitempty"`
	// Attachments: published files, and placeholders of restricted ones.
	Attachments []attachment.Public `json:"attachments,omitempty"`
	// Signatories of a petition (联名 312 人); absent for one person.
	Signatories int    `json:"signatories,omitempty"`
	OnBehalfOf  string `json:"on_behalf_of,omitempty"`
}

// Public returns the public copy of c. Contact data and the original text
// are not copied.
func (c *Comment) Public() PublicComment {
	p := PublicComment{ID: c.ID, ConsultationID: c.ConsultationID, ArticleID: c.ArticleID, Body: c.PublicBody,
		Name: c.PublicName, Anonymous: c.PublicName == "", CommenterType: c.CommenterType, Channel: c.Channel,
		ReceivedAt: c.ReceivedAt, GroupID: c.GroupID, Count: 1}
	p.SuggestedText = c.PublicSuggestedText
	if c.Disposition != nil {
		p.Disposition = publicDisposition(c.Disposition)
	}
	p.Attachments = attachment.PublicList(c.Attachments)
	if c.Signatories > 1 {
		p.Signatories = c.Signatories
	}
	if c.Display != Anonymous {
		p.OnBehalfOf = c.PublicOnBehalfOf
	}
	return p
}

func publicDisposition(d *Disposition) *PublicDisposition {
	if d == nil {
		return nil
	}
	return &PublicDisposition{Outcome: d.Outcome, Reason: d.Reason, ChangedArticles: d.ChangedArticles, AcceptedText: d.AcceptedText}
}

// Receipt is returned once a comment is durably stored.
type Receipt struct {
	Code       string    `json:"code"`
	LeafIndex  int64     `json:"leaf_index"`
	BodySHA256 string    `json:"body_sha256"`
	ReceivedAt time.Time `json:"received_at"`
	CommentID  string    `json:"comment_id"`
	// Repeated is true when an Idempotency-Key retry returned the first receipt.
	Repeated bool `json:"repeated,omitempty"`
}

// ReceiptStatus is what anyone holding a receipt code may learn.
type ReceiptStatus struct {
	Code              string             `json:"code"`
	LeafIndex         int64              `json:"leaf_index"` // place in the consultation's transparency log`
	ReceivedAt        time.Time          `json:"received_at"`
	BodySHA256        string             `json:"body_sha256"`
	Status            Status             `json:"status"`
	DeclineReason     DeclineReason      `json:"decline_reason,omitempty"`
	Disposition       *PublicDisposition `json:"disposition,omitempty"`
	ConsultationID    string             `json:"consultation_id"`
	ConsultationTitle string             `json:"consultation_title"`
	ConsultationState string             `json:"consultation_state"`
	// WithdrawnAt is when the commenter withdrew the comment; CanWithdraw
	// says whether it may still be withdrawn (the period is open).
	WithdrawnAt *time.Time `json:"withdrawn_at,omitempty"`
	CanWithdraw bool       `json:"can_withdraw"`
	// The commenter's own text as submitted and the article it is about
	// (receipt_text.go): the code is the secret that shows them.
	Body         string `json:"body"`
	ArticleID    string `json:"article_id,omitempty"`
	ArticleLabel string `json:"article_label,omitempty"`
	// HasContact: the comment still keeps a contact (which may be erased
	// from the receipt page, erase_contact.go). The contact is not shown.
	HasContact bool `json:"has_contact"`
}
