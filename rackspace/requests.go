package rackspace

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/openmfa/mfa-go/internal/timeparse"
	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// renewEarly is how long before its expiry a token is renewed (never
// sooner than half its lifetime).
const renewEarly = 5 * time.Minute

// expiresLayouts are the layouts of access.token.expires, such as
// "2014-01-09T15:08:53.645-06:00".
var expiresLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
}

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
	path, err := otpDevicesURL(userID)
	if err != nil {
		return nil, c.badID(err)
	}
	resp, err := c.get(ctx, path)
	if err != nil {
		return nil, err
	}
	devices, err := decodeDevices(resp.Text(), c.name, userID)
	if err != nil {
		return nil, resp.Invalid(err)
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
	path, err := otpDeviceURL(userID, deviceID)
	if err != nil {
		return nil, c.badID(err)
	}
	resp, err := c.get(ctx, path)
	if err != nil {
		return nil, err
	}
	d, err := decodeDevice(resp.Text(), c.name, userID, deviceID)
	if err != nil {
		return nil, resp.Invalid(err)
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
	out := make([]mfa.Device, len(devices))
	for i, d := range devices {
		out[i] = d
	}
	return out, nil
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
	path, err := userURL(userID)
	if err != nil {
		return nil, c.badID(err)
	}
	resp, err := c.get(ctx, path)
	if err != nil {
		return nil, err
	}
	u, err := decodeUserMFA(resp.Text())
	if err != nil {
		return nil, resp.Invalid(err)
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

// loginBody is the body of POST /v2.0/tokens.
func (cred *credentials) loginBody() ([]byte, error) {
	type user struct {
		Username string `json:"username"`
		APIKey   string `json:"apiKey,omitempty"`
		Password string `json:"password,omitempty"`
	}
	auth := map[string]user{"passwordCredentials": {Username: cred.username, Password: cred.password}}
	if cred.apiKey != "" {
		auth = map[string]user{"RAX-KSKEY:apiKeyCredentials": {Username: cred.username, APIKey: cred.apiKey}}
	}
	return json.Marshal(map[string]any{"auth": auth})
}

// login obtains a token with POST /v2.0/tokens. The call is always made in
// JSON, whatever the Client's format; its response is read in either.
func (c *Client) login(ctx context.Context, cred *credentials) (transport.Token, error) {
	body, err := cred.loginBody()
	if err != nil {
		return transport.Token{}, fmt.Errorf("%s: login: %w", c.name, err)
	}
	log := c.tc.Logger()
	log.DebugContext(ctx, "logging in", "provider", c.name, "username", cred.username)
	resp, err := c.tc.Do(ctx, &transport.Request{
		Method:      http.MethodPost,
		Path:        tokensPath,
		Accept:      mediaJSON,
		Body:        body,
		ContentType: mediaJSON,
		NoAuth:      true,
		Secrets:     cred.secrets(),
	})
	if err != nil {
		return transport.Token{}, fmt.Errorf("logging in as %q: %w", cred.username, err)
	}
	tok, err := decodeToken(resp.Text())
	if err != nil {
		// The body is not quoted: it may hold the token.
		msg := "cannot decode the token response: " + transport.Redact(err.Error(), append(cred.secrets(), tok.id))
		return transport.Token{}, fmt.Errorf("logging in as %q: %w", cred.username, &mfa.APIError{
			Provider: c.name, StatusCode: resp.StatusCode, Message: msg, RequestID: resp.RequestID(), Kind: mfa.ErrInvalidResponse,
		})
	}
	t := transport.Token{Value: tok.id}
	if tok.expires != "" {
		exp, ok := timeparse.Parse(tok.expires, time.UTC, expiresLayouts...)
		switch {
		case !ok:
			log.WarnContext(ctx, "unreadable token expiry; the token is used until the server refuses it",
				"provider", c.name, "field", "access.token.expires", "value", tok.expires)
		case !exp.After(time.Now()):
			log.WarnContext(ctx, "token expiry already past (clock skew?); the token is used until the server refuses it",
				"provider", c.name, "field", "access.token.expires", "value", tok.expires)
		default:
			t.Expires = exp
		}
	}
	log.DebugContext(ctx, "logged in", "provider", c.name, "username", cred.username, "expires", t.Expires)
	return t, nil
}
