package consultation_test

import (
	"context"
	"testing"
	"time"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/sqlite"
	"yugongkai/workcal"
)

// approved takes a consultation of type t to the approved state on a real
// store, with the clock at now when it returns.
func approved(t *testing.T, svc *consultation.Service, clock *time.Time, staff, legal auth.Principal, typ consultation.ProcedureType) string {
	t.Helper()
	ctx := context.Background()
	ptr := func(s string) *string { return &s }
	text := "某县规定\n\n第一条　为了规范管理，制定本规定。\n第二条　本规定自公布之日起施行。\n"
	c, err := svc.Create(ctx, staff, consultation.DraftForm{Title: ptr("某县规定（征求意见稿）"), ProcedureType: &typ, Text: ptr(text),
		Explanation: ptr("说明"), LegalBasis: ptr("依据"), Contact: &consultation.Contact{Department: "局", Phone: "1"},
		Channels: &consultation.Channels{Email: "a@b.cn"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Publish(ctx, staff, c.ID, consultation.PublishForm{ClosesAt: "2026-12-31", ShorteningReason: "测试"}); err != nil {
		t.Fatal(err)
	}
	*clock = workcal.EndOfDay(workcal.MustParseDate("2026-12-31")).Add(time.Hour)
	if _, err := svc.Revise(ctx, staff, c.ID, consultation.RevisionForm{Text: text + "第三条　新增。\n"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SubmitForReview(ctx, staff, c.ID, consultation.SubmitForm{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.GiveOpinion(ctx, legal, c.ID, consultation.OpinionForm{Outcome: consultation.Lawful, Opinion: "经审查，草案符合法律法规规定。"}); err != nil {
		t.Fatal(err)
	}
	*clock = time.Date(2027, 1, 10, 2, 0, 0, 0, time.UTC) // 2027-01-10 10:00 Shanghai
	return c.ID
}

func TestFinalizeRules(t *testing.T) {
	db := sqlite.OpenTemp(t)
	clock := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	svc := consultation.NewService(db.Consultations(), db.Auth())
	svc.Now = func() time.Time { return clock }
	ctx := context.Background()
	admin := auth.Principal{UserID: "root", Role: auth.Admin}
	a := auth.NewService(db.Auth())
	a.Hash = auth.LightHashPassword
	d, err := a.CreateDepartment(ctx, admin, "县司法局")
	if err != nil {
		t.Fatal(err)
	}
	staff := auth.Principal{UserID: "s1", Role: auth.Staff, DepartmentID: d.ID}
	legal := auth.Principal{UserID: "l1", Role: auth.Legal}
	resident := auth.Principal{UserID: "r1", Role: auth.Resident}

	cases := []struct {
		name  string
		typ   consultation.ProcedureType
		actor auth.Principal
		form  consultation.FinalizeForm
		kind  apperr.Kind // "" = accepted
		field string
	}{
		{"rule, effective 30 days after publication", consultation.Rule, legal,
			consultation.FinalizeForm{DocumentNumber: "R1号", AdoptedOn: "2027-01-09", EffectiveOn: "2027-02-09"}, "", ""},
		{"rule, effective after 29 days", consultation.Rule, legal,
			consultation.FinalizeForm{DocumentNumber: "R2号", AdoptedOn: "2027-01-09", EffectiveOn: "2027-02-08"}, apperr.Invalid, "effective_on"},
		{"rule, early with a recorded exception", consultation.Rule, legal,
			consultation.FinalizeForm{DocumentNumber: "R3号", AdoptedOn: "2027-01-09", EffectiveOn: "2027-01-10", EffectiveException: "公布后不立即施行将有碍施行"}, "", ""},
		{"normative document without registration number", consultation.NormativeDocument, legal,
			consultation.FinalizeForm{DocumentNumber: "N1号", AdoptedOn: "2027-01-09", EffectiveOn: "2027-01-20"}, apperr.Invalid, "registration_number"},
		{"normative document with registration number, by admin", consultation.NormativeDocument, admin,
			consultation.FinalizeForm{DocumentNumber: "N2号", RegistrationNumber: "ZJSD-2027-1", AdoptedOn: "2027-01-09", EffectiveOn: "2027-01-20",
				Interpretation: "解读。", QA: []consultation.QA{{Question: "何时施行？", Answer: "2027年1月20日。"}, {}}}, "", ""},
		{"normative document without a policy interpretation", consultation.NormativeDocument, legal,
			consultation.FinalizeForm{DocumentNumber: "N4号", RegistrationNumber: "ZJSD-2027-4", AdoptedOn: "2027-01-09", EffectiveOn: "2027-01-20"}, apperr.Invalid, "interpretation"},
		{"normative document, no interpretation with an exception reason", consultation.NormativeDocument, legal,
			consultation.FinalizeForm{DocumentNumber: "N5号", RegistrationNumber: "ZJSD-2027-5", AdoptedOn: "2027-01-09", EffectiveOn: "2027-01-20",
				InterpretationException: "仅作文字性修改。"}, "", ""},
		{"interpretation and an exception reason both", consultation.NormativeDocument, legal,
			consultation.FinalizeForm{DocumentNumber: "N6号", RegistrationNumber: "ZJSD-2027-6", AdoptedOn: "2027-01-09", EffectiveOn: "2027-01-20",
				Interpretation: "解读。", InterpretationException: "无。"}, apperr.Invalid, "interpretation_exception"},
		{"Q&A without the interpretation text", consultation.Other, legal,
			consultation.FinalizeForm{DocumentNumber: "O5号", AdoptedOn: "2027-01-09", EffectiveOn: "2027-01-20",
				QA: []consultation.QA{{Question: "问？", Answer: "答。"}}}, apperr.Invalid, "interpretation"},
		{"a question without its answer", consultation.Other, legal,
			consultation.FinalizeForm{DocumentNumber: "O6号", AdoptedOn: "2027-01-09", EffectiveOn: "2027-01-20", Interpretation: "解读。",
				QA: []consultation.QA{{Question: "问？"}}}, apperr.Invalid, "qa"},
		{"other type, no interpretation needed", consultation.Other, legal,
			consultation.FinalizeForm{DocumentNumber: "O7号", AdoptedOn: "2027-01-09", EffectiveOn: "2027-01-20"}, "", ""},
		{"adopted in the future", consultation.Other, legal,
			consultation.FinalizeForm{DocumentNumber: "O1号", AdoptedOn: "2027-01-11", EffectiveOn: "2027-02-20"}, apperr.Invalid, "adopted_on"},
		{"effective before adoption", consultation.Other, legal,
			consultation.FinalizeForm{DocumentNumber: "O2号", AdoptedOn: "2027-01-09", EffectiveOn: "2027-01-08"}, apperr.Invalid, "effective_on"},
		{"document number already used", consultation.Other, legal,
			consultation.FinalizeForm{DocumentNumber: "R1号", AdoptedOn: "2027-01-09", EffectiveOn: "2027-01-20"}, apperr.Conflict, "document_number"},
		{"registration number already used", consultation.NormativeDocument, legal,
			consultation.FinalizeForm{DocumentNumber: "N3号", RegistrationNumber: "ZJSD-2027-1", AdoptedOn: "2027-01-09", EffectiveOn: "2027-01-20", Interpretation: "解读。"}, apperr.Conflict, "registration_number"},
		{"staff may not finalize", consultation.Other, staff,
			consultation.FinalizeForm{DocumentNumber: "O3号", AdoptedOn: "2027-01-09", EffectiveOn: "2027-01-20"}, apperr.Forbidden, ""},
		{"residents may not finalize", consultation.Other, resident,
			consultation.FinalizeForm{DocumentNumber: "O4号", AdoptedOn: "2027-01-09", EffectiveOn: "2027-01-20"}, apperr.Forbidden, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock = time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
			id := approved(t, svc, &clock, staff, legal, tc.typ)
			c, err := svc.Finalize(ctx, tc.actor, id, tc.form)
			if tc.kind == "" {
				if err != nil {
					t.Fatalf("Finalize = %v, want accepted", err)
				}
				if c.State != consultation.Published || c.Final.DocumentNumber != tc.form.DocumentNumber {
					t.Fatalf("after Finalize: state %s, final %+v", c.State, c.Final)
				}
				// The decision is published under its adopted title.
				if c.Title != "某县规定" || c.Final.Title != "某县规定" {
					t.Errorf("published title %q (final %q), want 某县规定", c.Title, c.Final.Title)
				}
				// Nothing changes after publication.
				if _, err := svc.Revise(ctx, staff, id, consultation.RevisionForm{Text: "第一条　改。\n"}); !apperr.Is(err, apperr.Conflict) {
					t.Errorf("Revise after publication = %v, want Conflict", err)
				}
				if _, err := svc.Finalize(ctx, legal, id, tc.form); !apperr.Is(err, apperr.Conflict) {
					t.Errorf("second Finalize = %v, want Conflict", err)
				}
				return
			}
			if !apperr.Is(err, tc.kind) {
				t.Fatalf("Finalize = %v, want %s", err, tc.kind)
			}
			if tc.field != "" {
				var ae *apperr.Error
				if !asErr(err, &ae) || len(ae.Fields) == 0 || ae.Fields[0].Field != tc.field {
					t.Errorf("Finalize error %v does not name %s", err, tc.field)
				}
			}
			got, _ := svc.Store.Consultation(ctx, id)
			if got.State != consultation.Approved {
				t.Errorf("state after a refused Finalize = %s, want approved", got.State)
			}
		})
	}
}

func asErr(err error, target **apperr.Error) bool {
	e, ok := err.(*apperr.Error)
	if ok {
		*target = e
	}
	return ok
}

func TestReviewRules(t *testing.T) {
	db := sqlite.OpenTemp(t)
	clock := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	svc := consultation.NewService(db.Consultations(), db.Auth())
	svc.Now = func() time.Time { return clock }
	ctx := context.Background()
	a := auth.NewService(db.Auth())
	d, err := a.CreateDepartment(ctx, auth.Principal{UserID: "root", Role: auth.Admin}, "县应急管理局")
	if err != nil {
		t.Fatal(err)
	}
	other, err := a.CreateDepartment(ctx, auth.Principal{UserID: "root", Role: auth.Admin}, "县公安局")
	if err != nil {
		t.Fatal(err)
	}
	staff := auth.Principal{UserID: "s1", Role: auth.Staff, DepartmentID: d.ID}
	stranger := auth.Principal{UserID: "s2", Role: auth.Staff, DepartmentID: other.ID}
	legal := auth.Principal{UserID: "l1", Role: auth.Legal}
	ptr := func(s string) *string { return &s }
	text := "某县规定\n\n第一条　为了规范管理，制定本规定。\n"

	// setup returns a consultation in the named stage.
	setup := func(stage string, typ consultation.ProcedureType, undisposed int) string {
		clock = time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
		svc.Facts = func(context.Context, *consultation.Consultation) (consultation.RecordFacts, error) {
			return consultation.RecordFacts{Received: 3, Published: 3, Undisposed: undisposed}, nil
		}
		c, err := svc.Create(ctx, staff, consultation.DraftForm{Title: ptr("规定"), ProcedureType: &typ, Text: ptr(text),
			Explanation: ptr("说明"), LegalBasis: ptr("依据"), Contact: &consultation.Contact{Department: "局", Phone: "1"},
			Channels: &consultation.Channels{Email: "a@b.cn"}})
		if err != nil {
			t.Fatal(err)
		}
		if stage == "draft" {
			return c.ID
		}
		if _, err := svc.Publish(ctx, staff, c.ID, consultation.PublishForm{ClosesAt: "2026-12-31", ShorteningReason: "测试"}); err != nil {
			t.Fatal(err)
		}
		if stage == "open" {
			return c.ID
		}
		clock = workcal.EndOfDay(workcal.MustParseDate("2026-12-31")).Add(time.Hour)
		if stage == "closed" {
			return c.ID
		}
		if _, err := svc.Revise(ctx, staff, c.ID, consultation.RevisionForm{Text: text + "第二条　新增。\n"}); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	cases := []struct {
		name       string
		stage      string
		typ        consultation.ProcedureType
		undisposed int
		actor      auth.Principal
		days       int
		kind       apperr.Kind
		field      string
		dueOn      string
	}{
		// 2027-01-01 01:00 Shanghai: 15 working days of the 2026 calendar
		// (2027 has no loaded schedule: plain Mon–Fri) end on 2027-01-22.
		{"complete package, default window", "revised", consultation.NormativeDocument, 0, staff, 0, "", "", "2027-01-22"},
		{"major decision, 7 working days", "revised", consultation.MajorDecision, 0, staff, 7, "", "", "2027-01-12"},
		{"major decision below 7 days", "revised", consultation.MajorDecision, 0, staff, 6, apperr.Invalid, "review_days", ""},
		{"normative document above 15 days", "revised", consultation.NormativeDocument, 0, staff, 16, apperr.Invalid, "review_days", ""},
		{"consulted text unchanged", "closed", consultation.Rule, 0, staff, 0, "", "", "2027-01-22"},
		{"comments without answer", "revised", consultation.Rule, 2, staff, 0, apperr.Invalid, "package", ""},
		{"period still open", "open", consultation.Rule, 0, staff, 0, apperr.Conflict, "", ""},
		{"never opened", "draft", consultation.Rule, 0, staff, 0, apperr.Conflict, "", ""},
		{"legal staff cannot submit", "revised", consultation.Rule, 0, legal, 0, apperr.Forbidden, "", ""},
		{"another department cannot submit", "revised", consultation.Rule, 0, stranger, 0, apperr.Forbidden, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := setup(tc.stage, tc.typ, tc.undisposed)
			c, err := svc.SubmitForReview(ctx, tc.actor, id, consultation.SubmitForm{ReviewDays: tc.days})
			if tc.kind == "" {
				if err != nil {
					t.Fatalf("SubmitForReview = %v", err)
				}
				if c.State != consultation.InReview || c.Review.DueOn != tc.dueOn {
					t.Errorf("state %s, due %s; want in_review, due %s", c.State, c.Review.DueOn, tc.dueOn)
				}
				// Only legal staff give the opinion; revise and unlawful need reasons.
				if _, err := svc.GiveOpinion(ctx, staff, id, consultation.OpinionForm{Outcome: consultation.Lawful}); !apperr.Is(err, apperr.Forbidden) {
					t.Errorf("staff opinion = %v, want Forbidden", err)
				}
				if _, err := svc.GiveOpinion(ctx, legal, id, consultation.OpinionForm{Outcome: consultation.Revise}); !apperr.Is(err, apperr.Invalid) {
					t.Errorf("revise without reasons = %v, want Invalid", err)
				}
				// Rule 8: a lawful opinion needs its reasoning too.
				if _, err := svc.GiveOpinion(ctx, legal, id, consultation.OpinionForm{Outcome: consultation.Lawful, Opinion: "  "}); !apperr.Is(err, apperr.Invalid) {
					t.Errorf("lawful opinion without text = %v, want Invalid", err)
				}
				st, err := svc.Statement(ctx, c)
				if err != nil {
					t.Fatal(err)
				}
				if st.Unchanged != (tc.stage == "closed") {
					t.Errorf("Statement.Unchanged = %v at stage %s", st.Unchanged, tc.stage)
				}
				got, err := svc.GiveOpinion(ctx, legal, id, consultation.OpinionForm{Outcome: consultation.Revise, Opinion: "第二条缺乏上位法依据。"})
				if err != nil || got.State != consultation.Returned {
					t.Fatalf("revise opinion: %v, state %v", err, got)
				}
				if _, err := svc.GiveOpinion(ctx, legal, id, consultation.OpinionForm{Outcome: consultation.Lawful}); !apperr.Is(err, apperr.Conflict) {
					t.Errorf("opinion on a returned consultation = %v, want Conflict", err)
				}
				return
			}
			if !apperr.Is(err, tc.kind) {
				t.Fatalf("SubmitForReview = %v, want %s", err, tc.kind)
			}
			if tc.field != "" {
				var ae *apperr.Error
				if !asErr(err, &ae) || len(ae.Fields) == 0 || ae.Fields[0].Field != tc.field {
					t.Errorf("error %v does not name %s", err, tc.field)
				}
			}
		})
	}
}
