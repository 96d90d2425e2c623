package notify_test

import (
	"strings"
	"testing"

	"yugongkai/consultation"
	"yugongkai/i18n"
	"yugongkai/notify"
)

func TestComposeDecided(t *testing.T) {
	for _, lang := range i18n.Langs {
		n := &consultation.Notification{ID: "n2", Kind: consultation.NotifyDecided, Channel: consultation.ChannelEmail, To: "a@example.cn", Lang: string(lang),
			Params: map[string]string{"consultation_title": title, "receipt": "YG-ABCD-EFGH-JKMN", "decision_title": "某县养犬管理办法",
				"document_number": "某政规〔2027〕1号", "changed_articles": "第二条", "consultation_id": "c1"}}
		m := notify.Compose(n, links, "yj.example.gov.cn")
		if want := i18n.T(lang, "notify.subject.decided", title); m.Subject != want {
			t.Errorf("%s: subject %q, want %q", lang, m.Subject, want)
		}
		for _, want := range []string{"某政规〔2027〕1号", i18n.T(lang, "notify.body.decided_changed", "第二条"), links.BaseURL + "/consultations/c1"} {
			if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
				t.Errorf("%s: text or HTML lacks %q:\n%s", lang, want, m.Text)
			}
		}
		if !strings.Contains(m.Text, m.Unsubscribe) {
			t.Errorf("%s: no unsubscribe link", lang)
		}
		n.Params["changed_articles"] = ""
		if m := notify.Compose(n, links, "yj.example.gov.cn"); !strings.Contains(m.Text, i18n.T(lang, "notify.body.decided_unchanged")) {
			t.Errorf("%s: no changed article, text:\n%s", lang, m.Text)
		}
		n.Channel, n.Params["changed_articles"] = consultation.ChannelSMS, "第二条"
		if sms := notify.Compose(n, links, "yj.example.gov.cn"); !strings.Contains(sms.Text, "修改了第二条") {
			t.Errorf("%s: SMS %q", lang, sms.Text)
		}
	}
}
