package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"slices"
	"time"

	"github.com/openmfa/mfa-go/mfa"
)

// SchemaVersion is the version of the Report's JSON form. It rises when a
// member changes meaning or goes; new members do not raise it.
const SchemaVersion = 2

// Report is everything one audit read and concluded. Its JSON form is
// stable (see SchemaVersion); every list is sorted by provider (in the
// order of the scopes), then user id, then device id or rule.
type Report struct {
	SchemaVersion int `json:"schema_version"`
	// Users are the users audited, and the disabled users listed without
	// being flagged.
	//
	// The list is compact (see UserList), as is Devices: a report of half
	// a million users and a million devices is read one row at a time.
	Users UserList `json:"users"`
	// Devices are the devices read, with what the report needs of each:
	// the devices of each user in Users, in its order, then in the order
	// of their ids.
	Devices DeviceList `json:"devices"`
	// Findings are the rules' verdicts.
	Findings []Finding `json:"findings"`
	// Errors are the calls that failed.
	Errors []ErrorRow `json:"errors"`
	// NotAudited are the users whose factors are not all known: a call
	// failed, the time ran out or the run was interrupted. An entry with
	// no user id stands for the users of a listing that failed.
	NotAudited []NotAudited `json:"not_audited"`
	// Providers has one summary per scope, in their order.
	Providers []ProviderSummary `json:"providers"`
	// Summary adds up the providers' summaries.
	Summary Summary `json:"summary"`
}

// Complete reports whether every user in scope was audited: no call
// failed, no listing failed, and nothing was cut short.
func (r *Report) Complete() bool { return len(r.Errors) == 0 && len(r.NotAudited) == 0 }

// UserRow is one user as the report shows it.
type UserRow struct {
	Provider       string          `json:"provider"`
	UserID         string          `json:"user_id"`
	UserName       string          `json:"user_name,omitempty"`
	Enabled        bool            `json:"enabled"`
	LoginMFA       mfa.Enforcement `json:"login_mfa"`
	LoginMFAMethod string          `json:"login_mfa_method,omitempty"`
	// Devices counts the user's devices, of every status.
	Devices int `json:"devices"`
	// ActiveFactors counts the active devices, and a login method that
	// sends codes by SMS or email without a device.
	ActiveFactors int `json:"active_factors"`
	// Audited is false for a disabled user listed but not flagged, and for
	// a user whose factors are not all known (see Report.NotAudited).
	Audited bool `json:"audited"`
}

// DeviceRow is one device as the report shows it: what a report needs,
// and nothing a device type holds besides (a ZStack seed, say).
type DeviceRow struct {
	Provider     string     `json:"provider"`
	UserID       string     `json:"user_id"`
	UserName     string     `json:"user_name,omitempty"`
	DeviceID     string     `json:"device_id"`
	Name         string     `json:"name,omitempty"`
	Kind         mfa.Kind   `json:"kind"`
	Status       mfa.Status `json:"status"`
	VendorStatus string     `json:"vendor_status,omitempty"`
	CreatedAt    time.Time  `json:"created_at,omitzero"` // in UTC; zero when the API does not say
}

// Finding is one rule's verdict about a user, or about one of its devices.
type Finding struct {
	Provider string `json:"provider"`
	UserID   string `json:"user_id"`
	UserName string `json:"user_name,omitempty"`
	DeviceID string `json:"device_id,omitempty"`
	Rule     string `json:"rule"`
	Detail   string `json:"detail"`
}

// ErrorRow is one call that failed.
type ErrorRow struct {
	Provider string `json:"provider"`
	// UserID is the user the call was about; "" for a listing.
	UserID  string `json:"user_id,omitempty"`
	Message string `json:"message"`
}

// NotAudited is a user whose factors are not all known, and why.
type NotAudited struct {
	Provider string `json:"provider"`
	// UserID is "" for the users of a listing that failed, whose ids are
	// not known.
	UserID string `json:"user_id,omitempty"`
	Reason string `json:"reason"`
}

