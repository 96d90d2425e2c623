package notify

import (
	"net/url"
	"strings"
	"time"

	"yugongkai/consultation"
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

// KindStatus is the delivery state of one kind of notification of a
// consultation, as the staff delivery page shows it.
type KindStatus struct {
	Kind      string `json:"kind"`
	Pending   int    `json:"pending"`
	Sent      int    `json:"sent"`
	Failed    int    `json:"failed"`
	Cancelled int    `json:"cancelled"`
	// Retries counts the attempts after each notification's first.
	Retries int `json:"retries"`
	// LastError is the error of the newest notification of the kind that
	// has one (recipients are never in it).
	LastError string `json:"last_error,omitempty"`
}

// notificationKinds orders the kinds as the procedure sends them.
var notificationKinds = []string{consultation.NotifyReceipt, consultation.NotifyPublished, consultation.NotifyDeclined,
	consultation.NotifyAnswered, consultation.NotifyDecided, FollowConfirm, FollowOpened, FollowExtended, FollowClosedEarly,
	FollowNewVersion, FollowDecided}

// byKind sums list per kind: the known kinds in procedure order, each
// present even when none was sent, then any other kind.
func byKind(list []Delivered) []KindStatus {
	index := map[string]int{}
	var out []KindStatus
	add := func(kind string) int {
		if i, ok := index[kind]; ok {
			return i
		}
		index[kind] = len(out)
		out = append(out, KindStatus{Kind: kind})
		return len(out) - 1
	}
	for _, k := range notificationKinds {
		add(k)
	}
	var lastAt []time.Time
	for _, n := range list {
		i := add(n.Kind)
		for len(lastAt) < len(out) {
			lastAt = append(lastAt, time.Time{})
		}
		k := &out[i]
		switch n.State {
		case consultation.NotifyPending:
			k.Pending++
		case consultation.NotifySent:
			k.Sent++
		case consultation.NotifyFailed:
			k.Failed++
		case consultation.NotifyCancelled:
			k.Cancelled++
		}
		if n.Attempts > 1 {
			k.Retries += n.Attempts - 1
		}
		if n.LastError != "" && !n.CreatedAt.Before(lastAt[i]) {
			k.LastError, lastAt[i] = n.LastError, n.CreatedAt
		}
	}
	return out
}
