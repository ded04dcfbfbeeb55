package sim

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/openmfa/mfa-go/mfa"
)

// maxIDLength bounds an explicit id, as the vendors bound theirs.
const maxIDLength = 128

// explicitOrg builds the organisation of one API from the users of
// Options, filling what they leave empty.
func explicitOrg(k kind, o *Options) (*org, error) {
	in := [...][]User{o.IAMUsers, o.WorkspaceUsers, o.RackspaceUsers, o.ZStackUsers}[k]
	g := &org{
		kind: k, users: make([]user, len(in)), ux: make([]User, len(in)),
		byID: make(map[string]int32, len(in)), iam2: k == kindZStack && o.IAM2 == IAM2Installed,
	}
	var errs []error
	fail := func(i int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("sim: %s user %d: %s", kindNames[k], i, fmt.Sprintf(format, args...)))
	}
	deviceIDs := map[string]bool{}
	for i := range in {
		// Each user draws from its own stream, so what is generated for one
		// does not change when another user changes.
		rng := rand.New(rand.NewPCG(uint64(o.Seed), uint64(k)<<32|uint64(i)))
		r := in[i]
		devs := r.Devices
		r.Devices = nil
		u := &g.users[i]
		fillID(&u.id, rng)
		if r.ID == "" {
			r.ID = hexID(u.id)
		}
		if msg := checkID(k, r.ID); msg != "" {
			fail(i, "ID %q %s", r.ID, msg)
		}
		if id, ok := parseID(r.ID); ok {
			u.id = id
		}
		if _, dup := g.byID[r.ID]; dup {
			fail(i, "ID %q is given twice", r.ID)
		}
		g.byID[r.ID] = int32(i)
		if r.Name == "" {
			r.Name = g.seedName(i)
		}
		switch k {
		case kindIAM:
			if len(devs) > 1 {
				fail(i, "has %d virtual MFA devices, at most 1", len(devs))
			}
			if r.LoginMethod == "" {
				r.LoginMethod = "vmfa"
			}
		case kindWorkspace:
			if len(devs) > 55 {
				fail(i, "has %d OTP devices, at most 55", len(devs))
			}
		case kindZStack:
			if r.VirtualID && !g.iam2 {
				fail(i, "is a virtual id, but IAM2 is not installed")
			}
			if r.Type == "" {
				r.Type = "Normal"
				if r.VirtualID {
					r.Type = "ZStack"
				}
			}
		}
		if (k == kindWorkspace || k == kindRackspace) && r.Email == "" {
			r.Email = r.Name + "@example.com"
		}
		if k == kindRackspace || k == kindZStack {
			r.Created = dateOr(r.Created, rng)
		}

		u.first = int32(len(g.devices))
		phones := 0
		for _, d := range devs {
			if d.Kind == mfa.KindSMS {
				phones++
			}
			g.addExplicit(rng, int32(i), r.ID, d)
		}
		u.n = int32(len(g.devices)) - u.first
		if phones > 1 || (phones > 0 && k != kindRackspace) {
			fail(i, "has %d mobile phones, at most 1 and only at Rackspace", phones)
		}
		if k == kindRackspace {
			fillRackspaceMFA(&r, g.dx[u.first:])
		}
		for _, d := range g.dx[u.first:] {
			if deviceIDs[d.ID] {
				fail(i, "device ID %q is given twice", d.ID)
			}
			deviceIDs[d.ID] = true
			if msg := checkID(k, d.ID); msg != "" && k != kindIAM {
				fail(i, "device ID %q %s", d.ID, msg)
			}
		}
		g.ux[i] = r
	}
	return g, errors.Join(errs...)
}

