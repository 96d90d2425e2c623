package i18n

// Messages of the staff search (comments/staffsearch.go, web/page_staff_search.go)
// and of the files of published comments (web/page_comment_files.go).
var staffSearchMessages = map[string]message{
	"staffsearch.query_required":   {"请输入要搜索的字词。", "Enter the words to search for."},
	"staffsearch.query_too_long":   {"搜索词过长（最多 %d 个字符）。", "The search is too long (at most %d characters)."},
	"staffsearch.too_many_terms":   {"搜索词最多 %d 个（以空格分隔）。", "At most %d search words (separated by spaces)."},
	"page.work.search_title":       {"搜索意见", "Search comments"},
	"page.work.commentfiles_title": {"意见附件", "Files of a comment"},
	"page.staffsearch.legend":      {"搜索意见和附件", "Search comments and attachments"},
	"page.staffsearch.label":       {"搜索字词", "Words to search for"},
	"page.staffsearch.hint":        {"在本次征求的全部意见（含待审核、未发布、已撤回的意见）正文及其 PDF、Word 附件的文字中搜索；多个字词以空格分隔，须全部出现。联系方式不参与搜索。", "Searches the text of every comment of this consultation (pending, declined and withdrawn ones too) and the text of their PDF and Word files; separate several words with spaces, all must occur. Contact details are never searched."},
	"page.staffsearch.button":      {"搜索", "Search"},
	"page.staffsearch.results":     {"本页找到 %d 条，检索了 %d 条意见。", "%d found on this page, %d comments searched."},
	"page.staffsearch.none":        {"本页未找到匹配的意见。", "No matching comment on this page."},
	"page.staffsearch.more":        {"继续搜索后面的意见", "Search the following comments"},
	"page.staffsearch.end":         {"已搜索完全部意见。", "Every comment has been searched."},
	"page.staffsearch.in_body":     {"意见正文", "Comment text"},
	"page.staffsearch.in_file":     {"附件“%s”", "File “%s”"},
	"page.staffsearch.files_link":  {"管理附件", "Manage files"},
	"page.commentfiles.title":      {"意见附件", "Files of a comment"},
	"page.commentfiles.hint":       {"已发布意见的附件也可在此公开或限制公开；限制公开的理由会代替附件向公众显示。", "The files of a published comment can be published or withheld here too; the reason for withholding is shown to the public in the file's place."},
	"page.commentfiles.comment":    {"意见（回执 %s）", "Comment (receipt %s)"},
	"page.commentfiles.none":       {"这条意见没有附件。", "This comment has no files."},
	"page.commentfiles.link":       {"附件（%d 个）：公开或限制公开", "Files (%d): publish or withhold"},
	"page.commentfiles.back":       {"返回搜索", "Back to the search"},
}

func init() {
	addMessages(staffSearchMessages)
}
