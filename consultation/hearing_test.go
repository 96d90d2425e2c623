package consultation_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/sqlite"
)

func apps(stances ...string) []*consultation.HearingApplication {
	var out []*consultation.HearingApplication
	for i, st := range stances {
		out = append(out, &consultation.HearingApplication{ID: fmt.Sprintf("a%02d", i+1), Seq: i + 1, Stance: st})
	}
	return out
}

func ids(list []*consultation.HearingApplication) string {
	var s []string
	for _, a := range list {
		s = append(s, a.ID)
	}
	return strings.Join(s, " ")
}

// TestBalanceStances: the seats go round oppose, support, neutral, earliest
// first; the same applications always give the same participants.
func TestBalanceStances(t *testing.T) {
	for _, tc := range []struct {
		name    string
		stances []string
		seats   int
		want    string
	}{
		{"round robin", []string{"support", "support", "oppose", "neutral", "support", "oppose"}, 4, "a03 a01 a04 a06"},
		{"one stance runs out", []string{"support", "support", "support", "oppose"}, 3, "a04 a01 a02"},
		{"fewer applicants than seats", []string{"neutral", "support"}, 5, "a02 a01"},
		{"nobody", nil, 3, ""},
	} {
		list := apps(tc.stances...)
		got := ids(consultation.BalanceStances(list, tc.seats))
		if got != tc.want {
			t.Errorf("%s: BalanceStances = %q, want %q", tc.name, got, tc.want)
		}
		// Deterministic whatever order the applications come in.
		sort.Slice(list, func(i, j int) bool { return list[i].ID > list[j].ID })
		if again := ids(consultation.BalanceStances(list, tc.seats)); again != got {
			t.Errorf("%s: reordered input gives %q, want %q", tc.name, again, got)
		}
	}
}

// TestDrawLot: the draw is a function of the seed and the ids, which
// anyone can recompute: the lowest SHA-256(seed + "\n" + id) win.
func TestDrawLot(t *testing.T) {
	list := apps("support", "oppose", "neutral", "support", "oppose", "neutral", "support", "oppose")
	seed := strings.Repeat("ab", 32)
	first := ids(consultation.DrawLot(seed, list, 3))
	if again := ids(consultation.DrawLot(seed, list, 3)); again != first {
		t.Fatalf("same seed: %q then %q", first, again)
	}
	// Recompute independently.
	type ticket struct{ key, id string }
	var ts []ticket
	for _, a := range list {
		sum := sha256.Sum256([]byte(seed + "\n" + a.ID))
		ts = append(ts, ticket{hex.EncodeToString(sum[:]), a.ID})
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].key < ts[j].key })
	if want := ts[0].id + " " + ts[1].id + " " + ts[2].id; first != want {
		t.Errorf("DrawLot = %q, recomputed %q", first, want)
	}
	differs := false
	for i := 0; i < 8 && !differs; i++ {
		differs = ids(consultation.DrawLot(fmt.Sprintf("%064d", i), list, 3)) != first
	}
	if !differs {
		t.Error("eight other seeds all drew the same participants")
	}
}

