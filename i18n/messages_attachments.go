package i18n

// Messages of attached files (attachment/, comments/attachments.go, web/api_attachments.go).
var attachmentMessages = map[string]message{
	"attachment.too_many":                {"附件最多 %d 个。", "At most %d files may be attached."},
	"attachment.too_large":               {"附件“%s”过大（每个文件上限 %s），未保存任何内容。", "The file “%s” is too large (limit %s per file); nothing was stored."},
	"attachment.request_too_large":       {"提交的内容过大：最多 %d 个附件，每个不超过 %s。", "The request is too large: at most %d files of %s each."},
	"attachment.empty":                   {"附件“%s”是空文件。", "The file “%s” is empty."},
	"attachment.kind_refused":            {"附件“%s”的类型不被接受（按文件内容判断），可接受：%s。", "The file “%s” is not of an accepted type (judged by its content); accepted: %s."},
	"attachment.disguised":               {"附件“%s”的内容是 %s 文件，与文件扩展名不符，未保存。", "The file “%s” holds a %s file, not what its extension says; it was not stored."},
	"attachment.bad_name":                {"附件文件名无效。", "The file name is not valid."},
	"attachment.name_too_long":           {"附件文件名过长（最多 %d 个字符）。", "The file name is too long (at most %d characters)."},
	"attachment.already":                 {"附件“%s”已是该状态。", "The file “%s” is already so."},
	"attachment.bad_form":                {"表单格式有误，请重新提交。", "The form could not be read; please submit it again."},
	"attachment.restricted":              {"附件已限制公开：%s", "Attachment withheld from the public: %s"},
	"attachment.status.pending":          {"待审核，未公开", "Awaiting review, not public"},
	"attachment.status.published":        {"已公开", "Public"},
	"attachment.status.restricted":       {"已限制公开", "Withheld"},
	"page.attachment.label":              {"附件（可选）", "Attachments (optional)"},
	"page.attachment.hint":               {"最多 %d 个文件，每个不超过 %s；接受 PDF、Word（.docx）、Excel（.xlsx）和图片（PNG、JPEG、GIF、WebP）。附件经工作人员审核后才公开。若表单需要修改后重新提交，请重新选择附件。", "Up to %d files of at most %s each: PDF, Word (.docx), Excel (.xlsx) and pictures (PNG, JPEG, GIF, WebP). Files are public only once staff have reviewed them. If the form comes back for corrections, choose the files again."},
	"page.attachment.list":               {"附件", "Attachments"},
	"page.attachment.publish":            {"公开附件", "Publish file"},
	"page.attachment.restrict":           {"限制公开", "Withhold"},
	"page.attachment.reason":             {"限制公开的理由", "Reason for withholding"},
	"page.attachment.done":               {"附件状态已更新。", "The file's status was updated."},
	"action.document":                    {"添加附件材料", "attach a supporting document"},
	"event.document.attached":            {"发布附件材料", "Supporting document attached"},
	"page.documents.title":               {"附件材料", "Supporting documents"},
	"page.documents.version":             {"第 %d 稿", "version %d"},
	"page.documents.hint":                {"起草说明、依据、背景材料和解读随所附的那一稿公开，在公告页、订阅源和存档中列出；决定公布后只能再添加解读。", "Drafting explanations, legal bases, background and interpretations are published with the version they are attached to, listed on the notice page, in the feed and in the archive; after the decision only interpretations can be added."},
	"page.documents.none":                {"尚未添加附件材料。", "No supporting documents yet."},
	"page.documents.add":                 {"添加附件材料", "Attach a document"},
	"page.documents.role":                {"材料类别", "Kind of document"},
	"page.documents.doc_title":           {"标题（可选）", "Title (optional)"},
	"page.documents.title_hint":          {"不填则使用文件名。", "The file name is used if left empty."},
	"page.documents.file_hint":           {"PDF、Word（.docx）或 Excel（.xlsx），每次一个文件，不超过 %s。", "PDF, Word (.docx) or Excel (.xlsx), one file at a time, at most %s."},
	"page.documents.save":                {"添加", "Attach"},
	"page.work.done_document":            {"已添加附件材料。", "The document was attached."},
	"page.work.documents_title":          {"附件材料", "Supporting documents"},
	"document.role.drafting_explanation": {"起草说明", "Drafting explanation"},
	"document.role.legal_basis":          {"依据", "Legal basis"},
	"document.role.background":           {"背景材料", "Background"},
	"document.role.interpretation":       {"解读", "Interpretation"},
}

func init() {
	addMessages(attachmentMessages)
}
