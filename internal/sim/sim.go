package sim

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// Options sets the size and shape of the sample organisations. The zero
// value gives 12 users per API with up to 2 devices each.
type Options struct {
	// Seed picks the organisation: the same seed and options give the same
	// users, devices and credentials. 0 means 1.
	Seed int64

	// Users is the number of users of each API. 0 means 12.
	Users int

	// MaxDevicesPerUser is the most devices a user has; a user who has
	// devices has between 1 and this many. 0 means 2. Huawei IAM has at
	// most 1 virtual MFA device per user and Huawei Workspace at most 55.
	MaxDevicesPerUser int

	// Active, Pending, Unknown and NoDevice are relative weights of what a
	// user gets: a first device bound/verified, created but not bound, in
	// a status this module does not know, or no device at all. Further
	// devices of a user draw from the first three weights. All four 0 means
	// 60, 20, 5, 15. Huawei IAM has no device status: its devices are
	// active whatever was drawn (the draw shows in login protection).
	// Rackspace has only verified true or false: unknown becomes pending.
	Active, Pending, Unknown, NoDevice int

	// Latency is added to every request of every API (see API.SetLatency).
	Latency time.Duration
}

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
	return o, nil
}

// Sim is the four emulated APIs, each on its own loopback server.
type Sim struct {
	// IAM is Huawei Cloud IAM v3.0 (virtual MFA devices, login protection
	// and the token API POST /v3/auth/tokens).
	IAM *API
	// Workspace is Huawei Cloud Workspace v2 (OTP devices of desktop
	// users). It accepts the tokens of IAM.
	Workspace *API
	// Rackspace is Rackspace Identity v2.0 with RAX-AUTH.
	Rackspace *API
	// ZStack is ZStack's two-factor authentication query API.
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

// Device is one device an API serves, as a faithful client reads it: the
// ground truth for tests and benchmarks.
type Device struct {
	// UserID is the owner's id at the API.
	UserID string
	// UserName is the owner's name where the API says it (Workspace), or "".
	UserName string
	// ID is the device id a client reports: the serial number at Huawei
	// IAM, the id at Workspace and Rackspace, the secret's uuid at ZStack.
	ID string
	// Name is the device name where the API says it (Rackspace), or "".
	Name string
	// VendorStatus is the API's word: Workspace status, the text of
	// Rackspace's verified ("true" or "false"), ZStack status name; "" at
	// Huawei IAM, which has none.
	VendorStatus string
	// Status is StatusActive, StatusPending or StatusUnknown: the
	// normalised status a faithful client reports (the mfa.Status values).
	Status string
	// Created is the creation time the API says, in UTC (Workspace
	// create_time, ZStack createDate), or the zero time.
	Created time.Time
	// Secret is the ZStack TOTP seed (16 base32 characters); "" elsewhere.
	Secret string
}

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
		HuaweiDomain:      "sim-domain",
		HuaweiUser:        "sim-auditor",
		HuaweiPassword:    "hw-pass-" + hx(8),
		HuaweiProjectID:   hx(16),
		HuaweiDomainID:    hx(16),
		HuaweiAK:          alnum(20),
		HuaweiSK:          alnum(40),
		RackspaceToken:    hx(16),
		RackspaceUser:     "sim-auditor",
		RackspaceAPIKey:   hx(16),
		RackspacePassword: "rax-pass-" + hx(8),
		ZStackSession:     hx(16),
		ZStackAccount:     "admin",
		ZStackPassword:    "zs-pass-" + hx(8),
	}
}

// Start builds the sample organisations and starts the four servers on
// 127.0.0.1, each on a random port. Call Close to stop them.
func Start(opts Options) (*Sim, error) {
	o, err := opts.normalize()
	if err != nil {
		return nil, err
	}
	s := &Sim{Creds: newCredentials(o.Seed)}
	c := &s.Creds
	ids := rand.New(rand.NewPCG(uint64(o.Seed), 0x1d5))
	hw := &huaweiAuth{creds: c, userID: randID(ids), tokens: newTokenStore(c.HuaweiToken)}

	orgs := [4]*org{}
	var wg sync.WaitGroup
	for k := range orgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			orgs[k] = buildOrg(kind(k), o.Seed, &o)
		}()
	}
	wg.Wait()

	vendors := [4]vendor{
		&iamVendor{org: orgs[kindIAM], auth: hw},
		&workspaceVendor{org: orgs[kindWorkspace], auth: hw},
		&rackspaceVendor{org: orgs[kindRackspace], creds: c, tokens: newTokenStore(c.RackspaceToken), userID: randID(ids)},
		&zstackVendor{org: orgs[kindZStack], creds: c, sessions: newTokenStore(c.ZStackSession), accountUUID: randID(ids)},
	}
	apis := [4]**API{&s.IAM, &s.Workspace, &s.Rackspace, &s.ZStack}
	for k, p := range apis {
		a := &API{kind: kind(k), org: orgs[k], vendor: vendors[k], requestSalt: ids.Uint64()}
		a.latency.Store(int64(o.Latency))
		if err := a.start(); err != nil {
			s.Close()
			return nil, fmt.Errorf("sim: starting %s: %w", a.Name(), err)
		}
		*p = a
	}
	return s, nil
}

func randID(rng *rand.Rand) string {
	var id [16]byte
	fillID(&id, rng)
	return hexID(id)
}

// APIs returns the four APIs in a fixed order: IAM, Workspace, Rackspace,
// ZStack.
func (s *Sim) APIs() []*API { return []*API{s.IAM, s.Workspace, s.Rackspace, s.ZStack} }

// Close stops every server: requests waiting on latency are dropped, the
// others are answered, every connection is closed and every handler has
// returned when Close returns. Close is idempotent.
func (s *Sim) Close() {
	s.closeOnce.Do(func() {
		var wg sync.WaitGroup
		for _, a := range s.APIs() {
			if a == nil {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				a.close()
			}()
		}
		wg.Wait()
	})
}
