package audit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/openmfa/mfa-go/mfa"
)

// The rules, by their stable ids.
const (
	// RuleNoMFA: an enabled user with no active factor of any kind.
	RuleNoMFA = "no-mfa"
	// RuleMFANotEnforced: the user has an active factor, but the provider
	// says login does not ask for it.
	RuleMFANotEnforced = "mfa-not-enforced"
	// RuleSMSOnly: the user's only active factors are SMS or email.
	RuleSMSOnly = "sms-only"
	// RulePendingDevice: a device created but never bound or verified.
	RulePendingDevice = "pending-device"
	// RuleUnknownStatus: a device whose vendor status this module does not
	// know.
	RuleUnknownStatus = "unknown-status"
)

// RuleNoActiveDevice is the former id of RuleNoMFA, accepted by ParseRules.
//
// Deprecated: use RuleNoMFA; the alias goes in the next release.
const RuleNoActiveDevice = "no-active-device"

// Rule describes one rule.
type Rule struct {
	ID          string
	Description string
}

// Rules lists every rule.
var Rules = []Rule{
	{RuleNoMFA, "an enabled user with no active factor of any kind"},
	{RuleMFANotEnforced, "the user has an active factor, but the provider says login does not ask for it"},
	{RuleSMSOnly, "the user's only active factors are SMS or email"},
	{RulePendingDevice, "a device created but never bound or verified"},
	{RuleUnknownStatus, "a device whose vendor status this module does not know"},
}

// ParseRules reads a comma-separated list of rule ids, such as
// "no-mfa,sms-only", as Options.Rules takes it. RuleNoActiveDevice reads as
// RuleNoMFA. An unknown id is an error that lists the known ones.
func ParseRules(list string) ([]string, error) {
	var out []string
	for _, id := range strings.Split(list, ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		id, err := ruleID(id)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("audit: no rule in %q (rules: %s)", list, ruleIDs())
	}
	return out, nil
}

// ruleID reads one rule id as ParseRules and Options.Rules take it: the
// former id as RuleNoMFA, an unknown one as an error listing the rules.
func ruleID(id string) (string, error) {
	if id == RuleNoActiveDevice {
		id = RuleNoMFA
	}
	if !known(id) {
		return "", fmt.Errorf("audit: unknown rule %q (rules: %s)", id, ruleIDs())
	}
	return id, nil
}

func known(id string) bool {
	return slices.ContainsFunc(Rules, func(r Rule) bool { return r.ID == id })
}

func ruleIDs() string {
	ids := make([]string, len(Rules))
	for i, r := range Rules {
		ids[i] = r.ID
	}
	return strings.Join(ids, ", ")
}

// deviceFindings applies the rules about one device.
func deviceFindings(u *UserRow, d *DeviceRow) []Finding {
	finding := func(rule, detail string) Finding {
		return Finding{Provider: u.Provider, UserID: u.UserID, UserName: u.UserName, DeviceID: d.DeviceID, Rule: rule, Detail: detail}
	}
	switch d.Status {
	case mfa.StatusActive, mfa.StatusDisabled:
		return nil
	case mfa.StatusPending:
		return []Finding{finding(RulePendingDevice, vendorWord(d)+": created but not bound or verified")}
	}
	// StatusUnknown, or a status a Provider made up.
	return []Finding{finding(RuleUnknownStatus, vendorWord(d)+": a status this audit does not know")}
}

// userFindings applies the rules about a user's factors as a whole.
func userFindings(u *UserRow, devices []DeviceRow) []Finding {
	finding := func(rule, detail string) Finding {
		return Finding{Provider: u.Provider, UserID: u.UserID, UserName: u.UserName, Rule: rule, Detail: detail}
	}
	var totp, sms int
	for _, d := range devices {
		if d.Status != mfa.StatusActive {
			continue
		}
		if d.Kind == mfa.KindSMS {
			sms++
		} else {
			totp++
		}
	}
	// A login that sends its codes by text or email is a factor without a
	// device (Huawei IAM login protection by sms or email).
	if u.LoginMFA == mfa.EnforcementRequired && sms == 0 && isMessageMethod(u.LoginMFAMethod) {
		sms++
	}
	u.ActiveFactors = totp + sms
	switch {
	case u.ActiveFactors == 0:
		detail := "no MFA factor"
		switch len(devices) {
		case 0:
		case 1:
			detail = "1 device, not active"
		default:
			detail = fmt.Sprintf("%d devices, none active", len(devices))
		}
		return []Finding{finding(RuleNoMFA, detail)}
	case u.LoginMFA == mfa.EnforcementNotRequired:
		out := []Finding{finding(RuleMFANotEnforced, fmt.Sprintf("%s, but login does not ask for it", factors(totp, sms)))}
		if totp == 0 {
			out = append(out, finding(RuleSMSOnly, factors(totp, sms)+" only"))
		}
		return out
	case totp == 0:
		return []Finding{finding(RuleSMSOnly, factors(totp, sms)+" only")}
	}
	return nil
}

// isMessageMethod reports whether a login method word sends codes by text
// message or email.
func isMessageMethod(method string) bool {
	return strings.EqualFold(method, "sms") || strings.EqualFold(method, "email")
}

func factors(totp, sms int) string {
	var parts []string
	if totp > 0 {
		parts = append(parts, plural(totp, "active authenticator"))
	}
	if sms > 0 {
		parts = append(parts, plural(sms, "active SMS or email factor"))
	}
	return strings.Join(parts, " and ")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// vendorWord names the vendor's status of a device for a finding.
func vendorWord(d *DeviceRow) string {
	if d.VendorStatus == "" {
		return "no vendor status"
	}
	return fmt.Sprintf("vendor status %q", d.VendorStatus)
}
