package comments

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
)

// RecordHearing enters the record of a hearing held (the department): its
// summary, which becomes a public hearing step, and its statements, each
// stored as a comment of channel "hearing" received on the hearing's day,
// so each gets an answer like any comment. One commit holds the record,
// the step, the comments and the hearing.recorded event naming them. A
// statement may name the selected participant who made it (its speaker is
// then the applicant's name, shown masked). Errors: NotFound (consultation
// or hearing), Forbidden, Conflict (state; participants not selected yet;
// already recorded), Invalid (fields, naming the statement:
// statements[2].body).
func (s *Service) RecordHearing(ctx context.Context, actor auth.Principal, consultationID, hearingID string, form consultation.HearingRecordForm) (*consultation.HearingRecord, error) {
	if len(form.Statements) > consultation.MaxStatements {
		var f apperr.Fields
		f.Add("statements", "hearing.too_many_statements", consultation.MaxStatements)
		return nil, f.Err()
	}
	var rec *consultation.HearingRecord
	var inserted []*Comment
	build := func(c *consultation.Consultation, ch *Change) error {
		h := c.HearingByID(hearingID)
		if h == nil {
			return apperr.ErrNotFound
		}
		if c.PublicVersion == 0 {
			return consultation.WrongState(c.State, "comment")
		}
		v, err := s.Consultations.Store.Version(ctx, c.ID, c.PublicVersion)
		if err != nil {
			return err
		}
		names, err := s.participantNames(ctx, c, h, form.Statements)
		if err != nil {
			return err
		}
		received, ok := parseReceived(form.HeldOn)
		if !ok {
			received = s.now() // refused below with the held_on field
		}
		now := s.now()
		var f apperr.Fields
		ch.Insert = nil
		for i, st := range form.Statements {
			field := fmt.Sprintf("statements[%d].", i)
			speaker := st.Speaker
			if st.Application != "" {
				name, ok := names[st.Application]
				if !ok {
					f.Add(field+"application", "hearing.not_participant")
					continue
				}
				speaker = name
			}
			sub := Submission{ArticleID: st.ArticleID, Body: st.Body, Stance: Stance(st.Stance), Display: Anonymous, Notify: new(bool)}
			if speaker != "" {
				sub.Display, sub.RealName = Masked, speaker
			}
			valid, verr := sub.validate(func(id string) bool { _, ok := v.Article(id); return ok })
			var ae *apperr.Error
			if errors.As(verr, &ae) {
				for _, fe := range ae.Fields {
					f.Add(field+fe.Field, fe.Key, fe.Args...)
				}
				continue
			} else if verr != nil {
				return verr
			}
			cm := s.build(c, valid, Hearing, stamp(received), now)
			cm.EnteredBy = actor.UserID
			cm.Receipt = NewReceiptCode()
			ch.Insert = append(ch.Insert, cm)
		}
		if err := f.Err(); err != nil {
			return err
		}
		ids := make([]string, len(ch.Insert))
		for i, cm := range ch.Insert {
			ids[i] = cm.ID
		}
		inserted = ch.Insert
		rec, err = s.Consultations.RecordHearingOn(&ch.Change, actor, h.ID, form, ids)
		return err
	}
	var err error
	for attempt := 0; attempt < 3; attempt++ { // a receipt code collision (one in 2^60) draws again
		if err = s.run(ctx, actor, consultationID, consultation.ActHearing, build); !errors.Is(err, ErrDuplicateKey) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	if s.OnSubmit != nil {
		s.OnSubmit()
	} else if s.OnChange != nil {
		if c, err := s.Consultations.Store.Consultation(ctx, consultationID); err == nil {
			for _, cm := range inserted {
				s.notify(ctx, c, cm)
			}
		}
	}
	return rec, nil
}

// participantNames returns the names of the selected participants the
// statements name, by application id (reading the applications only when
// a statement names one).
func (s *Service) participantNames(ctx context.Context, c *consultation.Consultation, h *consultation.HearingNotice, sts []consultation.HearingStatement) (map[string]string, error) {
	need := false
	for _, st := range sts {
		need = need || st.Application != ""
	}
	if !need || h.Selection == nil {
		return nil, nil
	}
	selected := make([]string, len(h.Selection.Participants))
	for i, p := range h.Selection.Participants {
		selected[i] = p.Application
	}
	apps, err := s.Consultations.Store.HearingApplications(ctx, c.ID, h.ID)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, a := range apps {
		if slices.Contains(selected, a.ID) {
			out[a.ID] = a.Name
		}
	}
	return out, nil
}
