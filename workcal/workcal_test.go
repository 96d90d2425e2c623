package workcal

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

var d = MustParseDate

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{"2026-12-31", Date{2026, time.December, 31}, false},
		{"2028-02-29", Date{2028, time.February, 29}, false},
		{"2026-02-29", Date{}, true},
		{"2026-02-30", Date{}, true},
		{"2026-13-01", Date{}, true},
		{"2026-1-01", Date{}, true},
		{"2026/01/01", Date{}, true},
		{"2026-01-01T00:00:00Z", Date{}, true},
		{"", Date{}, true},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestDateMethods(t *testing.T) {
	if got, want := d("2026-01-01").Weekday(), time.Thursday; got != want {
		t.Errorf("2026-01-01 Weekday() = %v, want %v", got, want)
	}
	if got, want := d("2026-12-31").AddDays(1), d("2027-01-01"); got != want {
		t.Errorf("AddDays(1) = %v, want %v", got, want)
	}
	if got, want := d("2026-03-01").AddDays(-1), d("2026-02-28"); got != want {
		t.Errorf("AddDays(-1) = %v, want %v", got, want)
	}
	a, b := d("2026-02-14"), d("2026-02-15")
	if !a.Before(b) || a.After(b) || a.Equal(b) || !b.After(a) || !a.Equal(d("2026-02-14")) {
		t.Errorf("Before/After/Equal wrong for %v, %v", a, b)
	}
	if got, want := (Date{2026, 2, 30}).Valid(), false; got != want {
		t.Errorf("Date{2026,2,30}.Valid() = %v, want %v", got, want)
	}
	if got, want := (Date{2026, time.March, 5}).String(), "2026-03-05"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	b2, err := json.Marshal(struct{ D Date }{a})
	if err != nil || string(b2) != `{"D":"2026-02-14"}` {
		t.Errorf("json.Marshal(Date) = %s, %v", b2, err)
	}
	var back struct{ D Date }
	if err := json.Unmarshal(b2, &back); err != nil || back.D != a {
		t.Errorf("json.Unmarshal(%s) = %v, %v; want %v", b2, back.D, err, a)
	}
}

func TestShanghai(t *testing.T) {
	loc := Shanghai()
	if loc.String() != "Asia/Shanghai" {
		t.Errorf("Shanghai() = %v, want Asia/Shanghai (time/tzdata is embedded)", loc)
	}
	tests := []struct {
		instant time.Time
		want    Date
	}{
		{time.Date(2026, 12, 31, 15, 59, 59, 0, time.UTC), d("2026-12-31")},
		{time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC), d("2027-01-01")},
		{time.Date(2026, 3, 1, 0, 0, 0, 0, time.FixedZone("EST", -5*3600)), d("2026-03-01")}, // 13:00 Shanghai
	}
	for _, tt := range tests {
		if got := DateOf(tt.instant); got != tt.want {
			t.Errorf("DateOf(%v) = %v, want %v", tt.instant, got, tt.want)
		}
	}
	end := EndOfDay(d("2026-10-07"))
	if want := time.Date(2026, 10, 7, 16, 0, 0, 0, time.UTC); !end.Equal(want) || end.Location() != time.UTC {
		t.Errorf("EndOfDay(2026-10-07) = %v, want %v", end, want)
	}
	if got, want := d("2026-10-07").In(loc), time.Date(2026, 10, 6, 16, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("In(Shanghai) = %v, want %v", got, want)
	}
	if got := DateOf(end.Add(-time.Nanosecond)); got != d("2026-10-07") {
		t.Errorf("DateOf(EndOfDay-1ns) = %v, want 2026-10-07", got)
	}
	if got := DateOf(end); got != d("2026-10-08") {
		t.Errorf("DateOf(EndOfDay) = %v, want 2026-10-08", got)
	}
}

func TestDefault(t *testing.T) {
	c := Default()
	if got, want := c.Years(), []int{2026}; !slices.Equal(got, want) {
		t.Fatalf("Years() = %v, want %v", got, want)
	}
	s := c.years[2026]
	// 3 (元旦) + 9 (春节) + 3 (清明) + 5 (劳动节) + 3 (端午) + 3 (中秋) + 7 (国庆).
	if got, want := len(s.holidays), 33; got != want {
		t.Errorf("2026 holidays: %d days, want %d", got, want)
	}
	if got, want := len(s.workdays), 6; got != want {
		t.Errorf("2026 调休 working days: %d, want %d", got, want)
	}
	if s.source == "" {
		t.Error("2026 schedule has no source")
	}
}

