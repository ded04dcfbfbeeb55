package huaweiiam

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"

	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// get sends a GET for JSON. Content-Type is sent although there is no
// body: the Huawei APIs list it as a mandatory header, and AK/SK signing
// covers it.
func get(ctx context.Context, tc *transport.Client, path string) (*transport.Response, error) {
	return tc.Do(ctx, &transport.Request{
		Method: http.MethodGet,
		Path:   path,
		Accept: "application/json",
		Header: http.Header{"Content-Type": {"application/json"}},
	})
}

// VirtualMFAService is the provider of IAM virtual MFA devices (IAM v3.0
// OS-MFA), and of the IAM login protection settings. It implements
// mfa.Provider and mfa.DeviceLister. Its user ids are IAM user ids.
//
// Without Config.IAMEndpoint, every call returns an error matching
// mfa.ErrUnsupported.
type VirtualMFAService struct {
	name string
	tc   *transport.Client // nil without an endpoint
}

var (
	_ mfa.Provider     = (*VirtualMFAService)(nil)
	_ mfa.DeviceLister = (*VirtualMFAService)(nil)
	_ mfa.Provider     = (*WorkspaceOTPService)(nil)
	_ mfa.Device       = (*VirtualMFADevice)(nil)
	_ mfa.Device       = (*OTPDevice)(nil)
)

// Name returns the provider's name: Config.IAMName, "huawei-iam" by
// default.
func (s *VirtualMFAService) Name() string { return s.name }

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
// device: an *mfa.APIError matching mfa.ErrNotFound decoded from one of
// IAM's error envelopes.
func noDevice(err error) bool {
	var ae *mfa.APIError
	return errors.As(err, &ae) && ae.Code != "" && errors.Is(ae, mfa.ErrNotFound)
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

// WorkspaceOTPService is the provider of the OTP devices of Workspace
// desktop users (Workspace v2, in Config.ProjectID). It implements
// mfa.Provider. Its user ids are Workspace user ids, not IAM user ids.
//
// Without Config.WorkspaceEndpoint, every call returns an error matching
// mfa.ErrUnsupported.
type WorkspaceOTPService struct {
	name      string
	projectID string
	tc        *transport.Client // nil without an endpoint
}

// Name returns the provider's name: Config.WorkspaceName,
// "huawei-workspace" by default.
func (s *WorkspaceOTPService) Name() string { return s.name }

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
