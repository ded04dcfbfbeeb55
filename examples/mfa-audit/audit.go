package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/openmfa/mfa-go/mfa"
)

// The audit rules.
const (
	RuleNoActiveDevice = "no-active-device" // an audited user with no active device
	RulePending        = "pending-device"   // a device created but not bound or verified
	RuleUnknownStatus  = "unknown-status"   // a vendor status this module does not know
)

// Target is one provider to audit and the users named for it.
type Target struct {
	Provider mfa.Provider
	Type     string   // the config type, for the report
	Users    []string // audited in addition to every owner a listing finds
}

// Report is everything one audit read and concluded.
type Report struct {
	Devices  []DeviceRow       `json:"devices"`
	Findings []Finding         `json:"findings"`
	Errors   []ErrorRow        `json:"errors"`
	Summary  Summary           `json:"summary"`
	Per      []ProviderSummary `json:"-"`
}

// DeviceRow is one device as the report shows it.
type DeviceRow struct {
	Provider     string     `json:"provider"`
	UserID       string     `json:"user_id"`
	UserName     string     `json:"user_name"`
	DeviceID     string     `json:"device_id"`
	Name         string     `json:"name"`
	Status       mfa.Status `json:"status"`
	VendorStatus string     `json:"vendor_status"`
	CreatedAt    *time.Time `json:"created_at,omitempty"`
}

// Finding is one rule's verdict about a user or device.
type Finding struct {
	Provider string `json:"provider"`
	UserID   string `json:"user_id"`
	DeviceID string `json:"device_id"`
	Rule     string `json:"rule"`
	Detail   string `json:"detail"`
}

// ErrorRow is one call that failed.
type ErrorRow struct {
	Provider string `json:"provider"`
	UserID   string `json:"user_id"`
	Message  string `json:"message"`
}

// Summary counts the report.
type Summary struct {
	Providers int `json:"providers"`
	Users     int `json:"users"`
	Devices   int `json:"devices"`
	Findings  int `json:"findings"`
	Errors    int `json:"errors"`
}

// ProviderSummary is one provider's line in the table.
type ProviderSummary struct {
	Provider, Type                     string
	Users, Devices, Active, Pending    int
	Disabled, Unknown, Findings, Error int
}

// Progress hears how many users are done out of how many. Calls come one
// at a time, with done rising.
type Progress func(done, total int)

// auditor gathers what the calls return.
type auditor struct {
	devices map[mfa.UserRef][]mfa.Device
	users   map[mfa.UserRef]bool // every audited user
	failed  map[mfa.UserRef]bool // users whose devices are not all known
	errs    []ErrorRow
}

// Audit reads the devices of every target and applies the rules. Providers
// that can list all their devices are listed (every owner found is
// audited, and the named users without a device are known to have none),
// while the other providers are asked user by user, with at most
// concurrency calls in flight; a provider whose listing failed is then
// asked user by user too. When ctx ends, the report holds what was read,
// and the users not read are errors, not findings.
func Audit(ctx context.Context, targets []Target, concurrency int, progress Progress) (*Report, error) {
	providers := make([]mfa.Provider, len(targets))
	for i, t := range targets {
		providers[i] = t.Provider
	}
	dir, err := mfa.NewDirectory(providers...)
	if err != nil {
		return nil, err
	}
	a := &auditor{devices: map[mfa.UserRef][]mfa.Device{}, users: map[mfa.UserRef]bool{}, failed: map[mfa.UserRef]bool{}}

	// The listings run beside the calls user by user of the others.
	listings := make(chan listing, len(targets))
	listers := map[string]bool{}
	for _, t := range targets {
		if l, ok := t.Provider.(mfa.DeviceLister); ok {
			listers[t.Provider.Name()] = true
			go func() { listings <- list(ctx, t.Provider.Name(), l) }()
		}
	}
	// A listing is one call at a time: it takes one of the calls in flight.
	a.lookUp(ctx, dir, a.named(targets, func(name string) bool { return !listers[name] }), max(1, concurrency-len(listers)), progress)

	failed := map[string]bool{}
	for range listers {
		l := <-listings
		if l.err != nil {
			failed[l.name] = true
			a.errs = append(a.errs, ErrorRow{Provider: l.name, Message: "listing all devices: " + l.err.Error()})
			continue
		}
		for _, dev := range l.devices {
			ref := mfa.UserRef{Provider: l.name, UserID: dev.UserID()}
			a.users[ref] = true
			a.devices[ref] = append(a.devices[ref], dev)
		}
	}
	// Named users of a complete listing are known: their devices, if any,
	// were in it. Those of a failed one are asked one by one.
	a.named(targets, func(name string) bool { return listers[name] && !failed[name] })
	a.lookUp(ctx, dir, a.named(targets, func(name string) bool { return failed[name] }), concurrency, progress)
	return a.report(targets), nil
}

