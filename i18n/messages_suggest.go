package i18n

// Messages of suggested wordings and of withdrawal by the commenter, kept
// in a file of their own so that features added side by side do not touch
// the same lines of messages.go. zh-CN first, English second.
func init() {
	addMessages(map[string]message{
		"comments.suggestion_needs_article": {"建议修改的文字须针对某一条提出，请先选择条文。", "A suggested wording is for one article: choose the article first."},
		"comments.wording_needs_adoption":   {"只有“采纳”或“部分采纳”的答复才能附采纳的文字。", "Only an answer that adopts (fully or partly) can carry an accepted wording."},
		"comments.wording_article_gone":     {"该条在当前版本中已不存在，无法采纳其建议文字。", "That article is not in the current version; its wording cannot be accepted."},
		"comments.wording_one_article":      {"采纳的文字只能是该条的条文，不能包含其他条。", "The accepted wording must be this article's text only, not further articles."},
		"comments.withdrawn":                {"该意见已由提出人撤回，无需处理。", "The commenter withdrew this comment; it needs no action."},
		"comments.already_withdrawn":        {"该意见已经撤回。", "This comment is already withdrawn."},
		"action.withdraw_comment":           {"撤回意见", "withdraw a comment"},
		"status.withdrawn":                  {"已撤回", "withdrawn"},

		"notify.subject.suggestion_accepted": {"您的修改建议已被采纳：%s", "Your suggested wording was accepted: %s"},
		"notify.subject.suggestion_declined": {"您的修改建议未被采纳：%s", "Your suggested wording was not accepted: %s"},
		"notify.body.suggestion_accepted":    {"您对“%s”提出的修改建议已答复：%s。下一稿将以采纳的文字为基础修改。", "Your suggested wording for “%s” was answered: %s. The next revision starts from the accepted wording."},
		"notify.body.suggestion_declined":    {"您对“%s”提出的修改建议已答复：%s。", "Your suggested wording for “%s” was answered: %s."},
		"notify.body.accepted_text":          {"采纳的文字：%s", "Accepted wording: %s"},
		"notify.sms.suggestion_accepted":     {"【意见征集】您的修改建议（回执%s）处理结果：%s。", "【意见征集】您的修改建议（回执%s）处理结果：%s。"},
		"notify.sms.suggestion_declined":     {"【意见征集】您的修改建议（回执%s）处理结果：%s。", "【意见征集】您的修改建议（回执%s）处理结果：%s。"},
		"page.suggest.field":                 {"建议修改为（可选）", "Suggested wording (optional)"},
		"page.suggest.field_hint":            {"写出您建议的本条全文，系统会与现行条文逐字比对，标出改动之处。", "Write the whole article as you would have it; it is compared with the current text word by word and the changes are marked."},
		"page.suggest.heading":               {"建议修改为", "Suggested wording"},
		"page.suggest.redline":               {"与现行条文对照（删除线为删去的文字，下划线为新增的文字）", "Against the current text (struck out: removed; underlined: added)"},
		"page.suggest.accepted_field":        {"采纳的文字（采纳或部分采纳建议时填写，可修改）", "Accepted wording (when adopting the suggestion, fully or partly; may be edited)"},
		"page.suggest.accepted":              {"已采纳修改建议", "Suggested wording accepted"},
		"page.suggest.accepted_text":         {"采纳的文字：%s", "Accepted wording: %s"},
		"page.suggest.applied":               {"以下条文已按采纳的修改建议预填，可继续修改：", "These articles are pre-filled with the accepted suggested wordings; you may still edit them:"},
		"page.suggest.applied_item":          {"%s（%d 条意见）", "%s (%d {comment|comments})"},
		"page.withdraw.title":                {"撤回意见", "Withdraw the comment"},
		"page.withdraw.intro":                {"征求意见期间，您可以撤回自己的意见。撤回后意见不再公开、不计入统计，也无需答复，但仍作为“已撤回”保留在征求意见档案中。", "While the period is open you may withdraw your comment. It then leaves the public list and the counts and needs no answer, but stays in the consultation's record as withdrawn."},
		"page.withdraw.reason":               {"撤回理由（可选）", "Reason (optional)"},
		"page.withdraw.submit":               {"撤回意见", "Withdraw the comment"},
		"page.withdraw.done":                 {"意见已撤回。", "The comment is withdrawn."},
		"page.withdraw.withdrawn_at":         {"已于 %s 撤回", "Withdrawn on %s"},
		"page.revise.applied_none":           {"暂无需要预填的采纳文字。", "No accepted wording to pre-fill."},
	})
}
