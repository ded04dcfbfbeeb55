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
