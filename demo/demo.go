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
	"yugongkai/consultation"
)

// Services are the domain services demo data goes through, so it obeys
// every rule real data does.
type Services struct {
	Auth          *auth.Service
	Consultations *consultation.Service
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
	if _, err := mk("nongye", auth.Staff, agri.ID); err != nil {
		return nil, err
	}
	if _, err := mk("sifa", auth.Legal, ""); err != nil {
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
	return accounts, nil
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
