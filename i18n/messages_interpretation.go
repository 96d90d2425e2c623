package i18n

// Messages of the department's draft 政策解读
// (consultation/interpretation_draft.go, web/page_interpretation.go); the
// field labels are the finalization form's (messages_hearing.go). init adds
// them to the one catalogue; a key defined twice is a bug.
func init() {
	addMessages(interpretationMessages)
}

var interpretationMessages = map[string]message{
	"action.interpret":             {"拟定政策解读", "given a draft policy interpretation"},
	"event.interpretation.drafted": {"起草部门拟定政策解读", "policy interpretation drafted by the department"},

	"page.work.interpretation_title": {"政策解读", "Policy interpretation"},
	"page.work.done_interpretation":  {"政策解读已保存。", "The policy interpretation was saved."},
	"page.interpretation.hint":       {"政策解读由起草部门拟定，在决定公布前可随时修改；合法性审查时审查机构可以看到，公布时采用此稿（司法局可在公布时修改）。全部留空并保存即清除草稿。", "The department drafts the policy interpretation and may change it any time before the decision is published; the legal office sees it in the review and publishes it with the decision (it may amend it then). Saving with every field empty clears the draft."},
	"page.interpretation.more_rows":  {"需要更多问答时，先保存，页面会再提供空白行。", "For more questions, save: the form then offers more blank rows."},
	"page.interpretation.save":       {"保存政策解读", "Save the interpretation"},
	"page.interpretation.saved_at":   {"最近保存：%s", "Last saved: %s"},
	"page.interpretation.none":       {"起草部门尚未拟定政策解读。", "The department has not drafted an interpretation yet."},
	"page.interpretation.draft":      {"起草部门拟定的政策解读", "The interpretation the department drafted"},
	"page.interpretation.closed":     {"决定已公布、撤回或不予通过，政策解读不能再修改。", "The decision is published, withdrawn or rejected: the interpretation can no longer be changed."},
	"page.review.interpretation":     {"起草部门拟定的政策解读", "Policy interpretation drafted by the department"},
	"page.finalize.prefilled":        {"政策解读已按起草部门拟定的稿填好，可以修改；三项全部留空则发布起草部门的稿。", "The interpretation is filled in from the department's draft; you may amend it. With all three left empty the department's draft is published."},
}
