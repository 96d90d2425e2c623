package web

import (
	"time"

	"yugongkai/auth"
	"yugongkai/consultation"
)

// addHearingTemplateData gives the hearing pages representative data and
// x a hearing with its selection and record, so the consultation page
// renders its hearing notice (TestRenderEveryTemplate).
func addHearingTemplateData(data map[string]any, staff pageBase, x *consultation.Consultation) {
	at := staff.Now.Add(240 * time.Hour)
	h := consultation.HearingNotice{ID: "h1", HeldAt: at, Place: "县政府第一会议室", Matters: "票价。\n方案。", HowToApply: "在线报名", ApplyBy: at.Add(-48 * time.Hour),
		Seats: 2, AnnouncedAt: staff.Now, Applications: 3, Stances: map[string]int{"support": 2, "oppose": 1},
		Selection: &consultation.Selection{Method: consultation.ByLot, Seed: "ab12", Pool: 3, At: staff.Now,
			Participants: []consultation.Participant{{Application: "a1", Name: "张*", Stance: "support"}}},
		Record: &consultation.HearingRecord{HeldOn: "2026-11-30", Summary: "概要。", Statements: []string{"m1"}}}
	open := h
	open.ID, open.Selection, open.Record = "h2", nil, nil
	x.Hearings = []consultation.HearingNotice{h, open}
	apps := []*consultation.HearingApplication{{ID: "a1", Seq: 1, Name: "张三", Contact: "13900000000", Stance: "support", Reason: "理由"}}
	data["work_hearings"] = hearingsPageData{workBase: workBase{pageBase: staff, C: x, Tab: "hearings"},
		Hearings: []hearingView{{HearingNotice: h, HeldAtText: "2026年12月11日9时30分", ApplyByText: "x", Applications: apps,
			Rows: []statementRow{{N: 1, Application: "a1", Speaker: "张*", Stance: "support"}, {N: 2}}},
			{HearingNotice: open, Open: true, Applications: apps, Rows: []statementRow{{N: 1}}}},
		Form: consultation.HearingForm{Place: "p", Seats: 5}, Errors: formErrors{"held_at": "x", "place": "y", "method": "m"}, ErrorsFor: "h2"}
	anyone := staff
	anyone.User = auth.Principal{}
	data["hearing_apply"] = hearingApplyData{pageBase: anyone, C: x, Hearing: hearingView{HearingNotice: open, Open: true, HeldAtText: "t", ApplyByText: "t"},
		Form: consultation.ApplicationForm{Name: "张三", Stance: "oppose"}, Errors: formErrors{"name": "必填", "contact": "c", "reason": "r"}}
}
