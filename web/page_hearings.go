package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/consultation"
	"yugongkai/i18n"
)

// The hearings page of the staff workspace (听证会): announce a hearing,
// see its applications, select the participants, enter the record with its
// statements. The rules are in consultation/hearing.go; each form posts to
// its own action below.

type hearingView struct {
	consultation.HearingNotice
	HeldAtText, ApplyByText string
	Open                    bool // still taking applications
	Applications            []*consultation.HearingApplication
	// Rows are the statement rows of the record form: one per selected
	// participant, then blank ones.
	Rows []statementRow
}

type statementRow struct {
	N           int
	Application string
	Speaker     string
	Body        string
	Stance      string
}

type hearingsPageData struct {
	workBase
	Hearings []hearingView
	Form     consultation.HearingForm
	Errors   formErrors
	// ErrorsFor names the hearing whose select or record form failed.
	ErrorsFor string
}

func (s *Server) hearingPageRoutes() {
	small := limitBody(DefaultBodyLimit)
	s.App.Get("/staff/consultations/:id/hearings", s.workHearingsPage)
	s.App.Post("/staff/consultations/:id/hearings", small, s.workHearingAnnounce)
	s.App.Post("/staff/consultations/:id/hearings/:hid/selection", small, s.workHearingSelect)
	s.App.Post("/staff/consultations/:id/hearings/:hid/record", limitBody(DraftBodyLimit), s.workHearingRecord)
	s.App.Get("/consultations/:id/hearings/:hid/apply", s.hearingApplyPage)
	s.App.Post("/consultations/:id/hearings/:hid/apply", small, s.hearingApplySubmit)
}

func init() {
	workDone["hearing_announced"] = "page.hearing.done_announced"
	workDone["hearing_selected"] = "page.hearing.done_selected"
	workDone["hearing_recorded"] = "page.hearing.done_recorded"
}

// extraStatementRows is how many blank statement rows the record form
// offers beyond the selected participants (more go through the API).
const extraStatementRows = 3

func (s *Server) hearingsData(c *fiber.Ctx) (hearingsPageData, error) {
	w, err := s.workData(c, "hearings", "page.hearing.title")
	if err != nil {
		return hearingsPageData{}, err
	}
	d := hearingsPageData{workBase: w}
	for _, h := range w.C.Hearings {
		v := hearingView{HearingNotice: h, HeldAtText: consultation.FormatDateTime(h.HeldAt),
			ApplyByText: consultation.FormatDateTime(h.ApplyBy), Open: h.AcceptsApplications(w.Now)}
		apps, err := s.cfg.Consultations.HearingApplications(c.UserContext(), w.User, w.C.ID, h.ID)
		if err != nil {
			return d, err
		}
		v.Applications = apps
		n := 0
		if h.Selection != nil {
			for _, p := range h.Selection.Participants {
				n++
				v.Rows = append(v.Rows, statementRow{N: n, Application: p.Application, Speaker: p.Name, Stance: p.Stance})
			}
		}
		for i := 0; i < extraStatementRows; i++ {
			n++
			v.Rows = append(v.Rows, statementRow{N: n})
		}
		d.Hearings = append(d.Hearings, v)
	}
	return d, nil
}

func (s *Server) workHearingsPage(c *fiber.Ctx) error {
	d, err := s.hearingsData(c)
	if err != nil {
		return err
	}
	d.Form.Seats = 20
	return s.render(c, fiber.StatusOK, "work_hearings", d)
}

func (s *Server) workHearingAnnounce(c *fiber.Ctx) error {
	seats, _ := strconv.Atoi(strings.TrimSpace(c.FormValue("seats")))
	f := consultation.HearingForm{HeldAt: c.FormValue("held_at"), Place: formText(c, "place"), Matters: formText(c, "matters"),
		HowToApply: formText(c, "how_to_apply"), ApplyBy: c.FormValue("apply_by"), Seats: seats}
	d, err := s.hearingsData(c)
	if err != nil {
		return err
	}
	d.Form = f
	_, err = s.cfg.Consultations.AnnounceHearing(c.UserContext(), d.User, d.C.ID, f)
	if fe := formOrConflict(d.Lang, err, "held_at"); fe != nil {
		d.Errors = fe
		return s.render(c, fiber.StatusUnprocessableEntity, "work_hearings", d)
	}
	if err != nil {
		return err
	}
	return redirectWork(c, d.C.ID, "hearings", "hearing_announced", "")
}

