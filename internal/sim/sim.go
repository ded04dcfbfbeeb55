package sim

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/openmfa/mfa-go/mfa"
)

// Options sets the size and shape of the organisations. The zero value
// gives the seeded sample: 12 users per API with up to 2 devices each.
type Options struct {
	// Seed picks the organisation: the same seed and options give the same
	// users, devices and credentials. 0 means 1.
	Seed int64

	// Users is the number of users of each seeded API. 0 means 12.
	Users int

	// MaxDevicesPerUser is the most TOTP devices a seeded user has; a user
	// who has devices has between 1 and this many. 0 means 2. Huawei IAM
	// has at most 1 virtual MFA device per user and Huawei Workspace at
	// most 55.
	MaxDevicesPerUser int

	// Active, Pending, Unknown and NoDevice are relative weights of what a
	// seeded user gets: a first device bound/verified, created but not
	// bound, in a status this module does not know, or no factor at all.
	// A user's first device is its best: further devices draw from the
	// weights of its status and those after it (Active, Pending, Unknown).
	// All four 0 means 60, 20, 5, 15; when there are at least as many users as
	// non-zero weights, each of them is drawn at least once. The APIs
	// without such a status read the draws their own way (see the package
	// documentation): Huawei IAM's pending users have a device that login
	// does not require and its unknown ones are SMS-only; Rackspace's
	// unknown ones are SMS-only.
	Active, Pending, Unknown, NoDevice int

	// Latency is added to every request of every API (see API.SetLatency).
	Latency time.Duration

	// MaxPageSize is the most users a paged user listing answers (Huawei
	// Workspace, Rackspace) and the most rows a ZStack query answers,
	// whatever the request asks. 0 means DefaultMaxPageSize.
	MaxPageSize int

	// IAM2 says whether ZStack has the IAM2 module (virtual ids).
	IAM2 IAM2Mode

	// Explicit replaces the seeded organisations by the users of
	// IAMUsers, WorkspaceUsers, RackspaceUsers and ZStackUsers (a nil list
	// is an API without users). Seed still picks the credentials and the
	// ids and values left empty.
	Explicit bool
	// IAMUsers, WorkspaceUsers, RackspaceUsers and ZStackUsers are the
	// users of an explicit organisation (see User).
	IAMUsers, WorkspaceUsers, RackspaceUsers, ZStackUsers []User
}

// DefaultMaxPageSize is the default of Options.MaxPageSize: small, so that
// the default sample organisation spans more than one page.
const DefaultMaxPageSize = 5

// IAM2Mode is whether a ZStack server has the IAM2 module. It is an int,
// as zstacktest.IAM2Mode is, so that converting one to the other keeps the
// value and normalize rejects every mode out of range (a uint8 would wrap
// 256 to IAM2Installed).
type IAM2Mode int

const (
	// IAM2Installed lists virtual ids; some seeded users are virtual ids.
	IAM2Installed IAM2Mode = iota
	// IAM2NotInstalled answers the virtual id listing 404 in plain text,
	// as any path the server does not know; every user is an account.
	IAM2NotInstalled
	// IAM2Unsupported answers the virtual id listing 503 SYS.1014 (the
	// operation is not supported); every user is an account.
	IAM2Unsupported
)

// Limits of Options.
const (
	maxUsers         = 1_000_000
	maxDevicesOption = 1000
)

