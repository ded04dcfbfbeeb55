package rackspacetest

import (
	"strconv"
	"time"

	"github.com/openmfa/mfa-go/internal/sim"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
)

// DefaultMaxPageSize is the page size of GET /v2.0/users when
// Options.MaxPageSize is 0: small, so that the default sample spans more
// than one page and a client must follow the next links.
const DefaultMaxPageSize = 5

// Options says what a Server holds and how it behaves. The zero value
// serves the sample organisation of seed 1: 12 users with up to 2 OTP
// devices each.
type Options struct {
	// Seed picks the sample organisation and the credentials: the same
	// seed and options give the same users, devices and credentials. 0
	// means 1.
	Seed int64

	// UserCount is the number of users of the sample organisation, at
	// most 1,000,000. 0 means 12.
	UserCount int

	// MaxDevicesPerUser is the most OTP devices a sample user has, at most
	// 1000. 0 means 2.
	MaxDevicesPerUser int

	// Active, Pending, Unknown and NoDevice are the relative weights of
	// what a sample user gets: a verified OTP device (multi-factor on), an
	// unverified one, a verified phone and no OTP device (Rackspace has no
	// unknown status: these are its SMS-only users), or no factor at all.
	// All four 0 means 60, 20, 5, 15. See the package documentation for
	// the rest of the sample.
	Active, Pending, Unknown, NoDevice int

	// Users, when not nil, replaces the sample organisation: the server
	// holds exactly these users, in this order (an empty list: no user).
	// What a user leaves empty is filled in; Server.Users reports the
	// result.
	Users []User

	// MaxPageSize is the most users GET /v2.0/users answers, whatever its
	// limit asks. 0 means DefaultMaxPageSize.
	MaxPageSize int

	// Latency delays every request (see Server.SetLatency).
	Latency time.Duration
}

// User is one user of the server: what Options.Users gives and what
// Server.Users reports.
type User struct {
	// ID is the user id; "" gives a generated one (32 hex digits). It
	// must be usable as a URL path segment.
	ID string
	// Username is the user name; "" gives a sample name.
	Username string
	// Email is the e-mail address; "" gives Username@example.com.
	Email string
	// Disabled is a user whose enabled is false.
	Disabled bool

	// MultiFactorEnabled is RAX-AUTH:multiFactorEnabled: login asks for
	// the user's factor.
	MultiFactorEnabled bool
	// MultiFactorState is RAX-AUTH:multiFactorState (ACTIVE or LOCKED);
	// "" gives ACTIVE when MultiFactorEnabled, none otherwise.
	MultiFactorState string
	// EnforcementLevel is RAX-AUTH:userMultiFactorEnforcementLevel
	// (DEFAULT, OPTIONAL or REQUIRED); "" gives DEFAULT.
	EnforcementLevel string
	// FactorType is RAX-AUTH:factorType (OTP or SMS); "" gives, when
	// MultiFactorEnabled, OTP with a verified OTP device, else SMS with a
	// verified phone.
	FactorType string
	// Created is the creation date, to the second, in UTC; the zero time
	// gives a sample date.
	Created time.Time

	// OTPDevices are the user's OTP devices.
	OTPDevices []OTPDevice
	// Phone is the user's mobile phone (the SMS factor), or nil: a
	// Rackspace user has at most one.
	Phone *MobilePhone
}

// Enabled reports whether a faithful client reports the user enabled.
func (u User) Enabled() bool { return !u.Disabled }

// LoginMFA is what a faithful client reports about the user's login:
// required when multi-factor is on or the user's level is REQUIRED, not
// required when the level is OPTIONAL, and unknown when it is DEFAULT
// (the domain decides, and the users listing does not say how).
func (u User) LoginMFA() mfa.Enforcement {
	switch {
	case u.MultiFactorEnabled || u.EnforcementLevel == "REQUIRED":
		return mfa.EnforcementRequired
	case u.EnforcementLevel == "OPTIONAL":
		return mfa.EnforcementNotRequired
	}
	return mfa.EnforcementUnknown
}

