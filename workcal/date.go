package workcal

import (
	"fmt"
	"time"
)

// Date is a civil (calendar) date with no time of day and no time zone.
//
// All dates in this package are civil dates in Asia/Shanghai: the date a
// person in China reads on the wall calendar. Use [DateOf] to get the date
// of an instant and [EndOfDay] or [Date.In] to turn a date back into
// instants. The zero Date is not a valid date.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

const dateLayout = "2006-01-02"

// ParseDate parses a date written as YYYY-MM-DD, such as "2026-12-31".
// It rejects other layouts and dates that do not exist ("2026-02-30").
func ParseDate(s string) (Date, error) {
	if len(s) != len(dateLayout) {
		return Date{}, fmt.Errorf("workcal: date %q: want YYYY-MM-DD", s)
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("workcal: date %q: want a valid YYYY-MM-DD date", s)
	}
	return dateOfCivil(t), nil
}

// MustParseDate is like [ParseDate] but panics on error. It is meant for
// constants in tests and embedded data.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func dateOfCivil(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// civil returns midnight UTC of d; only its Y-M-D fields are meaningful.
// time.Date normalizes out-of-range fields, which AddDays relies on.
func (d Date) civil() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// String formats d as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d names a day that exists (Month 1–12, Day within
// the month).
func (d Date) Valid() bool {
	return d.Month >= time.January && d.Month <= time.December && dateOfCivil(d.civil()) == d
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.civil().Weekday() }

// AddDays returns the date n calendar days after d (before d if n < 0).
func (d Date) AddDays(n int) Date {
	return dateOfCivil(time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC))
}

// Compare returns -1 if d is before e, 0 if they are the same date, +1 if d
// is after e.
func (d Date) Compare(e Date) int { return d.civil().Compare(e.civil()) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Equal reports whether d and e are the same date.
func (d Date) Equal(e Date) bool { return d.Compare(e) == 0 }

// In returns the instant at which d starts (00:00) in loc. For deadlines
// use [Date.In] with [Shanghai], or [EndOfDay].
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// MarshalText formats d as YYYY-MM-DD, so dates appear as JSON strings.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses YYYY-MM-DD, as [ParseDate].
func (d *Date) UnmarshalText(b []byte) error {
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}
