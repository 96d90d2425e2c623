package notify

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"net/url"
	"strings"
	"time"

	"yugongkai/consultation"
	"yugongkai/i18n"
)

// Message is a notification rendered for its channel.
type Message struct {
	// ID is the notification's id; MessageID the stable Message-ID
	// (without angle brackets) derived from it.
	ID, MessageID string
	Channel, To   string
	Lang          i18n.Lang
	Subject       string
	Text          string // the plain text (the whole SMS)
	HTML          string // email only
	// Unsubscribe is the unsubscribe page (a link in the body); OneClick
	// the List-Unsubscribe URL (RFC 8058 one-click POST). Both "" for a
	// verification code, which carries none.
	Unsubscribe, OneClick string
}

// Links makes the URLs messages carry. Key signs unsubscribe links and
// keys the hashes of opted-out recipients.
type Links struct {
	BaseURL string // https://yj.example.gov.cn, no trailing slash
	Key     []byte
}

// UnsubscribeURL is the link that stops notifications to n's recipient.
func (l Links) UnsubscribeURL(id string) string {
	return strings.TrimRight(l.BaseURL, "/") + "/notifications/unsubscribe?n=" + url.QueryEscape(id) + "&t=" + l.token(id)
}

// OneClickURL is the List-Unsubscribe address: a POST to it (RFC 8058)
// unsubscribes without a page.
func (l Links) OneClickURL(id string) string {
	return strings.TrimRight(l.BaseURL, "/") + "/api/v1/notifications/unsubscribe?n=" + url.QueryEscape(id) + "&t=" + l.token(id)
}

