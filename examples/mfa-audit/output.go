package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
)

// The output formats.
const (
	FormatTable = "table"
	FormatJSON  = "json"
	FormatCSV   = "csv"
)

// Write writes r in the format named.
func Write(w io.Writer, format string, r *Report) error {
	switch format {
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case FormatCSV:
		return writeCSV(w, r)
	case FormatTable:
		return writeTable(w, r)
	}
	return fmt.Errorf("unknown format %q (want table, json or csv)", format)
}

// writeTable writes a summary per provider, then the findings and errors:
// readable at a glance, the inventory itself being in json and csv.
func writeTable(w io.Writer, r *Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROVIDER\tTYPE\tUSERS\tDEVICES\tACTIVE\tPENDING\tDISABLED\tUNKNOWN\tFINDINGS\tERRORS")
	for _, p := range r.Per {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", clean(p.Provider), p.Type, p.Users, p.Devices,
			p.Active, p.Pending, p.Disabled, p.Unknown, p.Findings, p.Error)
	}
	s := r.Summary
	fmt.Fprintf(tw, "TOTAL\t\t%d\t%d\t\t\t\t\t%d\t%d\n", s.Users, s.Devices, s.Findings, s.Errors)
	if err := tw.Flush(); err != nil {
		return err
	}

	if len(r.Findings) > 0 {
		fmt.Fprintf(w, "\nFINDINGS (%d)\n", len(r.Findings))
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "PROVIDER\tUSER\tRULE\tDEVICE\tDETAIL")
		for _, f := range r.Findings {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", clean(f.Provider), clean(f.UserID), f.Rule, orDash(clean(f.DeviceID)), clean(f.Detail))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(r.Errors) > 0 {
		fmt.Fprintf(w, "\nERRORS (%d)\n", len(r.Errors))
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "PROVIDER\tUSER\tERROR")
		for _, e := range r.Errors {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", orDash(clean(e.Provider)), orDash(clean(e.UserID)), clean(e.Message))
		}
		return tw.Flush()
	}
	return nil
}

// writeCSV writes one row per device, finding and error, told apart by the
// first column.
func writeCSV(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	rows := [][]string{{"record", "provider", "user_id", "user_name", "device_id", "name", "status", "vendor_status", "created_at", "rule", "detail"}}
	for _, d := range r.Devices {
		created := ""
		if d.CreatedAt != nil {
			created = d.CreatedAt.Format(time.RFC3339)
		}
		rows = append(rows, []string{"device", d.Provider, d.UserID, d.UserName, d.DeviceID, d.Name, string(d.Status), d.VendorStatus, created, "", ""})
	}
	for _, f := range r.Findings {
		rows = append(rows, []string{"finding", f.Provider, f.UserID, "", f.DeviceID, "", "", "", "", f.Rule, f.Detail})
	}
	for _, e := range r.Errors {
		rows = append(rows, []string{"error", e.Provider, e.UserID, "", "", "", "", "", "", "", e.Message})
	}
	for _, row := range rows {
		for i, cell := range row {
			row[i] = defuse(cell)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuse keeps a spreadsheet from reading a vendor's text as a formula.
func defuse(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// clean keeps a vendor's text from moving the terminal's cursor or
// breaking the table: control characters and tabs are shown quoted.
func clean(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