// LoginMFAMethod is the factor login asks for (FactorType) when
// multi-factor is on, or "".
func (u User) LoginMFAMethod() string {
	if u.MultiFactorEnabled {
		return u.FactorType
	}
	return ""
}

// OTPDevice is an OTP device of a user.
type OTPDevice struct {
	// ID is the device id; "" gives a generated one.
	ID string
	// Name is the device name; "" gives a sample name.
	Name string
	// Verified is a device bound to an authenticator: active. An
	// unverified device is pending.
	Verified bool
}

// MobilePhone is the mobile phone of a user: an SMS factor.
type MobilePhone struct {
	// ID is the phone's id; "" gives a generated one (8 digits).
	ID string
	// Number is the phone number as served; "" gives a sample number.
	Number string
	// Verified is a phone that has received and returned a code: active.
	Verified bool
}

// Device is one factor of a user as a faithful client reports it through
// mfa.Device: the ground truth for a test.
type Device struct {
	// UserID is the owner's id.
	UserID string
	// UserName is "": the device calls do not say it.
	UserName string
	// ID is the OTP device's or the phone's id.
	ID string
	// Name is an OTP device's name; "" for a phone (a client shows its
	// number masked in Name instead).
	Name string
	// Number is a phone's number; "" for an OTP device.
	Number string
	// Kind is mfa.KindTOTP for an OTP device, mfa.KindSMS for a phone.
	Kind mfa.Kind
	// Status is mfa.StatusActive when verified, mfa.StatusPending
	// otherwise.
	Status mfa.Status
	// VendorStatus is the text of verified: "true" or "false".
	VendorStatus string
	// Created is the zero time: the device calls do not say it.
	Created time.Time
}

// Request is one request the server received.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the escaped path, such as "/v2.0/users".
	Path string
	// Query is the raw query, without "?".
	Query string
}

// Server is a Rackspace Identity v2.0 server on a loopback port. Its
// methods are safe for concurrent use.
type Server struct {
	// URL is the server's root, such as "http://127.0.0.1:41234": the
	// Endpoint of a rackspace.Config.
	URL string

	// Token is an X-Auth-Token the server accepts; it never expires.
	Token mfa.Secret
	// Username logs in (POST /v2.0/tokens) with APIKey or Password; the
	// tokens it gets end with ExpireTokens.
	Username string
	// APIKey is Username's API key.
	APIKey mfa.Secret
	// Password is Username's password.
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
		Latency: opts.Latency, MaxPageSize: opts.MaxPageSize,
	}
	if opts.Users != nil {
		o.Explicit = true
		o.RackspaceUsers = make([]sim.User, 0, len(opts.Users))
		for _, u := range opts.Users {
			o.RackspaceUsers = append(o.RackspaceUsers, u.toSim())
		}
	}
	s, err := sim.StartRackspace(o)
	if err != nil {
		return nil, err
	}
	c := s.Creds
	return &Server{
		URL: s.Rackspace.URL(), Token: mfa.NewSecret(c.RackspaceToken), Username: c.RackspaceUser,
		APIKey: mfa.NewSecret(c.RackspaceAPIKey), Password: mfa.NewSecret(c.RackspacePassword),
		h: &handle{sim: s},
	}, nil
}

func (u User) toSim() sim.User {
	r := sim.User{
		ID: u.ID, Name: u.Username, Email: u.Email, Disabled: u.Disabled,
		MFAEnabled: u.MultiFactorEnabled, MFAState: u.MultiFactorState, Enforcement: u.EnforcementLevel,
		FactorType: u.FactorType, Created: u.Created,
	}
	for _, d := range u.OTPDevices {
		r.Devices = append(r.Devices, sim.Device{ID: d.ID, Name: d.Name, VendorStatus: strconv.FormatBool(d.Verified)})
	}
	if p := u.Phone; p != nil {
		r.Devices = append(r.Devices, sim.Device{ID: p.ID, Number: p.Number, Kind: mfa.KindSMS, VendorStatus: strconv.FormatBool(p.Verified)})
	}
	return r
}

