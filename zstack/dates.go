package zstack

import (
	"context"
	"strings"
	"time"

	"github.com/openmfa/mfa-go/internal/timeparse"
)

// dateLayouts are the layouts of createDate and lastOpDate: Java's default
// text (with and without the comma newer JDKs put after the year), a
// 24-hour variant, RFC 3339, and the SQL form. The zone-less ones are read
// in Config.Location.
var dateLayouts = []string{
	"Jan 2, 2006 3:04:05 PM",
	"Jan 2, 2006, 3:04:05 PM",
	"Jan 2, 2006 15:04:05",
	"Jan 2, 2006, 15:04:05",
	time.RFC3339,
	"2006-01-02 15:04:05",
}

// The layouts of dateLayouts by their first byte: a text that begins with
// a digit fits none of the Java ones (they begin with a month name), and
// one that does not fits neither RFC 3339 nor the SQL form (they begin
// with the year). Trying only the layouts that can fit gives the result
// of trying them all in order, without the failed attempts.
var (
	javaLayouts    = dateLayouts[:4]
	numericLayouts = dateLayouts[4:]
)

// spaces turns the narrow no-break space (U+202F) and the no-break space
// into plain spaces.
var spaces = strings.NewReplacer("\u202f", " ", "\u00a0", " ")

// parseDate reads a ZStack date in UTC; a zone-less date is read in loc.
// Newer JDKs print a narrow no-break space (U+202F) before AM/PM; it and
// the no-break space count as spaces.
func parseDate(s string, loc *time.Location) (time.Time, bool) {
	if t, ok := javaDate(s, loc); ok {
		return t, true
	}
	if strings.ContainsAny(s, "\u202f\u00a0") {
		s = spaces.Replace(s)
	}
	layouts := javaLayouts
	if t := strings.TrimSpace(s); t != "" && '0' <= t[0] && t[0] <= '9' {
		layouts = numericLayouts
	}
	return timeparse.Parse(s, loc, layouts...)
}

// javaDate reads the text ZStack sends most, Java's default form of a
// date ("Oct 28, 2025 2:09:26 PM", with or without a comma after the
// year, with a space, U+202F or U+00A0 before AM/PM; or its 24-hour
// variant "Oct 28, 2025 14:09:26"), in a tenth of time.Parse's time. It
// reads what the first four dateLayouts read, as time.Parse reads it, but
// only in this exact form (single spaces, the month as Java writes it, no
// fraction of a second): it reports false for any other text, which
// parseDate then gives to time.Parse.
func javaDate(s string, loc *time.Location) (time.Time, bool) {
	const shortest, longest = len("Oct 2, 2025 2:09:26"), len("Oct 28, 2025, 12:09:26\u202fPM")
	if len(s) < shortest || len(s) > longest || s[3] != ' ' {
		return time.Time{}, false
	}
	month := monthOf(s[:3])
	day, i := upTo2(s, 4)
	if month == 0 || day < 0 || s[i] != ',' || s[i+1] != ' ' {
		return time.Time{}, false
	}
	i += 2
	year := timeparse.Digits(s, i, 4)
	i += 4
	if year < 0 {
		return time.Time{}, false
	}
	if s[i] == ',' {
		i++ // newer JDKs
	}
	if s[i] != ' ' {
		return time.Time{}, false
	}
	hour, i := upTo2(s, i+1)
	if hour < 0 || i+6 > len(s) || s[i] != ':' || s[i+3] != ':' {
		return time.Time{}, false
	}
	minute, sec := timeparse.Digits(s, i+1, 2), timeparse.Digits(s, i+4, 2)
	if minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	if rest := s[i+6:]; rest == "" {
		// The 24-hour variant, "Oct 28, 2025 14:09:26": the third and
		// fourth layouts (the first two want AM or PM).
		if hour > 23 {
			return time.Time{}, false
		}
	} else {
		h, ok := clock24(hour, rest)
		if !ok {
			return time.Time{}, false
		}
		hour = h
	}
	if day < 1 || day > timeparse.DaysIn(month, year) {
		return time.Time{}, false
	}
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(year, month, day, hour, minute, sec, 0, loc).UTC(), true
}

// clock24 turns the hour of a 12-hour clock into the hour of the day,
// given what follows the seconds: one space (plain, U+202F or U+00A0) and
// AM or PM. It takes hour 0 as time.Parse does (0 PM is noon), though Java
// writes 12.
func clock24(hour int, rest string) (int, bool) {
	if hour > 12 {
		return 0, false
	}
	switch {
	case strings.HasPrefix(rest, " "):
		rest = rest[1:]
	case strings.HasPrefix(rest, "\u202f"):
		rest = rest[len("\u202f"):]
	case strings.HasPrefix(rest, "\u00a0"):
		rest = rest[len("\u00a0"):]
	default:
		return 0, false
	}
	switch {
	case rest == "PM" && hour < 12:
		return hour + 12, true
	case rest == "AM" && hour == 12:
		return 0, true
	case rest == "AM" || rest == "PM":
		return hour, true
	}
	return 0, false
}

// monthOf returns the month Java abbreviates as s, or 0.
func monthOf(s string) time.Month {
	switch s {
	case "Jan":
		return time.January
	case "Feb":
		return time.February
	case "Mar":
		return time.March
	case "Apr":
		return time.April
	case "May":
		return time.May
	case "Jun":
		return time.June
	case "Jul":
		return time.July
	case "Aug":
		return time.August
	case "Sep":
		return time.September
	case "Oct":
		return time.October
	case "Nov":
		return time.November
	case "Dec":
		return time.December
	}
	return 0
}

// upTo2 reads one or two digits at s[i], as time.Parse reads a day or a
// 12-hour hour, and returns the number (-1 when there is no digit) and
// where it ends. s[i] and s[i+1] must exist.
func upTo2(s string, i int) (int, int) {
	if !isDigit(s[i]) {
		return -1, i
	}
	if !isDigit(s[i+1]) {
		return int(s[i] - '0'), i + 1
	}
	return int(s[i]-'0')*10 + int(s[i+1]-'0'), i + 2
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// date reads a date member of the secret id. A date in no known layout is
// logged (its field and value; never the seed) and gives the zero time;
// the caller keeps its text.
func (c *Client) date(ctx context.Context, id, field, text string) time.Time {
	return c.dateWith(ctx, parseDate, id, field, text)
}

// dateWith is date reading with parse; the differential tests give it
// time.Parse's reader, so that both log alike.
func (c *Client) dateWith(ctx context.Context, parse func(string, *time.Location) (time.Time, bool), id, field, text string) time.Time {
	if strings.TrimSpace(text) == "" {
		return time.Time{}
	}
	t, ok := parse(text, c.loc)
	if !ok {
		c.tc.Logger().WarnContext(ctx, "unrecognised date: kept as text",
			"provider", c.name, "secret", id, "field", field, "value", text)
	}
	return t
}