func (s *Server) workHearingSelect(c *fiber.Ctx) error {
	d, err := s.hearingsData(c)
	if err != nil {
		return err
	}
	hid := strings.Clone(c.Params("hid"))
	_, err = s.cfg.Consultations.SelectParticipants(c.UserContext(), d.User, d.C.ID, hid, consultation.SelectionForm{Method: c.FormValue("method")})
	if fe := formOrConflict(d.Lang, err, "method"); fe != nil {
		d.Errors, d.ErrorsFor = fe, hid
		return s.render(c, fiber.StatusUnprocessableEntity, "work_hearings", d)
	}
	if err != nil {
		return err
	}
	return redirectWork(c, d.C.ID, "hearings", "hearing_selected", "hearing-"+hid)
}

func (s *Server) workHearingRecord(c *fiber.Ctx) error {
	if s.cfg.Comments == nil {
		return apperr.ErrNotFound
	}
	d, err := s.hearingsData(c)
	if err != nil {
		return err
	}
	hid := strings.Clone(c.Params("hid"))
	f := consultation.HearingRecordForm{HeldOn: c.FormValue("held_on"), Summary: formText(c, "summary")}
	args := c.Context().PostArgs()
	apps, speakers, bodies, stances := args.PeekMulti("st_application"), args.PeekMulti("st_speaker"), args.PeekMulti("st_body"), args.PeekMulti("st_stance")
	for i := range bodies {
		body := strings.TrimSpace(strings.ReplaceAll(string(bodies[i]), "\r\n", "\n"))
		if body == "" {
			continue // a blank row: no statement
		}
		st := consultation.HearingStatement{Body: body}
		if i < len(apps) {
			st.Application = string(apps[i])
		}
		if i < len(speakers) {
			st.Speaker = strings.TrimSpace(string(speakers[i]))
		}
		if i < len(stances) {
			st.Stance = string(stances[i])
		}
		f.Statements = append(f.Statements, st)
	}
	_, err = s.cfg.Comments.RecordHearing(c.UserContext(), d.User, d.C.ID, hid, f)
	if fe := formOrConflict(d.Lang, err, "summary"); fe != nil {
		d.Errors, d.ErrorsFor = fe, hid
		for i, h := range d.Hearings {
			if h.ID == hid {
				d.Hearings[i].Record = nil
			}
		}
		return s.render(c, fiber.StatusUnprocessableEntity, "work_hearings", d)
	}
	if err != nil {
		return err
	}
	return redirectWork(c, d.C.ID, "hearings", "hearing_recorded", "hearing-"+hid)
}

// HearingTime shows a hearing's time on the consultation page.
func (d consultationPageData) HearingTime(t time.Time) string { return consultation.FormatDateTime(t) }

// HearingOpen reports whether h takes applications now (the apply button).
func (d consultationPageData) HearingOpen(h consultation.HearingNotice) bool {
	return h.AcceptsApplications(d.Now) && d.C.Allows(consultation.ActApply)
}

// ---- The resident's application form -------------------------------------

type hearingApplyData struct {
	pageBase
	C       *consultation.Consultation
	Hearing hearingView
	Form    consultation.ApplicationForm
	Errors  formErrors
	// Closed explains why no application is taken; LoginRequired asks
	// for an account; Done is the number of the application received.
	Closed        string
	LoginRequired bool
	Done          int
}