// TestHearing runs a hearing on a real store: announce, applications
// (contact never in the chain), selection by lot checked against the
// recorded seed and the application events, and the refusals.
func TestHearing(t *testing.T) {
	db := sqlite.OpenTemp(t)
	clock := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	svc := consultation.NewService(db.Consultations(), db.Auth())
	svc.Now = func() time.Time { return clock }
	ctx := context.Background()
	a := auth.NewService(db.Auth())
	a.Hash = auth.LightHashPassword
	d, err := a.CreateDepartment(ctx, auth.Principal{UserID: "root", Role: auth.Admin}, "县交通运输局")
	if err != nil {
		t.Fatal(err)
	}
	staff := auth.Principal{UserID: "s1", Role: auth.Staff, DepartmentID: d.ID}
	other := auth.Principal{UserID: "s2", Role: auth.Staff, DepartmentID: "elsewhere"}
	legal := auth.Principal{UserID: "l1", Role: auth.Legal}
	resident := auth.Principal{UserID: "r1", Role: auth.Resident}
	anyone := auth.Principal{}
	ptr := func(s string) *string { return &s }
	typ := consultation.MajorDecision
	c, err := svc.Create(ctx, staff, consultation.DraftForm{Title: ptr("某县公交票价调整方案（征求意见稿）"), ProcedureType: &typ,
		Text: ptr("某县公交票价调整方案\n\n第一条　票价调整为二元。\n"), Explanation: ptr("说明"), LegalBasis: ptr("《价格法》"),
		Contact: &consultation.Contact{Department: "局", Phone: "1"}, Channels: &consultation.Channels{Email: "a@b.cn"}})
	if err != nil {
		t.Fatal(err)
	}
	form := consultation.HearingForm{HeldAt: "2026-12-20T09:30", Place: "县政府第一会议室", Matters: "票价调整方案",
		HowToApply: "在线报名", ApplyBy: "2026-12-15T17:00", Seats: 3}
	if _, err := svc.AnnounceHearing(ctx, staff, c.ID, form); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("announce on a draft = %v, want Conflict", err)
	}
	if _, err := svc.Publish(ctx, staff, c.ID, consultation.PublishForm{ClosesAt: "2027-01-31"}); err != nil {
		t.Fatal(err)
	}
	bad := form
	bad.ApplyBy, bad.Seats = "2026-12-21T09:00", 0
	if _, err := svc.AnnounceHearing(ctx, staff, c.ID, bad); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("deadline after the hearing, no seats = %v, want Invalid", err)
	}
	if _, err := svc.AnnounceHearing(ctx, other, c.ID, form); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("another department announces = %v, want Forbidden", err)
	}
	h, err := svc.AnnounceHearing(ctx, staff, c.ID, form)
	if err != nil {
		t.Fatal(err)
	}
	if got := h.HeldAt.Format(time.RFC3339); got != "2026-12-20T01:30:00Z" {
		t.Errorf("held at %s, want 09:30 Shanghai", got)
	}
	stances := []string{"support", "oppose", "oppose", "neutral", "support", "oppose"}
	for i, st := range stances {
		who := anyone
		if i == 0 {
			who = resident
		}
		if _, err := svc.ApplyForHearing(ctx, who, c.ID, h.ID, consultation.ApplicationForm{Name: fmt.Sprintf("张%d明", i),
			Contact: fmt.Sprintf("1390000%04d", i), Stance: st, Reason: "我每天乘公交。"}); err != nil {
			t.Fatalf("application %d: %v", i, err)
		}
	}
	if _, err := svc.ApplyForHearing(ctx, anyone, c.ID, h.ID, consultation.ApplicationForm{Name: "李四", Contact: "x", Stance: "maybe"}); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("bad stance, no reason = %v, want Invalid", err)
	}
	if _, err := svc.HearingApplications(ctx, resident, c.ID, h.ID); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("a resident lists applications = %v, want Forbidden", err)
	}
	list, err := svc.HearingApplications(ctx, legal, c.ID, h.ID)
	if err != nil || len(list) != len(stances) || list[0].Seq != 1 || list[5].Seq != 6 || list[0].UserID != "r1" {
		t.Fatalf("legal office sees %d applications (%v)", len(list), err)
	}
	// No contact or name in the chain; each application's digest is there.
	events, err := db.Consultations().Events(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var appEvents []map[string]any
	for _, e := range events {
		if strings.Contains(string(e.Payload), "1390000") || strings.Contains(string(e.Payload), "张0明") {
			t.Errorf("event %d %s carries personal data: %s", e.Seq, e.Type, e.Payload)
		}
		if e.Type == "hearing.applied" {
			var p map[string]any
			_ = json.Unmarshal(e.Payload, &p)
			appEvents = append(appEvents, p)
		}
	}
	if len(appEvents) != 6 || appEvents[2]["record_sha256"] != list[2].RecordSHA256() {
		t.Fatalf("application events %v, want 6 with the stored records' digests", appEvents)
	}
	if _, err := svc.SelectParticipants(ctx, staff, c.ID, h.ID, consultation.SelectionForm{Method: "vote"}); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("select by vote = %v, want Invalid", err)
	}
	sel, err := svc.SelectParticipants(ctx, staff, c.ID, h.ID, consultation.SelectionForm{Method: consultation.ByLot})
	if err != nil {
		t.Fatal(err)
	}
	// Anyone redoes the draw from the public events: the seed and the ids.
	var pool []*consultation.HearingApplication
	for _, p := range appEvents {
		pool = append(pool, &consultation.HearingApplication{ID: p["application"].(string)})
	}
	if got, want := ids(consultation.DrawLot(sel.Seed, pool, 3)), ids(selected(sel)); got != want || len(sel.Participants) != 3 || len(sel.Seed) != 64 {
		t.Errorf("redrawn %q, selected %q (seed %q)", got, want, sel.Seed)
	}
	if name := sel.Participants[0].Name; !strings.Contains(name, "*") {
		t.Errorf("participant name %q is not masked", sel.Participants[0].Name)
	}
	if _, err := svc.SelectParticipants(ctx, staff, c.ID, h.ID, consultation.SelectionForm{Method: consultation.ByBalance}); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("second selection = %v, want Conflict", err)
	}
	if _, err := svc.ApplyForHearing(ctx, anyone, c.ID, h.ID, consultation.ApplicationForm{Name: "王五", Contact: "w@x.cn", Stance: "support", Reason: "想参加"}); !apperr.Is(err, apperr.PeriodClosed) {
		t.Errorf("apply after the selection = %v, want PeriodClosed", err)
	}
	// A second hearing, selected by stance balance, and its deadline.
	form.HeldAt, form.ApplyBy = "2026-12-28T09:30", "2026-12-02T17:00"
	h2, err := svc.AnnounceHearing(ctx, staff, c.ID, form)
	if err != nil {
		t.Fatal(err)
	}
	for i, st := range []string{"support", "support", "neutral", "oppose"} {
		if _, err := svc.ApplyForHearing(ctx, anyone, c.ID, h2.ID, consultation.ApplicationForm{Name: "赵六", Contact: "z@x.cn", Stance: st, Reason: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	clock = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	if _, err := svc.ApplyForHearing(ctx, anyone, c.ID, h2.ID, consultation.ApplicationForm{Name: "赵七", Contact: "z@x.cn", Stance: "oppose", Reason: "迟到"}); !apperr.Is(err, apperr.PeriodClosed) {
		t.Errorf("apply after the deadline = %v, want PeriodClosed", err)
	}
	sel2, err := svc.SelectParticipants(ctx, staff, c.ID, h2.ID, consultation.SelectionForm{Method: consultation.ByBalance})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range sel2.Participants {
		got = append(got, p.Stance)
	}
	if strings.Join(got, " ") != "oppose support neutral" || sel2.Seed != "" {
		t.Errorf("balanced selection %v (seed %q), want oppose support neutral", got, sel2.Seed)
	}
	pub, err := svc.Get(ctx, anyone, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if pc := pub.PublicCopy(); len(pc.Hearings) != 2 || pc.Hearings[0].AnnouncedBy != "" || pc.Hearings[0].Selection.By != "" {
		t.Errorf("public copy of the hearings: %+v", pc.Hearings)
	}
	if v, err := svc.VerifyHistory(ctx, legal, c.ID); err != nil || !v.OK {
		t.Errorf("chain after the hearings: %+v %v", v, err)
	}
}

func selected(s *consultation.Selection) []*consultation.HearingApplication {
	var out []*consultation.HearingApplication
	for _, p := range s.Participants {
		out = append(out, &consultation.HearingApplication{ID: p.Application})
	}
	return out
}
