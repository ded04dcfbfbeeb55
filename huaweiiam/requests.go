package huaweiiam

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// get sends a GET for JSON. Content-Type is sent although there is no
// body: the Huawei APIs list it as a mandatory header, and AK/SK signing
// covers it.
func get(ctx context.Context, tc *transport.Client, path string) (*transport.Response, error) {
	return getQuery(ctx, tc, path, nil)
}

// getQuery is get with a query.
func getQuery(ctx context.Context, tc *transport.Client, path string, query url.Values) (*transport.Response, error) {
	return tc.Do(ctx, &transport.Request{
		Method: http.MethodGet,
		Path:   path,
		Query:  query,
		Accept: "application/json",
		Header: http.Header{"Content-Type": {"application/json"}},
	})
}

// rate is the pace of tc, 0 without an endpoint.
func rate(tc *transport.Client) float64 {
	if tc == nil {
		return 0
	}
	return tc.Rate()
}

// VirtualMFAService is the provider of IAM virtual MFA devices (IAM v3.0
// OS-MFA), of the IAM users, and of their login protection settings. It
// implements mfa.Provider, mfa.DeviceLister and mfa.UserLister. Its user
// ids are IAM user ids.
//
// Without Config.IAMEndpoint, every call returns an error matching
// mfa.ErrUnsupported.
type VirtualMFAService struct {
	name       string
	tc         *transport.Client // nil without an endpoint
	maxListing int
}

var (
	_ mfa.Provider     = (*VirtualMFAService)(nil)
	_ mfa.DeviceLister = (*VirtualMFAService)(nil)
	_ mfa.UserLister   = (*VirtualMFAService)(nil)
	_ mfa.Provider     = (*WorkspaceOTPService)(nil)
	_ mfa.UserLister   = (*WorkspaceOTPService)(nil)
	_ mfa.Device       = (*VirtualMFADevice)(nil)
	_ mfa.Device       = (*OTPDevice)(nil)
)

// Name returns the provider's name: Config.IAMName, "huawei-iam" by
// default.
func (s *VirtualMFAService) Name() string { return s.name }

// Rate returns the pace of the IAM requests now, in requests per second,
// or 0 when they are not paced. Every IAM call counts, the password login
// included; Workspace calls keep a pace of their own.
func (s *VirtualMFAService) Rate() float64 { return rate(s.tc) }

func (s *VirtualMFAService) client() (*transport.Client, error) {
	if s.tc == nil {
		return nil, errNotConfigured(s.name, "IAMEndpoint")
	}
	return s.tc, nil
}

// UserDevice returns the virtual MFA device of an IAM user
// (GET /v3.0/OS-MFA/users/{user_id}/virtual-mfa-device). A user with no
// device, or no such user, is an error matching mfa.ErrNotFound.
func (s *VirtualMFAService) UserDevice(ctx context.Context, userID string) (*VirtualMFADevice, error) {
	tc, err := s.client()
	if err != nil {
		return nil, err
	}
	path, err := virtualMFADevicePath(userID)
	if err != nil {
		return nil, errorf(s.name, err)
	}
	resp, err := get(ctx, tc, path)
	if err != nil {
		return nil, err
	}
	return decodeVirtualMFADevice(resp, s.name, userID)
}

// UserDevices returns the virtual MFA device of an IAM user as a list of
// one, or an empty list when IAM answers that the user has none (HTTP 404
// with IAM's not-found error). A 404 that does not come from IAM (an API
// gateway's "API not found", an HTML page from a proxy) stays an error.
func (s *VirtualMFAService) UserDevices(ctx context.Context, userID string) ([]mfa.Device, error) {
	d, err := s.UserDevice(ctx, userID)
	if err != nil {
		if noDevice(err) {
			return []mfa.Device{}, nil
		}
		return nil, err
	}
	return []mfa.Device{d}, nil
}