// ProviderSummary counts what one provider's audit read and concluded.
// UsersAudited + UsersNotAudited + the disabled users listed without being
// flagged = UsersListed.
type ProviderSummary struct {
	Provider string `json:"provider"`
	// Complete is false when a call failed or the run was cut short.
	Complete bool `json:"complete"`
	// UsersListed counts the users in scope: listed, or given by name.
	UsersListed     int `json:"users_listed"`
	UsersAudited    int `json:"users_audited"`
	UsersNotAudited int `json:"users_not_audited"`
	UsersDisabled   int `json:"users_disabled"`
	Devices         int `json:"devices"`
	Active          int `json:"active"`
	Pending         int `json:"pending"`
	Disabled        int `json:"disabled"`
	Unknown         int `json:"unknown"`
	Findings        int `json:"findings"`
	Errors          int `json:"errors"`
}

// Summary adds up every provider's summary.
type Summary struct {
	Providers       int `json:"providers"`
	UsersListed     int `json:"users_listed"`
	UsersAudited    int `json:"users_audited"`
	UsersNotAudited int `json:"users_not_audited"`
	UsersDisabled   int `json:"users_disabled"`
	Devices         int `json:"devices"`
	Findings        int `json:"findings"`
	Errors          int `json:"errors"`
}

// WriteJSON writes the report as json.MarshalIndent(r, "", "  ") does, and
// a newline, one row at a time: the JSON of a report of millions of
// devices is never held whole in memory.
func (r *Report) WriteJSON(w io.Writer) error {
	jw := &jsonWriter{bw: bufio.NewWriterSize(w, 64<<10)}
	jw.enc = json.NewEncoder(&jw.row)
	jw.enc.SetIndent("    ", "  ") // a list member's depth
	fmt.Fprintf(jw.bw, "{\n  \"schema_version\": %d,\n", r.SchemaVersion)
	// One list after the other, the first error ending the report.
	if err := writeList(jw, "users", r.Users.All()); err != nil {
		return err
	}
	if err := writeList(jw, "devices", r.Devices.All()); err != nil {
		return err
	}
	if err := writeList(jw, "findings", slices.Values(r.Findings)); err != nil {
		return err
	}
	if err := writeList(jw, "errors", slices.Values(r.Errors)); err != nil {
		return err
	}
	if err := writeList(jw, "not_audited", slices.Values(r.NotAudited)); err != nil {
		return err
	}
	if err := writeList(jw, "providers", slices.Values(r.Providers)); err != nil {
		return err
	}
	summary, err := json.MarshalIndent(r.Summary, "  ", "  ")
	if err != nil {
		return err
	}
	jw.bw.WriteString("  \"summary\": ")
	jw.bw.Write(summary)
	jw.bw.WriteString("\n}\n")
	return jw.bw.Flush()
}

// jsonWriter writes a report's rows through one encoder and one buffer:
// a row marshalled on its own would make its garbage, a million times.
type jsonWriter struct {
	bw  *bufio.Writer
	row bytes.Buffer
	enc *json.Encoder // into row
}

// writeList writes `  "key": [ ... ],` with each item indented as
// MarshalIndent indents it.
func writeList[T any](jw *jsonWriter, key string, items iter.Seq[T]) error {
	jw.bw.WriteString(`  "` + key + `": [`)
	empty := true
	for item := range items {
		jw.row.Reset()
		if err := jw.enc.Encode(item); err != nil {
			return err
		}
		if !empty {
			jw.bw.WriteByte(',')
		}
		empty = false
		jw.bw.WriteString("\n    ")
		jw.bw.Write(bytes.TrimSuffix(jw.row.Bytes(), []byte("\n"))) // Encode ends a value with one
	}
	if !empty {
		jw.bw.WriteString("\n  ")
	}
	jw.bw.WriteString("],\n")
	return nil
}