// Close stops the server: requests waiting on latency are dropped, the
// others are answered, and every connection is closed. Close is
// idempotent.
func (s *Server) Close() { s.h.sim.Close() }

// Users returns every user of the server with its factors, in the order
// GET /v2.0/users lists them.
func (s *Server) Users() []User {
	users := s.h.sim.Rackspace.Users()
	out := make([]User, len(users))
	for i, r := range users {
		u := User{
			ID: r.ID, Username: r.Name, Email: r.Email, Disabled: r.Disabled,
			MultiFactorEnabled: r.MFAEnabled, MultiFactorState: r.MFAState, EnforcementLevel: r.Enforcement,
			FactorType: r.FactorType, Created: r.Created,
		}
		for _, d := range r.Devices {
			active := d.Status == mfa.StatusActive
			if d.Kind == mfa.KindSMS {
				u.Phone = &MobilePhone{ID: d.ID, Number: d.Number, Verified: active}
			} else {
				u.OTPDevices = append(u.OTPDevices, OTPDevice{ID: d.ID, Name: d.Name, Verified: active})
			}
		}
		out[i] = u
	}
	return out
}

// Devices returns every factor of every user, users in the order of
// Users, each user's OTP devices before its phone.
func (s *Server) Devices() []Device {
	devs := s.h.sim.Rackspace.Devices()
	out := make([]Device, len(devs))
	for i, d := range devs {
		out[i] = Device{
			UserID: d.UserID, ID: d.ID, Name: d.Name, Number: d.Number, Kind: d.Kind,
			Status: d.Status, VendorStatus: d.VendorStatus,
		}
	}
	return out
}

// Inject adds f to the server's fault queue: the server answers the next
// requests as f says, in Rackspace's form (see mfatest.Fault). It panics
// when f cannot be honoured (no Kind, or a Status a FaultServerError
// cannot have).
func (s *Server) Inject(f mfatest.Fault) { s.h.sim.Rackspace.Inject(f) }

// ClearFaults empties the fault queue.
func (s *Server) ClearFaults() { s.h.sim.Rackspace.ClearFaults() }

// SetLatency delays every request by d, login included. A request whose
// context ends during the delay gets no answer: its connection is closed.
func (s *Server) SetLatency(d time.Duration) { s.h.sim.Rackspace.SetLatency(d) }

// SetQuota gives the server a quota of perSecond requests a second with
// a burst of burst (0: no quota), every path counted, the requests beyond
// it refused as the vendor refuses for rate: 413 overLimit (in the Accept format) with
// Retry-After: 1.
func (s *Server) SetQuota(perSecond float64, burst int) { s.h.sim.Rackspace.SetQuota(perSecond, burst) }

// Refusals returns the number of requests the quota refused.
func (s *Server) Refusals() int { return int(s.h.sim.Rackspace.Refusals()) }

// ExpireTokens ends every token the login has issued so far: their next
// use gets 401 unauthorized. Token stays valid.
func (s *Server) ExpireTokens() { s.h.sim.Rackspace.ExpireTokens() }

// IssuedTokens returns every token the login has issued, expired or not, for
// tests that check no credential reaches an output.
func (s *Server) IssuedTokens() []mfa.Secret { return s.h.sim.Rackspace.IssuedSecrets() }

// RequestCount returns the number of requests the server has received,
// faults and errors included.
func (s *Server) RequestCount() int { return int(s.h.sim.Rackspace.Requests()) }

// ConnectionCount returns the number of TCP connections the server has
// accepted.
func (s *Server) ConnectionCount() int { return int(s.h.sim.Rackspace.Connections()) }

// Requests returns the requests the server received, oldest first: the
// last 10,000 at most. No header is kept, so no credential is.
func (s *Server) Requests() []Request {
	log := s.h.sim.Rackspace.RequestLog()
	out := make([]Request, len(log))
	for i, r := range log {
		out[i] = Request{Method: r.Method, Path: r.Path, Query: r.Query}
	}
	return out
}
