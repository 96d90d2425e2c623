package consultation

import (
	"strings"
	"time"

	"yugongkai/apperr"
	"yugongkai/i18n"
	"yugongkai/workcal"
)

// Minimum is the shortest lawful comment period for a procedure type.
type Minimum struct {
	N        int  `json:"n"`
	Workdays bool `json:"workdays"` // counted in working days, else calendar days
}

// MinimumPeriod returns DOMAIN rule 2: 重大行政决策 and 规章 at least 30 days
// (条例 art. 15; 规章制定程序条例 art. 15); 行政规范性文件 at least 7 working
// days, or 30 days where it bears on business activity (market_related).
// "Other" consultations have no statutory minimum; we require 7 days, the
// shortest period any of the rules allows, so a notice is never a formality.
func MinimumPeriod(t ProcedureType, marketRelated bool) Minimum {
	switch t {
	case MajorDecision, Rule:
		return Minimum{N: 30}
	case NormativeDocument:
		if marketRelated {
			return Minimum{N: 30}
		}
		return Minimum{N: 7, Workdays: true}
	default:
		return Minimum{N: 7}
	}
}

// Length is a comment period measured both ways.
type Length struct {
	Days     int `json:"days"`
	Workdays int `json:"workdays"`
}

// Meets reports whether l satisfies m.
func (l Length) Meets(m Minimum) bool {
	if m.Workdays {
		return l.Workdays >= m.N
	}
	return l.Days >= m.N
}

// Measure counts the full days of a period, following 民法典 art. 201: the
// day the period starts is not counted unless it starts at 00:00; the period
// ends at 24:00 of its last day. Workdays counts the working days among them.
func Measure(opensAt, closesAt time.Time, cal *workcal.Calendar) Length {
	first := workcal.DateOf(opensAt)
	if !startOfDay(first).Equal(opensAt) {
		first = first.AddDays(1)
	}
	var l Length
	for d := first; workcal.EndOfDay(d).Compare(closesAt) <= 0; d = d.AddDays(1) {
		l.Days++
		if cal.IsWorkday(d) {
			l.Workdays++
		}
		if l.Days > 3660 { // ten years: absurd input, stop counting
			break
		}
	}
	return l
}

// ParseOpensAt reads an API start time: RFC 3339, or a bare date meaning
// 00:00 of that day in Asia/Shanghai. The result is UTC.
func ParseOpensAt(s string) (time.Time, bool) {
	return parseInstant(s, false)
}

// ParseClosesAt reads an API end: a bare date means 24:00 of that day in
// Asia/Shanghai. An RFC 3339 time is rounded up to 24:00 of its Shanghai day,
// because a period closes at the end of its last day; midnight stays as is.
func ParseClosesAt(s string) (time.Time, bool) {
	t, ok := parseInstant(s, true)
	if !ok {
		return t, false
	}
	return EndOfPeriodDay(t), true
}

// MaxYearsAhead bounds how far ahead a period may end: a typing slip such
// as 9999-12-31 would otherwise keep a consultation open for ever.
const MaxYearsAhead = 5

// TooFarAhead reports whether closesAt lies more than MaxYearsAhead years
// after now.
func TooFarAhead(closesAt, now time.Time) bool {
	return closesAt.After(now.AddDate(MaxYearsAhead, 0, 1))
}

// EndOfPeriodDay rounds t up to the next Shanghai midnight (t itself if it is one).
func EndOfPeriodDay(t time.Time) time.Time {
	d := workcal.DateOf(t)
	if startOfDay(d).Equal(t) {
		return t.UTC()
	}
	return workcal.EndOfDay(d)
}

func parseInstant(s string, endOfDay bool) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if d, err := workcal.ParseDate(s); err == nil {
		if endOfDay {
			return workcal.EndOfDay(d), true
		}
		return startOfDay(d), true
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC().Truncate(time.Millisecond), true
}

// checkPeriod applies rule 2 to a proposed period. It returns an Invalid
// error naming closes_at and the minimum when the period is too short and no
// shortening reason is given.
func checkPeriod(c *Consultation, opensAt, closesAt time.Time, reason string, cal *workcal.Calendar) error {
	var f apperr.Fields
	if !closesAt.After(opensAt) {
		f.Add("closes_at", "consultation.period_order")
		return f.Err()
	}
	min := MinimumPeriod(c.ProcedureType, c.MarketRelated)
	l := Measure(opensAt, closesAt, cal)
	if !l.Meets(min) && strings.TrimSpace(reason) == "" {
		got := LengthOf(l, min)
		f.Add("shortening_reason", "consultation.period_too_short", got.Msg(), i18n.M("type."+string(c.ProcedureType)), min.Msg())
	}
	return f.Err()
}

// Msg describes m in the catalogue's words ("30 日", "7 个工作日").
func (m Minimum) Msg() i18n.Msg {
	if m.Workdays {
		return i18n.M("period.workdays", m.N)
	}
	return i18n.M("period.days", m.N)
}

// LengthOf expresses l in the unit of m.
func LengthOf(l Length, m Minimum) Minimum {
	if m.Workdays {
		return Minimum{N: l.Workdays, Workdays: true}
	}
	return Minimum{N: l.Days}
}

// startOfDay is 00:00 Asia/Shanghai of d, in UTC.
func startOfDay(d workcal.Date) time.Time { return d.In(workcal.Shanghai()).UTC() }
