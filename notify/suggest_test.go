package notify_test

import (
	"strings"
	"testing"

	"yugongkai/consultation"
	"yugongkai/i18n"
	"yugongkai/notify"
)

// The fate of a suggested wording, in both languages, by email (with the
// accepted wording, escaped) and SMS.
func TestComposeSuggestion(t *testing.T) {
	for _, lang := range i18n.Langs {
		n := &consultation.Notification{ID: "n2", Kind: consultation.NotifySuggestionAccepted, Channel: consultation.ChannelEmail, To: "a@example.cn", Lang: string(lang),
			Params: map[string]string{"consultation_title": title, "receipt": "YG-ABCD-EFGH-JKMN", "outcome": "partially_adopted", "accepted_text": "犬只<b>应当</b>登记。"}}
		m := notify.Compose(n, links, "yj.example.gov.cn")
		if want := i18n.T(lang, "notify.subject.suggestion_accepted", title); m.Subject != want {
			t.Errorf("%s: subject %q, want %q", lang, m.Subject, want)
		}
		for _, want := range []string{i18n.T(lang, "notify.body.suggestion_accepted", title, i18n.T(lang, "outcome.partially_adopted")),
			i18n.T(lang, "notify.body.accepted_text", n.Params["accepted_text"]), "YG-ABCD-EFGH-JKMN"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("%s: text lacks %q:\n%s", lang, want, m.Text)
			}
		}
		if strings.Contains(m.HTML, "<b>") {
			t.Errorf("%s: accepted wording not escaped in HTML", lang)
		}
		n.Kind, n.Params = consultation.NotifySuggestionDeclined, map[string]string{"consultation_title": title, "receipt": "YG-ABCD-EFGH-JKMN", "outcome": "not_adopted", "reason": "上位法已有规定"}
		m = notify.Compose(n, links, "yj.example.gov.cn")
		if !strings.Contains(m.Text, i18n.T(lang, "notify.body.answer_reason", "上位法已有规定")) || m.Subject != i18n.T(lang, "notify.subject.suggestion_declined", title) {
			t.Errorf("%s: declined: %q\n%s", lang, m.Subject, m.Text)
		}
		n.Channel = consultation.ChannelSMS
		if want := i18n.T(i18n.ZH, "notify.sms.suggestion_declined", "YG-ABCD-EFGH-JKMN", "未采纳"); notify.Compose(n, links, "yj.example.gov.cn").Text != want {
			t.Errorf("%s: SMS, want %q", lang, want)
		}
	}
}
