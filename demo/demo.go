// Package demo loads demonstration data written for this project: two
// departments, one account per role and consultations in different states.
// Loading twice does nothing the second time.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
)

// Services are the domain services demo data goes through, so it obeys
// every rule real data does.
type Services struct {
	Auth          *auth.Service
	Consultations *consultation.Service
	// Comments, when set, adds a decision taken through the whole
	// procedure: comments, answers, revision, review and publication.
	Comments *comments.Service
}

// Account is a created demo account with its password.
type Account struct {
	Role     auth.Role
	Username string
	Password string
}

const marker = "县公安局（演示）"

func password() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return "demo-" + hex.EncodeToString(b)
}

// Load creates the demo data unless it is already there.
func Load(ctx context.Context, s Services) ([]Account, error) {
	depts, err := s.Auth.Store.Departments(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range depts {
		if d.Name == marker {
			return nil, nil
		}
	}
	admin := auth.Principal{UserID: "demo-loader", Username: "demo", Role: auth.Admin}
	police, err := s.Auth.CreateDepartment(ctx, admin, marker)
	if err != nil {
		return nil, err
	}
	agri, err := s.Auth.CreateDepartment(ctx, admin, "县农业农村局（演示）")
	if err != nil {
		return nil, err
	}
	var accounts []Account
	mk := func(name string, role auth.Role, dept string) (*auth.User, error) {
		pw := password()
		u, err := s.Auth.CreateUser(ctx, admin, auth.NewUser{Username: name, Password: pw, Role: role, DepartmentID: dept})
		if err != nil {
			return nil, err
		}
		accounts = append(accounts, Account{Role: role, Username: name, Password: pw})
		return u, nil
	}
	staff, err := mk("gongan", auth.Staff, police.ID)
	if err != nil {
		return nil, err
	}
	legal, err := mk("sifa", auth.Legal, "")
	if err != nil {
		return nil, err
	}
	if _, err := mk("nongye", auth.Staff, agri.ID); err != nil {
		return nil, err
	}
	if _, err := mk("jumin", auth.Resident, ""); err != nil {
		return nil, err
	}
	if _, err := mk("guanli", auth.Admin, ""); err != nil {
		return nil, err
	}
	p := auth.PrincipalOf(staff)

	// A draft still being written.
	if _, err := s.Consultations.Create(ctx, p, form("某县烟花爆竹燃放管理规定（草案）", consultation.NormativeDocument, fireworksText)); err != nil {
		return nil, err
	}
	// Open for comment now, for 30 days.
	open, err := s.Consultations.Create(ctx, p, form("某县养犬管理办法（征求意见稿）", consultation.NormativeDocument, dogText))
	if err != nil {
		return nil, err
	}
	now := s.Consultations.Now()
	if _, err := s.Consultations.Publish(ctx, p, open.ID, consultation.PublishForm{
		ClosesAt: now.Add(30 * 24 * time.Hour).Format(time.RFC3339)}); err != nil {
		return nil, err
	}
	if err := demoHearing(ctx, s.Consultations, p, open.ID, now); err != nil { // hearing.go
		return nil, err
	}
	// Opened 45 days ago for 31 days: its period is over.
	closed, err := s.Consultations.Create(ctx, p, form("某县电动自行车停放充电管理规定（征求意见稿）", consultation.MajorDecision, bikeText))
	if err != nil {
		return nil, err
	}
	past := consultation.NewService(s.Consultations.Store, s.Consultations.Departments)
	past.Now = func() time.Time { return now.Add(-45 * 24 * time.Hour) }
	if _, err := past.Publish(ctx, p, closed.ID, consultation.PublishForm{
		ClosesAt: now.Add(-14 * 24 * time.Hour).Format(time.RFC3339)}); err != nil {
		return nil, err
	}
	if s.Comments != nil {
		if err := decided(ctx, s, p, auth.PrincipalOf(legal), now); err != nil {
			return nil, err
		}
	}
	return accounts, nil
}

// decided takes the bike-charging rules through the whole procedure: opened
// 70 days ago for 30 days, commented on (with a small campaign), answered,
// revised, reviewed and published 10 days ago.
func decided(ctx context.Context, s Services, staff, legal auth.Principal, now time.Time) error {
	at := func(daysAgo int) func() time.Time {
		return func() time.Time { return now.Add(-time.Duration(daysAgo) * 24 * time.Hour) }
	}
	cs := consultation.NewService(s.Consultations.Store, s.Consultations.Departments)
	cs.Facts, cs.OnChange, cs.LogHead = s.Consultations.Facts, s.Consultations.OnChange, s.Consultations.LogHead
	ms := comments.NewService(s.Comments.Store, cs)
	ms.OnChange = s.Comments.OnChange
	cs.Now, ms.Now = at(70), at(70)
	form := form("某县住宅小区电动自行车充电安全管理规定（征求意见稿）", consultation.Other, bikeText)
	moderation := false
	form.Moderation = &moderation
	c, err := cs.Create(ctx, staff, form)
	if err != nil {
		return err
	}
	if _, err := cs.Publish(ctx, staff, c.ID, consultation.PublishForm{ClosesAt: at(40)().Format(time.RFC3339)}); err != nil {
		return err
	}
	v1, err := cs.Version(ctx, staff, c.ID, 1)
	if err != nil {
		return err
	}
	arts := v1.Articles()
	anyone := auth.Principal{}
	type entry struct {
		article int // index into arts, -1 for the whole draft
		body    string
		name    string
	}
	entries := []entry{
		{2, "建议明确“公共门厅”是否包括单元入户大堂，避免执法标准不一。", "李明华"},
		{3, "老旧小区没有空地建充电设施，建议由街道统筹建设集中充电点，并给予补贴。", "王芳"},
		{3, "老旧小区没有空地建充电设施，建议由街道统筹建设集中充电点，并给予补贴。", "赵强"},
		{3, "老旧小区没有空地建充电设施，建议由街道统筹建设集中充电点，并给予补贴！", ""},
		{4, "罚款上限五百元偏低，对屡教不改的应当提高处罚。", "欧阳小明"},
		{-1, "整体赞成，建议增加宣传引导条款。联系电话13812345678。", "张小祥"},
	}
	var ids []string
	for i, e := range entries {
		ms.Now = at(65 - i)
		sub := comments.Submission{Body: e.body, CommenterType: comments.Individual, Display: comments.Masked, RealName: e.name}
		if e.name == "" {
			sub.Display = comments.Anonymous
		}
		if e.article >= 0 {
			sub.ArticleID = arts[e.article].ID
		}
		r, err := ms.Submit(ctx, anyone, c.ID, sub, "")
		if err != nil {
			return err
		}
		ids = append(ids, r.CommentID)
	}
	cs.Now, ms.Now = at(38), at(38)
	revised := bikeText[:len(bikeText)-len("第六条　本规定自公布之日起施行。\n")] +
		"第六条　街道办事处应当统筹老旧小区电动自行车集中充电设施建设。\n第七条　本规定自公布之日起施行。\n"
	v2, err := cs.Revise(ctx, staff, c.ID, consultation.RevisionForm{Text: revised, Note: "根据公众意见，增加老旧小区集中充电设施的规定。"})
	if err != nil {
		return err
	}
	newArticle := v2.Articles()[5].ID
	answers := []struct {
		id string
		f  comments.DispositionForm
	}{
		{ids[0], comments.DispositionForm{Outcome: comments.NotAdopted, Reason: "入户大堂属于公共门厅，现行表述已经涵盖，执法中将统一口径。"}},
		{ids[4], comments.DispositionForm{Outcome: comments.OutOfScope, Reason: "罚款幅度由上位法规定，本规定不作调整。"}},
		{ids[5], comments.DispositionForm{Outcome: comments.PartiallyAdopted, Reason: "宣传引导将在实施方案中安排，不另设条款。"}},
	}
	for _, a := range answers {
		if _, err := ms.Dispose(ctx, staff, a.id, a.f); err != nil {
			return err
		}
	}
	cm, err := ms.Store.Comment(ctx, ids[1])
	if err != nil {
		return err
	}
	if _, err := ms.DisposeGroup(ctx, staff, c.ID, cm.GroupID, comments.DispositionForm{Outcome: comments.Adopted, ChangedArticles: []string{newArticle}}); err != nil {
		return err
	}
	// The near-identical copy (other punctuation) is in the same exact group;
	// answer anything still open the same way.
	for _, id := range ids[2:4] {
		if c, err := ms.Store.Comment(ctx, id); err == nil && c.Disposition == nil {
			if _, err := ms.Dispose(ctx, staff, id, comments.DispositionForm{Outcome: comments.Adopted, ChangedArticles: []string{newArticle}}); err != nil {
				return err
			}
		}
	}
	cs.Now = at(35)
	if _, err := cs.SubmitForReview(ctx, staff, c.ID, consultation.SubmitForm{}); err != nil {
		return err
	}
	cs.Now = at(20)
	if _, err := cs.GiveOpinion(ctx, legal, c.ID, consultation.OpinionForm{Outcome: consultation.Lawful, Opinion: "经审查，该规定符合法律法规规定，程序合法。"}); err != nil {
		return err
	}
	cs.Now = at(10)
	adopted := at(12)().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	effective := at(-20)().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	_, err = cs.Finalize(ctx, legal, c.ID, consultation.FinalizeForm{Interpretation: "政策解读。", DocumentNumber: "某政规〔2026〕8号（演示）", AdoptedOn: adopted, EffectiveOn: effective})
	return err
}

func form(title string, t consultation.ProcedureType, text string) consultation.DraftForm {
	ptr := func(s string) *string { return &s }
	yes := true
	return consultation.DraftForm{
		Title: ptr(title), ProcedureType: &t, Text: ptr(text),
		Explanation:    ptr("为回应群众关切、规范相关管理活动，县人民政府组织起草了本草案。起草过程中开展了调研，听取了街道、社区和有关企业的意见。现向社会公开征求意见。"),
		LegalBasis:     ptr("《中华人民共和国动物防疫法》《中华人民共和国治安管理处罚法》及有关地方性法规。"),
		Contact:        &consultation.Contact{Department: "县公安局法制大队（演示）", Phone: "0571-00000000", Email: "demo@example.gov.cn", Address: "某县人民路1号"},
		Channels:       &consultation.Channels{Online: true, PostalAddress: "某县人民路1号 县公安局法制大队（信封请注明“意见征集”）", Email: "yijian@example.gov.cn"},
		AllowAnonymous: &yes,
	}
}
