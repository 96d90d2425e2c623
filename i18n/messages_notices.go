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
	"page.work.tab_notifications":   {"通知送达", "Notifications"},
	"page.work.notifications_title": {"通知送达情况", "Delivery of notifications"},
	"page.notices.title":            {"通知送达情况", "Delivery of notifications"},
	"page.notices.hint":             {"向意见人发送的通知（回执、公开与否、采纳情况、决定公布）的送达状态。失败的通知会自动重试（30 秒起，逐次加倍，最多 6 小时，共 12 次）；此处不显示收件人。", "Delivery of the notifications sent to commenters (receipt, published or not, answer, decision). Failed attempts are retried automatically (from 30 s, doubling up to 6 h, 12 attempts in all); recipients are not shown here."},
	"page.notices.by_kind":          {"按通知类型", "By kind of notification"},
	"page.notices.kind":             {"通知类型", "Kind"},
	"page.notices.channel":          {"方式", "Channel"},
	"page.notices.state":            {"状态", "State"},
	"page.notices.retries":          {"重试次数", "Retries"},
	"page.notices.attempts":         {"尝试次数", "Attempts"},
	"page.notices.next_try":         {"下次尝试", "Next try"},
	"page.notices.last_error":       {"最近错误", "Last error"},
	"page.notices.open":             {"未送达的通知", "Notifications not delivered"},
	"page.notices.none_open":        {"没有待发送或失败的通知。", "No notification is pending or failed."},
	"page.notices.omitted":          {"另有 %d 条未列出。", "%d more not listed."},
	"notify.state.pending":          {"待发送", "Pending"},
	"notify.state.sent":             {"已发送", "Sent"},
	"notify.state.failed":           {"失败", "Failed"},
	"notify.state.cancelled":        {"已取消", "Cancelled"},
	"notify.kind.receipt":           {"意见回执", "Receipt"},
	"notify.kind.published":         {"意见已公开", "Published"},
	"notify.kind.declined":          {"意见未公开", "Not published"},
	"notify.kind.answered":          {"采纳情况", "Answer"},
	"notify.kind.decided":           {"决定公布", "Decision"},
	"notify.channel.email":          {"电子邮件", "E-mail"},
	"notify.channel.sms":            {"短信", "SMS"},
}

func init() {
	for k, m := range noticesMessages {
		if _, dup := catalogue[k]; dup {
			panic("i18n: message " + k + " defined twice")
		}
		catalogue[k] = m
	}
}
