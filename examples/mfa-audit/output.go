package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/openmfa/mfa-go/mfa/audit"
)

// The output formats.
const (
	FormatTable = "table"
	FormatJSON  = "json"
	FormatCSV   = "csv"
)

// Write writes r in the format named.
func Write(w io.Writer, format string, r *audit.Report, types map[string]string) error {
	switch format {
	case FormatJSON:
		return r.WriteJSON(w)
	case FormatCSV:
		return writeCSV(w, r)
	case FormatTable:
		return writeTable(w, r, types)
	}
	return fmt.Errorf("unknown format %q (want table, json or csv)", format)
}

// writeTable writes a summary per provider, then the findings, the errors
// and the users not audited: readable at a glance, the inventory itself
// being in json and csv.
func writeTable(w io.Writer, r *audit.Report, types map[string]string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row(tw, "PROVIDER", "TYPE", "USERS", "AUDITED", "NOT AUDITED", "DISABLED", "DEVICES", "ACTIVE", "PENDING", "UNKNOWN", "FINDINGS", "ERRORS")
	for _, p := range r.Providers {
		row(tw, p.Provider, types[p.Provider], itoa(p.UsersListed), itoa(p.UsersAudited), itoa(p.UsersNotAudited), itoa(p.UsersDisabled),
			itoa(p.Devices), itoa(p.Active), itoa(p.Pending), itoa(p.Unknown), itoa(p.Findings), itoa(p.Errors))
	}
	s := r.Summary
	row(tw, "TOTAL", "", itoa(s.UsersListed), itoa(s.UsersAudited), itoa(s.UsersNotAudited), itoa(s.UsersDisabled),
		itoa(s.Devices), "", "", "", itoa(s.Findings), itoa(s.Errors))
	if err := tw.Flush(); err != nil {
		return err
	}
	section := func(title string, n int, header []string, rows func(tw *tabwriter.Writer)) error {
		if n == 0 {
			return nil
		}
		fmt.Fprintf(w, "\n%s (%d)\n", title, n)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		row(tw, header...)
		rows(tw)
		return tw.Flush()
	}
	if err := section("FINDINGS", len(r.Findings), []string{"PROVIDER", "USER", "NAME", "RULE", "DEVICE", "DETAIL"}, func(tw *tabwriter.Writer) {
		for _, f := range r.Findings {
			row(tw, f.Provider, f.UserID, orDash(f.UserName), f.Rule, orDash(f.DeviceID), f.Detail)
		}
	}); err != nil {
		return err
	}
	if err := section("ERRORS", len(r.Errors), []string{"PROVIDER", "USER", "ERROR"}, func(tw *tabwriter.Writer) {
		for _, e := range r.Errors {
			row(tw, e.Provider, orDash(e.UserID), e.Message)
		}
	}); err != nil {
		return err
	}
	return section("NOT AUDITED", len(r.NotAudited), []string{"PROVIDER", "USER", "REASON"}, func(tw *tabwriter.Writer) {
		for _, n := range r.NotAudited {
			user := n.UserID
			if user == "" {
				user = "(every user)"
			}
			row(tw, n.Provider, user, n.Reason)
		}
	})
}

// row writes one line of a table, every cell cleaned, as writeCSV cleans
// every cell: a column added later cannot forget it. Every row has tabs,
// so the tabwriter holds it until Flush, which reports a failed write.
func row(tw *tabwriter.Writer, cells ...string) {
	line := make([]string, len(cells))
	for i, cell := range cells {
		line[i] = clean(cell)
	}
	io.WriteString(tw, strings.Join(line, "\t")+"\n")
}

func itoa(n int) string { return strconv.Itoa(n) }

// csvHeader names the CSV columns; the first says what a row is.
var csvHeader = []string{"record", "provider", "user_id", "user_name", "enabled", "login_mfa", "login_mfa_method",
	"device_id", "name", "kind", "status", "vendor_status", "created_at", "rule", "detail"}

// writeCSV writes one row per user, device, finding, error and user not
// audited, told apart by the first column.
func writeCSV(w io.Writer, r *audit.Report) error {
	cw := csv.NewWriter(w)
	// One row for every record: cw.Write is done with it when it returns.
	row := make([]string, len(csvHeader))
	write := func(cells ...string) error {
		clear(row)
		copy(row, cells)
		for i, cell := range row {
			row[i] = defuse(cleanCell(cell))
		}
		return cw.Write(row)
	}
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for u := range r.Users.All() {
		if err := write("user", u.Provider, u.UserID, u.UserName, strconv.FormatBool(u.Enabled), string(u.LoginMFA), u.LoginMFAMethod); err != nil {
			return err
		}
	}
	for d := range r.Devices.All() {
		created := ""
		if !d.CreatedAt.IsZero() {
			created = d.CreatedAt.Format(time.RFC3339)
		}
		if err := write("device", d.Provider, d.UserID, d.UserName, "", "", "", d.DeviceID, d.Name, string(d.Kind), string(d.Status),
			d.VendorStatus, created); err != nil {
			return err
		}
	}
	for _, f := range r.Findings {
		if err := write("finding", f.Provider, f.UserID, f.UserName, "", "", "", f.DeviceID, "", "", "", "", "", f.Rule, f.Detail); err != nil {
			return err
		}
	}
	for _, e := range r.Errors {
		if err := write("error", e.Provider, e.UserID, "", "", "", "", "", "", "", "", "", "", "", e.Message); err != nil {
			return err
		}
	}
	for _, n := range r.NotAudited {
		if err := write("not_audited", n.Provider, n.UserID, "", "", "", "", "", "", "", "", "", "", "", n.Reason); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuse keeps a spreadsheet from reading a vendor's text as a formula.
// It runs on cells cleanCell has escaped, which hold no raw \r or NUL;
// a tab it keeps.
func defuse(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// clean keeps a vendor's text from acting on the terminal it is shown on:
// control characters (C0 with tab, DEL, C1), bidirectional controls that
// reorder what follows, and bytes that are not UTF-8 are shown escaped,
// as Go writes them ("\x1b", "\u202e").
func clean(s string) string { return escape(s, false) }

// cleanCell is clean for a CSV cell, whose quoting keeps a tab harmless.
func cleanCell(s string) string { return escape(s, true) }

func escape(s string, keepTab bool) string {
	unsafe := func(r rune) bool {
		return (unicode.IsControl(r) && !(keepTab && r == '\t')) || unicode.Is(unicode.Bidi_Control, r) || r == utf8.RuneError
	}
	if strings.IndexFunc(s, unsafe) < 0 {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				fmt.Fprintf(&b, `\x%02x`, s[i])
				continue
			}
			b.WriteRune(r)
		case !unsafe(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRune(r) // '\r', '\x1b', '\u202e'
			b.WriteString(q[1 : len(q)-1])
		}
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
