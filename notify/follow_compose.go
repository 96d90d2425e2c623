package notify

import (
	"strings"
	"time"

	"yugongkai/consultation"
	"yugongkai/i18n"
)

// followParagraphs is the body of a mail to a follower (follow.go).
func followParagraphs(lang i18n.Lang, n *consultation.Notification, l Links) []string {
	p := n.Params
	title := p["consultation_title"]
	when := func(key string) string {
		t, err := time.Parse(time.RFC3339, p[key])
		if err != nil {
			return "—"
		}
		if lang == i18n.EN {
			return t.In(time.FixedZone("CST", 8*3600)).Format("2 January 2006 15:04") + " (Beijing time)"
		}
		return consultation.FormatDateTime(t)
	}
	link := ""
	if l.BaseURL != "" && p["consultation_id"] != "" {
		link = i18n.T(lang, "follow.mail.link", l.consultationURL(p["consultation_id"]))
	}
	var paras []string
	switch n.Kind {
	case FollowConfirm:
		return []string{i18n.T(lang, "follow.mail.confirm", title), strings.TrimRight(l.BaseURL, "/") + "/follow/confirm?n=" + n.ID + "&t=" + l.followToken(n.ID),
			i18n.T(lang, "follow.mail.confirm_ignore", int(FollowLinkTTL/time.Hour))}
	case FollowOpened:
		paras = []string{i18n.T(lang, "follow.mail.opened", title, when("closes_at"))}
	case FollowNewVersion:
		paras = []string{i18n.T(lang, "follow.mail.new_version", title, when("closes_at"))}
	case FollowExtended:
		paras = []string{i18n.T(lang, "follow.mail.extended", title, when("closes_at"), p["reason"])}
	case FollowClosedEarly:
		paras = []string{i18n.T(lang, "follow.mail.closed_early", title, p["reason"])}
	case FollowDecided:
		number := p["document_number"]
		if number == "" {
			number = "—"
		}
		paras = []string{i18n.T(lang, "follow.mail.decided", title, p["decision_title"], number)}
	default:
		return nil
	}
	if link != "" {
		paras = append(paras, link)
	}
	return append(paras, i18n.T(lang, "follow.mail.why"))
}
