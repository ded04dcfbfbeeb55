package rackspace

import (
	"fmt"

	"github.com/openmfa/mfa-go/internal/transport"
)

// Every path the package calls, below the endpoint. Each id is checked and
// escaped as one path segment by transport.EscapePath before any request.

// tokensPath is the login call.
const tokensPath = "/v2.0/tokens"

// usersPath is the user listing.
const usersPath = "/v2.0/users"

// otpDevicesPath is the list of a user's OTP devices.
func otpDevicesPath(userID string) (string, error) {
	p, err := transport.EscapePath("/v2.0/users/%s/RAX-AUTH/multi-factor/otp-devices", userID)
	if err != nil {
		return "", fmt.Errorf("user id: %w", err)
	}
	return p, nil
}

// otpDevicePath is one OTP device of a user.
func otpDevicePath(userID, deviceID string) (string, error) {
	if err := transport.CheckID(userID); err != nil {
		return "", fmt.Errorf("user id: %w", err)
	}
	if err := transport.CheckID(deviceID); err != nil {
		return "", fmt.Errorf("device id: %w", err)
	}
	return transport.EscapePath("/v2.0/users/%s/RAX-AUTH/multi-factor/otp-devices/%s", userID, deviceID)
}

// userPath is a user, whose attributes carry the multi-factor settings.
func userPath(userID string) (string, error) {
	p, err := transport.EscapePath("/v2.0/users/%s", userID)
	if err != nil {
		return "", fmt.Errorf("user id: %w", err)
	}
	return p, nil
}

// mobilePhonesPath is the list of a user's mobile phones.
func mobilePhonesPath(userID string) (string, error) {
	p, err := transport.EscapePath("/v2.0/users/%s/RAX-AUTH/multi-factor/mobile-phones", userID)
	if err != nil {
		return "", fmt.Errorf("user id: %w", err)
	}
	return p, nil
}
