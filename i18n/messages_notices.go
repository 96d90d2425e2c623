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
	"privacy.title":                 {"个人信息处理说明", "How your personal data is handled"},
	"privacy.handler":               {"个人信息处理者：%s（联系方式：%s）。", "Your data is handled by: %s (contact: %s)."},
	"privacy.handler_unknown":       {"本征求意见的承办部门", "the department running this consultation"},
	"privacy.purpose":               {"处理目的：您的姓名和意见用于本次征求意见的办理和采纳情况说明（公开时按您的选择显示或隐去姓名，意见中的手机号、身份证号、邮箱会被遮盖）；联系方式仅用于就您的意见与您联系和发送办理通知，不公开，不写入日志、订阅源、导出文件、检索和档案。", "Purpose: your name and comment are used to handle this consultation and to answer it in the adoption report (published with your name shown or hidden as you choose; phone numbers, ID numbers and e-mail addresses in the text are masked). Your contact details are used only to reach you about your comment and to send you its notifications; they are never published, logged, or put in feeds, exports, search or archives."},
	"privacy.retention":             {"保存期限：联系方式在决定公布或征求意见撤回后 %d 天删除（意见、公开文本和答复作为决策档案保存）。", "Kept: your contact details are erased %d {day|days} after the decision is published or the consultation withdrawn (the comment, its public copy and the answer stay in the decision record)."},
	"privacy.rights":                {"您的权利：依照《个人信息保护法》，您可以查阅、复制、更正、补充、删除您的个人信息，撤回同意（通知中的退订链接随时停止通知），并要求解释处理规则；请联系上述处理者。", "Your rights (Personal Information Protection Law): to see, copy, correct, complete and erase your personal data, to withdraw consent (the unsubscribe link in every notification stops them at any time) and to have these rules explained; ask the handler above."},
}

func init() {
	for k, m := range noticesMessages {
		if _, dup := catalogue[k]; dup {
			panic("i18n: message " + k + " defined twice")
		}
		catalogue[k] = m
	}
}
