package rackspace

import (
	"context"
	"fmt"
	"net/http"

	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// get sends a GET for path, asking for the Client's format.
func (c *Client) get(ctx context.Context, path string) (*transport.Response, error) {
	return c.tc.Do(ctx, &transport.Request{Method: http.MethodGet, Path: path, Accept: c.format.mediaType(), Secrets: c.cred.secrets()})
}

// badID wraps the error of an id refused before any request.
func (c *Client) badID(err error) error { return fmt.Errorf("%s: %w", c.name, err) }

// OTPDevices returns the OTP devices of a user
// (GET /v2.0/users/{userId}/RAX-AUTH/multi-factor/otp-devices). A user
// with no device gets an empty slice; an unknown user is an error matching
// mfa.ErrNotFound.
func (c *Client) OTPDevices(ctx context.Context, userID string) ([]*OTPDevice, error) {
	path, err := otpDevicesPath(userID)
	if err != nil {
		return nil, c.badID(err)
	}
	resp, err := c.get(ctx, path)
	if err != nil {
		return nil, err
	}
	devices, err := decodeDevices(resp, c.name, userID)
	if err != nil {
		return nil, err
	}
	for _, d := range devices {
		c.warnUnknown(ctx, d)
	}
	return devices, nil
}

// OTPDevice returns one OTP device of a user
// (GET /v2.0/users/{userId}/RAX-AUTH/multi-factor/otp-devices/{otpDeviceId}).
// An unknown device or user is an error matching mfa.ErrNotFound.
func (c *Client) OTPDevice(ctx context.Context, userID, deviceID string) (*OTPDevice, error) {
	path, err := otpDevicePath(userID, deviceID)
	if err != nil {
		return nil, c.badID(err)
	}
	resp, err := c.get(ctx, path)
	if err != nil {
		return nil, err
	}
	d, err := decodeDevice(resp, c.name, userID, deviceID)
	if err != nil {
		return nil, err
	}
	c.warnUnknown(ctx, d)
	return d, nil
}

// UserDevices returns the OTP devices of a user as mfa.Devices; it
// implements mfa.Provider. See OTPDevices.
func (c *Client) UserDevices(ctx context.Context, userID string) ([]mfa.Device, error) {
	devices, err := c.OTPDevices(ctx, userID)
	if err != nil {
		return nil, err
	}
	return mfa.AsDevices(devices), nil
}

// Device returns one OTP device of a user as an mfa.Device; it implements
// mfa.DeviceGetter. See OTPDevice.
func (c *Client) Device(ctx context.Context, userID, deviceID string) (mfa.Device, error) {
	d, err := c.OTPDevice(ctx, userID, deviceID)
	if err != nil {
		return nil, err
	}
	return d, nil
}

// UserMFA returns the multi-factor settings of a user, read from the
// user's RAX-AUTH attributes (GET /v2.0/users/{userId}). An unknown user is
// an error matching mfa.ErrNotFound.
func (c *Client) UserMFA(ctx context.Context, userID string) (*UserMFA, error) {
	path, err := userPath(userID)
	if err != nil {
		return nil, c.badID(err)
	}
	resp, err := c.get(ctx, path)
	if err != nil {
		return nil, err
	}
	u, err := decodeUserMFA(resp)
	if err != nil {
		return nil, err
	}
	if u.UserID == "" {
		u.UserID = userID
	}
	return u, nil
}

// warnUnknown logs a device whose verified flag this module cannot read.
func (c *Client) warnUnknown(ctx context.Context, d *OTPDevice) {
	if d.status == mfa.StatusUnknown {
		c.tc.Logger().WarnContext(ctx, "OTP device with an unknown verified flag", "provider", c.name,
			"user_id", d.userID, "device_id", d.id, "field", "verified", "value", d.vendorStatus)
	}
}