func TestIsWorkday(t *testing.T) {
	c := Default()
	tests := []struct {
		date string
		want bool
		why  string
	}{
		{"2026-01-01", false, "元旦 (Thu)"},
		{"2026-01-03", false, "元旦 block (Sat)"},
		{"2026-01-04", true, "调休 Sunday"},
		{"2026-01-05", true, "ordinary Monday"},
		{"2026-01-10", false, "ordinary Saturday"},
		{"2026-01-11", false, "ordinary Sunday"},
		{"2026-02-13", true, "Friday before 春节"},
		{"2026-02-14", true, "调休 Saturday before 春节"},
		{"2026-02-15", false, "春节 starts (Sun)"},
		{"2026-02-17", false, "正月初一 (Tue)"},
		{"2026-02-23", false, "春节 last day (Mon)"},
		{"2026-02-24", true, "first day back (Tue)"},
		{"2026-02-28", true, "调休 Saturday after 春节"},
		{"2026-03-01", false, "ordinary Sunday"},
		{"2026-04-06", false, "清明 (Mon)"},
		{"2026-05-05", false, "劳动节 (Tue)"},
		{"2026-05-09", true, "调休 Saturday"},
		{"2026-06-19", false, "端午 (Fri)"},
		{"2026-09-20", true, "调休 Sunday"},
		{"2026-09-25", false, "中秋 (Fri)"},
		{"2026-09-30", true, "Wednesday before 国庆"},
		{"2026-10-01", false, "国庆 (Thu)"},
		{"2026-10-07", false, "国庆 last day (Wed)"},
		{"2026-10-08", true, "first day back (Thu)"},
		{"2026-10-10", true, "调休 Saturday"},
		{"2026-10-11", false, "ordinary Sunday"},
		{"2027-01-01", true, "no 2027 data: a Friday is a working day"},
	}
	for _, tt := range tests {
		if got := c.IsWorkday(d(tt.date)); got != tt.want {
			t.Errorf("IsWorkday(%s) = %v, want %v (%s)", tt.date, got, tt.want, tt.why)
		}
	}
}

func TestAddWorkdays(t *testing.T) {
	c := Default()
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-02-12", 0, "2026-02-12"},
		{"2026-02-12", 1, "2026-02-13"},
		{"2026-02-12", 2, "2026-02-14"}, // 调休 Saturday counts
		{"2026-02-12", 3, "2026-02-24"}, // skips 2026-02-15..23
		{"2026-02-14", 1, "2026-02-24"},
		{"2026-02-15", 1, "2026-02-24"}, // from a holiday: the holiday is not counted
		{"2026-02-24", 4, "2026-02-28"}, // Tue+4 = 调休 Saturday
		{"2026-02-24", 5, "2026-03-02"},
		{"2026-09-28", 3, "2026-10-08"}, // Mon→Tue, Wed, then 国庆 to Thu 10-08
		{"2026-09-30", 1, "2026-10-08"},
		{"2026-10-08", 2, "2026-10-10"},
		{"2026-10-09", 1, "2026-10-10"},
		{"2026-10-10", 1, "2026-10-12"},
		{"2026-12-30", 3, "2027-01-04"}, // year boundary, no 2027 data: Thu, Fri, Mon
		{"2025-12-31", 1, "2026-01-04"}, // 2026-01-01..03 off, 01-04 Sunday works
		{"2026-02-24", -1, "2026-02-14"},
		{"2026-01-05", -1, "2026-01-04"},
		{"2026-01-04", -1, "2025-12-31"},
	}
	for _, tt := range tests {
		if got := c.AddWorkdays(d(tt.from), tt.n); got != d(tt.want) {
			t.Errorf("AddWorkdays(%s, %d) = %v, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestWorkdaysBetween(t *testing.T) {
	c := Default()
	tests := []struct {
		from, to string
		want     int
	}{
		{"2026-02-12", "2026-02-12", 0},
		{"2026-02-12", "2026-02-11", 0},   // to before from
		{"2026-02-12", "2026-02-13", 1},   // from excluded, to included
		{"2026-02-12", "2026-02-24", 3},   // 13, 14 (调休), 24
		{"2026-02-14", "2026-02-28", 5},   // 24, 25, 26, 27, 28 (调休)
		{"2026-02-14", "2026-02-23", 0},   // the whole 春节 block
		{"2026-09-30", "2026-10-10", 3},   // 10-08, 10-09, 10-10
		{"2026-09-19", "2026-09-20", 1},   // 调休 Sunday
		{"2026-12-31", "2027-01-04", 2},   // Fri 01-01 (no 2027 data), Mon 01-04
		{"2026-01-05", "2026-01-31", 19},  // January without holidays
		{"2025-12-31", "2026-12-31", 248}, // 2026: 261 weekdays - 19 weekday holidays + 6 调休
	}
	for _, tt := range tests {
		if got := c.WorkdaysBetween(d(tt.from), d(tt.to)); got != tt.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tt.from, tt.to, got, tt.want)
		}
	}
}