// noDevice reports whether err is IAM saying a user has no virtual MFA
// device: an *mfa.APIError with IAM's own not-found code (IAM.0004). Any
// code will not do: a proxy's or gateway's JSON 404 ({"code":404,...})
// decodes with one too, and taken for "no device" it would report a user
// whose device was never read as having none.
func noDevice(err error) bool {
	var ae *mfa.APIError
	return errors.As(err, &ae) && kindOf(ae.Code) == mfa.ErrNotFound
}

// List returns every virtual MFA device of the account
// (GET /v3.0/OS-MFA/virtual-mfa-devices, an administrator call; one
// response, no paging).
func (s *VirtualMFAService) List(ctx context.Context) ([]*VirtualMFADevice, error) {
	tc, err := s.client()
	if err != nil {
		return nil, err
	}
	resp, err := get(ctx, tc, virtualMFADevicesPath)
	if err != nil {
		return nil, err
	}
	return decodeVirtualMFADevices(resp, s.name)
}

// AllDevices yields every virtual MFA device of the account, read with one
// call to List. An error is yielded once, as the last pair.
func (s *VirtualMFAService) AllDevices(ctx context.Context) iter.Seq2[mfa.Device, error] {
	return func(yield func(mfa.Device, error) bool) {
		devs, err := s.List(ctx)
		if err != nil {
			yield(nil, err)
			return
		}
		for _, d := range devs {
			if !yield(d, nil) {
				return
			}
		}
	}
}

// LoginProtect returns the login protection setting of an IAM user
// (GET /v3.0/OS-USER/users/{user_id}/login-protect): whether a second
// factor is asked for at login, and which.
func (s *VirtualMFAService) LoginProtect(ctx context.Context, userID string) (*LoginProtect, error) {
	tc, err := s.client()
	if err != nil {
		return nil, err
	}
	path, err := loginProtectPath(userID)
	if err != nil {
		return nil, errorf(s.name, err)
	}
	resp, err := get(ctx, tc, path)
	if err != nil {
		return nil, err
	}
	return decodeLoginProtect(resp, userID)
}

// LoginProtects returns the login protection setting of every IAM user of
// the account (GET /v3.0/OS-USER/login-protects, an administrator call).
func (s *VirtualMFAService) LoginProtects(ctx context.Context) ([]*LoginProtect, error) {
	tc, err := s.client()
	if err != nil {
		return nil, err
	}
	resp, err := get(ctx, tc, loginProtectsPath)
	if err != nil {
		return nil, err
	}
	return decodeLoginProtects(resp)
}

// Users yields every IAM user of the account (GET /v3/users, an
// administrator call), with what login protection says of the user's
// login, read once for everyone (GET /v3.0/OS-USER/login-protects).
//
// IAM lists only enabled users unless asked for enabled=false, so the
// users are read in two listings, enabled users then disabled ones, each
// following links.next while the server sends one. A user listed twice is
// yielded once.
//
// Login protection on with vmfa, sms or email (or another word, kept) is
// mfa.EnforcementRequired with that word as LoginMFAMethod; off is
// mfa.EnforcementNotRequired; a user login-protects does not list is
// mfa.EnforcementUnknown. When login-protects fails, every user is
// yielded with mfa.EnforcementUnknown and its error comes last; when the
// user listing fails too, its error is the one yielded, and says that
// login protection could not be read either.
//
// A listing whose pages repeat, or that passes Config.MaxListing rows,
// ends with an error matching mfa.ErrInvalidResponse after the users read
// before it. An error is yielded once, as the last pair; stopping the
// range stops the listing.
func (s *VirtualMFAService) Users(ctx context.Context) iter.Seq2[mfa.User, error] {
	return func(yield func(mfa.User, error) bool) {
		if ctx == nil {
			// transport.Do refuses a nil context too, but ctx.Err() below
			// would panic first.
			yield(mfa.User{}, fmt.Errorf("%s: %w: nil context", s.name, mfa.ErrBadRequest))
			return
		}
		if _, err := s.client(); err != nil {
			yield(mfa.User{}, err)
			return
		}
		protects, protectsErr := s.LoginProtects(ctx)
		if protectsErr != nil && ctx.Err() != nil {
			yield(mfa.User{}, protectsErr) // no listing can run either
			return
		}
		run := iamUsersRun{s: s, seen: newUsers(s.name, s.maxListing), yield: yield,
			protects: make(map[string]*LoginProtect, len(protects))}
		for _, p := range protects {
			run.protects[p.UserID()] = p
		}
		for _, enabled := range []bool{true, false} {
			var query url.Values // enabled defaults to true
			if !enabled {
				query = url.Values{"enabled": {"false"}}
				// A server that ignores the filter sends the enabled users
				// again: not new, but no loop either.
				run.seen.nextPass()
			}
			for page := 1; ; page++ {
				next, stopped, err := run.page(ctx, enabled, query, page)
				if stopped {
					return
				}
				if err != nil {
					if protectsErr != nil {
						err = fmt.Errorf("%w (nor could login protection be read: %v)", err, protectsErr)
					}
					yield(mfa.User{}, err)
					return
				}
				if next == nil {
					break
				}
				query = next
			}
		}
		if protectsErr != nil {
			yield(mfa.User{}, fmt.Errorf("login protection could not be read, so every user's login MFA is unknown: %w", protectsErr))
		}
	}
}

