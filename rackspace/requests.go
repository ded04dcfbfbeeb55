package rackspace

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"

	"github.com/openmfa/mfa-go/internal/listing"
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
		if d.status == mfa.StatusUnknown {
			c.warnUnknown(ctx, "OTP device", d.userID, d.id, d.vendorStatus)
		}
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
	if d.status == mfa.StatusUnknown {
		c.warnUnknown(ctx, "OTP device", d.userID, d.id, d.vendorStatus)
	}
	return d, nil
}

// MobilePhones returns the mobile phones of a user, the SMS factor
// (GET /v2.0/users/{userId}/RAX-AUTH/multi-factor/mobile-phones): at most
// one, an empty slice for a user with none. An unknown user is an error
// matching mfa.ErrNotFound. Each phone shows its number masked.
func (c *Client) MobilePhones(ctx context.Context, userID string) ([]*MobilePhone, error) {
	path, err := mobilePhonesPath(userID)
	if err != nil {
		return nil, c.badID(err)
	}
	resp, err := c.get(ctx, path)
	if err != nil {
		return nil, err
	}
	phones, err := decodeMobilePhones(resp, c.name, userID)
	if err != nil {
		return nil, err
	}
	for _, p := range phones {
		if p.status == mfa.StatusUnknown {
			c.warnUnknown(ctx, "mobile phone", p.userID, p.id, p.vendorStatus)
		}
	}
	return phones, nil
}

// UserDevices returns every factor of a user as mfa.Devices, its OTP
// devices then its mobile phones (two calls, one after the other); it
// implements mfa.Provider. See OTPDevices and MobilePhones.
func (c *Client) UserDevices(ctx context.Context, userID string) ([]mfa.Device, error) {
	devices, err := c.OTPDevices(ctx, userID)
	if err != nil {
		return nil, err
	}
	phones, err := c.MobilePhones(ctx, userID)
	if err != nil {
		return nil, err
	}
	return append(mfa.AsDevices(devices), mfa.AsDevices(phones)...), nil
}

// Device returns one factor of a user as an mfa.Device; it implements
// mfa.DeviceGetter. The id is looked up as an OTP device first (see
// OTPDevice) and, when there is none, among the user's mobile phones. An
// id that is neither is the OTP device call's error, matching
// mfa.ErrNotFound.
func (c *Client) Device(ctx context.Context, userID, deviceID string) (mfa.Device, error) {
	d, err := c.OTPDevice(ctx, userID, deviceID)
	if err == nil {
		return d, nil
	}
	if !errors.Is(err, mfa.ErrNotFound) {
		return nil, err
	}
	phones, phoneErr := c.MobilePhones(ctx, userID)
	switch {
	case errors.Is(phoneErr, mfa.ErrNotFound):
		return nil, err
	case phoneErr != nil:
		return nil, phoneErr
	}
	for _, p := range phones {
		if p.id == deviceID {
			return p, nil
		}
	}
	return nil, err
}

// Users lists every user the token can see (GET /v2.0/users): a
// user-admin sees every user of its domain, a plain user itself. It
// implements mfa.UserLister. Pages follow the server's users_links next
// links (atom:link in XML), with marker and limit as OpenStack pages,
// until a page has none or is empty.
//
// A page that brings back only users already listed (a server that
// ignores the marker, or alternates two pages) ends the listing at once
// with an error matching mfa.ErrInvalidResponse, as does a listing longer
// than Config.MaxListing; a user listed twice is yielded once. Every user
// yielded before an error stays read.
func (c *Client) Users(ctx context.Context) iter.Seq2[mfa.User, error] {
	return func(yield func(mfa.User, error) bool) {
		guard := listing.New(c.maxListing)
		var query url.Values
		for {
			resp, err := c.tc.Do(ctx, &transport.Request{
				Method: http.MethodGet, Path: usersPath, Query: query, Accept: c.format.mediaType(), Secrets: c.cred.secrets(),
			})
			var page *usersPage
			if err == nil {
				page, err = decodeUsers(resp)
			}
			if err != nil {
				yield(mfa.User{}, err)
				return
			}
			fresh, pageErr := listing.Fresh(guard, page.users, func(u userWire) string { return u.ID })
			for i := range fresh {
				u, odd := fresh[i].user(c.name)
				for _, o := range odd {
					c.tc.Logger().WarnContext(ctx, "user with a flag that is no boolean; the user is kept", "provider", c.name,
						"user_id", u.ID, "field", o.field, "value", o.value, "read_as", o.readAs)
				}
				if !yield(u, nil) {
					return
				}
			}
			if pageErr != nil {
				yield(mfa.User{}, &mfa.APIError{
					Provider: c.name, StatusCode: resp.StatusCode, RequestID: resp.RequestID(),
					Message: fmt.Sprintf("listing users, the page after marker %q: %v", shorten(query.Get("marker")), pageErr),
					Kind:    mfa.ErrInvalidResponse,
				})
				return
			}
			if query = page.next(); query == nil {
				return
			}
		}
	}
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
func (c *Client) warnUnknown(ctx context.Context, what, userID, id, value string) {
	c.tc.Logger().WarnContext(ctx, what+" with an unknown verified flag", "provider", c.name,
		"user_id", userID, "device_id", id, "field", "verified", "value", value)
}
