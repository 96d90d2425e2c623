package consultation_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/sqlite"
)

// interpretationWorld is a service on a real store with two departments.
func interpretationWorld(t *testing.T) (svc *consultation.Service, clock *time.Time, staff, other auth.Principal) {
	t.Helper()
	db := sqlite.OpenTemp(t)
	now := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	clock = &now
	svc = consultation.NewService(db.Consultations(), db.Auth())
	svc.Now = func() time.Time { return *clock }
	ctx := context.Background()
	a := auth.NewService(db.Auth())
	a.Hash = auth.LightHashPassword
	admin := auth.Principal{UserID: "root", Role: auth.Admin}
	d1, err := a.CreateDepartment(ctx, admin, "县司法局")
	if err != nil {
		t.Fatal(err)
	}
	d2, err := a.CreateDepartment(ctx, admin, "县农业农村局")
	if err != nil {
		t.Fatal(err)
	}
	return svc, clock, auth.Principal{UserID: "s1", Role: auth.Staff, DepartmentID: d1.ID}, auth.Principal{UserID: "s2", Role: auth.Staff, DepartmentID: d2.ID}
}

// TestWhoDraftsTheInterpretation: the 政策解读 is written by the department
// that owns the decision (and admins); the legal office reads it and does
// not write it; another department and residents do neither.
func TestWhoDraftsTheInterpretation(t *testing.T) {
	svc, _, staff, other := interpretationWorld(t)
	ctx := context.Background()
	legal := auth.Principal{UserID: "l1", Role: auth.Legal}
	admin := auth.Principal{UserID: "root", Role: auth.Admin}
	resident := auth.Principal{UserID: "r1", Role: auth.Resident}
	ptr := func(s string) *string { return &s }
	typ := consultation.NormativeDocument
	c, err := svc.Create(ctx, staff, consultation.DraftForm{Title: ptr("某县规定（征求意见稿）"), ProcedureType: &typ,
		Text: ptr("某县规定\n\n第一条　为了规范管理，制定本规定。\n"), Explanation: ptr("说明"), LegalBasis: ptr("依据"),
		Contact: &consultation.Contact{Department: "局", Phone: "1"}, Channels: &consultation.Channels{Email: "a@b.cn"}})
	if err != nil {
		t.Fatal(err)
	}
	draft := c.ID
	c, err = svc.Create(ctx, staff, consultation.DraftForm{Title: ptr("某县规定二（征求意见稿）"), ProcedureType: &typ,
		Text: ptr("某县规定\n\n第一条　为了规范管理，制定本规定。\n"), Explanation: ptr("说明"), LegalBasis: ptr("依据"),
		Contact: &consultation.Contact{Department: "局", Phone: "1"}, Channels: &consultation.Channels{Email: "a@b.cn"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Publish(ctx, staff, c.ID, consultation.PublishForm{ClosesAt: "2026-12-31", ShorteningReason: "测试"}); err != nil {
		t.Fatal(err)
	}
	open := c.ID
	form := consultation.InterpretationForm{Interpretation: "本规定明确了办理时限。"}
	cases := []struct {
		name       string
		actor      auth.Principal
		id         string
		write      apperr.Kind // "" = may draft
		read       apperr.Kind // "" = may read
		canDoWrite bool
	}{
		{"the owning department, while drafting", staff, draft, "", "", true},
		{"the owning department, during the period", staff, open, "", "", true},
		{"an administrator", admin, open, "", "", true},
		{"the legal office reads only", legal, open, apperr.Forbidden, "", false},
		{"another department", other, open, apperr.Forbidden, apperr.Forbidden, false},
		{"another department, unpublished draft", other, draft, apperr.NotFound, apperr.NotFound, false},
		{"a resident", resident, open, apperr.Forbidden, apperr.Forbidden, false},
		{"a resident, unpublished draft", resident, draft, apperr.NotFound, apperr.NotFound, false},
		{"anyone", auth.Principal{}, open, apperr.Forbidden, apperr.Forbidden, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := svc.DraftInterpretation(ctx, tc.actor, tc.id, form)
			if got := kindOf(err); got != tc.write {
				t.Errorf("DraftInterpretation = %v, want %q", err, tc.write)
			}
			_, err = svc.InterpretationDraftOf(ctx, tc.actor, tc.id)
			if got := kindOf(err); got != tc.read {
				t.Errorf("InterpretationDraftOf = %v, want %q", err, tc.read)
			}
			if x, err := svc.Store.Consultation(ctx, tc.id); err != nil {
				t.Fatal(err)
			} else if got := consultation.CanDo(tc.actor, x, consultation.ActInterpret); got != tc.canDoWrite {
				t.Errorf("CanDo(interpret) = %v, want %v", got, tc.canDoWrite)
			}
		})
	}
}

func kindOf(err error) apperr.Kind {
	if err == nil {
		return ""
	}
	var ae *apperr.Error
	if asErr(err, &ae) {
		return ae.Kind
	}
	return "other"
}

// TestInterpretationDraftIsPublished: the department's draft is validated
// by finalization's rules, recorded as an internal event, published by a
// finalization that gives none of its own (interpretation_source
// department) and replaced by one that does (finalize); after publication
// it can no longer change.
func TestInterpretationDraftIsPublished(t *testing.T) {
	svc, clock, staff, _ := interpretationWorld(t)
	ctx := context.Background()
	legal := auth.Principal{UserID: "l1", Role: auth.Legal}
	fin := func(n string) consultation.FinalizeForm {
		return consultation.FinalizeForm{DocumentNumber: n, RegistrationNumber: "ZJSD-" + n, AdoptedOn: "2027-01-09", EffectiveOn: "2027-01-20"}
	}
	lastEvent := func(t *testing.T, id string) (string, bool, map[string]any) {
		t.Helper()
		events, err := svc.Store.Events(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		e := events[len(events)-1]
		var p map[string]any
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			t.Fatal(err)
		}
		return e.Type, e.Public, p
	}

	t.Run("InvalidRefused", func(t *testing.T) {
		*clock = time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
		id := approved(t, svc, clock, staff, legal, consultation.NormativeDocument)
		for _, tc := range []struct {
			name  string
			form  consultation.InterpretationForm
			field string
			key   string
		}{
			{"a question without its answer", consultation.InterpretationForm{Interpretation: "解读。", QA: []consultation.QA{{Question: "何时施行？"}}}, "qa", "finalize.qa_incomplete"},
			{"Q&A without the text", consultation.InterpretationForm{QA: []consultation.QA{{Question: "何时施行？", Answer: "公布之日。"}}}, "interpretation", "finalize.qa_without_text"},
			{"text and exception", consultation.InterpretationForm{Interpretation: "解读。", InterpretationException: "无需解读。"}, "interpretation_exception", "finalize.exception_with_text"},
			{"control characters", consultation.InterpretationForm{Interpretation: "解读\x00。"}, "interpretation", "field.control_chars"},
		} {
			_, err := svc.DraftInterpretation(ctx, staff, id, tc.form)
			var ae *apperr.Error
			if !asErr(err, &ae) || ae.Kind != apperr.Invalid || len(ae.Fields) == 0 || ae.Fields[0].Field != tc.field || ae.Fields[0].Key != tc.key {
				t.Errorf("%s: DraftInterpretation = %v, want Invalid %s %s", tc.name, err, tc.field, tc.key)
			}
		}
		if x, _ := svc.Store.Consultation(ctx, id); x.InterpretationDraft != nil {
			t.Errorf("a refused draft was stored: %+v", x.InterpretationDraft)
		}
	})

	t.Run("DraftPublished", func(t *testing.T) {
		*clock = time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
		id := approved(t, svc, clock, staff, legal, consultation.NormativeDocument)
		d, err := svc.DraftInterpretation(ctx, staff, id, consultation.InterpretationForm{Interpretation: "  本规定明确了办理时限。 ",
			QA: []consultation.QA{{Question: " 何时施行？", Answer: "公布之日。"}, {}}})
		if err != nil {
			t.Fatal(err)
		}
		if d.Interpretation != "本规定明确了办理时限。" || len(d.QA) != 1 || d.QA[0].Question != "何时施行？" || d.DraftedBy != "s1" {
			t.Errorf("draft %+v, want trimmed text, one Q&A, drafted by s1", d)
		}
		typ, public, p := lastEvent(t, id)
		if typ != "interpretation.drafted" || public || p["interpretation"] != "本规定明确了办理时限。" {
			t.Errorf("event %s (public %v) %v, want an internal interpretation.drafted with the text", typ, public, p)
		}
		if got, err := svc.InterpretationDraftOf(ctx, legal, id); err != nil || got.Interpretation != d.Interpretation {
			t.Errorf("the legal office reads %+v, %v", got, err)
		}
		c, err := svc.Finalize(ctx, legal, id, fin("D1号"))
		if err != nil {
			t.Fatal(err)
		}
		if c.Final.Interpretation != d.Interpretation || len(c.Final.QA) != 1 || c.Final.QA[0].Answer != "公布之日。" {
			t.Errorf("published %q %v, want the department's draft", c.Final.Interpretation, c.Final.QA)
		}
		if _, _, p := lastEvent(t, id); p["interpretation_source"] != "department" || p["interpretation"] != d.Interpretation {
			t.Errorf("finalized event %v, want interpretation_source department", p)
		}
		_, err = svc.DraftInterpretation(ctx, staff, id, consultation.InterpretationForm{Interpretation: "改。"})
		if !apperr.Is(err, apperr.Conflict) {
			t.Errorf("drafting after publication = %v, want Conflict", err)
		}
		if x, _ := svc.Store.Consultation(ctx, id); x.PublicCopy().InterpretationDraft != nil {
			t.Error("the public copy carries the draft")
		}
	})

	t.Run("FinalizeOverrides", func(t *testing.T) {
		*clock = time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
		id := approved(t, svc, clock, staff, legal, consultation.NormativeDocument)
		if _, err := svc.DraftInterpretation(ctx, staff, id, consultation.InterpretationForm{Interpretation: "部门稿。"}); err != nil {
			t.Fatal(err)
		}
		form := fin("D2号")
		form.InterpretationException = "仅作文字修改。"
		c, err := svc.Finalize(ctx, legal, id, form)
		if err != nil {
			t.Fatal(err)
		}
		if c.Final.Interpretation != "" || c.Final.InterpretationException != "仅作文字修改。" {
			t.Errorf("published %q / %q, want the legal office's exception", c.Final.Interpretation, c.Final.InterpretationException)
		}
		if _, _, p := lastEvent(t, id); p["interpretation_source"] != "finalize" {
			t.Errorf("finalized event %v, want interpretation_source finalize", p)
		}
	})

	t.Run("DraftGivenBackUnchanged", func(t *testing.T) {
		*clock = time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
		id := approved(t, svc, clock, staff, legal, consultation.Other)
		if _, err := svc.DraftInterpretation(ctx, staff, id, consultation.InterpretationForm{Interpretation: "部门稿。"}); err != nil {
			t.Fatal(err)
		}
		// The finalization form is filled with the draft and posted back.
		form := fin("D4号")
		form.Interpretation = "部门稿。\n"
		if _, err := svc.Finalize(ctx, legal, id, form); err != nil {
			t.Fatal(err)
		}
		if _, _, p := lastEvent(t, id); p["interpretation_source"] != "department" {
			t.Errorf("finalized event %v, want interpretation_source department", p)
		}
	})

	t.Run("ClearedDraftRefusedAtFinalize", func(t *testing.T) {
		*clock = time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
		id := approved(t, svc, clock, staff, legal, consultation.NormativeDocument)
		if _, err := svc.DraftInterpretation(ctx, staff, id, consultation.InterpretationForm{Interpretation: "部门稿。"}); err != nil {
			t.Fatal(err)
		}
		// All empty clears the draft; the requirement is finalization's.
		if _, err := svc.DraftInterpretation(ctx, staff, id, consultation.InterpretationForm{}); err != nil {
			t.Fatalf("clearing the draft: %v", err)
		}
		if x, _ := svc.Store.Consultation(ctx, id); x.InterpretationDraft != nil {
			t.Errorf("cleared draft still stored: %+v", x.InterpretationDraft)
		}
		_, err := svc.Finalize(ctx, legal, id, fin("D3号"))
		var ae *apperr.Error
		if !asErr(err, &ae) || ae.Kind != apperr.Invalid || ae.Fields[0].Field != "interpretation" || !strings.HasPrefix(ae.Fields[0].Key, "finalize.interpretation_required") {
			t.Errorf("Finalize without any interpretation = %v, want Invalid naming interpretation", err)
		}
	})
}
