package timeparse

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestParse(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	want := time.Date(2020, 4, 10, 6, 45, 14, 0, time.UTC)
	layouts := []string{time.DateTime, time.RFC3339Nano}

	got, ok := Parse("2020-04-10 06:45:14", nil, layouts...)
	assert.True(t, ok)
	assert.Equal(t, want, got)
	assert.Equal(t, time.UTC, got.Location())

	got, ok = Parse(" 2020-04-10 14:45:14 ", shanghai, layouts...)
	assert.True(t, ok, "surrounding space is ignored")
	assert.Equal(t, want, got, "a zone-less layout reads in loc")

	got, ok = Parse("2020-04-10T14:45:14+08:00", time.UTC, layouts...)
	assert.True(t, ok)
	assert.Equal(t, want, got, "an explicit offset wins over loc")

	for _, bad := range []string{"", "  ", "yesterday", "2020-13-40 99:99:99"} {
		got, ok = Parse(bad, nil, layouts...)
		assert.False(t, ok, bad)
		assert.True(t, got.IsZero(), bad)
	}
}

func TestFastAgreesWithTimeParse(t *testing.T) {
	for _, s := range []string{"2020-04-10 06:45:14", "2020-02-29 00:00:00", "2021-02-29 00:00:00", "2020-13-01 00:00:00",
		"2020-04-31 00:00:00", "2020-04-10T06:45:14", "2020-04-10 24:00:00", "0000-01-01 00:00:00", "2020-04-10 06:45:60"} {
		agreeWithTimeParse(t, s)
	}
}

func agreeWithTimeParse(t *testing.T, s string) {
	t.Helper()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.FixedZone("EST", -5*3600)
	}
	for _, loc := range []*time.Location{time.UTC, ny} {
		for _, layout := range []string{time.DateTime, "2006-01-02T15:04:05"} {
			got, ok := fast(s, layout, loc)
			want, err := time.ParseInLocation(layout, s, loc)
			if ok && (err != nil || !got.Equal(want)) {
				t.Fatalf("fast(%q, %q) = %v, time.Parse = %v, %v", s, layout, got, want, err)
			}
		}
	}
}

func FuzzFastAgreesWithTimeParse(f *testing.F) {
	f.Add("2020-04-10 06:45:14")
	f.Add("2020-04-10T06:45:14")
	f.Add("2024-02-29 23:59:59")
	f.Fuzz(agreeWithTimeParse)
}

func TestDaysInAgreesWithTheCalendar(t *testing.T) {
	for _, year := range []int{0, 1900, 1999, 2000, 2023, 2024, 2100, 2400, 9999} {
		for m := time.January; m <= time.December; m++ {
			want := time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
			assert.Equal(t, want, DaysIn(m, year), "%d-%02d", year, m)
		}
	}
}

func TestDigits(t *testing.T) {
	assert.Equal(t, 2025, Digits("Oct 28, 2025", 8, 4))
	assert.Equal(t, 7, Digits("07", 0, 2))
	assert.Equal(t, -1, Digits("2x", 0, 2), "a non-digit")
	assert.Equal(t, -1, Digits("12", 1, 2), "past the end")
	assert.Equal(t, -1, Digits("+1", 0, 2), "a sign is not a digit")
}
