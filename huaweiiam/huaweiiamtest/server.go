package huaweiiamtest

import (
	"time"

	"github.com/openmfa/mfa-go/internal/sim"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
)

// DefaultMaxPageSize is the page size of the Workspace user listing when
// Options.MaxPageSize is 0: small, so that the default sample spans more
// than one page and a client must page by offset until total_count.
const DefaultMaxPageSize = 5

// Options says what a Server holds and how it behaves. The zero value
// serves the sample organisation of seed 1: 12 IAM users and 12
// Workspace users.
type Options struct {
	// Seed picks the sample organisation and the credentials: the same
	// seed and options give the same users, devices and credentials. 0
	// means 1.
	Seed int64

	// UserCount is the number of users of each service (IAM and
	// Workspace), at most 1,000,000. 0 means 12.
	UserCount int

	// MaxDevicesPerUser is the most OTP devices a sample Workspace user
	// has; Workspace allows 55, so a larger value (up to 1000) means 55. 0
	// means 2. An IAM user has at most one virtual MFA device.
	MaxDevicesPerUser int

	// Active, Pending, Unknown and NoDevice are the relative weights of
	// what a sample user gets. At Workspace: a first device REGISTERED,
	// UNREGISTER, in another status (LOCKED, EXPIRED, SUSPENDED), or no
	// device. At IAM, which has no device status: a device that login
	// asks for, a device login does not ask for (protection off), login
	// protection by SMS or e-mail with no device, or no factor. All four 0
	// means 60, 20, 5, 15. See the package documentation for the rest of
	// the sample.
	Active, Pending, Unknown, NoDevice int

	// IAMUsers, when it or WorkspaceUsers is not nil, replaces the sample
	// organisation: IAM holds exactly these users, in this order (nil: no
	// user). What they leave empty is filled in; Server.IAMUsers reports
	// the result.
	IAMUsers []IAMUser
	// WorkspaceUsers, when it or IAMUsers is not nil, replaces the sample
	// organisation: Workspace holds exactly these users, in this order
	// (nil: no user). What they leave empty is filled in;
	// Server.WorkspaceUsers reports the result.
	WorkspaceUsers []WorkspaceUser

	// MaxPageSize is the most users GET /v2/{project_id}/users answers,
	// whatever its limit asks (and when it gives none). 0 means
	// DefaultMaxPageSize.
	MaxPageSize int

	// Latency delays every request of both services (see
	// Server.SetLatency).
	Latency time.Duration
}

// IAMUser is a user of Huawei Cloud IAM: what Options.IAMUsers gives and
// what Server.IAMUsers reports.
type IAMUser struct {
	// ID is the user id; "" gives a generated one (32 hex digits). It must
	// be usable as a URL path segment.
	ID string
	// Name is the user name; "" gives a sample name.
	Name string
	// Disabled is a user whose enabled is false.
	Disabled bool
	// LoginProtect is the user's login protection.
	LoginProtect LoginProtect
	// VirtualMFA is the user's virtual MFA device, or nil.
	VirtualMFA *VirtualMFA
}

// LoginProtect is the login protection of an IAM user: whether login asks
// for a second factor, and which.
type LoginProtect struct {
	// Enabled is a login that asks for the second factor.
	Enabled bool
	// Method is the verification_method: vmfa (the virtual MFA device),
	// sms or email; "" gives vmfa.
	Method string
}

// VirtualMFA is the virtual MFA device bound to an IAM user.
type VirtualMFA struct {
	// SerialNumber is the device's serial number, the device id a client
	// reports; "" gives "iam/mfa/<user id>".
	SerialNumber string
}

// Enabled reports whether a faithful client reports the user enabled.
func (u IAMUser) Enabled() bool { return !u.Disabled }

// LoginMFA is what a faithful client reports about the user's login:
// required when login protection is enabled, not required otherwise.
func (u IAMUser) LoginMFA() mfa.Enforcement {
	if u.LoginProtect.Enabled {
		return mfa.EnforcementRequired
	}
	return mfa.EnforcementNotRequired
}

// LoginMFAMethod is the verification method when login protection is
// enabled, or "".
func (u IAMUser) LoginMFAMethod() string {
	if u.LoginProtect.Enabled {
		return u.LoginProtect.Method
	}
	return ""
}

