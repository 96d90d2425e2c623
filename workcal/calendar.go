// Package workcal counts Chinese working days (工作日).
//
// A day is a working day if it is Monday to Friday and not a public holiday
// (法定节假日), or if it is a Saturday or Sunday that the State Council has
// made a working day to compensate for a bridged holiday (调休上班).
// The schedule changes every year and is published by the General Office of
// the State Council, usually in November for the following year. [Default]
// holds the 2026 schedule; administrators [Load] later years as they are
// published.
//
// All dates are civil dates in Asia/Shanghai (see [Date] and [Shanghai]).
package workcal

import (
	"embed"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Calendar is a working-day calendar built from the holiday schedules of
// one or more years. A Calendar is immutable after construction and safe
// for concurrent use. The zero Calendar and a nil *Calendar have no
// schedule: every Monday to Friday is a working day.
type Calendar struct {
	years map[int]schedule // by the year the schedule was published for
	days  map[Date]bool    // flattened: true = 调休 working day, false = holiday
}

// schedule is one year's holiday arrangement, as in the Load format.
type schedule struct {
	year     int
	name     string
	source   string
	note     string
	holidays []Date // sorted
	workdays []Date // sorted
}

// New returns a Calendar with the given holidays (days off, whether they
// fall on weekdays or weekends) and 调休 working days (weekend days that are
// working days). Dates are grouped into schedules by their own year, which
// is what [Calendar.Years] reports. Unlike [Load], New does not validate: a
// date listed in both slices is a working day, and invalid dates never match
// a real date.
func New(holidays, workdays []Date) *Calendar {
	years := make(map[int]schedule)
	add := func(d Date, working bool) {
		s := years[d.Year]
		s.year = d.Year
		if working {
			s.workdays = append(s.workdays, d)
		} else {
			s.holidays = append(s.holidays, d)
		}
		years[d.Year] = s
	}
	for _, d := range holidays {
		add(d, false)
	}
	for _, d := range workdays {
		add(d, true)
	}
	for y, s := range years {
		s.holidays = sortedUnique(s.holidays)
		s.workdays = sortedUnique(s.workdays)
		years[y] = s
	}
	return build(years)
}

func sortedUnique(ds []Date) []Date {
	slices.SortFunc(ds, Date.Compare)
	return slices.Compact(ds)
}

// build flattens the schedules into the day lookup. Schedules are applied
// in year order, so where two years' schedules disagree about a date (only
// possible for a late-December date listed in the next year's schedule) the
// later year wins. Within a schedule, working days win over holidays.
func build(years map[int]schedule) *Calendar {
	c := &Calendar{years: years, days: make(map[Date]bool)}
	for _, y := range slices.Sorted(maps.Keys(years)) {
		s := years[y]
		for _, d := range s.holidays {
			c.days[d] = false
		}
		for _, d := range s.workdays {
			c.days[d] = true
		}
	}
	return c
}

//go:embed data/cn-2026.json
var defaultData embed.FS

// Default returns a Calendar with the official schedules embedded in the
// binary: 2026, from 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04).
// Merge a loaded schedule on top of it for later years.
func Default() *Calendar {
	f, err := defaultData.Open("data/cn-2026.json")
	if err != nil {
		panic(fmt.Sprintf("workcal: embedded schedule: %v", err))
	}
	defer f.Close()
	c, err := Load(f)
	if err != nil {
		panic(fmt.Sprintf("workcal: embedded schedule: %v", err)) // caught by TestDefault
	}
	return c
}

// Merge returns a new Calendar with the schedules of c and other. For a
// year present in both, other's schedule replaces c's entirely, so an
// administrator can correct a year as well as add one. Neither c nor other
// is modified; either may be nil.
func (c *Calendar) Merge(other *Calendar) *Calendar {
	years := make(map[int]schedule)
	if c != nil {
		maps.Copy(years, c.years)
	}
	if other != nil {
		maps.Copy(years, other.years)
	}
	return build(years)
}

// IsWorkday reports whether d is a working day: Monday to Friday unless it
// is a listed holiday, Saturday and Sunday only if listed as a 调休 working
// day.
func (c *Calendar) IsWorkday(d Date) bool {
	if c != nil {
		if working, ok := c.days[d]; ok {
			return working
		}
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkdays returns the n-th working day after d; d itself is not
// counted, whether or not it is a working day. AddWorkdays(d, 0) returns d.
// For n < 0 it returns the |n|-th working day before d.
//
// For n >= 0, WorkdaysBetween(d, AddWorkdays(d, n)) == n.
func (c *Calendar) AddWorkdays(d Date, n int) Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// WorkdaysBetween returns the number of working days in the half-open
// interval (from, to]: from is excluded, to is included. It returns 0 if to
// is not after from.
//
// To count the working days of a period that runs from day start to day
// end, both included (a comment period of "at least 7 working days"), use
// WorkdaysBetween(start.AddDays(-1), end).
func (c *Calendar) WorkdaysBetween(from, to Date) int {
	n := 0
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		if c.IsWorkday(d) {
			n++
		}
	}
	return n
}

// Years returns, in ascending order, the years for which the calendar has a
// schedule. Outside these years IsWorkday only knows weekends, so callers
// should warn when a period reaches into a year that is missing (see
// MissingYears).
func (c *Calendar) Years() []int {
	if c == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(c.years))
}

// MissingYears returns, in ascending order, the years from from.Year to
// to.Year (inclusive) that have no schedule. An empty result means every
// day from from to to is counted with official data.
func (c *Calendar) MissingYears(from, to Date) []int {
	var missing []int
	for y := from.Year; y <= to.Year; y++ {
		if c == nil {
			missing = append(missing, y)
			continue
		}
		if _, ok := c.years[y]; !ok {
			missing = append(missing, y)
		}
	}
	return missing
}