// named marks the named users of the providers that pick selects as
// audited, and returns those not yet seen, interleaved across providers.
func (a *auditor) named(targets []Target, pick func(provider string) bool) []mfa.UserRef {
	perProvider := make([][]mfa.UserRef, len(targets))
	for i, t := range targets {
		name := t.Provider.Name()
		if !pick(name) {
			continue
		}
		for _, u := range t.Users {
			ref := mfa.UserRef{Provider: name, UserID: u}
			if a.users[ref] {
				continue // named twice, or found by the listing
			}
			a.users[ref] = true
			perProvider[i] = append(perProvider[i], ref)
		}
	}
	return interleave(perProvider)
}

// listing is what one provider's listing read.
type listing struct {
	name    string
	devices []mfa.Device
	err     error
}

// list reads a provider's whole listing.
func list(ctx context.Context, name string, l mfa.DeviceLister) listing {
	var devices []mfa.Device
	for dev, err := range l.AllDevices(ctx) {
		if err != nil {
			return listing{name: name, err: err}
		}
		devices = append(devices, dev)
	}
	return listing{name: name, devices: devices}
}

// lookUp asks for the devices of each user.
func (a *auditor) lookUp(ctx context.Context, dir *mfa.Directory, refs []mfa.UserRef, concurrency int, progress Progress) {
	if len(refs) == 0 {
		return
	}
	var mu sync.Mutex // guards done and completed, and serialises progress
	done := 0
	completed := make(map[mfa.UserRef]bool, len(refs))
	shares := shares(refs, concurrency)
	var tracked []mfa.Provider
	for _, p := range dir.Providers() {
		tracked = append(tracked, trackedProvider{Provider: p, slots: make(chan struct{}, shares[p.Name()]), done: func(userID string, ok bool) {
			mu.Lock()
			defer mu.Unlock()
			if ok {
				completed[mfa.UserRef{Provider: p.Name(), UserID: userID}] = true
			}
			done++
			if progress != nil {
				progress(done, len(refs))
			}
		}})
	}
	trackedDir, err := mfa.NewDirectory(tracked...)
	if err != nil {
		panic(err) // the same names as dir, which has been built
	}
	if progress != nil {
		progress(0, len(refs))
	}
	for dev, err := range trackedDir.Devices(ctx, refs, mfa.WithConcurrency(concurrency)) {
		if err == nil {
			ref := mfa.UserRef{Provider: dev.Provider(), UserID: dev.UserID()}
			a.devices[ref] = append(a.devices[ref], dev)
			continue
		}
		var le *mfa.LookupError
		if errors.As(err, &le) {
			a.errs = append(a.errs, ErrorRow{Provider: le.Provider, UserID: le.UserID, Message: le.Err.Error()})
		} else {
			a.errs = append(a.errs, ErrorRow{Message: err.Error()}) // the context ended
		}
	}
	for _, ref := range refs {
		if !completed[ref] {
			a.failed[ref] = true // its devices are not known: no finding
		}
	}
}

// interleave takes one user of each provider in turn, so that the calls in
// flight are spread over the providers: each vendor sees a share of the
// load, and needs a share of the connections, rather than all of it.
func interleave(lists [][]mfa.UserRef) []mfa.UserRef {
	var out []mfa.UserRef
	for i := 0; ; i++ {
		added := false
		for _, l := range lists {
			if i < len(l) {
				out = append(out, l[i])
				added = true
			}
		}
		if !added {
			return out
		}
	}
}

// shares splits the calls in flight among the providers in proportion to
// their users (one at least). Each vendor then needs at most its share of
// connections: a pool of concurrency calls that drifts from one vendor to
// another would open connections to each.
func shares(refs []mfa.UserRef, concurrency int) map[string]int {
	count := map[string]int{}
	for _, r := range refs {
		count[r.Provider]++
	}
	out := make(map[string]int, len(count))
	for name, n := range count {
		out[name] = max(1, concurrency*n/len(refs))
	}
	return out
}

// trackedProvider holds each call to its provider's share of the calls in
// flight, and reports each call's end, so that progress counts users with
// no device too, and the audit knows which users were read in full.
type trackedProvider struct {
	mfa.Provider
	slots chan struct{}
	done  func(userID string, ok bool)
}