// A 行政规范性文件 comment period must last at least 7 working days, both
// ends included. Opening on the 调休 Saturday before 春节 the shortest
// period ends on 2026-03-02.
func TestSevenWorkingDayPeriod(t *testing.T) {
	c := Default()
	start := d("2026-02-14")
	end := c.AddWorkdays(start.AddDays(-1), 7)
	if want := d("2026-03-02"); end != want { // 14, 24, 25, 26, 27, 28 (调休), 3-02
		t.Errorf("shortest period from %v ends %v, want %v", start, end, want)
	}
	if got := c.WorkdaysBetween(start.AddDays(-1), end); got != 7 {
		t.Errorf("WorkdaysBetween(%v, %v) = %d, want 7", start.AddDays(-1), end, got)
	}
	if got := c.WorkdaysBetween(start.AddDays(-1), end.AddDays(-1)); got != 6 {
		t.Errorf("WorkdaysBetween(%v, %v) = %d, want 6", start.AddDays(-1), end.AddDays(-1), got)
	}
}

func TestAddWorkdaysInverse(t *testing.T) {
	c := Default()
	for from := d("2025-12-20"); from.Before(d("2027-01-10")); from = from.AddDays(1) {
		for n := 0; n <= 12; n++ {
			to := c.AddWorkdays(from, n)
			if got := c.WorkdaysBetween(from, to); got != n {
				t.Fatalf("WorkdaysBetween(%v, AddWorkdays(%v, %d) = %v) = %d, want %d", from, from, n, to, got, n)
			}
			if n > 0 && !c.IsWorkday(to) {
				t.Fatalf("AddWorkdays(%v, %d) = %v, not a working day", from, n, to)
			}
		}
	}
}

func TestNilAndZeroCalendar(t *testing.T) {
	var nilCal *Calendar
	var zero Calendar
	for _, c := range []*Calendar{nilCal, &zero} {
		if c.IsWorkday(d("2026-01-01")) != true || c.IsWorkday(d("2026-01-03")) != false {
			t.Errorf("calendar without data must only know weekends")
		}
		if got := c.AddWorkdays(d("2026-02-12"), 3); got != d("2026-02-17") {
			t.Errorf("AddWorkdays without data = %v, want 2026-02-17", got)
		}
		if got := c.Years(); len(got) != 0 {
			t.Errorf("Years() = %v, want none", got)
		}
	}
}

func TestNewAndMerge(t *testing.T) {
	next := New([]Date{d("2027-01-01")}, []Date{d("2027-01-02")})
	if got, want := next.Years(), []int{2027}; !slices.Equal(got, want) {
		t.Errorf("New(...).Years() = %v, want %v", got, want)
	}
	base := Default()
	merged := base.Merge(next)
	if got, want := merged.Years(), []int{2026, 2027}; !slices.Equal(got, want) {
		t.Errorf("Merge Years() = %v, want %v", got, want)
	}
	tests := []struct {
		c    *Calendar
		date string
		want bool
	}{
		{merged, "2027-01-01", false},
		{merged, "2027-01-02", true},
		{merged, "2026-10-01", false},
		{base, "2027-01-01", true}, // base unchanged
		{base, "2027-01-02", false},
	}
	for _, tt := range tests {
		if got := tt.c.IsWorkday(d(tt.date)); got != tt.want {
			t.Errorf("IsWorkday(%s) = %v, want %v", tt.date, got, tt.want)
		}
	}
	if got, want := merged.MissingYears(d("2026-12-01"), d("2028-01-10")), []int{2028}; !slices.Equal(got, want) {
		t.Errorf("MissingYears = %v, want %v", got, want)
	}
	if got := merged.MissingYears(d("2026-12-01"), d("2027-01-10")); len(got) != 0 {
		t.Errorf("MissingYears = %v, want none", got)
	}

	// A corrected 2026 replaces the whole default 2026 schedule.
	fix := New([]Date{d("2026-03-02")}, nil)
	fixed := base.Merge(fix)
	if fixed.IsWorkday(d("2026-03-02")) || !fixed.IsWorkday(d("2026-10-01")) {
		t.Errorf("Merge must replace the 2026 schedule wholesale")
	}
}

const schedule2027 = `{
  "year": 2027,
  "name": "2027 test schedule",
  "holidays": ["2026-12-31", "2027-01-01", "2027-01-02", "2027-01-03"],
  "workdays": ["2027-01-09"]
}`

