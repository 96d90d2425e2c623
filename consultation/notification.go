package consultation

import "time"

// Notification is a message to one person that a command causes. It is
// written in the same store commit as the command's other writes (an
// outbox, Change.Notify) and delivered afterwards by package notify, so a
// command never waits for, nor fails because of, a mail or SMS server.
// The recipient's address is contact data: it lives only here and on the
// comment, never in logs, feeds, exports, search or archives.
type Notification struct {
	// ID is unique and stable: the message carries a Message-ID derived
	// from it, so a message sent twice (at-least-once) is recognisable.
	ID           string `json:"id" bson:"_id"`
	Consultation string `json:"consultation" bson:"consultation"`
	Comment      string `json:"comment,omitempty" bson:"comment,omitempty"`
	Kind         string `json:"kind" bson:"kind"`       // NotifyReceipt, …
	Channel      string `json:"channel" bson:"channel"` // ChannelEmail or ChannelSMS
	To           string `json:"-" bson:"to"`            // address or phone number
	Lang         string `json:"lang" bson:"lang"`       // i18n.Lang of the recipient
	// Params fill the message templates (receipt code, reason, …).
	Params    map[string]string `json:"params,omitempty" bson:"params,omitempty"`
	CreatedAt time.Time         `json:"created_at" bson:"created_at"`

	Delivery `bson:",inline"`
}

// Delivery is where a notification stands. A command writes it Pending;
// only the delivery worker changes it.
type Delivery struct {
	State    string    `json:"state" bson:"state"`
	Attempts int       `json:"attempts" bson:"attempts"`
	NextTry  time.Time `json:"next_try" bson:"next_try"`
	SentAt   time.Time `json:"sent_at,omitzero" bson:"sent_at,omitempty"`
	// LastError says why the last attempt failed, recipient removed.
	LastError string `json:"last_error,omitempty" bson:"last_error,omitempty"`
}

// Delivery states.
const (
	NotifyPending = "pending"
	NotifySent    = "sent"
	NotifyFailed  = "failed"
	// NotifyCancelled: not sent, the recipient unsubscribed.
	NotifyCancelled = "cancelled"
)

// Notification kinds.
const (
	NotifyReceipt   = "receipt"   // a copy of the receipt
	NotifyPublished = "published" // the comment was published
	NotifyDeclined  = "declined"  // the comment was not published, with the reason
	NotifyAnswered  = "answered"  // the adoption report is out: the answer and its reason
	NotifyDecided   = "decided"   // the decision is published: which articles the comment changed
)

// Notification channels.
const (
	ChannelEmail = "email"
	ChannelSMS   = "sms"
)
