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
	fmt.Fprintln(tw, "PROVIDER\tTYPE\tUSERS\tAUDITED\tNOT AUDITED\tDISABLED\tDEVICES\tACTIVE\tPENDING\tUNKNOWN\tFINDINGS\tERRORS")
	for _, p := range r.Providers {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", clean(p.Provider), types[p.Provider], p.UsersListed, p.UsersAudited,
			p.UsersNotAudited, p.UsersDisabled, p.Devices, p.Active, p.Pending, p.Unknown, p.Findings, p.Errors)
	}
	s := r.Summary
	fmt.Fprintf(tw, "TOTAL\t\t%d\t%d\t%d\t%d\t%d\t\t\t\t%d\t%d\n", s.UsersListed, s.UsersAudited, s.UsersNotAudited, s.UsersDisabled,
		s.Devices, s.Findings, s.Errors)
	if err := tw.Flush(); err != nil {
		return err
	}
	section := func(title string, n int, header string, rows func(tw *tabwriter.Writer)) error {
		if n == 0 {
			return nil
		}
		fmt.Fprintf(w, "\n%s (%d)\n", title, n)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, header)
		rows(tw)
		return tw.Flush()
	}
	if err := section("FINDINGS", len(r.Findings), "PROVIDER\tUSER\tNAME\tRULE\tDEVICE\tDETAIL", func(tw *tabwriter.Writer) {
		for _, f := range r.Findings {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", clean(f.Provider), clean(f.UserID), orDash(clean(f.UserName)), f.Rule,
				orDash(clean(f.DeviceID)), clean(f.Detail))
		}
	}); err != nil {
		return err
	}
	if err := section("ERRORS", len(r.Errors), "PROVIDER\tUSER\tERROR", func(tw *tabwriter.Writer) {
		for _, e := range r.Errors {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", clean(e.Provider), orDash(clean(e.UserID)), clean(e.Message))
		}
	}); err != nil {
		return err
	}
	return section("NOT AUDITED", len(r.NotAudited), "PROVIDER\tUSER\tREASON", func(tw *tabwriter.Writer) {
		for _, n := range r.NotAudited {
			user := clean(n.UserID)
			if user == "" {
				user = "(every user)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", clean(n.Provider), user, clean(n.Reason))
		}
	})
}

// csvHeader names the CSV columns; the first says what a row is.
var csvHeader = []string{"record", "provider", "user_id", "user_name", "enabled", "login_mfa", "login_mfa_method",
	"device_id", "name", "kind", "status", "vendor_status", "created_at", "rule", "detail"}

// writeCSV writes one row per user, device, finding, error and user not
// audited, told apart by the first column.
func writeCSV(w io.Writer, r *audit.Report) error {
	cw := csv.NewWriter(w)
	write := func(cells ...string) error {
		row := make([]string, len(csvHeader))
		copy(row, cells)
		for i, cell := range row {
			row[i] = defuse(cleanCell(cell))
		}
		return cw.Write(row)
	}
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, u := range r.Users {
		if err := write("user", u.Provider, u.UserID, u.UserName, strconv.FormatBool(u.Enabled), string(u.LoginMFA), u.LoginMFAMethod); err != nil {
			return err
		}
	}
	for _, d := range r.Devices {
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
func defuse(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r\x00", rune(cell[0])) {
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
