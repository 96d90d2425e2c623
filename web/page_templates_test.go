package web

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"yugongkai/attachment"
	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/i18n"
	"yugongkai/lawtext"
)

// TestRenderEveryTemplate renders each page with representative data in
// both languages: a template error, a missing catalogue key or a page
// without data here fails.
func TestRenderEveryTemplate(t *testing.T) {
	ps, err := parsePages()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	closes := time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC)
	doc, err := lawtext.Parse("某县养犬管理办法\n\n第一章　总则\n\n第一节　一般规定\n\n第一条　为了规范养犬行为，制定本办法。\n第二条　养犬人应当遵守下列规定：\n（一）依法登记；\n1．携带证件\n（二）文明养犬。\n")
	if err != nil {
		t.Fatal(err)
	}
	for i := range doc.Blocks {
		if a := doc.Blocks[i].Article; a != nil {
			a.ID = "a" + a.Label
		}
	}
	v := &consultation.Version{Number: 1, Kind: consultation.ConsultationDraft, Title: doc.Title, Document: doc, CreatedAt: now, Frozen: true, Public: true}
	x := &consultation.Consultation{ID: "c1", Title: "某县养犬管理办法（征求意见稿）", ProcedureType: consultation.NormativeDocument, State: consultation.Open,
		Explanation: "第一段。\n第二段。", LegalBasis: "《中华人民共和国动物防疫法》", ShorteningReason: "汛期临近",
		Contact:  consultation.Contact{Department: "法制大队", Phone: "0571-88888888", Email: "fz@example.gov.cn", Address: "人民路1号"},
		Channels: consultation.Channels{Online: true, Email: "yj@example.gov.cn", PostalAddress: "人民路1号"},
		OpensAt:  &now, ClosesAt: &closes, PublishedAt: &now, CreatedAt: now, PublicVersion: 1, CurrentVersion: 1,
		Extensions:  []consultation.Extension{{ClosesAt: closes, At: now.Add(time.Hour), Reason: "延长理由"}},
		Review:      &consultation.Review{SubmittedAt: now.Add(2 * time.Hour), DecidedAt: &closes, Opinion: "合法"},
		Final:       &consultation.Final{DocumentNumber: "某政发〔2026〕12号", PublishedAt: closes, Version: 1},
		ClosedEarly: &consultation.Closure{At: now.Add(3 * time.Hour), Reason: "提前"}, Withdrawal: &consultation.Closure{At: closes, Reason: "撤回"}}
	items := []consultationItem{{Consultation: x, Department: "县公安局", DaysLeft: 31}, {Consultation: x, Department: "县公安局", DaysLeft: 1},
		{Consultation: &consultation.Consultation{ID: "c2", Title: "草稿", State: consultation.Draft, ProcedureType: consultation.Rule}}}
	types := []option{{"rule", "规章", true}, {"other", "其他", false}}
	staff := auth.Principal{UserID: "u1", Username: "staffa", Role: auth.Staff, DepartmentID: "d1"}
	admin := auth.Principal{UserID: "u0", Username: "admin", Role: auth.Admin}
	errs := formErrors{"title": "必填。", "text": "未识别", "closes_at": "x", "shortening_reason": "y", "consultation": "z", "name": "n", "username": "u", "calendar": "c"}

	for _, lang := range i18n.Langs {
		base := func(u auth.Principal) pageBase {
			return pageBase{Lang: lang, User: u, CSRF: "tok", Path: "/", Title: "标题", Now: now}
		}
		data := map[string]any{
			"home":         homePageData{pageBase: base(auth.Principal{}), Open: items, ClosingSoon: items[1:2], RecentlyDone: items[:1]},
			"list":         listPageData{pageBase: base(staff), Items: items, Statuses: types, Departments: types, Types: types, NextURL: "/consultations?cursor=x", Query: "养犬"},
			"consultation": consultationPageData{pageBase: base(staff), C: x, Department: "县公安局", TypeLabel: "行政规范性文件", Minimum: "7 个工作日", PeriodLength: "22 个工作日", Accepting: true, DaysLeft: 31, Version: v, Blocks: blocksOf(doc), Versions: []*consultation.Version{v}, Timeline: timeline(lang, x, true), Manage: true, Missing: []string{"item.text"}, CommentURL: articleCommentURL("c1")},
			"login":        loginPageData{pageBase: base(staff), Username: "staffa", Next: "/staff/", Error: "用户名或密码错误。", Notice: "密码已修改"},
			"work_documents": documentsPageData{workBase: workBase{pageBase: base(staff), C: x, Tab: "documents"},
				Documents: []consultation.Document{{ID: "d1", Role: consultation.DraftingExplanation, Title: "起草说明", Version: 1,
					File: attachment.Meta{Name: "说明.pdf", Size: 2048, SHA256: strings.Repeat("ab", 32)}}},
				Roles: []option{{"drafting_explanation", "起草说明", true}}, Files: attachment.Table[attachment.ForNotice]},
			"work_steps": stepsPageData{workBase: workBase{pageBase: base(staff), C: x, Tab: "steps"}, Steps: []consultation.Step{{Kind: consultation.CollectiveDecision, HeldOn: "2026-11-30", Participants: "常务会议", Summary: "通过", Outcome: "passed"}, {Kind: consultation.RiskAssessment, Summary: "可控", Measures: "分步"}},
				Missing: "集体讨论决定", Kinds: types, Risks: types, Outcomes: types, Form: consultation.StepForm{Summary: "x"}, Errors: formErrors{"summary": "必填", "held_on": "x"}},
			"me_comments": minePageData{pageBase: base(staff), Items: []mineItem{{MyComment: comments.MyComment{ReceiptStatus: comments.ReceiptStatus{Code: "YG-ABCD-EFGH-JKMN", ReceivedAt: now, Status: comments.Declined, DeclineReason: comments.Spam,
				Disposition: &comments.PublicDisposition{Outcome: comments.NotAdopted, Reason: "理由"}, ConsultationID: "c1", ConsultationTitle: "办法", Body: "原文", ArticleLabel: "第二条"}}, Fate: "第 2 稿已修改"}}},
			"account_code": codeFormData{pageBase: base(auth.Principal{}), Reset: true, Step: 2, Contact: "a@example.cn", Sent: "已发送", Error: "太频繁",
				Errors: formErrors{"code": "错", "new_password": "短", "confirm_password": "不一致", "username": "x"}},
			"attach_receipt": eraseFormData{codeFormData: codeFormData{pageBase: base(staff), Step: 1, Contact: "a@example.cn", Errors: formErrors{"receipt": "错"}},
				Receipt: "YGK-ABCD-EFGH-JKMN"},
			"erase_contact": eraseFormData{codeFormData: codeFormData{pageBase: base(auth.Principal{}), Step: 2, Contact: "a@example.cn", Errors: formErrors{"code": "错"}},
				Receipt: "YGK-ABCD-EFGH-JKMN"},
			"lost_receipts": codeFormData{pageBase: base(auth.Principal{}), Step: 1, Contact: "a@example", Sent: "已发送", Error: "太频繁",
				Errors: formErrors{"contact": "不是联系方式"}},
			"me_sessions": sessionsPageData{pageBase: base(staff), Notice: "已结束",
				Sessions: []*auth.Session{{ID: "s1", Client: "Firefox", CreatedAt: now, ExpiresAt: now, Current: true}, {ID: "s2", CreatedAt: now, ExpiresAt: now}}},
			"password": passwordPageData{pageBase: base(staff), Forced: true, Errors: formErrors{"old_password": "错", "password": "短", "confirm_password": "不一致"}},
			"error":    errorPage{pageBase: base(auth.Principal{}), Status: 401, Message: "请先登录。", Fields: map[string]string{"a": "b"}, Login: true},
			"staff_dashboard": staffDashboardData{pageBase: base(staff), Department: "县公安局", Drafts: items, Open: items, Closed: nil,
				Queues: &comments.Queues{PendingModeration: []comments.QueueItem{{ConsultationID: "c1", Title: "办法", Pending: 3}}, Undisposed: []comments.QueueItem{{ConsultationID: "c1", Title: "办法", Undisposed: 2}},
					OverdueReports: []comments.QueueItem{{ConsultationID: "c1", Title: "办法", ReportDueOn: "2027-01-31", ReportOverdue: true}}}},
			"draft_new": draftPageData{pageBase: base(admin), Form: draftPageForm{Title: "t", Text: "第一条　x", AllowAnonymous: true}, Errors: errs, Types: types, Departments: types, Preview: true, Blocks: blocksOf(doc), Articles: 2, Gaps: []int{3}, Duplicates: []int{1}, NoArticles: true},
			"publish":   publishPageData{pageBase: base(staff), C: x, Form: publishPageForm{OpensAt: "2026-12-01", ClosesAt: "2026-12-05", ShorteningReason: "r"}, Errors: errs, Minimum: "7 个工作日", Missing: []string{"item.channels"}, AskReason: true},
			"legal":     legalQueueData{pageBase: base(auth.Principal{Username: "legal", Role: auth.Legal}), InReview: items},
			"admin":     adminPageData{pageBase: base(admin), Departments: []*auth.Department{{ID: "d1", Name: "县公安局"}}, DeptNames: map[string]string{"d1": "县公安局"}, Users: []*auth.User{{Username: "staffa", Role: auth.Staff, DepartmentID: "d1"}}, Roles: types, DeptOptions: types, DeptErrors: errs, UserErrors: errs, CalendarErrors: errs, Years: []int{2026, 2027}, Done: "ok"},
		}
		art := doc.Articles()[1]
		data["comment"] = commentPageData{pageBase: base(auth.Principal{}), C: x, Accepting: true, Articles: types, Article: &art,
			Form: commentPageForm{ArticleID: art.ID, Body: "意见", CommenterType: "organization", Display: "real_name", Key: "k"}, Errors: errs, MaxBody: 5000}
		data["receipt"] = receiptPageData{pageBase: base(auth.Principal{}), New: true, R: &comments.ReceiptStatus{Code: "YG-ABCD-EFGH-JKMN", ReceivedAt: now,
			Status: comments.Declined, DeclineReason: comments.Spam, Disposition: &comments.PublicDisposition{Outcome: comments.NotAdopted, Reason: "理由"},
			ConsultationID: "c1", ConsultationTitle: "办法"}}
		data["receipt_lookup"] = receiptPageData{pageBase: base(auth.Principal{}), Code: "x", Error: "bad"}
		fate := consultation.ArticleFate{Status: "renumbered", FromLabel: "第二条", ToLabel: "第三条", Version: 2}
		data["comments"] = publicCommentsPageData{pageBase: base(auth.Principal{}), C: x, Article: art.ID, Whole: 1, Next: "/consultations/c1/comments?cursor=x",
			Articles: []articleOption{{ID: art.ID, Label: art.Label, Count: 3, Selected: true}},
			Items: []publicCommentItem{
				{PublicComment: &comments.PublicComment{ID: "m1", ArticleID: art.ID, Body: "意见正文", Name: "张*祥", Count: 3, ReceivedAt: now,
					Disposition: &comments.PublicDisposition{Outcome: comments.PartiallyAdopted, Reason: "理由"}}, ArticleLabel: art.Label, Fate: &fate},
				{PublicComment: &comments.PublicComment{ID: "m3", ArticleID: art.ID, Body: "意见", Count: 1, ReceivedAt: now,
					Disposition: &comments.PublicDisposition{Outcome: comments.Adopted, Reason: "已有规定"}}, ArticleLabel: art.Label, Fate: &fate, AdoptionNote: "说明"},
				{PublicComment: &comments.PublicComment{ID: "m2", Body: "整体意见", Anonymous: true, Count: 1, ReceivedAt: now}},
			}}
		addWorkTemplateData(data, base(staff), x, v) // page_work_templates_test.go
		addDecisionTemplateData(data, base, x, v)    // page_decision_templates_test.go
		addNotifyTemplateData(data, base(auth.Principal{}))
		addHearingTemplateData(data, base(staff), x)           // page_hearings_templates_test.go
		addNoticesTemplateData(data, base(staff), x)           // notices_templates_test.go
		addSurveyTemplateData(data, base(auth.Principal{}), x) // page_surveys_templates_test.go
		addInterpretationTemplateData(data, base(staff), x)    // page_interpretation_templates_test.go
		for name, tmpl := range ps.pages {
			d, ok := data[name]
			if !ok {
				t.Errorf("page %s has no representative data in this test", name)
				continue
			}
			var buf bytes.Buffer
			if err := tmpl.ExecuteTemplate(&buf, "layout", d); err != nil {
				t.Errorf("%s (%s): %v", name, lang, err)
				continue
			}
			if m := missingKey.FindString(buf.String()); m != "" {
				t.Errorf("%s (%s): untranslated key %q", name, lang, m)
			}
			if want := `<html lang="` + string(lang) + `">`; !bytes.Contains(buf.Bytes(), []byte(want)) {
				t.Errorf("%s (%s): no %s", name, lang, want)
			}
		}
	}
}

var missingKey = regexp.MustCompile(`\b(page|role|version|state|type|item|field|error)\.[a-z_.]+[a-z]\b`)