// WorkspaceUser is a desktop user of Huawei Cloud Workspace: what
// Options.WorkspaceUsers gives and what Server.WorkspaceUsers reports. Its
// id means nothing at IAM.
type WorkspaceUser struct {
	// ID is the user id; "" gives a generated one (32 hex digits). It must
	// be usable as a URL path segment.
	ID string
	// Name is the user_name; "" gives a sample name.
	Name string
	// Email is the user_email; "" gives Name@example.com.
	Email string
	// Disabled, Locked and AccountExpired are the user's disabled, locked
	// and account_expired: any of them makes a user that cannot log in.
	Disabled, Locked, AccountExpired bool
	// OTPDevices are the user's OTP devices, at most 55.
	OTPDevices []OTPDevice
}

// Enabled reports whether a faithful client reports the user enabled: not
// disabled, locked or expired.
func (u WorkspaceUser) Enabled() bool { return !u.Disabled && !u.Locked && !u.AccountExpired }

// LoginMFA is mfa.EnforcementUnknown: the Workspace user listing does not
// say whether login asks for the OTP device.
func (u WorkspaceUser) LoginMFA() mfa.Enforcement { return mfa.EnforcementUnknown }

// LoginMFAMethod is "": Workspace does not say.
func (u WorkspaceUser) LoginMFAMethod() string { return "" }

// OTPDevice is an OTP device of a Workspace user.
type OTPDevice struct {
	// ID is the device id; "" gives a generated one.
	ID string
	// Status is REGISTERED (bound: active), UNREGISTER (pending) or
	// another word (unknown); "" gives UNREGISTER.
	Status string
	// Created is the create_time, to the second, in UTC; the zero time
	// gives a sample date.
	Created time.Time
}

// Device is one device as a faithful client reports it through
// mfa.Device: the ground truth for a test.
type Device struct {
	// UserID is the owner's id.
	UserID string
	// UserName is the owner's name at Workspace (the OTP device list says
	// it); "" at IAM.
	UserName string
	// ID is the OTP device id at Workspace, the serial number at IAM.
	ID string
	// Name is "": neither API names devices.
	Name string
	// Kind is mfa.KindTOTP.
	Kind mfa.Kind
	// Status is the normalised status: at Workspace REGISTERED is active,
	// UNREGISTER pending, any other word unknown; an IAM device is active.
	Status mfa.Status
	// VendorStatus is the Workspace status word; "" at IAM.
	VendorStatus string
	// Created is the Workspace create_time in UTC; the zero time at IAM.
	Created time.Time
}

// Request is one request a service received.
type Request struct {
	// Service is "iam" or "workspace": the host that received it.
	Service string
	// Method is the HTTP method.
	Method string
	// Path is the escaped path, such as "/v3/users".
	Path string
	// Query is the raw query, without "?".
	Query string
}