// iamUsersRun is one run of VirtualMFAService.Users, whose s.tc is set.
type iamUsersRun struct {
	s        *VirtualMFAService
	seen     *users
	protects map[string]*LoginProtect // by user id
	yield    func(mfa.User, error) bool
}

// page reads page n of the listing of enabled or disabled users, yields
// its new users, and returns the query of the next page, or nil after the
// last; stopped says that the caller stopped the range.
func (r *iamUsersRun) page(ctx context.Context, enabled bool, query url.Values, n int) (next url.Values, stopped bool, err error) {
	resp, err := getQuery(ctx, r.s.tc, iamUsersPath, query)
	if err != nil {
		return nil, false, err
	}
	p, err := decodeIAMUsers(resp, r.s.name, enabled)
	if err != nil {
		return nil, false, err
	}
	filter := "enabled"
	if !enabled {
		filter = "disabled"
	}
	var unread string
	if p.next != "" {
		unread = " but links to a next page"
	}
	stopped, err = r.seen.yieldPage(resp, p.users, fmt.Sprintf("%d of the %s users", n, filter), unread, r.yieldUser)
	if stopped || err != nil || p.next == "" {
		return nil, stopped, err
	}
	if next, err = iamNextPage(p.next); err != nil {
		return nil, false, resp.Invalid(err)
	}
	return next, false, nil
}

// yieldUser yields u with what login protection says of its login.
func (r *iamUsersRun) yieldUser(u mfa.User) bool {
	if lp := r.protects[u.ID]; lp != nil {
		u.LoginMFA, u.LoginMFAMethod = lp.wire.loginMFA()
	}
	return r.yield(u, nil)
}

// WorkspaceOTPService is the provider of the OTP devices of Workspace
// desktop users (Workspace v2, in Config.ProjectID), and of the users
// themselves. It implements mfa.Provider and mfa.UserLister. Its user ids
// are Workspace user ids, not IAM user ids.
//
// Without Config.WorkspaceEndpoint, every call returns an error matching
// mfa.ErrUnsupported.
type WorkspaceOTPService struct {
	name       string
	projectID  string
	tc         *transport.Client // nil without an endpoint
	maxListing int
	pageSize   int
}

// Name returns the provider's name: Config.WorkspaceName,
// "huawei-workspace" by default.
func (s *WorkspaceOTPService) Name() string { return s.name }

// Rate returns the pace of the Workspace requests now, in requests per
// second, or 0 when they are not paced. IAM calls keep a pace of their
// own.
func (s *WorkspaceOTPService) Rate() float64 { return rate(s.tc) }

