package storetest

import (
	"strings"
	"testing"

	"yugongkai/consultation"
)

// Hearings in the atomicity contract: fixtures with a hearing announced
// ("+hearing": three applications) or its participants selected
// ("+selected"), the hearing commands, and the check that the
// applications stored are those the consultation counts.

// cutHearing takes the hearing token out of a stage name.
func cutHearing(name string) (string, string) {
	for _, tok := range []string{"+hearing", "+selected"} {
		if i := strings.Index(name, tok); i >= 0 {
			return name[:i] + name[i+len(tok):], tok
		}
	}
	return name, ""
}

var atomicHearing = consultation.HearingForm{HeldAt: "2026-12-20T09:30", Place: "县政府第一会议室", Matters: "登记期限",
	HowToApply: "在线报名", ApplyBy: "2026-12-15T17:00", Seats: 2}

// withHearing announces a hearing on fx with three applications and, for
// "+selected", selects its participants by stance balance.
func (w *world) withHearing(fx *fixture, tok string) *fixture {
	w.t.Helper()
	h, err := w.cs.AnnounceHearing(ctx, atomicStaff, fx.c.ID, atomicHearing)
	w.ok(err)
	fx.hearing = h.ID
	for _, st := range []string{"support", "oppose", "neutral"} {
		_, err := w.cs.ApplyForHearing(ctx, atomicResident, fx.c.ID, h.ID, consultation.ApplicationForm{Name: "张三" + st, Contact: "13900003333", Stance: st, Reason: "关心此事。"})
		w.ok(err)
	}
	if tok == "+selected" {
		_, err := w.cs.SelectParticipants(ctx, atomicStaff, fx.c.ID, h.ID, consultation.SelectionForm{Method: consultation.ByBalance})
		w.ok(err)
	}
	fx.c = w.get(fx.c.ID)
	return fx
}

var hearingCommands = []command{
	{"announce_hearing", "closed", func(w *world, fx *fixture) error {
		_, err := w.cs.AnnounceHearing(ctx, atomicStaff, fx.c.ID, atomicHearing)
		return err
	}},
	{"apply_hearing", "closed+hearing", func(w *world, fx *fixture) error {
		_, err := w.cs.ApplyForHearing(ctx, atomicResident, fx.c.ID, fx.hearing, consultation.ApplicationForm{Name: "李四", Contact: "li@example.cn", Stance: "oppose", Reason: "我养犬。"})
		return err
	}},
	{"select_hearing", "closed+hearing", func(w *world, fx *fixture) error {
		_, err := w.cs.SelectParticipants(ctx, atomicStaff, fx.c.ID, fx.hearing, consultation.SelectionForm{Method: consultation.ByLot})
		return err
	}},
	{"record_hearing", "closed+selected", func(w *world, fx *fixture) error {
		h := fx.c.HearingByID(fx.hearing)
		_, err := w.ms.RecordHearing(ctx, atomicStaff, fx.c.ID, fx.hearing, consultation.HearingRecordForm{HeldOn: "2026-11-30", Summary: "听证会概要。",
			Statements: []consultation.HearingStatement{{Application: h.Selection.Participants[0].Application, Body: "建议延长登记期限。", Stance: "oppose"},
				{Speaker: "县畜牧兽医站", Body: "登记期限三十日可行。"}}})
		return err
	}},
}

func init() {
	commands = append(commands, hearingCommands...)
	races = append(races, struct {
		stage string
		a, b  string
	}{"closed+hearing", "apply_hearing", "select_hearing"}, struct {
		stage string
		a, b  string
	}{"closed+hearing", "apply_hearing", "apply_hearing"})
	repeatable["apply_hearing"] = true
	repeatable["announce_hearing"] = true
}

// hearingApplications reads the stored applications of every hearing of c.
func (w *world) hearingApplications(c *consultation.Consultation) map[string][]*consultation.HearingApplication {
	w.t.Helper()
	out := map[string][]*consultation.HearingApplication{}
	for _, h := range c.Hearings {
		list, err := w.s.Consultations.HearingApplications(ctx, c.ID, h.ID)
		w.ok(err)
		out[h.ID] = list
	}
	return out
}

// consistentHearings checks that each hearing's stored applications are
// the ones its count says, numbered 1, 2, … without gaps.
func consistentHearings(t *testing.T, what string, s snapshot) {
	t.Helper()
	for _, h := range s.Consultation.Hearings {
		list := s.Applications[h.ID]
		if len(list) != h.Applications {
			t.Errorf("%s: hearing %s counts %d applications, %d stored", what, h.ID, h.Applications, len(list))
		}
		for i, a := range list {
			if a.Seq != i+1 {
				t.Errorf("%s: hearing %s application %d has seq %d", what, h.ID, i+1, a.Seq)
			}
		}
	}
}
