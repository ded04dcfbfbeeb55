package zstacktest

import (
	"time"

	"github.com/openmfa/mfa-go/internal/sim"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
)

// DefaultMaxPageSize is the most rows a query answers when
// Options.MaxPageSize is 0: small, so that the default sample spans more
// than one page and a client must page with start. (A real server answers
// 1000 rows when no limit is given.)
const DefaultMaxPageSize = 5

// IAM2Mode says whether the server has the IAM2 module.
type IAM2Mode int

const (
	// IAM2Installed serves GET /zstack/v1/iam2/virtual-ids; a third of the
	// sample users are virtual ids.
	IAM2Installed IAM2Mode = iota
	// IAM2NotInstalled answers the virtual id listing 404 in plain text, as
	// any path the server does not know; every user is an account.
	IAM2NotInstalled
	// IAM2Unsupported answers the virtual id listing 503 with SYS.1014 (not
	// supported); every user is an account.
	IAM2Unsupported
)

// Options says what a Server holds and how it behaves. The zero value
// serves the sample organisation of seed 1: 12 users (accounts and IAM2
// virtual ids) with up to 2 secrets each.
type Options struct {
	// Seed picks the sample organisation and the credentials: the same
	// seed and options give the same users, secrets and credentials. 0
	// means 1.
	Seed int64

	// UserCount is the number of users of the sample organisation, at
	// most 1,000,000. 0 means 12.
	UserCount int

	// MaxDevicesPerUser is the most secrets a sample user has, at most
	// 1000. 0 means 2.
	MaxDevicesPerUser int

	// Active, Pending, Unknown and NoDevice are the relative weights of
	// what a sample user gets: a first secret Logined, NewCreated, in
	// another status (Expired, Locked), or no secret. All four 0 means 60,
	// 20, 5, 15. See the package documentation for the rest of the sample.
	Active, Pending, Unknown, NoDevice int

	// Accounts, when it or VirtualIDs is not nil, replaces the sample
	// organisation: the server holds exactly these accounts, in this order
	// (nil: none). What they leave empty is filled in; Server.Accounts
	// reports the result.
	Accounts []Account
	// VirtualIDs, when it or Accounts is not nil, replaces the sample
	// organisation: the server holds exactly these IAM2 users, in this
	// order (nil: none). What they leave empty is filled in;
	// Server.VirtualIDs reports the result.
	VirtualIDs []VirtualID

	// IAM2 says whether the server has the IAM2 module.
	IAM2 IAM2Mode

	// MaxPageSize is the most rows one query answers, whatever its limit
	// asks; it is also the limit of a query that gives none. 0 means
	// DefaultMaxPageSize.
	MaxPageSize int

	// Latency delays every request (see Server.SetLatency).
	Latency time.Duration
}

// Account is a ZStack account: what Options.Accounts gives and what
// Server.Accounts reports.
type Account struct {
	// UUID is the account's uuid (32 lower-case hex digits); "" gives a
	// generated one.
	UUID string
	// Name is the account name; "" gives a sample name.
	Name string
	// Type is SystemAdmin or Normal; "" gives Normal.
	Type string
	// State is Enabled, Disabled or Staled, or "" for an account of an
	// older release, which has no state (and is enabled).
	State string
	// Created is the createDate, to the second, in UTC; the zero time
	// gives a sample date.
	Created time.Time
	// Secrets are the account's two-factor secrets (userType AccountVO).
	Secrets []Secret
}

// Enabled reports whether a faithful client reports the account enabled:
// in state Enabled, or with no state.
func (a Account) Enabled() bool { return a.State == "" || a.State == "Enabled" }

// LoginMFA is mfa.EnforcementUnknown: ZStack does not say whether login
// asks for the second factor.
func (a Account) LoginMFA() mfa.Enforcement { return mfa.EnforcementUnknown }

// LoginMFAMethod is "": ZStack does not say.
func (a Account) LoginMFAMethod() string { return "" }

// VirtualID is an IAM2 virtual id (an IAM2 user): what Options.VirtualIDs
// gives and what Server.VirtualIDs reports.
type VirtualID struct {
	// UUID is the virtual id's uuid (32 lower-case hex digits); "" gives a
	// generated one.
	UUID string
	// Name is the user name; "" gives a sample name.
	Name string
	// Type is the virtual id's type; "" gives ZStack.
	Type string
	// State is Enabled or Disabled, or "" for none (enabled).
	State string
	// Created is the createDate, to the second, in UTC; the zero time
	// gives a sample date.
	Created time.Time
	// Secrets are the user's two-factor secrets (userType
	// IAM2VirtualIDVO).
	Secrets []Secret
}

