package zstack

import (
	"testing"
	"time"
)

// dateZones are the zones dates are compared in: UTC, a fixed offset, and
// one with daylight saving time (its gaps and overlaps) where the system
// has it.
func dateZones(t testing.TB) []*time.Location {
	zones := []*time.Location{time.UTC, time.FixedZone("CST", 8*3600)}
	if ny, err := time.LoadLocation("America/New_York"); err == nil {
		zones = append(zones, ny)
	}
	return zones
}

// sameDate checks that parseDate reads s as trying every layout in turn
// with time.Parse does.
func sameDate(t *testing.T, zones []*time.Location, s string) {
	t.Helper()
	for _, loc := range zones {
		got, ok := parseDate(s, loc)
		want, wantOK := referenceParseDate(s, loc)
		if ok != wantOK || got != want {
			t.Fatalf("%q in %v: parseDate %v %t, time.Parse %v %t", s, loc, got, ok, want, wantOK)
		}
	}
}

var dateSeeds = []string{
	"Oct 28, 2025 2:09:26 PM", "Oct 28, 2025, 2:09:26 PM", "Oct 28, 2025 2:09:26\u202fPM", "Oct 28, 2025, 2:09:26\u00a0AM",
	"Jan 1, 2025 12:00:00 AM", "Jan 1, 2025 12:00:00 PM", "Jan 1, 2025 0:00:00 PM", "Jan 1, 2025 00:00:00 AM",
	"Feb 29, 2024 11:59:59 PM", "Feb 29, 2023 11:59:59 PM", "Feb 29, 2000 1:00:00 AM", "Feb 29, 1900 1:00:00 AM",
	"Apr 31, 2025 1:00:00 AM", "Dec 31, 9999 11:59:59 PM", "Jan 01, 0000 1:00:00 AM", "Sep 9, 2025 09:09:09 AM",
	"Mar 9, 2025 2:30:00 AM", "Nov 2, 2025 1:30:00 AM", "Oct 28, 2025 13:09:26 PM", "Oct 28, 2025 2:60:26 PM",
	"Oct 28, 2025 2:09:60 PM", "Oct 28, 2025 2:09:26 pm", "OCT 28, 2025 2:09:26 PM", "oct 28, 2025 2:09:26 PM",
	"Oct 28, 2025 2:09:26.5 PM", "Oct 28, 2025 2:09:26  PM", "Oct  28, 2025 2:09:26 PM", "Oct 28,  2025 2:09:26 PM",
	" Oct 28, 2025 2:09:26 PM ", "Oct 28, 2025 2:09:26 PMX", "Oct 0, 2025 2:09:26 PM", "Oct 128, 2025 2:09:26 PM",
	"Oct 28, 20255 2:09:26 PM", "Oct 28, 2025 2:9:26 PM", "Oct 28, 2025 2:09:2 PM", "Oct 28 2025 2:09:26 PM",
	"Oct 28, 2025 14:09:26", "Oct 28, 2025, 14:09:26", "2025-10-28T14:09:26Z", "2025-10-28T22:09:26.000+08:00",
	"2025-10-28 14:09:26", "2025-10-28 14:09:26.0", "\u202f2025-10-28 14:09:26", "", " ", "yesterday", "1761660566000",
	"Oct 28, 2025 2:09:26 \u202fPM", "Oct 28, 2025 2:09:26\u202f\u202fPM", "Oct 28, 2025 2:09:26\u2009PM",
	"Oct 28, 2025, 23:59:59", "Oct 28, 2025 24:00:00", "Oct 28, 2025 2:09:26 ", "Oct 28, 2025 2:09:26\u202f",
	"Oct 28, 2025 14:09:26 PM", "Oct 28, 2025 00:00:00", "Oct 2, 2025 2:09:26", "Oct 2, 2025 2:09:2", "Oct 28, 2025 14:09:26Z",
}

