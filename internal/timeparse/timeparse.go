package timeparse

import (
	"strings"
	"time"
)

// Parse tries each layout in turn and returns the first that fits s, in
// UTC. A layout without a zone reads s in loc (UTC when nil). It reports
// false when no layout fits; callers keep the raw text then.
func Parse(s string, loc *time.Location, layouts ...string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if loc == nil {
		loc = time.UTC
	}
	for _, layout := range layouts {
		if t, ok := fast(s, layout, loc); ok {
			return t, true
		}
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// fast reads "2006-01-02 15:04:05" and "2006-01-02T15:04:05" exactly, the
// layouts of most vendor timestamps, without time.Parse's general machinery
// (a tenth of the cost). Anything else, and any text it cannot read, is
// left to time.Parse: fast never accepts what time.Parse would refuse.
func fast(s, layout string, loc *time.Location) (time.Time, bool) {
	if len(s) != 19 || (layout != time.DateTime && layout != "2006-01-02T15:04:05") || s[10] != layout[10] ||
		s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	year, month, day := Digits(s, 0, 4), Digits(s, 5, 2), Digits(s, 8, 2)
	hour, minute, sec := Digits(s, 11, 2), Digits(s, 14, 2), Digits(s, 17, 2)
	if year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	if day > DaysIn(time.Month(month), year) {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, 0, loc).UTC(), true
}

// Digits reads exactly n decimal digits at s[i], or returns -1: the
// fixed-width fields of a hand-written reader of one layout.
func Digits(s string, i, n int) int {
	if i < 0 || i+n > len(s) {
		return -1
	}
	v := 0
	for _, c := range []byte(s[i : i+n]) {
		if c < '0' || c > '9' {
			return -1
		}
		v = v*10 + int(c-'0')
	}
	return v
}

// DaysIn returns the number of days of a month of the proleptic Gregorian
// calendar, as time.Parse checks a day against it.
func DaysIn(m time.Month, year int) int {
	switch m {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}
