package web

import (
	"time"

	"yugongkai/consultation"
	"yugongkai/notify"
)

// addNoticesTemplateData gives TestRenderEveryTemplate the staff delivery
// page with every state present.
func addNoticesTemplateData(data map[string]any, base pageBase, x *consultation.Consultation) {
	at := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	open := []notify.Delivered{
		{ID: "n1", Kind: consultation.NotifyReceipt, Channel: consultation.ChannelEmail, CreatedAt: at,
			Delivery: consultation.Delivery{State: consultation.NotifyFailed, Attempts: 12, LastError: "550 mailbox unavailable"}},
		{ID: "n2", Kind: consultation.NotifyDecided, Channel: consultation.ChannelSMS, CreatedAt: at,
			Delivery: consultation.Delivery{State: consultation.NotifyPending, Attempts: 2, NextTry: at.Add(time.Minute)}},
	}
	data["work_notifications"] = notificationsPageData{workBase: workBase{pageBase: base, C: x, Tab: "notifications", Notify: true},
		Status: &notify.Status{ConsultationID: x.ID, Notifications: open, ByKind: []notify.KindStatus{
			{Kind: consultation.NotifyReceipt, Sent: 3, Failed: 1, Retries: 11, LastError: "550 mailbox unavailable"},
			{Kind: consultation.NotifyDecided, Pending: 1, Retries: 1}}},
		Open: open, Omitted: 2}
	data["follow"] = followPageData{pageBase: base, C: x, Heading: "follow.confirm_title", Message: "m", Ask: true, ID: "n1", Token: "t"}
}