// normalize checks o and fills its defaults.
func (o Options) normalize() (Options, error) {
	if o.Seed == 0 {
		o.Seed = 1
	}
	switch {
	case o.Users < 0 || o.Users > maxUsers:
		return o, fmt.Errorf("sim: Options.Users is %d, want 0 to %d", o.Users, maxUsers)
	case o.MaxDevicesPerUser < 0 || o.MaxDevicesPerUser > maxDevicesOption:
		return o, fmt.Errorf("sim: Options.MaxDevicesPerUser is %d, want 0 to %d", o.MaxDevicesPerUser, maxDevicesOption)
	case o.Active < 0 || o.Pending < 0 || o.Unknown < 0 || o.NoDevice < 0:
		return o, errors.New("sim: Options.Active, Pending, Unknown and NoDevice must not be negative")
	case o.Latency < 0:
		return o, errors.New("sim: Options.Latency must not be negative")
	case o.MaxPageSize < 0:
		return o, errors.New("sim: Options.MaxPageSize must not be negative")
	case o.IAM2 < IAM2Installed || o.IAM2 > IAM2Unsupported:
		return o, fmt.Errorf("sim: Options.IAM2 is %d, not an IAM2Mode", o.IAM2)
	case !o.Explicit && (o.IAMUsers != nil || o.WorkspaceUsers != nil || o.RackspaceUsers != nil || o.ZStackUsers != nil):
		return o, errors.New("sim: Options has explicit users but Explicit is false")
	}
	if o.Users == 0 {
		o.Users = 12
	}
	if o.MaxDevicesPerUser == 0 {
		o.MaxDevicesPerUser = 2
	}
	if o.Active == 0 && o.Pending == 0 && o.Unknown == 0 && o.NoDevice == 0 {
		o.Active, o.Pending, o.Unknown, o.NoDevice = 60, 20, 5, 15
	}
	if o.MaxPageSize == 0 {
		o.MaxPageSize = DefaultMaxPageSize
	}
	return o, nil
}

// User is one user of an API: what an explicit organisation gives and what
// API.Users reports. Each API reads the fields it has; the others stay
// zero. Given to Options, empty ids, names, e-mail addresses, dates and
// vendor words are filled in (see the package documentation).
type User struct {
	// ID is the user's id; at ZStack its uuid (32 lower-case hex digits).
	ID string
	// Name is the user name; Email the e-mail address (Workspace,
	// Rackspace).
	Name, Email string

	// Disabled is a disabled user (Huawei IAM and Rackspace enabled false,
	// Workspace disabled); Locked and Expired are Workspace's locked and
	// account_expired.
	Disabled, Locked, Expired bool

	// VirtualID makes a ZStack user an IAM2 virtual id rather than an
	// account.
	VirtualID bool
	// Type is a ZStack user's type (accounts: SystemAdmin or Normal).
	Type string
	// State is a ZStack user's state: Enabled, Disabled, Staled, or "" for
	// a user of an older release that has none.
	State string

	// LoginProtect is Huawei IAM's login protection enabled.
	LoginProtect bool
	// LoginMethod is its verification_method (vmfa, sms, email).
	LoginMethod string

	// MFAEnabled is Rackspace's RAX-AUTH:multiFactorEnabled.
	MFAEnabled bool
	// MFAState is RAX-AUTH:multiFactorState.
	MFAState string
	// Enforcement is RAX-AUTH:userMultiFactorEnforcementLevel.
	Enforcement string
	// FactorType is RAX-AUTH:factorType.
	FactorType string

	// Created is Rackspace's created or ZStack's createDate, in UTC.
	Created time.Time

	// Devices are the user's factors.
	Devices []Device
}

// Enabled reports whether a faithful client reports the user enabled: not
// disabled, locked or expired, and at ZStack in state Enabled or none.
func (u *User) Enabled() bool {
	return !u.Disabled && !u.Locked && !u.Expired && (u.State == "" || u.State == "Enabled")
}

// Device is one factor of a user, as a faithful client reads it.
type Device struct {
	// ID is the device id a client reports: the serial number at Huawei
	// IAM, the id at Workspace and Rackspace, the secret's uuid at ZStack.
	ID string
	// Name is the device name where the API says it (Rackspace OTP
	// devices), or "".
	Name string
	// Kind is mfa.KindSMS for a Rackspace mobile phone, mfa.KindTOTP
	// otherwise.
	Kind mfa.Kind
	// Number is a mobile phone's number, as served.
	Number string
	// VendorStatus is the API's word: Workspace status, Rackspace
	// verified ("true" or "false"), ZStack status; "" at Huawei IAM.
	VendorStatus string
	// Status is the normalised status a faithful client reports.
	Status mfa.Status
	// Created is the creation time the API says, in UTC (Workspace
	// create_time, ZStack createDate), or the zero time.
	Created time.Time
	// Secret is the ZStack TOTP seed; "" elsewhere.
	Secret string
}

