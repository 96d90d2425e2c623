package web

import (
	"html/template"

	"yugongkai/attachment"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/redline"
)

// addWorkTemplateData adds representative data of the work pages to
// TestRenderEveryTemplate: every state a form can be in, with errors.
func addWorkTemplateData(data map[string]any, base pageBase, x *consultation.Consultation, v *consultation.Version) {
	w := workBase{pageBase: base, C: x, Tab: "moderation", Comments: true, Done: "page.work.done_saved"}
	tab := func(t string) workBase { c := w; c.Tab = t; return c }
	errs := formErrors{"reason": "必填。", "note": "n", "status": "s", "changed_articles": "c", "text": "t", "review_days": "d", "package": "p", "closes_at": "x", "group_ids": "g"}
	cm := &comments.Comment{ID: "m1", ConsultationID: x.ID, ArticleID: v.Articles()[0].ID, Body: "原文 13800138000", PublicBody: "原文 138****8000",
		RealName: "张小祥", ContactPhone: "13800138000", Channel: comments.Online, ReceivedAt: base.Now, Status: comments.Published, GroupID: "g1", Receipt: "YG-ABCD-EFGH-JKMN",
		Disposition: &comments.Disposition{Outcome: comments.Adopted, ChangedArticles: []string{v.Articles()[0].ID}, GroupID: "g1"}}
	cm2 := *cm
	cm2.ID, cm2.Disposition = "m2", nil
	data["work_moderation"] = workModerationData{workBase: w, Reasons: comments.DeclineReasons, More: true,
		Items: []moderationItem{{Comment: cm, ArticleLabel: "第一条", First: true, Errors: errs, Reason: "spam", Note: "备注"}, {Comment: &cm2}}}
	g := &dispositionGroup{ID: "g1", Members: []*comments.Comment{cm, &cm2}, Undisposed: 1,
		Form: formOf("g-g1", "/x", cm.Disposition), Forms: map[string]dispositionForm{"m1": formOf("c-m1", "/x", cm.Disposition), "m2": formOf("c-m2", "/x", nil)}}
	g.Form.Errors = errs
	single := &dispositionGroup{ID: "g2", Members: []*comments.Comment{&cm2}, Undisposed: 1, Forms: map[string]dispositionForm{"m2": formOf("c-m2", "/x", nil)}}
	data["work_dispositions"] = workDispositionsData{workBase: tab("dispositions"), LatestN: 2, Outcomes: comments.Outcomes, Truncated: true,
		Latest:    []latestArticle{{Value: v.Articles()[0].ID, Label: "第一条", Number: 1, Text: "正文"}},
		Wording:   map[string]latestArticle{v.Articles()[0].ID: {Value: v.Articles()[0].ID, Label: "第一条", Number: 1, Text: "正文"}},
		Sections:  []dispositionSection{{ArticleID: "", Label: "总体意见", Groups: []*dispositionGroup{single}}, {ArticleID: "a1", Label: "第一条", Groups: []*dispositionGroup{g}, Fate: "第 2 稿已修改（第一条）"}},
		Proposals: []comments.Proposal{{GroupIDs: []string{"g1", "g2"}, Count: 3, Similarity: 0.9, Sample: "样本"}}, Failed: "merge", MergeErrors: errs}
	r := redline.Compare(consultation.RedlineArticles(v), nil)
	data["work_revise"] = workReviseData{workBase: tab("revise"), Text: "第一条　x", Note: "说明", Errors: errs, Redline: template.HTML(r.HTML()), Stats: &r.Stats, Previous: 1, Preview: true,
		Adopted: []comments.ReportRow{{No: 1, ArticleID: "a1", ArticleLabel: "第一条", Summary: "意见", Count: 2, Outcome: comments.Adopted, Reason: "理由"}}}
	st := &consultation.ProcedureStatement{ProcedureType: x.ProcedureType, OpensAt: x.OpensAt, ClosesAt: x.ClosesAt, ShorteningReason: "急",
		Extensions: x.Extensions, ClosedEarly: x.ClosedEarly, Channels: x.Channels, ConsultedVersion: 1, RevisedVersion: 2, ReviewRounds: 1,
		Comments: consultation.RecordFacts{Received: 3, Published: 2, Declined: 1, Undisposed: 1, ByChannel: map[string]int{"online": 2, "letter": 1}}}
	rx := *x
	rx.State, rx.Review = consultation.Returned, &consultation.Review{Outcome: consultation.Revise, Opinion: "第三条须修改", DecidedAt: x.OpensAt, DueOn: "2027-01-10", Rounds: 1}
	rw := tab("review")
	rw.C = &rx
	data["work_review"] = workReviewData{workBase: rw, Statement: st, Missing: []string{"item.revised_draft"}, Window: consultation.ReviewWindowFor(x.ProcedureType),
		ReviewDays: "15", Errors: errs, Channels: []channelCount{{"online", 2}}, Submittable: true}
	data["work_period"] = workPeriodData{workBase: tab("period"), Failed: "extend", Errors: errs, ClosesAt: "2027-01-31", Reason: "理由"}
	data["work_offline"] = workOfflineData{workBase: tab("offline"), Receipt: "YGK-ABCD-EFGH-JKMN",
		Form:     offlineForm{Channel: "letter", ReceivedOn: "2026-12-20", commentPageForm: commentPageForm{Body: "来信", Display: "masked", RealName: "王小明"}},
		Channels: []option{{Value: "letter", Label: "信函", Selected: true}}, Articles: []option{{Value: "", Label: "整体"}},
		Errors: errs, Files: attachment.Table[attachment.ForComment]}
	cmf := *cm
	cmf.Attachments = []attachment.Meta{{ID: "f1", Name: "来信.pdf", Size: 2048, Kind: attachment.PDF, Status: attachment.Published},
		{ID: "f2", Name: "照片.png", Size: 10, Kind: attachment.PNG, Status: attachment.Restricted, Reason: "含他人信息"}}
	data["work_comment_files"] = workCommentFilesData{workBase: tab("commentfiles"), Comment: &cmf, Failed: "f2", Reason: "", Errors: formErrors{"reason": "必填。"}}
	data["work_search"] = workSearchData{workBase: tab("search"), Q: "养犬 登记", Manage: true, Errors: formErrors{"q": "请输入要搜索的字词。"}, NextURL: "/x?cursor=y",
		Page: &comments.StaffSearchPage{Query: "养犬 登记", Scanned: 2000, Next: "y", Hits: []comments.StaffHit{{CommentID: "m1", Status: comments.Pending, Channel: comments.Letter,
			ReceivedAt: base.Now, Receipt: "YGK-ABCD-EFGH-JKMN", InBody: true, Excerpt: "…养犬登记…", Files: []comments.StaffHitFile{{ID: "f1", Name: "来信.pdf", Excerpt: "登记"}}}}}}
	data["work_import"] = workImportData{workBase: tab("import"), MaxRows: comments.MaxImportRows, Hidden: 3, Error: "缺少必需的列：body。",
		Imported: "ab12", ImportedCount: 2, Preview: &importPreviewBody{SHA256: "ab12", Format: "csv", Encoding: "gb18030", Converted: true, Rows: 2,
			Errors: []importRowError{{Row: 2, Column: "意见内容", Field: "body", Code: "field.required", Message: "必填。"}}}}
}
