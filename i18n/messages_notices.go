package i18n

// Messages of the notices feature (decision notifications, followers,
// the staff delivery page, the personal-data notice, contact expiry),
// kept apart from messages.go so that features editing the catalogue at
// once do not collide. init adds them to the catalogue; a key defined
// twice is a programming error.
var noticesMessages = map[string]message{
	"notify.subject.decided":        {"决定已公布：%s", "The decision is published: %s"},
	"notify.body.decided":           {"您提过意见的“%s”已作出决定并公布：%s（%s）。", "A decision was made and published on “%s”, which you commented on: %s (%s)."},
	"notify.body.decided_changed":   {"根据您的意见修改的条文：%s。", "Articles changed following your comment: %s."},
	"notify.body.decided_unchanged": {"您的意见未使条文发生修改。", "Your comment did not change any article."},
	"notify.body.decided_link":      {"阅读决定全文及修改情况：%s", "Read the decision and what changed: %s"},
	"notify.sms.decided":            {"【意见征集】“%s”已公布，您的意见（回执%s）的办理情况见网站。", "【意见征集】“%s”已公布，您的意见（回执%s）的办理情况见网站。"},
	"notify.sms.decided_changed":    {"【意见征集】“%s”已公布，根据您的意见（回执%s）修改了%s。", "【意见征集】“%s”已公布，根据您的意见（回执%s）修改了%s。"},
}

func init() {
	for k, m := range noticesMessages {
		if _, dup := catalogue[k]; dup {
			panic("i18n: message " + k + " defined twice")
		}
		catalogue[k] = m
	}
}
