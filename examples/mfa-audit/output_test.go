package main

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/audit"
)

// hostile holds the strings a server could send to take over a terminal
// or a spreadsheet.
var hostile = []string{
	"UNREGISTER\r\x1b[2KREGISTERED",   // overwrite the line
	"\x1b]0;pwned\x07",                // retitle the window, ring the bell
	"\x1b]8;;https://evil\x1b\\click", // an OSC 8 link
	"invoice\u202efdp.exe",            // reads as invoiceexe.pdf
	"a\u2066b\u2069c\u200e\u200f\u061c",
	"\x9bc\x7f",       // C1 CSI and DEL
	"=cmd|' /C calc'", // a spreadsheet formula
	"\x00=1+1",
	"bad\xffutf8",
}

func hostileReport() *audit.Report {
	r := &audit.Report{SchemaVersion: audit.SchemaVersion, Summary: audit.Summary{Providers: 1}}
	for _, s := range hostile {
		r.Devices.Append(audit.DeviceRow{Provider: "p", UserID: s, UserName: s, DeviceID: s, Name: s, Kind: mfa.KindTOTP,
			Status: mfa.StatusUnknown, VendorStatus: s})
		r.Findings = append(r.Findings, audit.Finding{Provider: "p", UserID: s, UserName: s, DeviceID: s, Rule: audit.RuleUnknownStatus, Detail: s})
		r.Errors = append(r.Errors, audit.ErrorRow{Provider: "p", UserID: s, Message: s})
		r.NotAudited = append(r.NotAudited, audit.NotAudited{Provider: "p", UserID: s, Reason: s})
		r.Users.Append(audit.UserRow{Provider: "p", UserID: s, UserName: s, LoginMFAMethod: s})
	}
	r.Providers = []audit.ProviderSummary{{Provider: "p\x1b[31m"}}
	return r
}

// controls lists the runes no output may hold raw: C0 but tab and
// newline, DEL, C1, and bidirectional controls.
func assertNoControls(t *testing.T, out string, allowTab bool) {
	t.Helper()
	for _, r := range out {
		switch {
		case r == '\n', r == '\t' && allowTab:
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0,
			r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			t.Errorf("raw control %U in the output", r)
		}
	}
	assert.NotContains(t, out, "\xff", "bytes that are not UTF-8 are escaped")
}

func TestTableEscapesVendorStrings(t *testing.T) {
	var b strings.Builder
	require.NoError(t, Write(&b, FormatTable, hostileReport(), nil))
	assertNoControls(t, b.String(), false)
	assert.Contains(t, b.String(), `UNREGISTER\r\x1b[2KREGISTERED`)
	assert.Contains(t, b.String(), `invoice\u202efdp.exe`)
}

func TestCSVEscapesVendorStringsAndDefusesFormulas(t *testing.T) {
	var b strings.Builder
	require.NoError(t, Write(&b, FormatCSV, hostileReport(), nil))
	assertNoControls(t, b.String(), true)
	rows, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	require.NoError(t, err, "still valid CSV")
	assert.Equal(t, csvHeader, rows[0])
	for _, row := range rows[1:] {
		for _, cell := range row {
			if cell != "" {
				assert.NotContains(t, "=+-@\t\r\x00", cell[:1], "a cell %q could start a formula", cell)
			}
		}
	}
	assert.Contains(t, b.String(), `'=cmd|' /C calc'`)
	assert.Contains(t, b.String(), `\x00=1+1`, "a leading NUL is escaped, so it starts no formula")
}

func TestCSVKeepsATabInsideAQuotedCell(t *testing.T) {
	assert.Equal(t, "a\tb", cleanCell("a\tb"))
	assert.Equal(t, `a\tb`, clean("a\tb"), "the table escapes it: it would break the columns")
}
