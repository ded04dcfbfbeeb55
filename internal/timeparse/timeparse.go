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
	num := func(i, n int) int {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	year, month, day := num(0, 4), num(5, 2), num(8, 2)
	hour, minute, sec := num(11, 2), num(14, 2), num(17, 2)
	if year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	if day > daysIn(time.Month(month), year) {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, 0, loc).UTC(), true
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
