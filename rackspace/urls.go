package rackspace

import (
	"fmt"

	"github.com/openmfa/mfa-go/internal/transport"
)

// Every path the package calls, below the endpoint. Each id is checked and
// escaped as one path segment by transport.EscapePath before any request.

// tokensPath is the login call.
const tokensPath = "/v2.0/tokens"

// otpDevicesURL is the list of a user's OTP devices.
func otpDevicesURL(userID string) (string, error) {
	p, err := transport.EscapePath("/v2.0/users/%s/RAX-AUTH/multi-factor/otp-devices", userID)
	if err != nil {
		return "", fmt.Errorf("user id: %w", err)
	}
	return p, nil
}

// otpDeviceURL is one OTP device of a user.
func otpDeviceURL(userID, deviceID string) (string, error) {
	if err := transport.CheckID(userID); err != nil {
		return "", fmt.Errorf("user id: %w", err)
	}
	if err := transport.CheckID(deviceID); err != nil {
		return "", fmt.Errorf("device id: %w", err)
	}
	return transport.EscapePath("/v2.0/users/%s/RAX-AUTH/multi-factor/otp-devices/%s", userID, deviceID)
}

// userURL is a user, whose attributes carry the multi-factor settings.
func userURL(userID string) (string, error) {
	p, err := transport.EscapePath("/v2.0/users/%s", userID)
	if err != nil {
		return "", fmt.Errorf("user id: %w", err)
	}
	return p, nil
}
