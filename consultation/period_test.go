package consultation

import (
	"testing"
	"time"

	"yugongkai/apperr"
	"yugongkai/workcal"
)

func sh(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, workcal.Shanghai())
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestMinimumPeriod(t *testing.T) {
	cases := []struct {
		t      ProcedureType
		market bool
		want   Minimum
	}{
		{MajorDecision, false, Minimum{N: 30}},
		{Rule, false, Minimum{N: 30}},
		{Rule, true, Minimum{N: 30}},
		{NormativeDocument, false, Minimum{N: 7, Workdays: true}},
		{NormativeDocument, true, Minimum{N: 30}},
		{Other, false, Minimum{N: 7}},
	}
	for _, c := range cases {
		if got := MinimumPeriod(c.t, c.market); got != c.want {
			t.Errorf("MinimumPeriod(%s, %v) = %+v, want %+v", c.t, c.market, got, c.want)
		}
	}
}

func TestMeasure(t *testing.T) {
	cal := workcal.Default()
	cases := []struct {
		name           string
		opens, closes  time.Time
		days, workdays int
	}{
		// Opening at 00:00 counts the first day; 2026-12-01 is a Tuesday.
		{"midnight start counts", sh("2026-12-01 00:00"), workcal.EndOfDay(workcal.MustParseDate("2026-12-30")), 30, 22},
		// Opening during the day: the day is not counted (民法典 art. 201).
		{"daytime start not counted", sh("2026-12-01 09:30"), workcal.EndOfDay(workcal.MustParseDate("2026-12-30")), 29, 21},
		{"daytime start, 30 days", sh("2026-12-01 09:30"), workcal.EndOfDay(workcal.MustParseDate("2026-12-31")), 30, 22},
		// National Day week: 7 working days need far more calendar days.
		{"national day", sh("2026-09-30 00:00"), workcal.EndOfDay(workcal.MustParseDate("2026-10-12")), 13, 5},
		// The 调休 Saturday 2026-10-10 is a working day.
		{"make-up saturday", sh("2026-10-10 00:00"), workcal.EndOfDay(workcal.MustParseDate("2026-10-10")), 1, 1},
		{"empty", sh("2026-12-01 09:30"), sh("2026-12-01 18:00"), 0, 0},
	}
	for _, c := range cases {
		got := Measure(c.opens, c.closes, cal)
		if got.Days != c.days || got.Workdays != c.workdays {
			t.Errorf("%s: Measure = %+v, want days %d workdays %d", c.name, got, c.days, c.workdays)
		}
	}
}

func TestParseClosesAt(t *testing.T) {
	cases := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2026-12-31", sh("2027-01-01 00:00"), true},
		{"2026-12-31T15:00:00+08:00", sh("2027-01-01 00:00"), true},
		{"2026-12-31T23:59:59+08:00", sh("2027-01-01 00:00"), true},
		// Midnight Shanghai is already 24:00 of the day before.
		{"2027-01-01T00:00:00+08:00", sh("2027-01-01 00:00"), true},
		{"2026-12-31T16:00:00Z", sh("2027-01-01 00:00"), true},
		{"2026-12-31T16:00:01Z", sh("2027-01-02 00:00"), true},
		{"2026-02-30", time.Time{}, false},
		{"31/12/2026", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, c := range cases {
		got, ok := ParseClosesAt(c.in)
		if ok != c.ok || !got.Equal(c.want) {
			t.Errorf("ParseClosesAt(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	got, ok := ParseOpensAt("2026-12-01")
	if !ok || !got.Equal(sh("2026-12-01 00:00")) || got.Location() != time.UTC {
		t.Errorf("ParseOpensAt(2026-12-01) = %v, %v; want 00:00 Shanghai in UTC", got, ok)
	}
}

func TestCheckPeriod(t *testing.T) {
	cal := workcal.Default()
	end := func(d string) time.Time { return workcal.EndOfDay(workcal.MustParseDate(d)) }
	cases := []struct {
		name   string
		typ    ProcedureType
		market bool
		opens  time.Time
		closes time.Time
		reason string
		ok     bool
	}{
		{"rule 30 days", Rule, false, sh("2026-12-01 00:00"), end("2026-12-30"), "", true},
		{"rule 29 days", Rule, false, sh("2026-12-01 00:00"), end("2026-12-29"), "", false},
		{"rule 29 days with reason", Rule, false, sh("2026-12-01 00:00"), end("2026-12-29"), "防汛紧急需要", true},
		{"major decision 29 days", MajorDecision, false, sh("2026-12-01 10:00"), end("2026-12-30"), "", false},
		{"normative 7 workdays", NormativeDocument, false, sh("2026-12-01 00:00"), end("2026-12-09"), "", true},
		{"normative 6 workdays", NormativeDocument, false, sh("2026-12-01 00:00"), end("2026-12-08"), "", false},
		{"normative over national day", NormativeDocument, false, sh("2026-09-30 00:00"), end("2026-10-12"), "", false},
		{"normative market related 29 days", NormativeDocument, true, sh("2026-12-01 00:00"), end("2026-12-29"), "", false},
		{"end before start", Other, false, sh("2026-12-02 00:00"), sh("2026-12-01 00:00"), "x", false},
		{"blank reason is no reason", Rule, false, sh("2026-12-01 00:00"), end("2026-12-10"), "  ", false},
	}
	for _, c := range cases {
		x := &Consultation{ProcedureType: c.typ, MarketRelated: c.market}
		err := checkPeriod(x, c.opens, c.closes, c.reason, cal)
		if (err == nil) != c.ok {
			t.Errorf("%s: checkPeriod = %v, want ok=%v", c.name, err, c.ok)
		}
		if err != nil && !apperr.Is(err, apperr.Invalid) {
			t.Errorf("%s: error kind %s, want invalid", c.name, apperr.KindOf(err))
		}
	}
}

func TestAcceptsCommentsBoundaries(t *testing.T) {
	opens, closes := sh("2026-12-01 00:00"), sh("2027-01-01 00:00") // closes 24:00 on 12-31
	c := &Consultation{State: Open, OpensAt: &opens, ClosesAt: &closes}
	cases := []struct {
		at   time.Time
		want bool
	}{
		{sh("2026-11-30 23:59"), false},
		{sh("2026-12-01 00:00"), true},
		{sh("2026-12-31 23:59"), true},
		{closes.Add(-time.Millisecond), true},
		{sh("2027-01-01 00:00"), false},
	}
	for _, tc := range cases {
		if got := c.AcceptsComments(tc.at); got != tc.want {
			t.Errorf("AcceptsComments(%v) = %v, want %v", tc.at.In(workcal.Shanghai()), got, tc.want)
		}
	}
	c.Settle(sh("2026-12-31 23:59"))
	if c.State != Open {
		t.Errorf("Settle before the end: state %s, want open", c.State)
	}
	c.Settle(sh("2027-01-01 00:00"))
	if c.State != Closed {
		t.Errorf("Settle at 24:00: state %s, want closed", c.State)
	}
}

func TestFormatDateTime(t *testing.T) {
	cases := map[time.Time]string{
		sh("2027-01-01 00:00"): "2026年12月31日24时",
		sh("2026-12-05 09:05"): "2026年12月5日9时05分",
	}
	for in, want := range cases {
		if got := FormatDateTime(in); got != want {
			t.Errorf("FormatDateTime(%v) = %q, want %q", in, got, want)
		}
	}
}