func (s *Server) hearingApplyData(c *fiber.Ctx, f consultation.ApplicationForm) (hearingApplyData, error) {
	ctx, p, lang := c.UserContext(), principal(c), langOf(c)
	x, err := s.cfg.Consultations.Get(ctx, p, c.Params("id"))
	if err != nil {
		return hearingApplyData{}, err
	}
	h := x.HearingByID(c.Params("hid"))
	if h == nil {
		return hearingApplyData{}, apperr.ErrNotFound
	}
	d := hearingApplyData{pageBase: s.base(c, i18n.T(lang, "page.hearing.apply_title")+" · "+x.Title), C: x, Form: f}
	d.Hearing = hearingView{HearingNotice: *h, HeldAtText: consultation.FormatDateTime(h.HeldAt),
		ApplyByText: consultation.FormatDateTime(h.ApplyBy), Open: h.AcceptsApplications(d.Now) && x.Allows(consultation.ActApply)}
	switch {
	case !d.Hearing.Open:
		d.Closed = i18n.T(lang, "hearing.applications_closed", d.Hearing.ApplyByText)
	case p.Anonymous() && !x.AllowAnonymous:
		d.LoginRequired = true
	}
	return d, nil
}

func (s *Server) hearingApplyPage(c *fiber.Ctx) error {
	d, err := s.hearingApplyData(c, consultation.ApplicationForm{})
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "hearing_apply", d)
}

func (s *Server) hearingApplySubmit(c *fiber.Ctx) error {
	if err := s.limitWrite(c); err != nil {
		return err
	}
	f := consultation.ApplicationForm{Name: c.FormValue("name"), Contact: c.FormValue("contact"), Stance: c.FormValue("stance"),
		Reason: formText(c, "reason")}
	a, err := s.cfg.Consultations.ApplyForHearing(c.UserContext(), principal(c), c.Params("id"), c.Params("hid"), f)
	d, derr := s.hearingApplyData(c, f)
	if derr != nil {
		return derr
	}
	if fe := formOrConflict(d.Lang, err, "name"); fe != nil {
		d.Errors = fe
		return s.render(c, fiber.StatusUnprocessableEntity, "hearing_apply", d)
	}
	if err != nil {
		return err
	}
	d.Form, d.Done = consultation.ApplicationForm{}, a.Seq
	return s.render(c, fiber.StatusCreated, "hearing_apply", d)
}

// ---- The public record: timeline and feed --------------------------------

// hearingTimeline are the hearings' announcements and selections on the
// consultation's public timeline (their records are steps, shown as such).
func hearingTimeline(lang i18n.Lang, x *consultation.Consultation) []timelineEntry {
	var out []timelineEntry
	for _, h := range x.Hearings {
		out = append(out, timelineEntry{At: h.AnnouncedAt, Label: i18n.T(lang, "page.timeline.hearing_announced", consultation.FormatDateTime(h.HeldAt)),
			Detail: h.Place + "：" + h.Matters})
		if sel := h.Selection; sel != nil {
			out = append(out, timelineEntry{At: sel.At, Label: i18n.T(lang, "page.timeline.hearing_selected", len(sel.Participants), sel.Pool),
				Detail: i18n.T(lang, "page.hearing.method_"+sel.Method)})
		}
	}
	return out
}

// feedDetail is what a consultation feed entry adds for the events of
// hearings and for the 政策解读 of the decision published.
func feedDetail(lang i18n.Lang, typ string, payload map[string]any) string {
	str := func(k string) string { v, _ := payload[k].(string); return v }
	switch typ {
	case "hearing.announced":
		return "：" + str("place") + " · " + str("matters")
	case "hearing.selected":
		return "：" + i18n.T(lang, "page.hearing.method_"+str("method"))
	case "hearing.recorded":
		return "：" + str("summary")
	case "consultation.finalized":
		if t := str("interpretation"); t != "" {
			return "\n" + i18n.T(lang, "page.decision.interpretation") + "：" + t
		}
		if t := str("interpretation_exception"); t != "" {
			return "\n" + i18n.T(lang, "page.decision.interpretation_exception", t)
		}
	}
	return ""
}