// checkID returns why id cannot be an id of the API, or "".
func checkID(k kind, id string) string {
	if k == kindZStack {
		if _, ok := parseID(id); !ok {
			return "is not a ZStack uuid (32 lower-case hex digits)"
		}
		return ""
	}
	switch {
	case len(id) > maxIDLength:
		return "is longer than " + strconv.Itoa(maxIDLength) + " bytes"
	case id == "." || id == ".." || strings.ContainsAny(id, "/\\"):
		return "cannot be a URL path segment"
	case strings.ContainsFunc(id, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "holds a control character"
	}
	return ""
}

// dateOr returns t in UTC to the second (every layout the APIs write
// keeps seconds), or a sample date when t is zero.
func dateOr(t time.Time, rng *rand.Rand) time.Time {
	if t.IsZero() {
		return time.Unix(epoch.Unix()-rng.Int64N(spreadSeconds), 0).UTC()
	}
	return t.UTC().Truncate(time.Second)
}

// addExplicit appends a device given to user u (whose id is uid), filling
// what it leaves empty.
func (g *org) addExplicit(rng *rand.Rand, u int32, uid string, r Device) {
	j := len(g.devices)
	d := device{user: u, variant: uint8(rng.Uint32())}
	d.flags, d.layout = deviceVariants(g.kind, j)
	fillID(&d.id, rng)
	r.Kind = cmp.Or(r.Kind, mfa.KindTOTP)
	switch {
	case r.ID != "":
	case g.kind == kindIAM:
		r.ID = "iam/mfa/" + uid
	case r.Kind == mfa.KindTOTP:
		r.ID = hexID(d.id)
	}
	if id, ok := parseID(r.ID); ok {
		d.id = id
	}
	switch g.kind {
	case kindIAM:
		r.VendorStatus, r.Status = "", mfa.StatusActive
	case kindWorkspace:
		r.VendorStatus = cmp.Or(r.VendorStatus, "UNREGISTER")
		r.Status = wordStatus(r.VendorStatus, "REGISTERED", "UNREGISTER")
		r.Created = dateOr(r.Created, rng)
	case kindRackspace:
		r.VendorStatus = cmp.Or(r.VendorStatus, "false")
		r.Status = wordStatus(r.VendorStatus, "true", "false")
		if r.Kind == mfa.KindSMS {
			d.flags |= devPhone
			seeded := g.seededPhone(d)
			r.ID, r.Number = cmp.Or(r.ID, seeded.ID), cmp.Or(r.Number, seeded.Number)
		} else {
			r.Name = cmp.Or(r.Name, raxDeviceNames[int(d.variant)%len(raxDeviceNames)])
		}
	case kindZStack:
		r.VendorStatus = cmp.Or(r.VendorStatus, "NewCreated")
		r.Status = wordStatus(r.VendorStatus, "Logined", "NewCreated")
		r.Created = dateOr(r.Created, rng)
		if r.Secret == "" {
			s := drawSecret(rng)
			r.Secret = secretEncoding.EncodeToString(s[:])
		}
	}
	switch r.Status {
	case mfa.StatusActive:
		d.state = drawActive
	case mfa.StatusPending:
		d.state = drawPending
	default:
		d.state = drawUnknown
	}
	if g.kind == kindWorkspace || g.kind == kindZStack {
		d.created = r.Created.UnixNano()
	}
	g.devices = append(g.devices, d)
	g.dx = append(g.dx, r)
}

// seededPhone is the phone a seeded organisation derives from d.
func (g *org) seededPhone(d device) Device {
	tmp := org{kind: kindRackspace, devices: []device{d}}
	return tmp.device(0)
}

// wordStatus normalises a vendor word: active, pending, or unknown for any
// other word.
func wordStatus(word, active, pending string) mfa.Status {
	switch word {
	case active:
		return mfa.StatusActive
	case pending:
		return mfa.StatusPending
	}
	return mfa.StatusUnknown
}

// fillRackspaceMFA fills the multi-factor attributes a Rackspace user left
// empty from its factors.
func fillRackspaceMFA(r *User, devs []Device) {
	r.Enforcement = cmp.Or(r.Enforcement, "DEFAULT")
	if !r.MFAEnabled {
		return
	}
	r.MFAState = cmp.Or(r.MFAState, "ACTIVE")
	if r.FactorType != "" {
		return
	}
	for _, d := range devs {
		switch {
		case d.Status != mfa.StatusActive:
		case d.Kind == mfa.KindTOTP:
			r.FactorType = "OTP"
			return
		default:
			r.FactorType = "SMS"
		}
	}
}