// Enabled reports whether a faithful client reports the user enabled: in
// state Enabled, or with no state.
func (v VirtualID) Enabled() bool { return v.State == "" || v.State == "Enabled" }

// LoginMFA is mfa.EnforcementUnknown: ZStack does not say whether login
// asks for the second factor.
func (v VirtualID) LoginMFA() mfa.Enforcement { return mfa.EnforcementUnknown }

// LoginMFAMethod is "": ZStack does not say.
func (v VirtualID) LoginMFAMethod() string { return "" }

// Secret is a two-factor authentication secret of a user.
type Secret struct {
	// UUID is the secret's uuid (32 lower-case hex digits); "" gives a
	// generated one.
	UUID string
	// Secret is the TOTP seed; the zero Secret gives 16 sample base32
	// characters.
	Secret mfa.Secret
	// Status is NewCreated (never used to log in: pending), Logined
	// (active) or another word (unknown); "" gives NewCreated.
	Status string
	// Created is the createDate, to the second, in UTC; the zero time
	// gives a sample date.
	Created time.Time
}

// Device is one secret as a faithful client reports it through
// mfa.Device: the ground truth for a test.
type Device struct {
	// UserID is the owner's uuid (an account or a virtual id).
	UserID string
	// UserName is "": the secrets query does not say it.
	UserName string
	// ID is the secret's uuid.
	ID string
	// Name is "": secrets have no name.
	Name string
	// Kind is mfa.KindTOTP.
	Kind mfa.Kind
	// Status is the normalised status: Logined is active, NewCreated
	// pending, any other word unknown.
	Status mfa.Status
	// VendorStatus is the status word.
	VendorStatus string
	// Created is the createDate in UTC.
	Created time.Time
	// Secret is the TOTP seed.
	Secret mfa.Secret
}

// Request is one request the server received.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the escaped path, such as "/zstack/v1/accounts"; a logout's
	// is "/zstack/v1/accounts/sessions/{session}", without the session.
	Path string
	// Query is the raw query, without "?".
	Query string
}

// Server is a ZStack management node on a loopback port. Its methods are
// safe for concurrent use.
type Server struct {
	// URL is the server's root, such as "http://127.0.0.1:41234": the
	// Endpoint of a zstack.Config.
	URL string

	// SessionID is a session the server accepts; it never expires.
	SessionID mfa.Secret
	// AccountName logs in (PUT /zstack/v1/accounts/login) with the SHA-512
	// of Password; the sessions it gets end with ExpireTokens or logout.
	AccountName string
	// Password is AccountName's password.
	Password mfa.Secret

	// h keeps the emulator two pointers away, so that no fmt verb prints
	// what it holds (the credentials in clear among them): see handle.
	h *handle
}

// handle holds the emulator behind a second pointer. fmt prints a pointer
// field as an address, but under a verb that does not fit the field (%s,
// %q, %t and others on a pointer) it prints the value the pointer points
// to, one level deep: "%!s(*sim.Sim=&{...})". A *sim.Sim field would thus
// print the emulator's credentials in clear; a *handle field prints only
// handle, whose *sim.Sim stays an address.
type handle struct{ sim *sim.Sim }

// NewServer starts a server on 127.0.0.1 with the organisation opts
// describes. Call Close when done.
func NewServer(opts Options) (*Server, error) {
	o := sim.Options{
		Seed: opts.Seed, Users: opts.UserCount, MaxDevicesPerUser: opts.MaxDevicesPerUser,
		Active: opts.Active, Pending: opts.Pending, Unknown: opts.Unknown, NoDevice: opts.NoDevice,
		Latency: opts.Latency, MaxPageSize: opts.MaxPageSize, IAM2: sim.IAM2Mode(opts.IAM2),
	}
	if opts.Accounts != nil || opts.VirtualIDs != nil {
		o.Explicit = true
		o.ZStackUsers = []sim.User{}
		for _, a := range opts.Accounts {
			o.ZStackUsers = append(o.ZStackUsers, toSim(a.UUID, a.Name, a.Type, a.State, a.Created, false, a.Secrets))
		}
		for _, v := range opts.VirtualIDs {
			o.ZStackUsers = append(o.ZStackUsers, toSim(v.UUID, v.Name, v.Type, v.State, v.Created, true, v.Secrets))
		}
	}
	s, err := sim.StartZStack(o)
	if err != nil {
		return nil, err
	}
	c := s.Creds
	return &Server{
		URL: s.ZStack.URL(), SessionID: mfa.NewSecret(c.ZStackSession), AccountName: c.ZStackAccount,
		Password: mfa.NewSecret(c.ZStackPassword), h: &handle{sim: s},
	}, nil
}