// Request is one request an API received.
type Request struct {
	// API is the API's name (see API.Name).
	API string
	// Method, Path and Query are the request's method, escaped path and
	// raw query. A ZStack session path (logout) is logged as
	// "/zstack/v1/accounts/sessions/{session}", so that no session is kept.
	Method, Path, Query string
}

// Sim is the emulated APIs, each on its own loopback server.
type Sim struct {
	// IAM is Huawei Cloud IAM (users, login protection, virtual MFA
	// devices and the token API POST /v3/auth/tokens).
	IAM *API
	// Workspace is Huawei Cloud Workspace v2 (desktop users and their OTP
	// devices). It accepts the tokens of IAM.
	Workspace *API
	// Rackspace is Rackspace Identity v2.0 with RAX-AUTH.
	Rackspace *API
	// ZStack is ZStack's account, IAM2 and two-factor authentication
	// query APIs.
	ZStack *API

	// Creds are the credentials the APIs accept.
	Creds Credentials

	closeOnce sync.Once
}

// Credentials are what the emulators accept. They derive from the seed.
type Credentials struct {
	// HuaweiToken is a static X-Auth-Token accepted by IAM and Workspace;
	// it never expires. The password login (HuaweiDomain, HuaweiUser,
	// HuaweiPassword, scoped to HuaweiProjectID) issues others.
	HuaweiToken, HuaweiDomain, HuaweiUser, HuaweiPassword string
	// HuaweiProjectID is the project of the Workspace paths; HuaweiDomainID
	// is the account's domain id.
	HuaweiProjectID, HuaweiDomainID string
	// HuaweiAK and HuaweiSK are the access and secret keys of AK/SK
	// signing.
	HuaweiAK, HuaweiSK string

	// RackspaceToken is a static X-Auth-Token that never expires;
	// RackspaceUser logs in with RackspaceAPIKey or RackspacePassword.
	RackspaceToken, RackspaceUser, RackspaceAPIKey, RackspacePassword string

	// ZStackSession is a static session that never expires; ZStackAccount
	// logs in with the SHA-512 of ZStackPassword.
	ZStackSession, ZStackAccount, ZStackPassword string
}

// String returns the names in c and hides every secret, so printing
// Credentials by mistake reveals nothing.
func (c Credentials) String() string {
	return fmt.Sprintf("sim.Credentials{HuaweiDomain: %q, HuaweiUser: %q, HuaweiProjectID: %q, HuaweiDomainID: %q, "+
		"RackspaceUser: %q, ZStackAccount: %q, secrets: [REDACTED]}",
		c.HuaweiDomain, c.HuaweiUser, c.HuaweiProjectID, c.HuaweiDomainID, c.RackspaceUser, c.ZStackAccount)
}

// GoString is String, for %#v.
func (c Credentials) GoString() string { return c.String() }

// newCredentials derives the credentials from the seed.
func newCredentials(seed int64) Credentials {
	rng := rand.New(rand.NewPCG(uint64(seed), 0xc4ed5))
	bytesOf := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	hx := func(n int) string { return hex.EncodeToString(bytesOf(n)) }
	alnum := func(n int) string {
		const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
		b := make([]byte, n)
		for i := range b {
			b[i] = chars[rng.IntN(len(chars))]
		}
		return string(b)
	}
	return Credentials{
		HuaweiToken:       "MIIsim" + base64.RawURLEncoding.EncodeToString(bytesOf(48)),
		HuaweiDomain:      "example-domain",
		HuaweiUser:        "auditor",
		HuaweiPassword:    "hw-pass-" + hx(8),
		HuaweiProjectID:   hx(16),
		HuaweiDomainID:    hx(16),
		HuaweiAK:          alnum(20),
		HuaweiSK:          alnum(40),
		RackspaceToken:    hx(16),
		RackspaceUser:     "auditor",
		RackspaceAPIKey:   hx(16),
		RackspacePassword: "rax-pass-" + hx(8),
		ZStackSession:     hx(16),
		ZStackAccount:     "admin",
		ZStackPassword:    "zs-pass-" + hx(8),
	}
}