func (l Links) token(id string) string {
	m := hmac.New(sha256.New, l.Key)
	m.Write([]byte("unsubscribe\x00" + id))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// Valid reports whether t is the unsubscribe token of notification id.
func (l Links) Valid(id, t string) bool {
	return hmac.Equal([]byte(l.token(id)), []byte(t))
}

// RecipientKey is the keyed hash under which an opted-out recipient is
// kept (the address itself is not).
func (l Links) RecipientKey(channel, to string) string {
	m := hmac.New(sha256.New, l.Key)
	m.Write([]byte("recipient\x00" + channel + "\x00" + strings.ToLower(strings.TrimSpace(to))))
	return hex.EncodeToString(m.Sum(nil))
}

func (l Links) receiptURL(code string) string {
	return strings.TrimRight(l.BaseURL, "/") + "/receipts/" + url.PathEscape(code)
}

// MessageID derives the Message-ID of notification id in domain.
func MessageID(id, domain string) string { return "notify." + id + "@" + domain }

var htmlBody = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family:sans-serif;line-height:1.6">
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}{{if .Lookup}}<p><a href="{{.Lookup}}">{{.Lookup}}</a></p>
{{end}}<hr><p style="color:#555;font-size:90%">{{.Automatic}}{{if .Unsubscribe}} <a href="{{.Unsubscribe}}">{{.UnsubscribeText}}</a>{{end}}</p>
</body></html>
`))

// Compose renders notification n in its language for its channel.
func Compose(n *consultation.Notification, l Links, domain string) Message {
	lang := i18n.Parse(n.Lang)
	p := n.Params
	title := p["consultation_title"]
	m := Message{ID: n.ID, MessageID: MessageID(n.ID, domain), Channel: n.Channel, To: n.To, Lang: lang,
		Unsubscribe: l.UnsubscribeURL(n.ID), OneClick: l.OneClickURL(n.ID)}
	reason := func() string {
		if p["reason"] == "" {
			return "—"
		}
		return i18n.T(lang, "decline."+p["reason"])
	}
	outcome := i18n.T(lang, "outcome."+p["outcome"])
	if n.Channel == consultation.ChannelSMS {
		// Short zh-CN texts, whatever the language.
		switch n.Kind {
		case consultation.NotifyReceipt:
			m.Text = i18n.T(i18n.ZH, "notify.sms.receipt", shorten(title, 20), p["receipt"])
		case consultation.NotifyPublished:
			m.Text = i18n.T(i18n.ZH, "notify.sms.published", p["receipt"])
		case consultation.NotifyDeclined:
			m.Text = i18n.T(i18n.ZH, "notify.sms.declined", p["receipt"], i18n.T(i18n.ZH, "decline."+p["reason"]))
		case consultation.NotifyAnswered:
			m.Text = i18n.T(i18n.ZH, "notify.sms.answered", p["receipt"], i18n.T(i18n.ZH, "outcome."+p["outcome"]))
		case consultation.NotifySuggestionAccepted, consultation.NotifySuggestionDeclined:
			m.Text = i18n.T(i18n.ZH, "notify.sms."+n.Kind, p["receipt"], i18n.T(i18n.ZH, "outcome."+p["outcome"]))
		case consultation.NotifyDecided:
			m.Text = decidedSMS(p)
		}
		return m
	}
	var paras []string
	switch n.Kind {
	case consultation.NotifyReceipt:
		received := p["received_at"]
		if t, err := time.Parse(time.RFC3339, received); err == nil {
			received = consultation.FormatDateTime(t)
			if lang == i18n.EN {
				received = t.UTC().Format("2 January 2006 15:04 UTC")
			}
		}
		paras = []string{i18n.T(lang, "notify.body.receipt", title), i18n.T(lang, "notify.receipt.code", p["receipt"]),
			i18n.T(lang, "notify.receipt.time", received), i18n.T(lang, "notify.receipt.sha256", p["body_sha256"])}
	case consultation.NotifyPublished:
		paras = []string{i18n.T(lang, "notify.body.published", title), i18n.T(lang, "notify.receipt.code", p["receipt"])}
	case consultation.NotifyDeclined:
		paras = []string{i18n.T(lang, "notify.body.declined", title, reason()), i18n.T(lang, "notify.receipt.code", p["receipt"])}
	case consultation.NotifyAnswered:
		paras = []string{i18n.T(lang, "notify.body.answered", title, outcome)}
		if p["reason"] != "" {
			paras = append(paras, i18n.T(lang, "notify.body.answer_reason", p["reason"]))
		}
		paras = append(paras, i18n.T(lang, "notify.receipt.code", p["receipt"]))
	case consultation.NotifySuggestionAccepted, consultation.NotifySuggestionDeclined:
		paras = []string{i18n.T(lang, "notify.body."+n.Kind, title, outcome)}
		if p["accepted_text"] != "" {
			paras = append(paras, i18n.T(lang, "notify.body.accepted_text", p["accepted_text"]))
		}
		if p["reason"] != "" {
			paras = append(paras, i18n.T(lang, "notify.body.answer_reason", p["reason"]))
		}
		paras = append(paras, i18n.T(lang, "notify.receipt.code", p["receipt"]))
	case consultation.NotifyDecided:
		paras = decidedParagraphs(lang, p, l) // notices.go
	default:
		paras = followParagraphs(lang, n, l) // follow_compose.go
	}
	m.Subject = i18n.T(lang, "notify.subject."+n.Kind, title)
	lookup := ""
	if p["receipt"] != "" && l.BaseURL != "" {
		lookup = l.receiptURL(p["receipt"])
	}
	var text strings.Builder
	text.WriteString(i18n.T(lang, "notify.greeting") + "\n\n")
	for _, para := range paras {
		text.WriteString(para + "\n")
	}
	if lookup != "" {
		text.WriteString("\n" + i18n.T(lang, "notify.lookup", lookup) + "\n")
	}
	text.WriteString("\n-- \n" + i18n.T(lang, "notify.automatic") + "\n")
	if m.Unsubscribe != "" {
		text.WriteString(i18n.T(lang, "notify.unsubscribe", m.Unsubscribe) + "\n")
	}
	m.Text = text.String()
	var b bytes.Buffer
	_ = htmlBody.Execute(&b, map[string]any{"Lang": string(lang), "Subject": m.Subject,
		"Paragraphs": append([]string{i18n.T(lang, "notify.greeting")}, paras...), "Lookup": lookup,
		"Automatic": i18n.T(lang, "notify.automatic"), "Unsubscribe": m.Unsubscribe, "UnsubscribeText": i18n.T(lang, "notify.unsubscribe_link")})
	m.HTML = b.String()
	return m
}

// shorten cuts s to n runes with an ellipsis (SMS stay short).
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
