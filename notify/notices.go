package notify

import (
	"net/url"
	"strings"

	"yugongkai/i18n"
)

// decidedParagraphs is the body of a "decided" notification: the decision
// (title, 文号, where to read it) and the articles the comment changed.
func decidedParagraphs(lang i18n.Lang, p map[string]string, l Links) []string {
	number := p["document_number"]
	if number == "" {
		number = "—"
	}
	paras := []string{i18n.T(lang, "notify.body.decided", p["consultation_title"], p["decision_title"], number)}
	if p["changed_articles"] != "" {
		paras = append(paras, i18n.T(lang, "notify.body.decided_changed", p["changed_articles"]))
	} else {
		paras = append(paras, i18n.T(lang, "notify.body.decided_unchanged"))
	}
	if l.BaseURL != "" && p["consultation_id"] != "" {
		paras = append(paras, i18n.T(lang, "notify.body.decided_link", l.consultationURL(p["consultation_id"])))
	}
	return append(paras, i18n.T(lang, "notify.receipt.code", p["receipt"]))
}

func decidedSMS(p map[string]string) string {
	if p["changed_articles"] != "" {
		return i18n.T(i18n.ZH, "notify.sms.decided_changed", shorten(p["decision_title"], 20), p["receipt"], p["changed_articles"])
	}
	return i18n.T(i18n.ZH, "notify.sms.decided", shorten(p["decision_title"], 20), p["receipt"])
}

func (l Links) consultationURL(id string) string {
	return strings.TrimRight(l.BaseURL, "/") + "/consultations/" + url.PathEscape(id)
}
