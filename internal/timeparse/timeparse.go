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
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