func TestParseDateAgreesWithLayouts(t *testing.T) {
	zones := dateZones(t)
	for _, s := range dateSeeds {
		sameDate(t, zones, s)
	}
}

// TestParseDateAgreesOnJavaForms compares the two parsers over the Java
// forms, field by field across the edges of each field's range.
func TestParseDateAgreesOnJavaForms(t *testing.T) {
	zones := dateZones(t)
	months := []string{"Jan", "Feb", "Apr", "Dec", "oct", "Okt"} // 31, 28 or 29, 30 days; not as Java writes them
	n := 0
	for _, month := range months {
		for _, day := range []string{"0", "1", "01", "28", "29", "30", "31", "32"} {
			for _, year := range []string{"1900", "2000", "2023", "2024"} {
				for _, comma := range []string{"", ","} {
					for _, hour := range []string{"0", "01", "12", "13", "23", "24"} {
						for _, ms := range []string{"00:00", "59:59", "60:00", "00:60"} {
							for _, suffix := range []string{"", " AM", " PM", "\u202fPM", "\u00a0AM", " pm", " "} {
								sameDate(t, zones, month+" "+day+", "+year+comma+" "+hour+":"+ms+suffix)
								n++
							}
						}
					}
				}
			}
		}
	}
	if n < 30000 {
		t.Fatal(n)
	}
}

// TestJavaDateIsTheCommonPath: the forms ZStack sends are read without
// time.Parse.
func TestJavaDateIsTheCommonPath(t *testing.T) {
	want := time.Date(2025, 10, 28, 14, 9, 26, 0, time.UTC)
	for _, s := range []string{"Oct 28, 2025 2:09:26 PM", "Oct 28, 2025, 2:09:26 PM", "Oct 28, 2025 2:09:26\u202fPM",
		"Oct 28, 2025, 2:09:26\u202fPM", "Oct 28, 2025 2:09:26\u00a0PM", "Oct 28, 2025 14:09:26", "Oct 28, 2025, 14:09:26"} {
		got, ok := javaDate(s, time.UTC)
		if !ok || got != want {
			t.Errorf("javaDate(%q) = %v, %t", s, got, ok)
		}
	}
	if got, ok := javaDate("Jan 2, 2006 12:04:05 AM", time.FixedZone("CST", 8*3600)); !ok ||
		got != time.Date(2006, 1, 1, 16, 4, 5, 0, time.UTC) {
		t.Errorf("12 AM in UTC+8: %v, %t", got, ok)
	}
	allocs := testing.AllocsPerRun(100, func() { _, _ = parseDate("Oct 28, 2025, 2:09:26\u202fPM", time.UTC) })
	if allocs != 0 {
		t.Errorf("%v allocations", allocs)
	}
}

func FuzzParseDateAgreesWithLayouts(f *testing.F) {
	for _, s := range dateSeeds {
		f.Add(s)
	}
	zones := dateZones(f)
	f.Fuzz(func(t *testing.T, s string) { sameDate(t, zones, s) })
}

// BenchmarkParseDate reads the common text, its newer-JDK form and the
// other layouts with parseDate, and with time.Parse over the layouts in
// turn.
func BenchmarkParseDate(b *testing.B) {
	loc := time.FixedZone("CST", 8*3600)
	for _, tt := range []struct{ name, text string }{
		{"java", "Oct 28, 2025 2:09:26 PM"}, {"java-newer-jdk", "Oct 28, 2025, 2:09:26\u202fPM"},
		{"java-24h", "Oct 28, 2025 14:09:26"}, {"rfc3339", "2025-10-28T14:09:26Z"}, {"sql", "2025-10-28 14:09:26"},
	} {
		for _, parse := range []struct {
			name string
			f    func(string, *time.Location) (time.Time, bool)
		}{{"parseDate", parseDate}, {"time.Parse", referenceParseDate}} {
			b.Run(tt.name+"/"+parse.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, ok := parse.f(tt.text, loc); !ok {
						b.Fatal(tt.text)
					}
				}
			})
		}
	}
}
