package workcal

import (
	"sync"
	"time"
	_ "time/tzdata" // Asia/Shanghai must resolve even in a static binary without /usr/share/zoneinfo.
)

// Shanghai returns the Asia/Shanghai location, the time zone of every
// [Date] in this package. If the zone database cannot be loaded it falls
// back to a fixed UTC+8 zone named "CST"; China has not observed daylight
// saving time since 1991, so the two agree for all dates this platform
// handles.
func Shanghai() *time.Location { return shanghai() }

var shanghai = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
})

// DateOf returns the civil date in Shanghai of the instant t.
func DateOf(t time.Time) Date { return dateOfCivil(t.In(Shanghai())) }

// EndOfDay returns the instant at which d ends in Shanghai — 24:00 of d,
// which is 00:00 of the next day — as a UTC time. A period that ends on d
// accepts an instant t if and only if t.Before(EndOfDay(d)).
func EndOfDay(d Date) time.Time {
	return d.AddDays(1).In(Shanghai()).UTC()
}
