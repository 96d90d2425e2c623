package workcal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// ErrInvalidSchedule is wrapped by every error [Load] returns for a
// malformed or inconsistent schedule.
var ErrInvalidSchedule = errors.New("workcal: invalid schedule")

// EntryError reports one bad entry of an uploaded schedule. Field is
// "holidays" or "workdays" and Index the position in that list (0-based),
// so the administrator can find the line to fix. It wraps
// [ErrInvalidSchedule].
type EntryError struct {
	Year   int
	Field  string
	Index  int
	Value  string
	Reason string
}

func (e *EntryError) Error() string {
	return fmt.Sprintf("workcal: %d schedule: %s[%d] %q: %s", e.Year, e.Field, e.Index, e.Value, e.Reason)
}

func (e *EntryError) Unwrap() error { return ErrInvalidSchedule }

// scheduleJSON is the upload format:
//
//	{"year": 2027, "name": "...", "source": "...", "note": "...",
//	 "holidays": ["2027-01-01", ...], "workdays": ["2027-...", ...]}
type scheduleJSON struct {
	Year     int      `json:"year"`
	Name     string   `json:"name,omitempty"`
	Source   string   `json:"source,omitempty"`
	Note     string   `json:"note,omitempty"`
	Holidays []string `json:"holidays"`
	Workdays []string `json:"workdays"`
}

const (
	minYear = 2000
	maxYear = 2999
)

// Load reads one year's schedule, in the format administrators upload:
//
//	{
//	  "year": 2027,
//	  "name": "2027年部分节假日安排",            (optional)
//	  "source": "国务院办公厅关于2027年…的通知",  (optional)
//	  "note": "...",                            (optional)
//	  "holidays": ["2027-01-01", ...],
//	  "workdays": ["2027-02-06", ...]
//	}
//
// holidays lists every day off of every holiday block, including the
// weekend days inside a block; workdays lists the weekend days that are
// 调休 working days (it may be empty). Load also accepts a JSON array of such
// objects, one per year, which is what [Calendar.MarshalJSON] writes.
//
// Load is strict. It rejects unknown fields, trailing data, a missing or
// implausible year, an empty holiday list, dates that are not valid
// YYYY-MM-DD dates, dates outside the schedule's year (December of the
// previous year is allowed, for a New Year block that starts before 1
// January), duplicates, a date listed both as holiday and as working day,
// a working day that is not a Saturday or Sunday, and a year given twice.
// Every problem is reported, joined with [errors.Join]; each wraps
// [ErrInvalidSchedule], and bad entries are [*EntryError]s naming the list,
// index and value.
func Load(r io.Reader) (*Calendar, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("workcal: reading schedule: %w", err)
	}
	var docs []scheduleJSON
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '[' {
		err = decodeStrict(data, &docs)
	} else {
		var doc scheduleJSON
		err = decodeStrict(data, &doc)
		docs = []scheduleJSON{doc}
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidSchedule, err)
	}

	years := make(map[int]schedule)
	var errs []error
	for _, doc := range docs {
		s, err := parseSchedule(doc)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if _, dup := years[s.year]; dup {
			errs = append(errs, fmt.Errorf("%w: year %d given twice", ErrInvalidSchedule, s.year))
			continue
		}
		years[s.year] = s
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return build(years), nil
}

func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the schedule")
	}
	return nil
}

func parseSchedule(doc scheduleJSON) (schedule, error) {
	y := doc.Year
	if y < minYear || y > maxYear {
		return schedule{}, fmt.Errorf("%w: year %d: want a year between %d and %d", ErrInvalidSchedule, y, minYear, maxYear)
	}
	s := schedule{year: y, name: doc.Name, source: doc.Source, note: doc.Note}
	var errs []error
	bad := func(field string, i int, v, reason string) {
		errs = append(errs, &EntryError{Year: y, Field: field, Index: i, Value: v, Reason: reason})
	}
	if len(doc.Holidays) == 0 {
		errs = append(errs, fmt.Errorf("%w: %d schedule: holidays is empty", ErrInvalidSchedule, y))
	}

	parse := func(field string, list []string) []Date {
		seen := make(map[Date]bool)
		var out []Date
		for i, v := range list {
			d, err := ParseDate(v)
			switch {
			case err != nil:
				bad(field, i, v, "not a valid YYYY-MM-DD date")
				continue
			case d.Year != y && (d.Year != y-1 || d.Month != time.December):
				bad(field, i, v, fmt.Sprintf("outside %d", y))
				continue
			case seen[d]:
				bad(field, i, v, "listed twice")
				continue
			}
			seen[d] = true
			out = append(out, d)
		}
		return out
	}
	s.holidays = parse("holidays", doc.Holidays)
	s.workdays = parse("workdays", doc.Workdays)

	off := make(map[Date]bool)
	for _, d := range s.holidays {
		off[d] = true
	}
	for i, v := range doc.Workdays {
		d, err := ParseDate(v)
		if err != nil {
			continue // already reported
		}
		if off[d] {
			bad("workdays", i, v, "also listed as a holiday")
		}
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			bad("workdays", i, v, fmt.Sprintf("is a %s; only a Saturday or Sunday can be a 调休 working day", wd))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return schedule{}, err
	}
	s.holidays = sortedUnique(s.holidays)
	s.workdays = sortedUnique(s.workdays)
	return s, nil
}

// MarshalJSON writes the calendar in the format [Load] reads: a JSON array
// with one schedule object per year, in year order, dates sorted.
func (c *Calendar) MarshalJSON() ([]byte, error) {
	docs := []scheduleJSON{}
	for _, y := range c.Years() {
		s := c.years[y]
		doc := scheduleJSON{Year: y, Name: s.name, Source: s.source, Note: s.note,
			Holidays: []string{}, Workdays: []string{}}
		for _, d := range s.holidays {
			doc.Holidays = append(doc.Holidays, d.String())
		}
		for _, d := range s.workdays {
			doc.Workdays = append(doc.Workdays, d.String())
		}
		docs = append(docs, doc)
	}
	return json.Marshal(docs)
}

// UnmarshalJSON reads a calendar as [Load] does, with the same validation.
func (c *Calendar) UnmarshalJSON(data []byte) error {
	loaded, err := Load(bytes.NewReader(data))
	if err != nil {
		return err
	}
	*c = *loaded
	return nil
}