// Start builds the organisations and starts the four servers on
// 127.0.0.1, each on a random port. Call Close to stop them.
func Start(opts Options) (*Sim, error) {
	return start(opts, kindIAM, kindWorkspace, kindRackspace, kindZStack)
}

// StartHuawei starts the two Huawei servers only (IAM and Workspace).
func StartHuawei(opts Options) (*Sim, error) { return start(opts, kindIAM, kindWorkspace) }

// StartRackspace starts the Rackspace server only.
func StartRackspace(opts Options) (*Sim, error) { return start(opts, kindRackspace) }

// StartZStack starts the ZStack server only.
func StartZStack(opts Options) (*Sim, error) { return start(opts, kindZStack) }

func start(opts Options, kinds ...kind) (*Sim, error) {
	o, err := opts.normalize()
	if err != nil {
		return nil, err
	}
	s := &Sim{Creds: newCredentials(o.Seed)}
	c := &s.Creds
	ids := rand.New(rand.NewPCG(uint64(o.Seed), 0x1d5))
	loginIDs := [3]string{randID(ids), randID(ids), randID(ids)}
	salt := ids.Uint64()

	orgs := make([]*org, len(kinds))
	errs := make([]error, len(kinds))
	var wg sync.WaitGroup
	for i, k := range kinds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			orgs[i], errs[i] = newOrg(k, &o)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	// The two Huawei APIs share their credentials, tokens and request log,
	// as two services behind one identity do.
	hw := &huaweiAuth{creds: c, userID: loginIDs[0], tokens: newTokenStore(c.HuaweiToken)}
	hwLog := newRequestLog()
	for i, k := range kinds {
		var v vendor
		log := newRequestLog()
		switch k {
		case kindIAM:
			v, log = &iamVendor{org: orgs[i], auth: hw}, hwLog
		case kindWorkspace:
			v, log = &workspaceVendor{org: orgs[i], auth: hw, maxPage: o.MaxPageSize}, hwLog
		case kindRackspace:
			v = &rackspaceVendor{org: orgs[i], creds: c, tokens: newTokenStore(c.RackspaceToken), userID: loginIDs[1], maxPage: o.MaxPageSize}
		case kindZStack:
			v = newZStackVendor(orgs[i], c, loginIDs[2], &o)
		}
		a := &API{kind: k, org: orgs[i], vendor: v, log: log, requestSalt: salt + uint64(k)}
		a.latency.Store(int64(o.Latency))
		if err := a.start(); err != nil {
			s.Close()
			return nil, fmt.Errorf("sim: starting %s: %w", a.Name(), err)
		}
		*s.slot(k) = a
	}
	return s, nil
}

func (s *Sim) slot(k kind) **API {
	return [...]**API{&s.IAM, &s.Workspace, &s.Rackspace, &s.ZStack}[k]
}

func randID(rng *rand.Rand) string {
	var id [16]byte
	fillID(&id, rng)
	return hexID(id)
}

// APIs returns the APIs that run, in a fixed order: IAM, Workspace,
// Rackspace, ZStack.
func (s *Sim) APIs() []*API {
	var out []*API
	for _, a := range []*API{s.IAM, s.Workspace, s.Rackspace, s.ZStack} {
		if a != nil {
			out = append(out, a)
		}
	}
	return out
}

// Close stops every server: requests waiting on latency are dropped, the
// others are answered, every connection is closed and every handler has
// returned when Close returns. Close is idempotent.
func (s *Sim) Close() {
	s.closeOnce.Do(func() {
		var wg sync.WaitGroup
		for _, a := range s.APIs() {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a.close()
			}()
		}
		wg.Wait()
	})
}