// Server is Huawei Cloud IAM and Workspace, each on its own loopback port
// as the two hosts are in reality, sharing credentials and tokens. Its
// methods are safe for concurrent use.
type Server struct {
	// IAMURL is the IAM root, such as "http://127.0.0.1:41234": the
	// IAMEndpoint of a huaweiiam.Config.
	IAMURL string
	// WorkspaceURL is the Workspace root: the WorkspaceEndpoint of a
	// huaweiiam.Config.
	WorkspaceURL string

	// ProjectID is the project of the Workspace paths; another answers
	// 403.
	ProjectID string
	// DomainID is the account's domain id.
	DomainID string

	// Token is an X-Auth-Token both services accept; it never expires.
	Token mfa.Secret
	// DomainName and Username log in (POST /v3/auth/tokens on IAM) with
	// Password; the tokens they get end with ExpireTokens.
	DomainName, Username string
	// Password is Username's password.
	Password mfa.Secret
	// AccessKey is the access key id of AK/SK signing (SDK-HMAC-SHA256),
	// the alternative to a token.
	AccessKey string
	// SecretKey is the secret key of AccessKey.
	SecretKey mfa.Secret

	// IAM and Workspace are the two hosts, for faults and counts of one
	// of them.
	IAM, Workspace *Host

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

// Host is one of the two services of a Server. Its methods are safe for
// concurrent use.
type Host struct {
	service string
	api     *sim.API
}

// NewServer starts the two services on 127.0.0.1 with the organisation
// opts describes. Call Close when done.
func NewServer(opts Options) (*Server, error) {
	o := sim.Options{
		Seed: opts.Seed, Users: opts.UserCount, MaxDevicesPerUser: opts.MaxDevicesPerUser,
		Active: opts.Active, Pending: opts.Pending, Unknown: opts.Unknown, NoDevice: opts.NoDevice,
		Latency: opts.Latency, MaxPageSize: opts.MaxPageSize,
	}
	if opts.IAMUsers != nil || opts.WorkspaceUsers != nil {
		o.Explicit = true
		o.IAMUsers, o.WorkspaceUsers = []sim.User{}, []sim.User{}
		for _, u := range opts.IAMUsers {
			r := sim.User{ID: u.ID, Name: u.Name, Disabled: u.Disabled, LoginProtect: u.LoginProtect.Enabled, LoginMethod: u.LoginProtect.Method}
			if u.VirtualMFA != nil {
				r.Devices = []sim.Device{{ID: u.VirtualMFA.SerialNumber}}
			}
			o.IAMUsers = append(o.IAMUsers, r)
		}
		for _, u := range opts.WorkspaceUsers {
			r := sim.User{ID: u.ID, Name: u.Name, Email: u.Email, Disabled: u.Disabled, Locked: u.Locked, Expired: u.AccountExpired}
			for _, d := range u.OTPDevices {
				r.Devices = append(r.Devices, sim.Device{ID: d.ID, VendorStatus: d.Status, Created: d.Created})
			}
			o.WorkspaceUsers = append(o.WorkspaceUsers, r)
		}
	}
	s, err := sim.StartHuawei(o)
	if err != nil {
		return nil, err
	}
	c := s.Creds
	return &Server{
		IAMURL: s.IAM.URL(), WorkspaceURL: s.Workspace.URL(), ProjectID: c.HuaweiProjectID, DomainID: c.HuaweiDomainID,
		Token: mfa.NewSecret(c.HuaweiToken), DomainName: c.HuaweiDomain, Username: c.HuaweiUser,
		Password: mfa.NewSecret(c.HuaweiPassword), AccessKey: c.HuaweiAK, SecretKey: mfa.NewSecret(c.HuaweiSK),
		IAM: &Host{service: "iam", api: s.IAM}, Workspace: &Host{service: "workspace", api: s.Workspace},
		h: &handle{sim: s},
	}, nil
}

// Close stops both services: requests waiting on latency are dropped, the
// others are answered, and every connection is closed. Close is
// idempotent.
func (s *Server) Close() { s.h.sim.Close() }

// IAMUsers returns every IAM user with its device, in the order GET
// /v3/users lists them (enabled and disabled together).
func (s *Server) IAMUsers() []IAMUser {
	users := s.IAM.api.Users()
	out := make([]IAMUser, len(users))
	for i, r := range users {
		out[i] = IAMUser{ID: r.ID, Name: r.Name, Disabled: r.Disabled, LoginProtect: LoginProtect{Enabled: r.LoginProtect, Method: r.LoginMethod}}
		if len(r.Devices) > 0 {
			out[i].VirtualMFA = &VirtualMFA{SerialNumber: r.Devices[0].ID}
		}
	}
	return out
}

// WorkspaceUsers returns every Workspace user with its devices, in the
// order GET /v2/{project_id}/users lists them.
func (s *Server) WorkspaceUsers() []WorkspaceUser {
	users := s.Workspace.api.Users()
	out := make([]WorkspaceUser, len(users))
	for i, r := range users {
		u := WorkspaceUser{ID: r.ID, Name: r.Name, Email: r.Email, Disabled: r.Disabled, Locked: r.Locked, AccountExpired: r.Expired}
		for _, d := range r.Devices {
			u.OTPDevices = append(u.OTPDevices, OTPDevice{ID: d.ID, Status: d.VendorStatus, Created: d.Created})
		}
		out[i] = u
	}
	return out
}

// IAMDevices returns every virtual MFA device, in the order of IAMUsers
// (and of GET /v3.0/OS-MFA/virtual-mfa-devices).
func (s *Server) IAMDevices() []Device { return s.IAM.devices() }

// WorkspaceDevices returns every Workspace OTP device, users in the order
// of WorkspaceUsers.
func (s *Server) WorkspaceDevices() []Device { return s.Workspace.devices() }

func (h *Host) devices() []Device {
	devs := h.api.Devices()
	out := make([]Device, len(devs))
	for i, d := range devs {
		out[i] = Device{
			UserID: d.UserID, UserName: d.UserName, ID: d.ID, Kind: d.Kind, Status: d.Status,
			VendorStatus: d.VendorStatus, Created: d.Created,
		}
	}
	return out
}

// Inject adds f to the fault queue of each service: each answers its own
// next requests as f says, in Huawei's form (see mfatest.Fault). Use
// s.IAM.Inject or s.Workspace.Inject for one service only. It panics when
// f cannot be honoured (no Kind, or a Status a FaultServerError cannot
// have).
func (s *Server) Inject(f mfatest.Fault) {
	s.IAM.Inject(f)
	s.Workspace.Inject(f)
}

// ClearFaults empties the fault queues of both services.
func (s *Server) ClearFaults() {
	s.IAM.ClearFaults()
	s.Workspace.ClearFaults()
}

// SetLatency delays every request of both services by d, login included.
// A request whose context ends during the delay gets no answer: its
// connection is closed.
func (s *Server) SetLatency(d time.Duration) {
	s.IAM.api.SetLatency(d)
	s.Workspace.api.SetLatency(d)
}

// SetQuota gives each service a quota of perSecond requests a second with
// a burst of burst (0: no quota), refused as Huawei's API gateway refuses:
// 429 APIG.0308 with Retry-After: 1. The services count apart, as their
// gateways do. Use s.IAM.SetQuota or s.Workspace.SetQuota for one.
func (s *Server) SetQuota(perSecond float64, burst int) {
	s.IAM.SetQuota(perSecond, burst)
	s.Workspace.SetQuota(perSecond, burst)
}

// Refusals returns the number of requests the quotas of both services
// refused.
func (s *Server) Refusals() int { return s.IAM.Refusals() + s.Workspace.Refusals() }

// ExpireTokens ends every token the login has issued so far, on both
// services: their next use gets 401 APIG.0307. Token stays valid.
func (s *Server) ExpireTokens() { s.IAM.api.ExpireTokens() }

// IssuedTokens returns every token the password login has issued (both services share them), expired or not, for
// tests that check no credential reaches an output.
func (s *Server) IssuedTokens() []mfa.Secret { return s.IAM.api.IssuedSecrets() }

// RequestCount returns the number of requests both services have
// received, faults and errors included.
func (s *Server) RequestCount() int { return s.IAM.RequestCount() + s.Workspace.RequestCount() }

// ConnectionCount returns the number of TCP connections both services
// have accepted.
func (s *Server) ConnectionCount() int {
	return s.IAM.ConnectionCount() + s.Workspace.ConnectionCount()
}

// Requests returns the requests both services received, in the order they
// arrived: the last 10,000 at most. No header is kept, so no credential
// is.
func (s *Server) Requests() []Request {
	log := s.IAM.api.RequestLog()
	out := make([]Request, len(log))
	for i, r := range log {
		out[i] = Request{Service: serviceOf(r.API), Method: r.Method, Path: r.Path, Query: r.Query}
	}
	return out
}

func serviceOf(api string) string {
	if api == "huawei-workspace" {
		return "workspace"
	}
	return "iam"
}

// Inject adds f to the service's fault queue (see Server.Inject).
func (h *Host) Inject(f mfatest.Fault) { h.api.Inject(f) }

// ClearFaults empties the service's fault queue.
func (h *Host) ClearFaults() { h.api.ClearFaults() }

// SetQuota gives the service a quota (see Server.SetQuota).
func (h *Host) SetQuota(perSecond float64, burst int) { h.api.SetQuota(perSecond, burst) }

// Refusals returns the number of requests the service's quota refused.
func (h *Host) Refusals() int { return int(h.api.Refusals()) }

// RequestCount returns the number of requests the service has received.
func (h *Host) RequestCount() int { return int(h.api.Requests()) }

// ConnectionCount returns the number of TCP connections the service has
// accepted.
func (h *Host) ConnectionCount() int { return int(h.api.Connections()) }

// Requests returns the requests the service received, oldest first.
func (h *Host) Requests() []Request {
	var out []Request
	for _, r := range h.api.RequestLog() {
		if serviceOf(r.API) == h.service {
			out = append(out, Request{Service: h.service, Method: r.Method, Path: r.Path, Query: r.Query})
		}
	}
	return out
}
