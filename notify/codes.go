package notify

import (
	"bytes"
	"context"
	"errors"
	"strings"

	"yugongkai/i18n"
	"yugongkai/vcode"
)

// CodeSender sends verification codes (package vcode) at once through the
// notification senders, bypassing the outbox: a code must not wait in
// clear text nor be retried for hours (see vcode). Its messages carry no
// unsubscribe link and no List-Unsubscribe: they are answers to a request
// the recipient just made.
type CodeSender struct {
	Senders map[string]Sender // by channel; vcode.Email and vcode.SMS name the same channels
	Domain  string            // of the Message-IDs
}

// ErrNoSender: the contact's channel has no sender configured.
var ErrNoSender = errors.New("notify: no sender configured for this channel")

// SendCode implements vcode.Sender.
func (s CodeSender) SendCode(ctx context.Context, m vcode.Message) error {
	snd := s.Senders[m.Contact.Channel]
	if snd == nil {
		return ErrNoSender
	}
	return snd.Send(ctx, ComposeCode(m, s.Domain))
}

// ComposeCode renders a verification message: the code (or the notice),
// what it is for, how long it lasts, and that an unasked-for message can
// be ignored. SMS are short zh-CN texts.
func ComposeCode(m vcode.Message, domain string) Message {
	lang := i18n.Parse(m.Lang)
	minutes := int(m.TTL.Minutes())
	purpose := "vcode.purpose." + string(m.Purpose)
	out := Message{ID: m.ID, MessageID: "code." + m.ID + "@" + domain, Channel: m.Contact.Channel, To: m.Contact.Address, Lang: lang}
	if m.Contact.Channel == vcode.SMS {
		if m.Code != "" {
			out.Text = i18n.T(i18n.ZH, "vcode.sms.code", m.Code, i18n.T(i18n.ZH, purpose), minutes)
		} else {
			out.Text = i18n.T(i18n.ZH, "vcode.sms.notice", i18n.T(i18n.ZH, m.Notice, m.Params...))
			for _, l := range m.Lines {
				out.Text += "\n" + l
			}
		}
		return out
	}
	var paras []string
	if m.Code != "" {
		out.Subject = i18n.T(lang, "vcode.subject.code", i18n.T(lang, purpose))
		paras = []string{i18n.T(lang, "vcode.body.code", i18n.T(lang, purpose)), m.Code, i18n.T(lang, "vcode.body.valid", minutes), i18n.T(lang, "vcode.body.secret")}
	} else {
		out.Subject = i18n.T(lang, "vcode.subject.notice", i18n.T(lang, purpose))
		paras = append([]string{i18n.T(lang, m.Notice, m.Params...)}, m.Lines...)
	}
	paras = append(paras, i18n.T(lang, "vcode.body.ignore"))
	var text strings.Builder
	text.WriteString(i18n.T(lang, "notify.greeting") + "\n\n")
	for _, p := range paras {
		text.WriteString(p + "\n")
	}
	text.WriteString("\n-- \n" + i18n.T(lang, "notify.automatic") + "\n")
	out.Text = text.String()
	var b bytes.Buffer
	_ = htmlBody.Execute(&b, map[string]any{"Lang": string(lang), "Subject": out.Subject,
		"Paragraphs": append([]string{i18n.T(lang, "notify.greeting")}, paras...), "Automatic": i18n.T(lang, "notify.automatic")})
	out.HTML = b.String()
	return out
}