func toSim(uuid, name, typ, state string, created time.Time, virtual bool, secrets []Secret) sim.User {
	u := sim.User{ID: uuid, Name: name, Type: typ, State: state, Created: created, VirtualID: virtual}
	for _, s := range secrets {
		u.Devices = append(u.Devices, sim.Device{ID: s.UUID, Secret: s.Secret.Reveal(), VendorStatus: s.Status, Created: s.Created})
	}
	return u
}

// Close stops the server: requests waiting on latency are dropped, the
// others are answered, and every connection is closed. Close is
// idempotent.
func (s *Server) Close() { s.h.sim.Close() }

func secretsOf(devs []sim.Device) []Secret {
	var out []Secret
	for _, d := range devs {
		out = append(out, Secret{UUID: d.ID, Secret: mfa.NewSecret(d.Secret), Status: d.VendorStatus, Created: d.Created})
	}
	return out
}

// Accounts returns every account with its secrets, in the order
// GET /zstack/v1/accounts lists them.
func (s *Server) Accounts() []Account {
	var out []Account
	for _, u := range s.h.sim.ZStack.Users() {
		if !u.VirtualID {
			out = append(out, Account{UUID: u.ID, Name: u.Name, Type: u.Type, State: u.State, Created: u.Created, Secrets: secretsOf(u.Devices)})
		}
	}
	return out
}

// VirtualIDs returns every IAM2 virtual id with its secrets, in the order
// GET /zstack/v1/iam2/virtual-ids lists them.
func (s *Server) VirtualIDs() []VirtualID {
	var out []VirtualID
	for _, u := range s.h.sim.ZStack.Users() {
		if u.VirtualID {
			out = append(out, VirtualID{UUID: u.ID, Name: u.Name, Type: u.Type, State: u.State, Created: u.Created, Secrets: secretsOf(u.Devices)})
		}
	}
	return out
}

// Devices returns every secret as a faithful client reports it, in the
// order GET /zstack/v1/twofactorauthentication/secrets lists them.
func (s *Server) Devices() []Device {
	devs := s.h.sim.ZStack.Devices()
	out := make([]Device, len(devs))
	for i, d := range devs {
		out[i] = Device{
			UserID: d.UserID, ID: d.ID, Kind: d.Kind, Status: d.Status, VendorStatus: d.VendorStatus,
			Created: d.Created, Secret: mfa.NewSecret(d.Secret),
		}
	}
	return out
}

// Inject adds f to the server's fault queue: the server answers the next
// requests as f says, in ZStack's form (see mfatest.Fault). It panics
// when f cannot be honoured (no Kind, or a Status a FaultServerError
// cannot have).
func (s *Server) Inject(f mfatest.Fault) { s.h.sim.ZStack.Inject(f) }

// ClearFaults empties the fault queue.
func (s *Server) ClearFaults() { s.h.sim.ZStack.ClearFaults() }

// SetLatency delays every request by d, login included. A request whose
// context ends during the delay gets no answer: its connection is closed.
func (s *Server) SetLatency(d time.Duration) { s.h.sim.ZStack.SetLatency(d) }

// SetQuota gives the server a quota of perSecond requests a second with
// a burst of burst (0: no quota), every path counted, the requests beyond
// it refused as ZStack's management node refuses when it cannot take more:
// 503 with the transient code SYS.1012 (ZStack has no 429) and
// Retry-After: 1.
func (s *Server) SetQuota(perSecond float64, burst int) { s.h.sim.ZStack.SetQuota(perSecond, burst) }

// Refusals returns the number of requests the quota refused.
func (s *Server) Refusals() int { return int(s.h.sim.ZStack.Refusals()) }

// ExpireTokens ends every session the login has issued so far: their next
// use gets 503 ID.1001. SessionID stays valid.
func (s *Server) ExpireTokens() { s.h.sim.ZStack.ExpireTokens() }

// IssuedTokens returns every session the login has issued, expired or not, for
// tests that check no credential reaches an output.
func (s *Server) IssuedTokens() []mfa.Secret { return s.h.sim.ZStack.IssuedSecrets() }

// RequestCount returns the number of requests the server has received,
// faults and errors included.
func (s *Server) RequestCount() int { return int(s.h.sim.ZStack.Requests()) }

// ConnectionCount returns the number of TCP connections the server has
// accepted.
func (s *Server) ConnectionCount() int { return int(s.h.sim.ZStack.Connections()) }

// Requests returns the requests the server received, oldest first: the
// last 10,000 at most. No header is kept, and a logout's path shows
// "{session}" for its session, so no credential is.
func (s *Server) Requests() []Request {
	log := s.h.sim.ZStack.RequestLog()
	out := make([]Request, len(log))
	for i, r := range log {
		out[i] = Request{Method: r.Method, Path: r.Path, Query: r.Query}
	}
	return out
}