// Users yields every Workspace desktop user of the project
// (GET /v2/{project_id}/users), Config.WorkspacePageSize at a time, by
// offset until total_count. A server may answer fewer users than asked:
// the next page starts after those read. A user listed twice is yielded
// once. A user is enabled unless disabled, locked or expired. The listing
// does not say whether login asks for the OTP device: LoginMFA is
// mfa.EnforcementUnknown.
//
// An empty page before total_count is reached, a page that repeats users
// already listed, or a listing past Config.MaxListing rows ends the
// listing with an error matching mfa.ErrInvalidResponse after the users
// read before it. An error is yielded once, as the last pair; stopping
// the range stops the listing.
func (s *WorkspaceOTPService) Users(ctx context.Context) iter.Seq2[mfa.User, error] {
	return func(yield func(mfa.User, error) bool) {
		if s.tc == nil {
			yield(mfa.User{}, errNotConfigured(s.name, "WorkspaceEndpoint"))
			return
		}
		path, err := workspaceUsersPath(s.projectID)
		if err != nil {
			yield(mfa.User{}, errorf(s.name, err))
			return
		}
		l := newUsers(s.name, s.maxListing)
		yieldUser := func(u mfa.User) bool { return yield(u, nil) }
		limit := strconv.Itoa(s.pageSize)
		for offset := 0; ; {
			resp, err := getQuery(ctx, s.tc, path, url.Values{"offset": {strconv.Itoa(offset)}, "limit": {limit}})
			if err != nil {
				yield(mfa.User{}, err)
				return
			}
			p, err := decodeWorkspaceUsers(resp, s.name)
			if err != nil {
				yield(mfa.User{}, err)
				return
			}
			var unread string
			if offset < p.total {
				unread = ", but total_count is " + strconv.Itoa(p.total) + ": the rest cannot be read"
			}
			stopped, err := l.yieldPage(resp, p.users, "at offset "+strconv.Itoa(offset), unread, yieldUser)
			if err != nil {
				yield(mfa.User{}, err)
				return
			}
			offset += len(p.users)
			// An empty page is the last: yieldPage made it an error where
			// the server promised more.
			if stopped || len(p.users) == 0 || p.total >= 0 && offset >= p.total {
				return
			}
		}
	}
}

// OTPDevices returns the OTP devices of a Workspace user
// (GET /v2/{project_id}/users/{user_id}/otp-devices; at most 55, no
// paging). A user with none gets an empty list.
//
// A create_time in no known layout does not fail the call: the device
// keeps the text (RawCreateTime), its CreatedAt is zero, and a warning
// naming the field and value goes to Config.Logger.
func (s *WorkspaceOTPService) OTPDevices(ctx context.Context, userID string) ([]*OTPDevice, error) {
	if s.tc == nil {
		return nil, errNotConfigured(s.name, "WorkspaceEndpoint")
	}
	path, err := otpDevicesPath(s.projectID, userID)
	if err != nil {
		return nil, errorf(s.name, err)
	}
	resp, err := get(ctx, s.tc, path)
	if err != nil {
		return nil, err
	}
	return decodeOTPDevices(resp, s.name, userID, s.tc.Logger())
}

// UserDevices returns the OTP devices of a Workspace user as mfa.Devices.
func (s *WorkspaceOTPService) UserDevices(ctx context.Context, userID string) ([]mfa.Device, error) {
	devs, err := s.OTPDevices(ctx, userID)
	if err != nil {
		return nil, err
	}
	return mfa.AsDevices(devs), nil
}

// errNotConfigured is the error of a provider whose endpoint is not set.
func errNotConfigured(provider, field string) error {
	return fmt.Errorf("%s: %w: Config.%s is not set", provider, mfa.ErrUnsupported, field)
}

// errorf prefixes an argument error with the provider name.
func errorf(provider string, err error) error {
	return fmt.Errorf("%s: %w", provider, err)
}