func (t trackedProvider) UserDevices(ctx context.Context, userID string) ([]mfa.Device, error) {
	select {
	case t.slots <- struct{}{}:
	case <-ctx.Done():
		t.done(userID, false)
		return nil, ctx.Err()
	}
	devices, err := t.Provider.UserDevices(ctx, userID)
	<-t.slots
	t.done(userID, err == nil)
	return devices, err
}

// report applies the rules and sorts everything for a stable output.
func (a *auditor) report(targets []Target) *Report {
	r := &Report{Devices: []DeviceRow{}, Findings: []Finding{}, Errors: a.errs}
	if r.Errors == nil {
		r.Errors = []ErrorRow{}
	}
	for ref := range a.devices {
		a.users[ref] = true // a device whose owner differs from the id asked for is still reported
	}
	per := map[string]*ProviderSummary{}
	for _, t := range targets {
		ps := &ProviderSummary{Provider: t.Provider.Name(), Type: t.Type}
		per[ps.Provider] = ps
		r.Per = append(r.Per, *ps)
	}
	for ref := range a.users {
		devices := a.devices[ref]
		ps := per[ref.Provider]
		ps.Users++
		hasActive := false
		for _, d := range devices {
			row := DeviceRow{
				Provider: d.Provider(), UserID: d.UserID(), UserName: d.UserName(), DeviceID: d.ID(),
				Name: d.Name(), Status: d.Status(), VendorStatus: d.VendorStatus(),
			}
			if t := d.CreatedAt(); !t.IsZero() {
				t = t.UTC()
				row.CreatedAt = &t
			}
			r.Devices = append(r.Devices, row)
			ps.Devices++
			switch d.Status() {
			case mfa.StatusActive:
				ps.Active++
				hasActive = true
			case mfa.StatusPending:
				ps.Pending++
				r.Findings = append(r.Findings, Finding{Provider: ref.Provider, UserID: ref.UserID, DeviceID: d.ID(), Rule: RulePending,
					Detail: vendorWord(d) + ": created but not bound or verified"})
			case mfa.StatusDisabled:
				ps.Disabled++
			default:
				ps.Unknown++
				r.Findings = append(r.Findings, Finding{Provider: ref.Provider, UserID: ref.UserID, DeviceID: d.ID(), Rule: RuleUnknownStatus,
					Detail: vendorWord(d) + ": a status this audit does not know"})
			}
		}
		if !hasActive && !a.failed[ref] {
			detail := "no MFA device"
			switch len(devices) {
			case 0:
			case 1:
				detail = "1 device, not active"
			default:
				detail = fmt.Sprintf("%d devices, none active", len(devices))
			}
			r.Findings = append(r.Findings, Finding{Provider: ref.Provider, UserID: ref.UserID, Rule: RuleNoActiveDevice, Detail: detail})
		}
	}
	for _, e := range r.Errors {
		if ps, ok := per[e.Provider]; ok {
			ps.Error++
		}
	}
	for _, f := range r.Findings {
		per[f.Provider].Findings++
	}
	for i := range r.Per {
		r.Per[i] = *per[r.Per[i].Provider]
	}

	slices.SortFunc(r.Devices, func(x, y DeviceRow) int {
		return cmp.Or(cmp.Compare(x.Provider, y.Provider), cmp.Compare(x.UserID, y.UserID), cmp.Compare(x.DeviceID, y.DeviceID))
	})
	slices.SortFunc(r.Findings, func(x, y Finding) int {
		return cmp.Or(cmp.Compare(x.Provider, y.Provider), cmp.Compare(x.UserID, y.UserID), cmp.Compare(x.Rule, y.Rule), cmp.Compare(x.DeviceID, y.DeviceID))
	})
	slices.SortFunc(r.Errors, func(x, y ErrorRow) int {
		return cmp.Or(cmp.Compare(x.Provider, y.Provider), cmp.Compare(x.UserID, y.UserID), cmp.Compare(x.Message, y.Message))
	})
	r.Summary = Summary{Providers: len(targets), Users: len(a.users), Devices: len(r.Devices), Findings: len(r.Findings), Errors: len(r.Errors)}
	return r
}

// vendorWord names the vendor's status of a device for a finding.
func vendorWord(d mfa.Device) string {
	if d.VendorStatus() == "" {
		return "no vendor status"
	}
	return "vendor status " + strconv.Quote(d.VendorStatus())
}