func TestLoad(t *testing.T) {
	c, err := Load(strings.NewReader(schedule2027))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got, want := c.Years(), []int{2027}; !slices.Equal(got, want) {
		t.Errorf("Years() = %v, want %v", got, want)
	}
	tests := []struct {
		date string
		want bool
	}{
		{"2026-12-31", false},
		{"2027-01-01", false},
		{"2027-01-04", true},
		{"2027-01-09", true},
	}
	for _, tt := range tests {
		if got := c.IsWorkday(d(tt.date)); got != tt.want {
			t.Errorf("IsWorkday(%s) = %v, want %v", tt.date, got, tt.want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // substrings of the error
	}{
		{"Syntax", `{"year":2027,`, []string{"invalid schedule"}},
		{"UnknownField", `{"year":2027,"holidays":["2027-01-01"],"holiday":[]}`, []string{`unknown field "holiday"`}},
		{"TrailingData", `{"year":2027,"holidays":["2027-01-01"]} {}`, []string{"after the schedule"}},
		{"NoYear", `{"holidays":["2027-01-01"]}`, []string{"year 0"}},
		{"NoHolidays", `{"year":2027,"holidays":[]}`, []string{"holidays is empty"}},
		{"BadDate", `{"year":2027,"holidays":["2027-01-01","2027-02-30"]}`,
			[]string{`holidays[1] "2027-02-30": not a valid YYYY-MM-DD date`}},
		{"BadLayout", `{"year":2027,"holidays":["2027/01/01"]}`, []string{`holidays[0] "2027/01/01"`}},
		{"OtherYear", `{"year":2027,"holidays":["2028-01-01"]}`, []string{`holidays[0] "2028-01-01": outside 2027`}},
		{"PreviousNovember", `{"year":2027,"holidays":["2026-11-30"]}`, []string{`holidays[0] "2026-11-30": outside 2027`}},
		{"Duplicate", `{"year":2027,"holidays":["2027-01-01","2027-01-01"]}`, []string{`holidays[1] "2027-01-01": listed twice`}},
		{"HolidayAndWorkday", `{"year":2027,"holidays":["2027-01-02"],"workdays":["2027-01-02"]}`,
			[]string{`workdays[0] "2027-01-02": also listed as a holiday`}},
		{"WeekdayWorkday", `{"year":2027,"holidays":["2027-01-01"],"workdays":["2027-01-04"]}`,
			[]string{`workdays[0] "2027-01-04": is a Monday`}},
		{"AllReported", `{"year":2027,"holidays":["2027-13-01","x"],"workdays":["2027-01-05"]}`,
			[]string{`holidays[0] "2027-13-01"`, `holidays[1] "x"`, `workdays[0] "2027-01-05"`}},
		{"YearTwice", `[{"year":2027,"holidays":["2027-01-01"]},{"year":2027,"holidays":["2027-01-01"]}]`,
			[]string{"year 2027 given twice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("Load(%s) = nil error, want %q", tt.in, tt.want)
			}
			if !errors.Is(err, ErrInvalidSchedule) {
				t.Errorf("Load error %q does not wrap ErrInvalidSchedule", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Load error = %q, want it to contain %q", err, w)
				}
			}
		})
	}

	_, err := Load(strings.NewReader(`{"year":2027,"holidays":["2027-02-30"]}`))
	var entry *EntryError
	if !errors.As(err, &entry) || entry.Field != "holidays" || entry.Index != 0 || entry.Value != "2027-02-30" {
		t.Errorf("Load error = %#v, want an *EntryError for holidays[0]", err)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	next, err := Load(strings.NewReader(schedule2027))
	if err != nil {
		t.Fatal(err)
	}
	c := Default().Merge(next)
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Load(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("Load(MarshalJSON) = %v\n%s", err, b)
	}
	b2, err := json.Marshal(back)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != string(b2) {
		t.Errorf("round trip changed the calendar:\n%s\n%s", b, b2)
	}
	var viaUnmarshal Calendar
	if err := json.Unmarshal(b, &viaUnmarshal); err != nil {
		t.Fatal(err)
	}
	for day := d("2025-12-01"); day.Before(d("2028-01-01")); day = day.AddDays(1) {
		if c.IsWorkday(day) != back.IsWorkday(day) || c.IsWorkday(day) != viaUnmarshal.IsWorkday(day) {
			t.Fatalf("IsWorkday(%v) differs after round trip", day)
		}
	}
	if !strings.Contains(string(b), `"year":2026`) || !strings.Contains(string(b), `"year":2027`) {
		t.Errorf("MarshalJSON = %s, want both years", b)
	}
}
