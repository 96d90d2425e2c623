package demo

import (
	"context"
	"time"

	"yugongkai/auth"
	"yugongkai/consultation"
)

// demoHearing announces a hearing on the open consultation, two weeks
// ahead with applications open for a week, and files two applications.
func demoHearing(ctx context.Context, cs *consultation.Service, staff auth.Principal, id string, now time.Time) error {
	h, err := cs.AnnounceHearing(ctx, staff, id, consultation.HearingForm{
		HeldAt: now.Add(14 * 24 * time.Hour).Truncate(time.Hour).Format(time.RFC3339), Place: "县政府第一会议室（人民路1号）",
		Matters:    "犬只登记期限、重点管理区域的范围和禁养犬只名录。",
		HowToApply: "在本页在线报名，或致电 0571-88888888。报名截止后按观点均衡遴选 15 名参加人。",
		ApplyBy:    now.Add(7 * 24 * time.Hour).Truncate(time.Hour).Format(time.RFC3339), Seats: 15})
	if err != nil {
		return err
	}
	for _, a := range []consultation.ApplicationForm{
		{Name: "陈晓东", Contact: "13900001234", Stance: "oppose", Reason: "我养了两条犬，登记期限太短。"},
		{Name: "刘芳", Contact: "liufang@example.cn", Stance: "support", Reason: "小区里犬只扰民，支持加强管理。"},
	} {
		if _, err := cs.ApplyForHearing(ctx, auth.Principal{}, id, h.ID, a); err != nil {
			return err
		}
	}
	return nil
}
